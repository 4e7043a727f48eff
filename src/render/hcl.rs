//! An `Account` as iamform HCL: the configuration that declares exactly that account.
//!
//! Built as an `hcl::Body` and printed by hcl-rs's formatter, so quoting and escaping (`${` in a
//! policy, say) are always right. Policy documents are written as `jsonencode({...})` of their
//! canonical JSON, which reads back as the identical canonical document. Credentials are never
//! written; AWS managed policy ARNs stay literals.

use crate::model::{Account, PasswordPolicy, PolicyDocument, Tags};
use hcl::expr::FuncCall;
use hcl::{Block, BlockBuilder, Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

/// The whole account as one configuration file.
pub fn account(account: &Account) -> Result<String, hcl::Error> {
    let mut body = Body::builder();
    for b in blocks(account)? {
        body = body.add_block(b);
    }
    hcl::format::to_string(&body.build())
}

/// One block per entity, in a stable order: users, groups, roles, policies, instance profiles
/// (those not created by a role's `instance_profile = true`), the password policy.
pub fn blocks(account: &Account) -> Result<Vec<Block>, hcl::Error> {
    let mut out = Vec::new();
    for u in account.users.values() {
        let mut b = named("user", u.name.as_str(), &u.path);
        b = optional(b, "permissions_boundary", u.permissions_boundary.as_deref());
        b = tags(b, &u.tags);
        b = list(b, "groups", u.groups.iter().map(|g| g.as_str().to_owned()));
        b = list(b, "policies", u.policies.iter().cloned());
        b = inline(b, &u.inline_policies)?;
        out.push(b.build());
    }
    for g in account.groups.values() {
        let mut b = named("group", g.name.as_str(), &g.path);
        b = list(b, "policies", g.policies.iter().cloned());
        b = inline(b, &g.inline_policies)?;
        out.push(b.build());
    }
    // A profile with the role's own name and path, holding only that role, is the role's
    // `instance_profile = true`.
    let mut owned_profiles = BTreeSet::new();
    for r in account.roles.values() {
        let mut b = named("role", r.name.as_str(), &r.path);
        b = optional(b, "description", r.description.as_deref());
        if r.max_session_duration != crate::model::DEFAULT_MAX_SESSION_DURATION {
            b = b.add_attribute(("max_session_duration", u64::from(r.max_session_duration)));
        }
        b = optional(b, "permissions_boundary", r.permissions_boundary.as_deref());
        b = tags(b, &r.tags);
        b = b.add_attribute(("assume_role_policy", document(&r.assume_role_policy)?));
        b = list(b, "policies", r.policies.iter().cloned());
        b = inline(b, &r.inline_policies)?;
        if let Some(p) = account.instance_profiles.get(&r.name) {
            let only_this_role = p.roles.len() == 1 && p.roles.contains(&r.name);
            if only_this_role && p.path == r.path && p.tags.is_empty() {
                b = b.add_attribute(("instance_profile", true));
                owned_profiles.insert(p.name.clone());
            }
        }
        out.push(b.build());
    }
    for p in account.policies.values() {
        let mut b = named("policy", p.name.as_str(), &p.path);
        b = optional(b, "description", p.description.as_deref());
        b = tags(b, &p.tags);
        b = b.add_attribute(("document", document(&p.document)?));
        out.push(b.build());
    }
    for p in account.instance_profiles.values() {
        if owned_profiles.contains(&p.name) {
            continue;
        }
        let mut b = named("instance_profile", p.name.as_str(), &p.path);
        if let Some(role) = p.roles.iter().next() {
            b = b.add_attribute(("role", role.as_str()));
        }
        b = tags(b, &p.tags);
        out.push(b.build());
    }
    if let Some(pp) = &account.password_policy {
        out.push(password_policy(pp));
    }
    Ok(out)
}

fn named(kind: &str, name: &str, path: &str) -> BlockBuilder {
    let b = Block::builder(kind).add_label(name);
    if path == "/" {
        b
    } else {
        b.add_attribute(("path", path))
    }
}

fn optional(b: BlockBuilder, key: &str, value: Option<&str>) -> BlockBuilder {
    match value {
        Some(v) => b.add_attribute((key, v)),
        None => b,
    }
}

fn list(b: BlockBuilder, key: &str, values: impl Iterator<Item = String>) -> BlockBuilder {
    let values: Vec<String> = values.collect();
    if values.is_empty() {
        b
    } else {
        b.add_attribute((key, Expression::from(values)))
    }
}

fn tags(b: BlockBuilder, tags: &Tags) -> BlockBuilder {
    if tags.is_empty() {
        return b;
    }
    let object: Expression = tags
        .iter()
        .map(|(k, v)| {
            (
                hcl::ObjectKey::from(k.as_str()),
                Expression::from(v.as_str()),
            )
        })
        .collect();
    b.add_attribute(("tags", object))
}

fn document(doc: &PolicyDocument) -> Result<Expression, hcl::Error> {
    let value = hcl::to_expression(doc.to_value())?;
    Ok(FuncCall::builder("jsonencode").arg(value).build().into())
}

fn inline(
    mut b: BlockBuilder,
    policies: &BTreeMap<crate::model::Name, PolicyDocument>,
) -> Result<BlockBuilder, hcl::Error> {
    for (name, doc) in policies {
        b = b.add_block(
            Block::builder("inline_policy")
                .add_label(name.as_str())
                .add_attribute(("document", document(doc)?))
                .build(),
        );
    }
    Ok(b)
}

fn password_policy(pp: &PasswordPolicy) -> Block {
    let mut b = Block::builder("password_policy");
    let fields = [
        ("minimum_length", pp.minimum_length.map(Expression::from)),
        ("require_symbols", pp.require_symbols.map(Expression::from)),
        ("require_numbers", pp.require_numbers.map(Expression::from)),
        (
            "require_uppercase",
            pp.require_uppercase.map(Expression::from),
        ),
        (
            "require_lowercase",
            pp.require_lowercase.map(Expression::from),
        ),
        (
            "allow_users_to_change_password",
            pp.allow_users_to_change_password.map(Expression::from),
        ),
        ("max_age_days", pp.max_age_days.map(Expression::from)),
        (
            "reuse_prevention",
            pp.reuse_prevention.map(Expression::from),
        ),
        ("hard_expiry", pp.hard_expiry.map(Expression::from)),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            b = b.add_attribute((key, v));
        }
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `account`, loads the result as a configuration, and returns the desired account.
    fn round_trip(account: &Account) -> Account {
        let dir = tempfile::tempdir().unwrap();
        let text = super::account(account).unwrap();
        std::fs::write(dir.path().join("main.hcl"), &text).unwrap();
        let config = crate::config::load(dir.path()).unwrap_or_else(|d| panic!("{d}\n{text}"));
        config
            .lower("123456789012")
            .unwrap_or_else(|d| panic!("{d}\n{text}"))
            .account
    }

    #[test]
    fn a_synthetic_account_reads_back_identical() {
        let account = crate::synth::account(300, "123456789012");
        assert_eq!(round_trip(&account), account);
    }

    #[test]
    fn policy_variables_and_quotes_survive() {
        let mut account = Account::default();
        let doc = PolicyDocument::from_json_str(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
               "Resource":"arn:aws:s3:::home/${aws:username}/*",
               "Condition":{"StringLike":{"s3:prefix":["say \"hi\"", "%{x}"]}}}]}"#,
        )
        .unwrap();
        account.policies.insert(
            crate::model::Name::from("home"),
            crate::model::ManagedPolicy {
                name: "home".into(),
                path: "/".into(),
                description: Some("${not a template}".into()),
                tags: Tags::new(),
                document: doc,
                versions: Vec::new(),
            },
        );
        assert_eq!(round_trip(&account), account);
    }
}
