//! The real `iamform` binary against temporary configurations and mock accounts.
//!
//! One test binary (compiled once) with a small fluent harness, as just does it.

mod accounts;
mod apply;
mod ci;
mod faults;
mod moved;
mod ownership;
mod pipes;
mod quickstart;
mod validate;
