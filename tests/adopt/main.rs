//! Ownership, safety and adoption, through the real binary: `import` round trips (mock and moto),
//! `--target`, the self-lockout guard; and a property test of scope over the plan-building code.

#[path = "../cli/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../conformance/target.rs"]
#[allow(dead_code)]
mod moto;

mod guard;
mod import;
mod scope_props;
mod target;
