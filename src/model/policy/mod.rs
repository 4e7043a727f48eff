//! Policy documents: the canonical model (parsed once, compared by meaning), validation with the
//! JSON path of each problem and a fix, and the size check against IAM's quotas
//! ([`crate::model::iam::SizeQuota`]).
//!
//! Part of the model: the configuration lowers `statement` blocks and JSON to a
//! [`PolicyDocument`], backends parse what IAM returns, and diff compares the two with `==`.

mod arn;
mod document;
mod operators;
mod validate;

pub use arn::{check_resource_arn, split_outside_variables};
pub use document::{
    duplicate_key, Condition, DuplicateKey, Effect, PolicyDocument, PolicyError, Principal,
    Statement, Values, DEFAULT_VERSION,
};
pub use operators::{check_operator, parse_operator, Operator, BASE_OPERATORS};
pub use validate::DocumentKind;

#[cfg(test)]
mod tests;
