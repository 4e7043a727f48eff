//! iamform: a declarative reconciler for AWS IAM.
//!
//! ```text
//! *.hcl --config--> desired Account --+
//! backend.read() --> live Account ----+--diff--> Vec<Change> --plan--> Plan --> render / apply
//! ```

pub mod access;
pub mod accounts;
pub(crate) mod apply;
pub mod audit;
pub mod backend;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod diff;
pub mod drift;
pub mod fmt;
pub mod fsutil;
pub(crate) mod guard;
pub(crate) mod import;
pub mod lint;
pub mod model;
pub mod operation;
pub mod plan;
pub mod render;
pub mod run;
pub mod settings;
pub mod synth;
pub mod words;
