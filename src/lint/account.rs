//! Findings on the desired account as a whole: every document of every entity, permissions given
//! to users directly rather than through groups, and the password policy.

use super::document::lint_document;
use super::locate::locate;
use super::{Finding, Severity};
use crate::catalog::Catalog;
use crate::config::{DocumentSlot, DocumentSource, Location};
use crate::model::iam::{SizeQuota, MAX_TRUST_POLICY_SIZE};
use crate::model::policy::{DocumentKind, PolicyDocument};
use crate::model::{Account, Address, Kind, PasswordPolicy};
use std::collections::BTreeMap;

/// Where the account's entities and documents are written (from `config::Desired`); empty for an
/// account that has no configuration.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    pub entities: &'a BTreeMap<Address, Location>,
    pub documents: &'a BTreeMap<(Address, DocumentSlot), DocumentSource>,
}

impl Sources<'static> {
    /// No sources: findings have no location.
    pub fn none() -> Self {
        static ENTITIES: BTreeMap<Address, Location> = BTreeMap::new();
        static DOCUMENTS: BTreeMap<(Address, DocumentSlot), DocumentSource> = BTreeMap::new();
        Sources {
            entities: &ENTITIES,
            documents: &DOCUMENTS,
        }
    }
}

/// What the password policy should at least require. The references ask for strong passwords,
/// regular rotation and an IAM password policy; the figures are the CIS AWS Foundations
/// Benchmark's, the ones DESIGN.md's example uses.
const MIN_LENGTH: u32 = 14;
const MAX_AGE_DAYS: u32 = 90;
const REUSE_PREVENTION: u32 = 24;

/// Every finding of the account; `sources` says where each entity's block is (every finding's
/// location) and where the parts of each document are (a finding about a statement's key points
/// at that key).
pub fn lint_account(account: &Account, sources: Sources<'_>, catalog: &Catalog) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |address: Address, findings: Vec<Finding>| {
        let location = sources.entities.get(&address).map(ToString::to_string);
        out.extend(findings.into_iter().map(|mut f| {
            if f.location.is_none() {
                f.location = location.clone();
            }
            f
        }));
    };
    // Documents' findings, located inside the document when its source is known.
    let document = |address: &Address,
                    slot: DocumentSlot,
                    doc: &PolicyDocument,
                    kind: DocumentKind,
                    name: String| {
        let source = sources.documents.get(&(address.clone(), slot));
        let mut findings = lint_document(doc, kind, &name, catalog);
        for f in &mut findings {
            f.location = source.and_then(|s| locate(f, s));
        }
        findings
    };
    let inline = |address: &Address, policies: &crate::model::InlinePolicies| {
        policies
            .iter()
            .flat_map(|(name, doc)| {
                document(
                    address,
                    DocumentSlot::Inline(name.to_string()),
                    doc,
                    DocumentKind::Identity,
                    format!("{address} inline_policy.{name}"),
                )
            })
            .collect::<Vec<_>>()
    };
    for user in account.users.values() {
        let address = Address::new(Kind::User, user.name.clone());
        let mut findings = inline(&address, &user.inline_policies);
        for arn in &user.policies {
            findings.push(Finding::new(
                Severity::Warning,
                "user-attached-policy",
                address.to_string(),
                format!("managed policy {arn} is attached to the user directly"),
                "attach it to a group that matches the user's job and add the user to that group",
            ));
        }
        for name in user.inline_policies.keys() {
            findings.push(Finding::new(
                Severity::Warning,
                "user-inline-policy",
                format!("{address} inline_policy.{name}"),
                "the user has its own inline policy: permissions given per user are hard to review and to revoke",
                "move the statements into a managed policy attached to a group, and add the user to that group",
            ));
        }
        push(address, findings);
    }
    for group in account.groups.values() {
        let address = Address::new(Kind::Group, group.name.clone());
        let findings = inline(&address, &group.inline_policies);
        push(address, findings);
    }
    for role in account.roles.values() {
        let address = Address::new(Kind::Role, role.name.clone());
        let mut findings = document(
            &address,
            DocumentSlot::AssumeRolePolicy,
            &role.assume_role_policy,
            DocumentKind::Trust,
            format!("{address} assume_role_policy"),
        );
        let size = role.assume_role_policy.size();
        let default_quota = SizeQuota::Trust.limit();
        if size > default_quota {
            findings.push(Finding::new(
                Severity::Warning,
                "trust-policy-size",
                format!("{address} assume_role_policy"),
                format!(
                    "the trust policy is {size} characters (whitespace not counted); IAM's default quota is {default_quota}, so apply fails with LimitExceeded unless the account's quota was raised (at most {MAX_TRUST_POLICY_SIZE})"
                ),
                "trust fewer principals per statement (e.g. one account root instead of each of its roles), or raise the role trust policy length quota in Service Quotas",
            ));
        }
        findings.extend(inline(&address, &role.inline_policies));
        push(address, findings);
    }
    for policy in account.policies.values() {
        let address = Address::new(Kind::Policy, policy.name.clone());
        let findings = document(
            &address,
            DocumentSlot::Policy,
            &policy.document,
            DocumentKind::Identity,
            address.to_string(),
        );
        push(address, findings);
    }
    let address = Address::password_policy();
    let findings = match &account.password_policy {
        Some(pp) => password_policy(pp),
        None if !account.users.is_empty() => vec![Finding::new(
            Severity::Warning,
            "no-password-policy",
            "password_policy",
            "users are declared but no password_policy is: AWS's default accepts 8-character passwords that never expire",
            format!("declare password_policy {{ minimum_length = {MIN_LENGTH} require_symbols = true require_numbers = true require_uppercase = true require_lowercase = true max_age_days = {MAX_AGE_DAYS} reuse_prevention = {REUSE_PREVENTION} }}"),
        )],
        None => Vec::new(),
    };
    push(address, findings);
    out
}

fn password_policy(pp: &PasswordPolicy) -> Vec<Finding> {
    let mut weak: Vec<(String, String)> = Vec::new();
    let length = pp.minimum_length.unwrap_or(6);
    if length < MIN_LENGTH {
        weak.push((
            format!("minimum_length is {length}"),
            format!("minimum_length = {MIN_LENGTH}"),
        ));
    }
    for (field, value) in [
        ("require_symbols", pp.require_symbols),
        ("require_numbers", pp.require_numbers),
        ("require_uppercase", pp.require_uppercase),
        ("require_lowercase", pp.require_lowercase),
    ] {
        if value != Some(true) {
            weak.push((format!("{field} is not set"), format!("{field} = true")));
        }
    }
    match pp.max_age_days {
        None | Some(0) => weak.push((
            "passwords never expire (max_age_days is not set)".to_owned(),
            format!("max_age_days = {MAX_AGE_DAYS}"),
        )),
        Some(days) if days > MAX_AGE_DAYS => weak.push((
            format!("max_age_days is {days}"),
            format!("max_age_days = {MAX_AGE_DAYS} (or fewer)"),
        )),
        Some(_) => {}
    }
    let reuse = pp.reuse_prevention.unwrap_or(0);
    if reuse < REUSE_PREVENTION {
        weak.push((
            format!("reuse_prevention is {reuse}"),
            format!("reuse_prevention = {REUSE_PREVENTION}"),
        ));
    }
    weak.into_iter()
        .map(|(what, fix)| {
            Finding::new(
                Severity::Warning,
                "weak-password-policy",
                "password_policy",
                format!("the password policy is weaker than recommended: {what}"),
                fix,
            )
        })
        .collect()
}
