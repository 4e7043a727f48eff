//! Policy documents users can trust: property tests of canonical equivalence and rendering, and
//! every AWS managed policy document moto ships (parse, round-trip, reordered form, lint).

mod managed;
mod mutate;
mod properties;
