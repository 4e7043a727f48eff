//! Apply: run a plan's operations against a backend, in dependency order, concurrently.

pub mod report;
pub mod walk;

pub use report::{ApplyDocument, ApplyReport, Outcome};
pub use walk::{run, Event, Options};
