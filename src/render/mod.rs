//! Rendering: the only place that formats plans and reports for people or tools, and (through
//! `printer`) the only place that writes to stdout and stderr.

pub(crate) mod access;
pub mod access_changes;
pub mod accounts;
pub mod audit;
pub(crate) mod budget;
pub mod drift;
pub mod hcl;
pub mod human;
pub(crate) mod lint;
pub(crate) mod lint_sarif;
pub mod markdown;
pub mod printer;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod sarif;
pub(crate) mod saved;
pub(crate) mod style;

pub use style::Style;
