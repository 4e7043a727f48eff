//! Which users and roles a change between two accounts can reach: those whose effective policies
//! may differ. Only they are modelled on both sides ([`super::change`]); every other principal
//! is evaluated with the same documents before and after, so its access cannot change.
//!
//! A principal is reached when, between the two accounts, it is created or deleted, or one of
//! what [`super::principal::gather`] reads for it differs: its own name, path, tags, boundary,
//! group list, attached or inline policies; one of its groups (on either side) is created,
//! deleted, or has other policies; or a customer managed policy it or one of its groups attaches,
//! or its boundary, is created, deleted or changed (document, path or versions). A managed policy
//! is matched by the name its ARN ends with, which over-approximates (an ARN of another path or
//! account names nothing, and is reached anyway): reaching too many costs time, never accuracy.

use crate::model::{Account, Address, Kind, Name};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The name a managed policy ARN ends with.
fn policy_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The keys of `a` and `b` whose entries differ by `key` (an entry on one side only differs).
fn differing<'m, V, K: PartialEq>(
    a: &'m BTreeMap<Name, V>,
    b: &'m BTreeMap<Name, V>,
    key: impl Fn(&'m V) -> K,
) -> impl Iterator<Item = &'m Name> {
    a.keys()
        .chain(b.keys().filter(move |n| !a.contains_key(*n)))
        .filter(move |n| a.get(*n).map(&key) != b.get(*n).map(&key))
}

/// The users and roles of either account whose effective policies may differ between them, in
/// address order.
pub fn reached(before: &Account, after: &Account) -> Vec<Address> {
    let policies: HashSet<&str> = differing(&before.policies, &after.policies, |p| {
        (&p.path, &p.document, &p.versions)
    })
    .map(Name::as_str)
    .collect();
    let names_changed = |arns: &BTreeSet<String>| {
        arns.iter()
            .any(|a| policies.contains(policy_name(a.as_str())))
    };
    let boundary_changed = |b: &Option<String>| {
        b.as_deref()
            .is_some_and(|a| policies.contains(policy_name(a)))
    };
    let mut groups: HashSet<&Name> = differing(&before.groups, &after.groups, |g| {
        (&g.name, &g.policies, &g.inline_policies)
    })
    .collect();
    for account in [before, after] {
        groups.extend(
            account
                .groups
                .iter()
                .filter(|(_, g)| names_changed(&g.policies))
                .map(|(n, _)| n),
        );
    }
    let mut out: BTreeSet<Address> = BTreeSet::new();
    let users = differing(&before.users, &after.users, |u| {
        let own = (&u.name, &u.path, &u.permissions_boundary, &u.tags);
        (own, &u.groups, &u.policies, &u.inline_policies)
    });
    out.extend(users.map(|n| Address::new(Kind::User, n.clone())));
    let roles = differing(&before.roles, &after.roles, |r| {
        let own = (&r.name, &r.path, &r.permissions_boundary, &r.tags);
        (own, &r.policies, &r.inline_policies)
    });
    out.extend(roles.map(|n| Address::new(Kind::Role, n.clone())));
    for account in [before, after] {
        for (n, u) in &account.users {
            let through_group = u.groups.iter().any(|g| groups.contains(g));
            if through_group
                || names_changed(&u.policies)
                || boundary_changed(&u.permissions_boundary)
            {
                out.insert(Address::new(Kind::User, n.clone()));
            }
        }
        for (n, r) in &account.roles {
            if names_changed(&r.policies) || boundary_changed(&r.permissions_boundary) {
                out.insert(Address::new(Kind::Role, n.clone()));
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> Name {
        Name::new(n.to_owned())
    }

    fn account(json: &str) -> Account {
        serde_json::from_str(json).expect("an account")
    }

    fn names(before: &Account, after: &Account) -> Vec<String> {
        reached(before, after)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const BASE: &str = r#"{
        "users": {
            "ann": {"name": "ann", "groups": ["dev"]},
            "bob": {"name": "bob", "policies": ["arn:aws:iam::123456789012:policy/p"]},
            "cy": {"name": "cy", "permissions_boundary": "arn:aws:iam::123456789012:policy/b"},
            "dee": {"name": "dee", "inline_policies": {"own": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}}
        },
        "groups": {"dev": {"name": "dev", "policies": ["arn:aws:iam::123456789012:policy/g"]}},
        "roles": {"app": {"name": "app", "assume_role_policy": {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}}, "policies": ["arn:aws:iam::123456789012:policy/p"]}},
        "policies": {
            "p": {"name": "p", "document": {"Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}},
            "g": {"name": "g", "document": {"Statement": {"Effect": "Allow", "Action": "sns:*", "Resource": "*"}}},
            "b": {"name": "b", "document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}
        }
    }"#;

    fn changed(edit: impl FnOnce(&mut Account)) -> Vec<String> {
        let before = account(BASE);
        let mut after = before.clone();
        edit(&mut after);
        names(&before, &after)
    }

    fn document(action: &str) -> crate::model::PolicyDocument {
        serde_json::from_str(&format!(
            r#"{{"Statement": {{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}}}"#
        ))
        .expect("a document")
    }

    #[test]
    fn only_the_principals_a_change_reaches() {
        assert!(changed(|_| ()).is_empty(), "nothing changed");
        let managed =
            changed(|a| a.policies.get_mut(&name("p")).unwrap().document = document("ec2:*"));
        assert_eq!(managed, ["user.bob", "role.app"], "its holders only");
        let through_group =
            changed(|a| a.policies.get_mut(&name("g")).unwrap().document = document("ec2:*"));
        assert_eq!(through_group, ["user.ann"], "the group's members");
        let boundary =
            changed(|a| a.policies.get_mut(&name("b")).unwrap().document = document("ec2:*"));
        assert_eq!(boundary, ["user.cy"]);
        let membership = changed(|a| {
            let bob = a.users.get_mut(&name("bob")).unwrap();
            bob.groups.insert(name("dev"));
        });
        assert_eq!(membership, ["user.bob"], "not the group's other members");
        let deleted_group = changed(|a| drop(a.groups.remove(&name("dev"))));
        assert_eq!(deleted_group, ["user.ann"]);
        let created = changed(|a| {
            let mut eve = a.users[&name("dee")].clone();
            eve.name = name("eve");
            a.users.insert(eve.name.clone(), eve);
        });
        assert_eq!(created, ["user.eve"]);
        let credentials_only = changed(|a| {
            a.users.get_mut(&name("dee")).unwrap().console_access =
                Some(crate::model::ConsoleAccess::default());
        });
        assert!(credentials_only.is_empty(), "{credentials_only:?}");
    }
}
