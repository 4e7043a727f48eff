//! The integration tests: one test binary (linked once, with the aws SDK), one module per area.
//!
//! Most tests run the real `iamform` binary against temporary configurations and mock accounts
//! through [`harness`], as just's test suite does; `conformance` runs one set of backend cases on
//! the mock and on moto; `render` holds the insta snapshots.

mod harness;

mod access;
mod adopt;
mod audit;
mod aws;
mod cli;
mod conformance;
mod fmt;
mod hostile;
mod lang;
mod lint;
mod policy;
mod render;
