//! Ownership, safety and adoption, through the real binary: `import` round trips (mock and moto),
//! `--target`, the self-lockout guard; and a property test of scope over the plan-building code.

mod guard;
mod import;
mod scope_props;
mod target;
