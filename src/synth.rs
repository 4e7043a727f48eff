//! Synthetic accounts for benchmarks and property tests: `n` entities with realistic shape —
//! users in groups, groups and roles with managed and inline policies, roles with instance
//! profiles, permissions boundaries, tags — deterministic for a given size.

use crate::model::{
    arn, Account, Group, InstanceProfile, Kind, ManagedPolicy, Name, PasswordPolicy,
    PolicyDocument, Role, Tags, User,
};
use std::collections::{BTreeMap, BTreeSet};

fn document(actions: &[String], resource: &str) -> PolicyDocument {
    let value = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": resource }]
    });
    PolicyDocument::from_value(&value).expect("generated documents are valid")
}

fn trust() -> PolicyDocument {
    PolicyDocument::from_value(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": { "Service": "ec2.amazonaws.com" } }]
    }))
    .expect("a valid trust policy")
}

const SERVICES: [&str; 8] = [
    "s3", "ec2", "sqs", "sns", "dynamodb", "lambda", "logs", "kms",
];
const VERBS: [&str; 6] = ["Get", "List", "Describe", "Put", "Create", "Delete"];

fn actions(i: usize) -> Vec<String> {
    (0..3)
        .map(|k| {
            let s = SERVICES[(i + k) % SERVICES.len()];
            let v = VERBS[(i * 7 + k) % VERBS.len()];
            format!("{s}:{v}Thing{}", (i + k) % 13)
        })
        .collect()
}

fn tags(i: usize) -> Tags {
    [("team".to_owned(), format!("team-{}", i % 17))]
        .into_iter()
        .collect()
}

/// An account of about `n` entities: 50% users, 5% groups, 20% roles (each with an instance
/// profile for one in four), 20% managed policies, the rest instance profiles; plus a password
/// policy. Paths spread over `/`, `/team-a/`, `/team-b/`.
pub fn account(n: usize, account_id: &str) -> Account {
    let n = n.max(20);
    let (users, groups, roles, policies) = (n / 2, (n / 20).max(1), n / 5, n / 5);
    let path = |i: usize| ["/", "/team-a/", "/team-b/"][i % 3].to_owned();
    let mut a = Account::default();
    let policy_arns: Vec<String> = (0..policies)
        .map(|i| arn(account_id, Kind::Policy, &path(i), &format!("policy-{i}")))
        .collect();
    for i in 0..policies {
        let name = Name::new(format!("policy-{i}"));
        a.policies.insert(
            name.clone(),
            ManagedPolicy {
                name,
                path: path(i),
                description: Some(format!("Synthetic policy {i}")),
                tags: Tags::new(),
                document: document(&actions(i), &format!("arn:aws:s3:::bucket-{i}/*")),
                versions: Vec::new(),
            },
        );
    }
    let attach = |i: usize, count: usize| -> BTreeSet<String> {
        (0..count)
            .map(|k| policy_arns[(i * 3 + k) % policy_arns.len()].clone())
            .chain(
                i.is_multiple_of(4)
                    .then(|| "arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()),
            )
            .collect()
    };
    for i in 0..groups {
        let name = Name::new(format!("group-{i}"));
        let mut inline = BTreeMap::new();
        if i.is_multiple_of(2) {
            inline.insert(Name::new("extra"), document(&actions(i + 1), "*"));
        }
        a.groups.insert(
            name.clone(),
            Group {
                name,
                path: path(i),
                policies: attach(i, 3),
                inline_policies: inline,
            },
        );
    }
    for i in 0..users {
        let name = Name::new(format!("user-{i}"));
        let mut inline = BTreeMap::new();
        if i.is_multiple_of(10) {
            inline.insert(Name::new("own"), document(&actions(i), "*"));
        }
        a.users.insert(
            name.clone(),
            User {
                name,
                path: path(i),
                permissions_boundary: i.is_multiple_of(25).then(|| policy_arns[0].clone()),
                tags: tags(i),
                groups: [i % groups, (i * 7 + 1) % groups]
                    .into_iter()
                    .map(|g| Name::new(format!("group-{g}")))
                    .collect(),
                policies: if i.is_multiple_of(20) {
                    attach(i, 1)
                } else {
                    BTreeSet::new()
                },
                inline_policies: inline,
                credentials: Default::default(),
            },
        );
    }
    for i in 0..roles {
        let name = Name::new(format!("role-{i}"));
        let mut inline = BTreeMap::new();
        inline.insert(Name::new("data"), document(&actions(i + 2), "*"));
        a.roles.insert(
            name.clone(),
            Role {
                name: name.clone(),
                path: path(i),
                description: Some(format!("Synthetic role {i}")),
                max_session_duration: 3600,
                permissions_boundary: None,
                tags: tags(i),
                assume_role_policy: trust(),
                policies: attach(i, 2),
                inline_policies: inline,
            },
        );
        if i.is_multiple_of(4) {
            a.instance_profiles.insert(
                name.clone(),
                InstanceProfile {
                    name: name.clone(),
                    path: path(i),
                    roles: [name].into_iter().collect(),
                    tags: Tags::new(),
                },
            );
        }
    }
    let filled = a.len();
    for i in 0..n.saturating_sub(filled + 1) {
        let name = Name::new(format!("profile-{i}"));
        a.instance_profiles.insert(
            name.clone(),
            InstanceProfile {
                name,
                path: path(i),
                roles: BTreeSet::new(),
                tags: Tags::new(),
            },
        );
    }
    a.password_policy = Some(PasswordPolicy {
        minimum_length: Some(14),
        require_symbols: Some(true),
        ..Default::default()
    });
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_close_to_what_was_asked() {
        for n in [100, 1_000, 10_000] {
            let a = account(n, "123456789012");
            assert!(a.len().abs_diff(n) <= 1, "{n}: {}", a.len());
        }
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(account(500, "123456789012"), account(500, "123456789012"));
    }
}
