//! Rendering: the only place that formats plans and reports for people or tools, and (through
//! `printer`) the only place that writes to stdout and stderr.

pub mod drift;
pub mod hcl;
pub mod human;
pub mod lint;
pub mod markdown;
pub mod printer;
pub mod progress;
pub mod report;
pub mod style;

pub use style::Style;
