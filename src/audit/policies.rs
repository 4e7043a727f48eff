//! Policies (CIS 1.16, 1.17): no attached customer managed policy allows `*` on `*`, and some role
//! can open cases with AWS Support.

use super::{AuditInput, Finding, Rule, Subject};
use crate::model::policy::{Effect, Statement};
use crate::model::{self, Address, Kind, PolicyDocument};
use std::collections::BTreeMap;

/// Whether a statement allows every action on every resource (`"*"` or `"*:*"`), as CIS 1.16
/// and Security Hub's IAM.1 read it: conditions do not change the verdict.
fn allows_everything(s: &Statement) -> bool {
    let star = |v: &Option<crate::model::policy::Values>, also: &str| {
        v.as_ref()
            .is_some_and(|v| v.contains("*") || v.contains(also))
    };
    s.effect == Effect::Allow && star(&s.action, "*:*") && star(&s.resource, "*")
}

fn full_access(doc: &PolicyDocument) -> bool {
    doc.statements().iter().any(allows_everything)
}

/// Every entity each managed policy ARN is attached to.
fn attachments(account: &model::Account) -> BTreeMap<&str, Vec<Address>> {
    let mut out: BTreeMap<&str, Vec<Address>> = BTreeMap::new();
    for u in account.users.values() {
        for arn in &u.policies {
            out.entry(arn)
                .or_default()
                .push(Address::new(Kind::User, u.name.clone()));
        }
    }
    for g in account.groups.values() {
        for arn in &g.policies {
            out.entry(arn)
                .or_default()
                .push(Address::new(Kind::Group, g.name.clone()));
        }
    }
    for r in account.roles.values() {
        for arn in &r.policies {
            out.entry(arn)
                .or_default()
                .push(Address::new(Kind::Role, r.name.clone()));
        }
    }
    out
}

pub(super) fn full_admin(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let account = &input.data.account;
    let attached = attachments(account);
    let mut out = Vec::new();
    for p in account
        .policies
        .values()
        .filter(|p| full_access(&p.document))
    {
        let arn = model::arn(input.account_id, Kind::Policy, &p.path, p.name.as_str());
        let Some(holders) = attached.get(arn.as_str()) else {
            continue;
        };
        let shown: Vec<String> = holders.iter().take(5).map(|a| a.to_string()).collect();
        out.push(Finding::new(
            rule,
            Subject::Entity(Address::new(Kind::Policy, p.name.clone())),
            format!(
                "{} allows every action on every resource (Action \"*\", Resource \"*\") and is attached to {}",
                p.name,
                crate::words::and_more(&shown, holders.len())
            ),
            format!(
                "replace {} with policies granting the actions each holder needs, then detach it",
                p.name
            ),
        ));
    }
    Ok(out)
}

/// The AWS managed policy CIS 1.17 asks a role to have, in any partition.
fn is_support_access(arn: &str) -> bool {
    arn.starts_with("arn:aws") && arn.ends_with(":iam::aws:policy/AWSSupportAccess")
}

pub(super) fn no_support_role(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let has_one = input
        .data
        .account
        .roles
        .values()
        .any(|r| r.policies.iter().any(|arn| is_support_access(arn)));
    Ok(Finding::on_account(
        rule,
        !has_one,
        "no role has AWSSupportAccess attached: during an incident nobody can open a case with AWS Support without broader rights",
    ))
}
