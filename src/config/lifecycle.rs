//! `lifecycle { prevent_destroy = true }`, checked against a plan's changes (after diff, before
//! the plan is shown or applied): a plan that would delete or replace a protected entity fails.
//!
//! Only entities still declared with the flag are protected: an entity removed from the
//! configuration no longer carries it, so its deletion is planned like any other.

use super::{Desired, Diagnostic, Diagnostics};
use crate::model::Address;

/// An entity a plan deletes or replaces (the replacement's reason, if it is one).
pub struct Removal<'a> {
    pub address: &'a Address,
    pub replaced_because: Option<&'a str>,
    pub replaced: bool,
}

/// One error per protected entity that `removals` would delete or replace.
pub fn check_prevent_destroy<'a>(
    desired: &Desired,
    removals: impl IntoIterator<Item = Removal<'a>>,
) -> Result<(), Diagnostics> {
    let mut out = Vec::new();
    for c in removals {
        let verb = if c.replaced { "replace" } else { "delete" };
        let Some(at) = desired.prevent_destroy.get(c.address) else {
            continue;
        };
        let mut d = Diagnostic::error(format!(
            "the plan would {verb} {}, which has lifecycle {{ prevent_destroy = true }}",
            c.address
        ));
        d.location = Some(at.clone());
        if let Some(decl) = desired.sources.get(c.address) {
            d = d.with_note(format!("{} is declared at {decl}", c.address));
        }
        if let Some(reason) = c.replaced_because {
            d = d.with_note(format!("it must be replaced because {reason}"));
        }
        out.push(d.with_help(format!(
            "to {verb} it on purpose, first remove prevent_destroy from its lifecycle block (or set it to false)"
        )));
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(out))
    }
}
