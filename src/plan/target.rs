//! Targeted plans (`--target ADDRESS`): between diff and plan building, keep only the changes of
//! the targeted entities and of what they depend on.
//!
//! Terraform's rule, with IAM's dependencies: a targeted entity brings along every entity it
//! needs — the groups a user joins, the customer managed policies attached to it or used as its
//! permissions boundary, the roles and users its trust policy names, the role of an instance
//! profile, whatever its configuration references — so that they are created or updated first.
//! Deletions are never pulled in: only a targeted address is ever deleted. A targeted plan can
//! leave the account only partly converged, and says so.

use super::ops;
use crate::diff::{Action, Diff, Entity};
use crate::model::{Account, Address, Kind};
use crate::operation::Key;
use std::collections::{BTreeMap, BTreeSet};

/// A `--target` that names nothing, with the closest addresses that exist.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownTarget(String);

/// Checks that every target names an entity of the configuration or of the live account.
/// An unknown one is an error listing the closest addresses that exist.
pub fn check(targets: &[Address], desired: &Account, live: &Account) -> Result<(), UnknownTarget> {
    let mut known: BTreeSet<Address> = desired.addresses().into_iter().collect();
    known.extend(live.addresses());
    for target in targets {
        if known.contains(target) {
            continue;
        }
        let close = close_matches(target, &known);
        let mut msg = format!(
            "--target {target}: no such entity in the configuration or in the live account"
        );
        if close.is_empty() {
            msg.push_str(" (addresses are KIND.IAM_NAME, e.g. user.john or instance_profile.app)");
        } else {
            let list: Vec<String> = close.iter().map(ToString::to_string).collect();
            msg.push_str(&format!("; close matches: {}", list.join(", ")));
        }
        return Err(UnknownTarget(msg));
    }
    Ok(())
}

/// Up to five existing addresses close to `wanted`: the same name under another kind, names
/// containing it or contained in it, or within a few typing mistakes.
fn close_matches(wanted: &Address, known: &BTreeSet<Address>) -> Vec<Address> {
    let w = wanted.name.as_str().to_ascii_lowercase();
    let mut scored: Vec<(usize, &Address)> = known
        .iter()
        .filter_map(|a| {
            let n = a.name.as_str().to_ascii_lowercase();
            let kind_penalty = usize::from(a.kind != wanted.kind);
            let d = if n == w {
                0
            } else if n.contains(&w) || w.contains(&n) {
                1
            } else {
                let d = crate::model::suggest::distance(&w, &n);
                if d > (w.chars().count() / 3).max(2) {
                    return None;
                }
                d + 1
            };
            Some((d + kind_penalty, a))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, a)| a.clone()).collect()
}

/// The targets and, transitively, every entity of `desired` they depend on.
pub fn with_dependencies(
    targets: &[Address],
    desired: &Account,
    account_id: &str,
    references: &BTreeMap<Address, BTreeSet<Address>>,
) -> BTreeSet<Address> {
    let mut seen: BTreeSet<Address> = BTreeSet::new();
    let mut stack: Vec<Address> = targets.to_vec();
    while let Some(address) = stack.pop() {
        if !seen.insert(address.clone()) {
            continue;
        }
        let mut next = dependencies(&address, desired, account_id);
        next.extend(references.get(&address).into_iter().flatten().cloned());
        stack.extend(
            next.into_iter()
                .filter(|a| desired.contains(a) && !seen.contains(a)),
        );
    }
    seen
}

/// What one declared entity needs to exist before it can be created as declared: what its
/// operations need (their [`Effects`](crate::operation::Effects)), as entities of `desired`.
fn dependencies(address: &Address, desired: &Account, account_id: &str) -> Vec<Address> {
    let Some(entity) = Entity::of(desired, address) else {
        return Vec::new();
    };
    let no_references = BTreeMap::new();
    let ctx = ops::Context::new(&[], desired, desired, account_id, &no_references);
    let mut out: Vec<Address> = ops::creation_needs(&entity, &ctx)
        .into_iter()
        .filter_map(|key| match key {
            Key::Entity(kind, name) => Some(Address::new(kind, name)),
            Key::Policy(arn) => desired
                .policy_by_arn(account_id, &arn)
                .map(|p| Address::new(Kind::Policy, p.name.clone())),
        })
        .collect();
    // `instance_profile = true`: the profile of the role's own name is part of it.
    let n = &address.name;
    if address.kind == Kind::Role
        && desired
            .instance_profiles
            .get(n)
            .is_some_and(|p| p.roles.contains(n))
    {
        out.push(Address::new(Kind::InstanceProfile, n.clone()));
    }
    out
}

/// Keeps the changes of the targets (any action) and of their dependencies (anything but a
/// deletion). The unmanaged counts are kept as they are.
pub fn filter(diff: Diff, targets: &[Address], keep: &BTreeSet<Address>) -> Diff {
    let targeted: BTreeSet<&Address> = targets.iter().collect();
    let changes = diff
        .changes
        .into_iter()
        .filter(|c| {
            targeted.contains(&c.address)
                || (keep.contains(&c.address) && c.action != Action::Delete)
        })
        .collect();
    Diff {
        changes,
        unmanaged: diff.unmanaged,
    }
}

/// The warning a targeted plan prints, as Terraform does.
pub fn warning(targets: &[Address]) -> String {
    let list: Vec<String> = targets.iter().map(ToString::to_string).collect();
    format!(
        "Warning: this plan is targeted (--target {}): it holds only the changes of these entities \
         and of what they depend on, so the account may not match the whole configuration \
         afterwards. Use --target for exceptional cases, then run a full plan.\n\n",
        list.join(", --target ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Group, ManagedPolicy, PolicyDocument, User};

    const ACCT: &str = "123456789012";

    fn account() -> Account {
        let doc = PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )
        .unwrap();
        let mut a = Account::default();
        a.policies.insert(
            "x".into(),
            ManagedPolicy {
                name: "x".into(),
                path: "/".into(),
                description: None,
                tags: Default::default(),
                document: doc,
                versions: vec![],
            },
        );
        a.groups.insert(
            "dev".into(),
            Group {
                name: "dev".into(),
                path: "/".into(),
                policies: [crate::model::arn(ACCT, Kind::Policy, "/", "x")].into(),
                inline_policies: Default::default(),
            },
        );
        for name in ["john", "mary"] {
            a.users.insert(
                name.into(),
                User {
                    name: name.into(),
                    path: "/".into(),
                    permissions_boundary: None,
                    tags: Default::default(),
                    groups: ["dev".into()].into(),
                    policies: Default::default(),
                    inline_policies: Default::default(),
                    credentials: Default::default(),
                    console_access: None,
                },
            );
        }
        a
    }

    #[test]
    fn dependencies_are_transitive_and_dependents_are_left_out() {
        let a = account();
        let keep = with_dependencies(
            &[Address::new(Kind::User, "john")],
            &a,
            ACCT,
            &BTreeMap::new(),
        );
        let names: Vec<String> = keep.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["user.john", "group.dev", "policy.x"]);
    }

    #[test]
    fn unknown_targets_list_close_matches() {
        let a = account();
        let e = check(&[Address::new(Kind::User, "jonh")], &a, &Account::default()).unwrap_err();
        assert!(e.to_string().contains("close matches: user.john"), "{e}");
        let e = check(&[Address::new(Kind::Role, "dev")], &a, &Account::default()).unwrap_err();
        assert!(e.to_string().contains("group.dev"), "{e}");
        let e = check(&[Address::new(Kind::Role, "zzzzzz")], &a, &a).unwrap_err();
        assert!(e.to_string().contains("KIND.IAM_NAME"), "{e}");
        assert!(check(&[Address::new(Kind::User, "mary")], &a, &Account::default()).is_ok());
    }
}
