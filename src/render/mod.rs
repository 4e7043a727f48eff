//! Rendering: the only place that formats plans and reports for people or tools, and (through
//! `printer`) the only place that writes to stdout and stderr.

pub mod drift;
pub mod hcl;
pub mod human;
pub(crate) mod lint;
pub mod markdown;
pub mod printer;
pub(crate) mod progress;
pub(crate) mod report;
pub(crate) mod style;

pub use style::Style;
