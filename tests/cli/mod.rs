//! The real `iamform` binary against temporary configurations and mock accounts.
//!
//! One test binary (compiled once) with a small fluent harness, as just does it.

mod accounts;
mod apply;
mod blast;
mod ci;
mod console_access;
mod faults;
mod federation;
mod github_actions;
pub(crate) mod lease;
mod lock;
mod moved;
mod ownership;
mod pipes;
mod quickstart;
mod saved;
mod service_linked_roles;
mod validate;
