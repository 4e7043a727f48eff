//! Rendering: the only place that formats plans and reports for people or tools.

pub mod audit;
pub mod drift;
pub mod hcl;
pub mod human;
pub mod markdown;
pub mod report;
pub mod sarif;
pub mod style;

pub use style::Style;
