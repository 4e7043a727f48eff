//! The real `iamform` binary against temporary configurations and mock accounts.
//!
//! One test binary (compiled once) with a small fluent harness, as just does it.

mod apply;
mod ci;
mod faults;
mod lock;
mod moved;
mod ownership;
mod pipes;
mod quickstart;
mod saved;
mod validate;
