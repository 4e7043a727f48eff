//! The integration tests: one test binary (linked once, with the aws SDK), one module per area.
//!
//! Most tests run the real `iamform` binary against temporary configurations and mock accounts
//! through [`harness`], as just's test suite does; `conformance` runs one set of backend cases on
//! the mock and on moto; `render` holds the insta snapshots.

// Tests and benchmarks report timings and sizes on stderr as they go; a test binary has no
// public API for `unreachable_pub` to guard; a scenario test reads top to bottom as one story,
// so the program's limit on function length is not held against it.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::too_many_lines,
    unreachable_pub
)]

mod harness;

mod access;
mod adopt;
mod architecture;
mod audit;
mod aws;
mod chaos;
mod cli;
mod conformance;
mod fmt;
mod hostile;
mod lang;
mod lint;
mod policy;
mod render;
