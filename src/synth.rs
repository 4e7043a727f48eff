//! Synthetic accounts for benchmarks and property tests: `n` entities with realistic shape —
//! users in groups, groups and roles with managed and inline policies, roles with instance
//! profiles (and profiles without roles or holding another role), permissions boundaries, tags on
//! every taggable kind, conditions, Deny and NotAction statements, trust policies naming other
//! roles, documents with an `Id`, and names that are not HCL identifiers (`svc.3@example.com`) —
//! deterministic for a given size.

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

/// The document of managed policy `i`: varied so that every statement feature is exercised.
fn policy_document(i: usize) -> PolicyDocument {
    let mut statements = vec![serde_json::json!({
        "Sid": format!("Main{i}"),
        "Effect": "Allow",
        "Action": actions(i),
        "Resource": format!("arn:aws:s3:::bucket-{i}/*"),
    })];
    if i.is_multiple_of(3) {
        statements.push(serde_json::json!({
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": format!("arn:aws:s3:::bucket-{i}"),
            "Condition": {
                "Bool": { "aws:SecureTransport": "true" },
                "StringLike": { "s3:prefix": ["home/${aws:username}/*", "shared/*"] }
            }
        }));
    }
    if i.is_multiple_of(5) {
        statements.push(serde_json::json!({
            "Effect": "Deny",
            "NotAction": ["iam:Get*", "iam:List*"],
            "NotResource": "arn:aws:iam::*:user/${aws:username}",
            "Condition": { "BoolIfExists": { "aws:MultiFactorAuthPresent": "false" } }
        }));
    }
    let mut value = serde_json::json!({ "Version": "2012-10-17", "Statement": statements });
    if i.is_multiple_of(20) {
        // `Id` has no statement-block form: such a document is imported as jsonencode(…).
        value["Id"] = serde_json::json!(format!("synthetic-{i}"));
    }
    PolicyDocument::from_value(&value).expect("generated documents are valid")
}

/// A trust policy letting EC2 assume the role, and for some roles also another role of the
/// account (with an external id).
fn trust_for(i: usize, account_id: &str, other_role: Option<&str>) -> PolicyDocument {
    match other_role {
        Some(other) if i.is_multiple_of(6) => PolicyDocument::from_value(&serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                { "Effect": "Allow", "Action": "sts:AssumeRole",
                  "Principal": { "Service": "ec2.amazonaws.com" } },
                { "Effect": "Allow", "Action": "sts:AssumeRole",
                  "Principal": { "AWS": format!("arn:aws:iam::{account_id}:role{other}") },
                  "Condition": { "StringEquals": { "sts:ExternalId": format!("ext-{i}") } } }
            ]
        }))
        .expect("a valid trust policy"),
        _ => trust(),
    }
}

/// The name of user `i`: every 40th needs sanitising into an HCL label.
fn user_name(i: usize) -> String {
    if i % 40 == 3 {
        format!("svc.{i}@example.com")
    } else {
        format!("user-{i}")
    }
}

/// What to leave out of a synthetic account, for backends that lack a feature.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// moto 5.2.5 neither sets nor returns user permissions boundaries.
    pub user_boundaries: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            user_boundaries: true,
        }
    }
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

/// An account of about `n` entities: 50% users, 5% groups, 17% roles (each with an instance
/// profile for one in four), 20% managed policies, the rest instance profiles; plus a password
/// policy. Paths spread over `/`, `/team-a/`, `/team-b/`.
pub fn account(n: usize, account_id: &str) -> Account {
    account_with(n, account_id, Options::default())
}

/// [`account`], leaving out what `options` says.
pub fn account_with(n: usize, account_id: &str, options: Options) -> Account {
    let n = n.max(20);
    let (users, groups, roles, policies) = (n / 2, (n / 20).max(1), n / 6, n / 5);
    let policy_arns: Vec<String> = (0..policies)
        .map(|i| arn(account_id, Kind::Policy, &path(i), &format!("policy-{i}")))
        .collect();
    let s = Synth {
        account_id,
        options,
        groups,
        roles,
        policy_arns,
    };
    let mut a = Account::default();
    s.policies(&mut a);
    s.groups(&mut a);
    s.users(&mut a, users);
    s.roles(&mut a);
    s.profiles(&mut a, n);
    a.password_policy = Some(PasswordPolicy {
        minimum_length: Some(14),
        require_symbols: Some(true),
        ..Default::default()
    });
    a
}

/// One of the three paths entities are spread over.
fn path(i: usize) -> String {
    ["/", "/team-a/", "/team-b/"][i % 3].to_owned()
}

fn group_name(i: usize) -> String {
    if i == 1 {
        "ops+on-call".to_owned()
    } else {
        format!("group-{i}")
    }
}

fn role_name(i: usize) -> String {
    if i % 30 == 7 {
        format!("app.role-{i}")
    } else {
        format!("role-{i}")
    }
}

/// What every kind of entity is built from.
struct Synth<'a> {
    account_id: &'a str,
    options: Options,
    groups: usize,
    roles: usize,
    policy_arns: Vec<String>,
}

impl Synth<'_> {
    /// `count` customer managed policies from the `i`th on, and every fourth an AWS managed one.
    fn attach(&self, i: usize, count: usize) -> BTreeSet<String> {
        let arns = &self.policy_arns;
        (0..count)
            .map(|k| arns[(i * 3 + k) % arns.len()].clone())
            .chain(
                i.is_multiple_of(4)
                    .then(|| "arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()),
            )
            .collect()
    }

    fn policies(&self, a: &mut Account) {
        for i in 0..self.policy_arns.len() {
            let name = Name::new(format!("policy-{i}"));
            a.policies.insert(
                name.clone(),
                ManagedPolicy {
                    name,
                    path: path(i),
                    description: Some(format!("Synthetic policy {i}")),
                    tags: if i.is_multiple_of(4) {
                        tags(i)
                    } else {
                        Tags::new()
                    },
                    document: policy_document(i),
                    versions: Vec::new(),
                },
            );
        }
    }

    fn groups(&self, a: &mut Account) {
        for i in 0..self.groups {
            let name = Name::new(group_name(i));
            let mut inline = BTreeMap::new();
            if i.is_multiple_of(2) {
                inline.insert(Name::new("extra"), document(&actions(i + 1), "*"));
            }
            a.groups.insert(
                name.clone(),
                Group {
                    name,
                    path: path(i),
                    policies: self.attach(i, 3),
                    inline_policies: inline,
                },
            );
        }
    }

    fn users(&self, a: &mut Account, users: usize) {
        let groups = self.groups;
        for i in 0..users {
            let name = Name::new(user_name(i));
            let mut inline = BTreeMap::new();
            if i.is_multiple_of(10) {
                inline.insert(Name::new("own"), document(&actions(i), "*"));
            }
            a.users.insert(
                name.clone(),
                User {
                    name,
                    path: path(i),
                    permissions_boundary: (self.options.user_boundaries && i.is_multiple_of(25))
                        .then(|| self.policy_arns[0].clone()),
                    tags: tags(i),
                    groups: [i % groups, (i * 7 + 1) % groups]
                        .into_iter()
                        .map(|g| Name::new(group_name(g)))
                        .collect(),
                    policies: if i.is_multiple_of(20) {
                        self.attach(i, 1)
                    } else {
                        BTreeSet::new()
                    },
                    inline_policies: inline,
                    credentials: Default::default(),
                    console_access: None,
                },
            );
        }
    }

    fn roles(&self, a: &mut Account) {
        let arns = &self.policy_arns;
        for i in 0..self.roles {
            let name = Name::new(role_name(i));
            let other = (i > 0).then(|| format!("{}{}", path(i - 1), role_name(i - 1)));
            let mut inline = BTreeMap::new();
            inline.insert(Name::new("data"), document(&actions(i + 2), "*"));
            a.roles.insert(
                name.clone(),
                Role {
                    name: name.clone(),
                    path: path(i),
                    description: Some(format!("Synthetic role {i}")),
                    max_session_duration: if i.is_multiple_of(7) { 7200 } else { 3600 },
                    permissions_boundary: i
                        .is_multiple_of(10)
                        .then(|| arns[1 % arns.len()].clone()),
                    tags: tags(i),
                    assume_role_policy: trust_for(i, self.account_id, other.as_deref()),
                    policies: self.attach(i, 2),
                    inline_policies: inline,
                },
            );
            if i.is_multiple_of(4) {
                let profile = InstanceProfile {
                    name: name.clone(),
                    path: path(i),
                    roles: [name.clone()].into_iter().collect(),
                    tags: Tags::new(),
                };
                a.instance_profiles.insert(name, profile);
            }
        }
    }

    /// Instance profiles up to `n` entities in all (one left for the password policy).
    fn profiles(&self, a: &mut Account, n: usize) {
        let filled = a.len();
        for i in 0..n.saturating_sub(filled + 1) {
            let name = Name::new(format!("profile-{i}"));
            a.instance_profiles.insert(
                name.clone(),
                InstanceProfile {
                    name,
                    path: path(i),
                    // Some hold a role that also has its own profile; most hold none.
                    roles: if i.is_multiple_of(5) && self.roles > 0 {
                        [Name::new(role_name(i % self.roles))].into_iter().collect()
                    } else {
                        BTreeSet::new()
                    },
                    tags: if i.is_multiple_of(3) {
                        tags(i)
                    } else {
                        Tags::new()
                    },
                },
            );
        }
    }
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
