//! Settings: what a run was asked to do, as validated data between the command line (`cli`, the
//! only place that knows clap) and the pipeline — and the settings of the backend, which come from
//! the configuration's `backend` block as well as from the command line.

pub mod backend;
pub mod faults;

pub use backend::{parse_mock_caller, BackendFlags, BackendSpec};
pub use faults::Faults;
