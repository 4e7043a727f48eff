//! Plans: the operations DAG built from a diff, as serde data.

pub mod operation;
