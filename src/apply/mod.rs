//! Apply: run a plan's operations against a backend, in dependency order, concurrently.

pub(crate) mod report;
pub(crate) mod secrets;
pub(crate) mod walk;

pub(crate) use report::{ApplyDocument, ApplyReport, Outcome};
pub(crate) use walk::{run, Event, Options};
