//! The blast-radius limit: a plan that destroys too much of what the configuration owns is
//! refused before any call. A scope typo (`paths = ["/"]` for `["/team/"]`), a deleted file or a
//! bad merge should cost a re-run with a flag, not an account.
//!
//! With a limit (`settings { max_destroy = N }` or `apply --max-destroy N`, the flag winning) a
//! plan destroying more than N entities is refused. Without one, the default refuses a plan that
//! destroys at least [`DEFAULT_MIN`] entities and more than half of all those the configuration
//! owns in the live account: removing a user or two never trips it, removing most of a team does.
//! Replacements count as destroys (the entity's unique id, keys and history go), as in the plan's
//! summary line.

use super::Plan;
use crate::diff::Action;
use crate::model::{Account, Address};
use std::fmt;

/// The default refuses only plans destroying at least this many entities.
pub const DEFAULT_MIN: usize = 5;

/// How many destroyed entities a refusal names before "and N more".
const NAMED: usize = 10;

/// A plan over the limit: what it destroys, out of how many owned, and the limit it broke.
#[derive(Debug, PartialEq)]
pub struct TooMany {
    pub destroyed: Vec<Address>,
    pub owned: usize,
    /// The explicit limit, or `None` for the default rule.
    pub limit: Option<usize>,
}

/// The number of live entities the configuration owns: all live ones but those the plan counted
/// as not managed.
pub fn owned(live: &Account, plan: &Plan) -> usize {
    live.len()
        .saturating_sub(plan.unmanaged.values().sum::<usize>())
}

/// `Err` when `plan` destroys more than `limit` allows (see the module documentation).
pub fn check(plan: &Plan, owned: usize, limit: Option<usize>) -> Result<(), TooMany> {
    let destroyed: Vec<Address> = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .map(|c| c.address.clone())
        .collect();
    let n = destroyed.len();
    let over = match limit {
        Some(max) => n > max,
        None => n >= DEFAULT_MIN && n * 2 > owned,
    };
    if over {
        Err(TooMany {
            destroyed,
            owned,
            limit,
        })
    } else {
        Ok(())
    }
}

impl fmt::Display for TooMany {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.destroyed.len();
        write!(
            f,
            "this plan destroys {n} of the {} entities the configuration owns, ",
            self.owned.max(n)
        )?;
        match self.limit {
            Some(max) => writeln!(f, "more than max_destroy = {max}:")?,
            None => writeln!(
                f,
                "more than half of them (the default limit, without max_destroy):"
            )?,
        }
        for a in self.destroyed.iter().take(NAMED) {
            writeln!(f, "  - {a}")?;
        }
        if n > NAMED {
            writeln!(f, "  ... and {} more", n - NAMED)?;
        }
        Ok(())
    }
}

impl TooMany {
    /// How to get past the limit, or not.
    pub fn fix(&self) -> String {
        let n = self.destroyed.len();
        format!(
            "If a scope or a file went missing by mistake, fix the configuration. If these deletions are \
             intended, apply with --max-destroy {n}, or set `settings {{ max_destroy = {n} }}`."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::Change;
    use crate::model::Kind;

    fn plan(deletes: usize, replaces: usize, creates: usize) -> Plan {
        let change = |i: usize, action| Change {
            address: Address::new(
                Kind::User,
                crate::model::Name::from(format!("u{i}").as_str()),
            ),
            action,
            before: None,
            after: None,
            reason: None,
            moved_from: None,
            module: None,
        };
        let mut changes = Vec::new();
        changes.extend((0..deletes).map(|i| change(i, Action::Delete)));
        changes.extend((deletes..deletes + replaces).map(|i| change(i, Action::Replace)));
        changes.extend((100..100 + creates).map(|i| change(i, Action::Create)));
        Plan {
            format_version: super::super::FORMAT_VERSION,
            account_id: "123456789012".into(),
            changes,
            operations: Vec::new(),
            unmanaged: Default::default(),
            targets: Vec::new(),
            max_destroy: None,
            access_changes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn passes(p: Plan, owned: usize, limit: Option<usize>) -> bool {
        check(&p, owned, limit).is_ok()
    }

    #[test]
    fn the_default_refuses_at_least_five_and_more_than_half() {
        assert!(passes(plan(4, 0, 0), 4, None), "four is never refused");
        assert!(passes(plan(5, 0, 0), 10, None), "exactly half passes");
        let refused = check(&plan(5, 0, 0), 9, None).unwrap_err();
        assert_eq!(refused.destroyed.len(), 5);
        assert!(!passes(plan(3, 3, 50), 11, None), "replacements count");
        assert!(passes(plan(0, 0, 50), 0, None), "creates never count");
    }

    #[test]
    fn an_explicit_limit_replaces_the_default_both_ways() {
        assert!(passes(plan(40, 0, 0), 40, Some(40)));
        assert!(!passes(plan(41, 0, 0), 100, Some(40)));
        assert!(!passes(plan(2, 0, 0), 100, Some(1)), "lowered");
        assert!(!passes(plan(1, 0, 0), 1, Some(0)), "zero forbids any");
    }

    #[test]
    fn the_refusal_names_the_count_the_first_entities_and_the_way_out() {
        let text = check(&plan(12, 0, 0), 13, None).unwrap_err().to_string();
        assert!(text.contains("destroys 12 of the 13 entities"), "{text}");
        assert!(text.contains("  - user.u0\n") && text.contains("  - user.u9\n"));
        assert!(!text.contains("user.u10"), "{text}");
        assert!(text.contains("... and 2 more"), "{text}");
        assert!(check(&plan(12, 0, 0), 13, None)
            .unwrap_err()
            .fix()
            .contains("--max-destroy 12"),);
        let limited = check(&plan(3, 0, 0), 100, Some(2)).unwrap_err().to_string();
        assert!(limited.contains("more than max_destroy = 2"), "{limited}");
    }
}
