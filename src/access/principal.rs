//! A principal's policies, gathered from an [`Account`]: what AWS evaluates for a request it makes.
//!
//! - a user: its inline policies, its attached managed policies, and the inline and attached
//!   policies of each of its groups;
//! - a role: its inline and attached policies;
//! - either: its permissions boundary, if it has one.
//!
//! Managed policies are looked up by ARN: customer managed ones in the account, AWS managed ones in
//! the embedded set ([`super::managed`]). An ARN that names neither is kept with no document (it
//! grants nothing) and a note says so.

use super::managed;
use super::request::Caller;
use crate::model::{
    is_aws_managed_policy_arn, Account, Address, InlinePolicies, Kind, PolicyDocument, Tags,
};
use std::collections::BTreeSet;
use std::fmt;

/// Where a document comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// An inline policy of a user, group or role.
    Inline { owner: Address, name: String },
    /// A customer managed policy of the account.
    Customer { address: Address, arn: String },
    /// An AWS managed policy.
    Aws { arn: String },
    /// A managed policy ARN that names no policy iamform knows.
    Unknown { arn: String },
    /// A role's trust policy, the resource policy of `sts:AssumeRole` on the role.
    Trust { role: Address },
}

impl fmt::Display for Origin {
    /// The label used in messages, JSON and statement locations: `policy.read`,
    /// `user.ann inline_policy.s3`, `arn:aws:iam::aws:policy/ReadOnlyAccess`,
    /// `role.app assume_role_policy`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Inline { owner, name } => write!(f, "{owner} inline_policy.{name}"),
            Origin::Customer { address, .. } => write!(f, "{address}"),
            Origin::Aws { arn } | Origin::Unknown { arn } => f.write_str(arn),
            Origin::Trust { role } => write!(f, "{role} assume_role_policy"),
        }
    }
}

/// What a document is to the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    Identity,
    PermissionsBoundary,
    TrustPolicy,
}

/// One document that applies to a principal.
#[derive(Clone, Debug)]
pub struct PolicyRef<'a> {
    pub origin: Origin,
    pub kind: PolicyKind,
    /// The group through which it reaches a user.
    pub via: Option<Address>,
    /// `None` for an unknown ARN.
    pub document: Option<&'a PolicyDocument>,
}

/// A user or role and everything AWS evaluates for its requests.
#[derive(Clone, Debug)]
pub struct Principal<'a> {
    pub address: Address,
    pub caller: Caller,
    pub tags: &'a Tags,
    pub identity: Vec<PolicyRef<'a>>,
    pub boundary: Option<PolicyRef<'a>>,
    /// What could not be resolved (an unknown group or policy ARN).
    pub notes: Vec<String>,
}

/// A managed policy by ARN, for `kind`.
pub fn managed<'a>(
    account: &'a Account,
    account_id: &str,
    arn: &str,
    kind: PolicyKind,
    via: Option<Address>,
) -> PolicyRef<'a> {
    let (origin, document) = if is_aws_managed_policy_arn(arn) {
        match managed::document(arn) {
            Some(d) => (
                Origin::Aws {
                    arn: arn.to_owned(),
                },
                Some(d),
            ),
            None => (
                Origin::Unknown {
                    arn: arn.to_owned(),
                },
                None,
            ),
        }
    } else {
        match customer_policy(account, account_id, arn) {
            Some(p) => (
                Origin::Customer {
                    address: Address::new(Kind::Policy, p.name.clone()),
                    arn: arn.to_owned(),
                },
                Some(&p.document),
            ),
            None => (
                Origin::Unknown {
                    arn: arn.to_owned(),
                },
                None,
            ),
        }
    };
    PolicyRef {
        origin,
        kind,
        via,
        document,
    }
}

/// The customer managed policy `arn` names: `Account::policy_by_arn`, without formatting an ARN
/// for every lookup (`who-can` resolves every attachment of every principal).
fn customer_policy<'a>(
    account: &'a Account,
    account_id: &str,
    arn: &str,
) -> Option<&'a crate::model::ManagedPolicy> {
    let name = arn.rsplit('/').next()?;
    let p = account.policies.get(&crate::model::Name::from(name))?;
    let rest = arn
        .strip_prefix("arn:aws:iam::")?
        .strip_prefix(account_id)?
        .strip_prefix(":policy")?
        .strip_prefix(p.path.as_str())?;
    (rest == p.name.as_str()).then_some(p)
}

fn inline<'a>(
    owner: &Address,
    name: &str,
    doc: &'a PolicyDocument,
    via: Option<Address>,
) -> PolicyRef<'a> {
    PolicyRef {
        origin: Origin::Inline {
            owner: owner.clone(),
            name: name.to_owned(),
        },
        kind: PolicyKind::Identity,
        via,
        document: Some(doc),
    }
}

/// Adds to `out` the identity policies a user, group or role holds itself (inline, then
/// attached), each marked as coming through `via` (the group a user is in) when given.
fn holder_policies<'a>(
    account: &'a Account,
    account_id: &str,
    holder: &Address,
    (inline_policies, attached): (&'a InlinePolicies, &'a BTreeSet<String>),
    via: Option<&Address>,
    out: &mut Vec<PolicyRef<'a>>,
) {
    for (name, doc) in inline_policies {
        out.push(inline(holder, name.as_str(), doc, via.cloned()));
    }
    for arn in attached {
        out.push(managed(
            account,
            account_id,
            arn,
            PolicyKind::Identity,
            via.cloned(),
        ));
    }
}

/// The policies of `address` (a user or a role) in `account`; `None` when it is not there.
pub fn gather<'a>(
    account: &'a Account,
    account_id: &str,
    address: &Address,
) -> Option<Principal<'a>> {
    let mut identity = Vec::new();
    let mut notes = Vec::new();
    let (caller, tags, boundary) = match address.kind {
        Kind::User => {
            let u = account.users.get(&address.name)?;
            let me = Address::new(Kind::User, u.name.clone());
            let own = (&u.inline_policies, &u.policies);
            holder_policies(account, account_id, &me, own, None, &mut identity);
            for g in &u.groups {
                let Some(group) = account.groups.get(g) else {
                    notes.push(format!(
                        "{me} is in group `{g}`, which does not exist: it adds nothing"
                    ));
                    continue;
                };
                let ga = Address::new(Kind::Group, group.name.clone());
                let held = (&group.inline_policies, &group.policies);
                holder_policies(account, account_id, &ga, held, Some(&ga), &mut identity);
            }
            (
                Caller::user(account_id, &u.path, u.name.as_str()),
                &u.tags,
                u.permissions_boundary.as_deref(),
            )
        }
        Kind::Role => {
            let r = account.roles.get(&address.name)?;
            let me = Address::new(Kind::Role, r.name.clone());
            let own = (&r.inline_policies, &r.policies);
            holder_policies(account, account_id, &me, own, None, &mut identity);
            (
                Caller::role(account_id, &r.path, r.name.as_str()),
                &r.tags,
                r.permissions_boundary.as_deref(),
            )
        }
        _ => return None,
    };
    let boundary = boundary.map(|arn| {
        managed(
            account,
            account_id,
            arn,
            PolicyKind::PermissionsBoundary,
            None,
        )
    });
    for p in identity.iter().chain(boundary.iter()) {
        if let Origin::Unknown { arn } = &p.origin {
            let what = match p.kind {
                PolicyKind::PermissionsBoundary => "permissions boundary",
                _ => "policy",
            };
            notes.push(format!(
                "{what} {arn} is not a policy iamform knows: it allows nothing"
            ));
        }
    }
    Some(Principal {
        address: Address::new(address.kind, caller.name.clone()),
        caller,
        tags,
        identity,
        boundary,
        notes,
    })
}

/// Managed policy ARNs of one account resolved to their documents, each once.
pub type Resolved<'a> = std::collections::HashMap<&'a str, Option<&'a PolicyDocument>>;

/// Adds to `out` the documents [`gather`] gives `address` (a user or a role), in its order
/// (identity, then the boundary), without building references: what the catalog of a computation
/// needs from a principal that is not modelled.
pub fn documents<'a>(
    account: &'a Account,
    account_id: &str,
    address: &Address,
    resolved: &mut Resolved<'a>,
    out: &mut Vec<&'a PolicyDocument>,
) {
    let mut held = |(inline, attached): (&'a InlinePolicies, &'a BTreeSet<String>),
                    out: &mut Vec<&'a PolicyDocument>| {
        out.extend(inline.values());
        for arn in attached {
            let doc = *resolved.entry(arn.as_str()).or_insert_with(|| {
                managed(account, account_id, arn, PolicyKind::Identity, None).document
            });
            out.extend(doc);
        }
    };
    let boundary = match address.kind {
        Kind::User => {
            let Some(u) = account.users.get(&address.name) else {
                return;
            };
            held((&u.inline_policies, &u.policies), out);
            for g in u.groups.iter().filter_map(|g| account.groups.get(g)) {
                held((&g.inline_policies, &g.policies), out);
            }
            u.permissions_boundary.as_deref()
        }
        Kind::Role => {
            let Some(r) = account.roles.get(&address.name) else {
                return;
            };
            held((&r.inline_policies, &r.policies), out);
            r.permissions_boundary.as_deref()
        }
        _ => return,
    };
    if let Some(arn) = boundary {
        let b = managed(
            account,
            account_id,
            arn,
            PolicyKind::PermissionsBoundary,
            None,
        );
        out.extend(b.document);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_its_own_and_its_groups_policies_and_its_boundary() {
        let account: Account = serde_json::from_str(
            r#"{
            "users": {"ann": {"name": "Ann", "path": "/dev/", "groups": ["web", "gone"],
                "policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/nope"],
                "permissions_boundary": "arn:aws:iam::123456789012:policy/team/b",
                "inline_policies": {"own": {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}}},
            "groups": {"web": {"name": "web", "policies": ["arn:aws:iam::123456789012:policy/team/b"],
                "inline_policies": {"g": {"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}}}},
            "policies": {"b": {"name": "b", "path": "/team/", "document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}}
        }"#,
        )
        .unwrap();
        let p = gather(&account, "123456789012", &"user.ann".parse().unwrap()).unwrap();
        assert_eq!(p.address.to_string(), "user.Ann");
        assert_eq!(p.caller.arn, "arn:aws:iam::123456789012:user/dev/Ann");
        let labels: Vec<String> = p
            .identity
            .iter()
            .map(|r| match &r.via {
                Some(v) => format!("{} via {v}", r.origin),
                None => r.origin.to_string(),
            })
            .collect();
        assert_eq!(
            labels,
            [
                "user.Ann inline_policy.own",
                "arn:aws:iam::123456789012:policy/nope",
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                "group.web inline_policy.g via group.web",
                "policy.b via group.web",
            ]
        );
        assert!(p.identity[1].document.is_none());
        assert_eq!(p.boundary.as_ref().unwrap().origin.to_string(), "policy.b");
        assert_eq!(
            p.notes,
            [
                "user.Ann is in group `gone`, which does not exist: it adds nothing",
                "policy arn:aws:iam::123456789012:policy/nope is not a policy iamform knows: it allows nothing",
            ]
        );
        // A policy ARN with another path or account is another policy.
        assert!(customer_policy(
            &account,
            "123456789012",
            "arn:aws:iam::123456789012:policy/b"
        )
        .is_none());
        assert!(customer_policy(
            &account,
            "123456789012",
            "arn:aws:iam::111111111111:policy/team/b"
        )
        .is_none());
        assert!(gather(&account, "123456789012", &"role.ann".parse().unwrap()).is_none());
        // The documents without references: the same, in the same order.
        let mut docs = Vec::new();
        let ann = "user.ann".parse().unwrap();
        documents(
            &account,
            "123456789012",
            &ann,
            &mut Resolved::new(),
            &mut docs,
        );
        let gathered: Vec<_> = p
            .identity
            .iter()
            .chain(&p.boundary)
            .filter_map(|r| r.document)
            .collect();
        assert_eq!(docs.len(), gathered.len());
        assert!(docs
            .iter()
            .zip(&gathered)
            .all(|(a, b)| std::ptr::eq(*a, *b)));
    }
}
