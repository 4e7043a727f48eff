//! The self-lockout guard: between plan and apply, refuse a plan that would take from the calling
//! principal the IAM permissions iamform needs to run (and to undo the mistake).
//!
//! The caller is `user.NAME` or `role.NAME` (from STS on aws; from the mock backend block's
//! `caller = "user/NAME"` or `IAMFORM_MOCK_CALLER`). Judged against the live account before the
//! apply, an operation is flagged when it:
//!
//! - deletes the caller (DeleteUser, DeleteRole — also the first half of a replacement) or one of
//!   its access keys, login profile or other credentials;
//! - changes the caller role's trust policy (UpdateAssumeRolePolicy);
//! - puts a permissions boundary on the caller (Put*PermissionsBoundary), or makes the policy that
//!   is its boundary lose IAM permissions (CreatePolicyVersion);
//! - removes the caller from a group whose policies grant IAM actions;
//! - detaches from the caller, or from one of its groups, a managed policy that grants IAM actions;
//!   deletes such a policy; or gives it a new version that grants fewer IAM actions;
//! - deletes an inline policy of the caller or of its groups that grants IAM actions, or replaces it
//!   with one that grants fewer.
//!
//! A document grants IAM actions when one of its Allow statements names `*`, `iam:…`, a wildcard
//! that can match `iam:` (`i*`), or uses `NotAction` without excluding `iam:*`. It grants fewer when
//! one of those Allow statements is gone, or a Deny statement was added. A policy whose document
//! iamform cannot see (AWS managed ones) is assumed to grant IAM actions. `--allow-lockout` skips
//! the guard; without a known caller (root, federated users, a mock without `caller`) it does
//! nothing.

use crate::model::policy::{Effect, Statement};
use crate::model::{Account, Address, Kind, Name, PolicyDocument};
use crate::operation::{
    BoundaryOp, Identity, Key, Operation, PermissionChange, PermissionOp, PolicyOp, RoleOp, UserOp,
};
use crate::plan::Plan;
use std::collections::BTreeSet;

/// One operation the guard refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Lockout {
    pub operation: String,
    pub why: String,
}

/// The operations of `plan` that would lock `caller` out, judged against `live`.
pub(crate) fn check(plan: &Plan, live: &Account, caller: &Address) -> Vec<Lockout> {
    let Some(principal) = Principal::of(caller, live, &plan.account_id) else {
        // The caller is not in the account (or not as that kind): nothing of it can be taken.
        return Vec::new();
    };
    plan.operations
        .iter()
        .filter_map(|o| {
            principal
                .why(&o.operation, &plan.account_id)
                .map(|why| Lockout {
                    operation: o.operation.to_string(),
                    why,
                })
        })
        .collect()
}

/// The refusal message: what, which operations, and what to do.
pub(crate) fn refusal(caller: &Address, found: &[Lockout]) -> String {
    let mut msg = format!(
        "error: this plan would take from the caller ({caller}) the IAM permissions iamform needs \
         to run:\n"
    );
    for l in found {
        msg.push_str(&format!("  {}: {}\n", l.operation, l.why));
    }
    msg.push_str(
        "Nothing was applied. Change the configuration (or run iamform as another principal); \
         if this is intended, apply again with --allow-lockout.\n",
    );
    msg
}

/// What `plan` says (on stderr) when its apply would be refused.
pub(crate) fn plan_warning(caller: &Address, found: &[Lockout]) -> String {
    let mut msg = format!(
        "warning: apply of this plan will be refused: it takes from the caller ({caller}) the IAM \
         permissions iamform needs to run:\n"
    );
    for l in found {
        msg.push_str(&format!("  {}: {}\n", l.operation, l.why));
    }
    msg.push_str("Apply it anyway with --allow-lockout.\n");
    msg
}

/// What the caller holds in the live account.
struct Principal<'a> {
    live: &'a Account,
    account_id: &'a str,
    kind: Kind,
    name: Name,
    /// The caller's groups (users only).
    groups: BTreeSet<Name>,
    /// Managed policies attached to the caller or to one of its groups.
    policies: BTreeSet<String>,
    boundary: Option<String>,
}

impl<'a> Principal<'a> {
    fn of(caller: &Address, live: &'a Account, account_id: &'a str) -> Option<Principal<'a>> {
        let (groups, mut policies, boundary) = match caller.kind {
            Kind::User => {
                let u = live.users.get(&caller.name)?;
                (
                    u.groups.clone(),
                    u.policies.clone(),
                    u.permissions_boundary.clone(),
                )
            }
            Kind::Role => {
                let r = live.roles.get(&caller.name)?;
                (
                    BTreeSet::new(),
                    r.policies.clone(),
                    r.permissions_boundary.clone(),
                )
            }
            _ => return None,
        };
        for g in groups.iter().filter_map(|g| live.groups.get(g)) {
            policies.extend(g.policies.iter().cloned());
        }
        Some(Principal {
            live,
            account_id,
            kind: caller.kind,
            name: caller.name.clone(),
            groups,
            policies,
            boundary,
        })
    }

    fn is(&self, kind: Kind, name: &Name) -> bool {
        self.kind == kind && self.name == *name
    }

    fn managed_grants(&self, policy_arn: &str) -> bool {
        self.live
            .policy_by_arn(self.account_id, policy_arn)
            .is_none_or(|p| grants_iam(&p.document))
    }

    fn group_grants(&self, group: &Name) -> bool {
        self.live.groups.get(group).is_some_and(|g| {
            g.inline_policies.values().any(grants_iam)
                || g.policies.iter().any(|p| self.managed_grants(p))
        })
    }

    /// The inline policy `policy_name` of a user, group or role.
    fn inline(&self, identity: &Identity, policy_name: &Name) -> Option<&'a PolicyDocument> {
        let live = self.live;
        match identity {
            Identity::User(n) => live.users.get(n)?.inline_policies.get(policy_name),
            Identity::Role(n) => live.roles.get(n)?.inline_policies.get(policy_name),
            Identity::Group(n) => live.groups.get(n)?.inline_policies.get(policy_name),
        }
    }

    /// Whether `identity` is the caller or one of its groups.
    fn holds(&self, identity: &Identity) -> bool {
        self.is(identity.kind(), identity.name())
            || matches!(identity, Identity::Group(g) if self.groups.contains(g))
    }

    fn why(&self, op: &Operation, account_id: &str) -> Option<String> {
        let me = Key::Entity(self.kind, self.name.clone());
        if op.effects(account_id).deletes.contains(&me) {
            return Some("deletes the caller".into());
        }
        match op {
            Operation::User(u) if u.removes_credential() && self.is(Kind::User, u.user()) => {
                Some("removes a credential of the caller".into())
            }
            Operation::User(UserOp::RemoveUserFromGroup { user, group })
                if self.is(Kind::User, user) && self.group_grants(group) =>
            {
                Some("the group grants IAM actions".into())
            }
            Operation::Role(RoleOp::UpdateAssumeRolePolicy { role, .. })
                if self.is(Kind::Role, role) =>
            {
                Some("changes who may assume the caller's role".into())
            }
            Operation::Boundary(BoundaryOp {
                target,
                policy_arn: Some(_),
            }) if self.is(target.kind(), target.name()) => {
                Some("puts a permissions boundary on the caller".into())
            }
            Operation::Permission(p) if self.holds(&p.identity) => self.why_permission(p),
            Operation::Policy(PolicyOp::CreatePolicyVersion {
                policy_arn,
                document,
            }) if self.policies.contains(policy_arn)
                || self.boundary.as_deref() == Some(policy_arn.as_str()) =>
            {
                let old = self.live.policy_by_arn(self.account_id, policy_arn)?;
                loses_iam(&old.document, document)
                    .then(|| "the new version grants fewer IAM actions".into())
            }
            Operation::Policy(PolicyOp::DeletePolicy { policy_arn })
                if self.policies.contains(policy_arn) && self.managed_grants(policy_arn) =>
            {
                Some("deletes a policy of the caller that grants IAM actions".into())
            }
            _ => None,
        }
    }

    /// A permission change of the caller or one of its groups.
    fn why_permission(&self, p: &PermissionOp) -> Option<String> {
        match &p.change {
            PermissionChange::Detach { policy_arn } if self.managed_grants(policy_arn) => {
                Some("the policy grants IAM actions".into())
            }
            PermissionChange::Delete { policy_name }
                if self
                    .inline(&p.identity, policy_name)
                    .is_some_and(grants_iam) =>
            {
                Some("the inline policy grants IAM actions".into())
            }
            PermissionChange::Put {
                policy_name,
                document,
            } if self
                .inline(&p.identity, policy_name)
                .is_some_and(|old| loses_iam(old, document)) =>
            {
                Some("the new document grants fewer IAM actions".into())
            }
            _ => None,
        }
    }
}

/// Whether an action pattern can match some `iam:` action.
fn covers_iam(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    let literal: String = a.chars().take_while(|c| *c != '*' && *c != '?').collect();
    if literal.len() < a.len() {
        // A wildcard: it covers IAM when its literal prefix is compatible with `iam:`.
        "iam:".starts_with(&literal) || literal.starts_with("iam:")
    } else {
        a.starts_with("iam:")
    }
}

/// Allow statements that grant some IAM action.
fn iam_allows(doc: &PolicyDocument) -> BTreeSet<&Statement> {
    doc.statements()
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .filter(|s| match (&s.action, &s.not_action) {
            (Some(actions), _) => actions.iter().any(|a| covers_iam(a)),
            (None, Some(not)) => !not
                .iter()
                .any(|a| a == "*" || a.eq_ignore_ascii_case("iam:*")),
            (None, None) => false,
        })
        .collect()
}

fn grants_iam(doc: &PolicyDocument) -> bool {
    !iam_allows(doc).is_empty()
}

/// Whether replacing `old` with `new` can take away IAM permissions.
fn loses_iam(old: &PolicyDocument, new: &PolicyDocument) -> bool {
    let denies = |d: &'_ PolicyDocument| -> BTreeSet<Statement> {
        d.statements()
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .cloned()
            .collect()
    };
    let kept = iam_allows(new);
    let lost_allow = iam_allows(old).iter().any(|s| !kept.contains(s));
    lost_allow || !denies(new).is_subset(&denies(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::model::{Group, Role, Scope, User};

    const ACCT: &str = "123456789012";

    fn doc(action: &str) -> PolicyDocument {
        PolicyDocument::from_json_str(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn iam_coverage() {
        for (a, ok) in [
            ("*", true),
            ("iam:*", true),
            ("IAM:CreateUser", true),
            ("i*", true),
            ("iam:Get*", true),
            ("s3:*", false),
            ("s*", false),
            ("sts:AssumeRole", false),
        ] {
            assert_eq!(covers_iam(a), ok, "{a}");
        }
        assert!(loses_iam(&doc("iam:*"), &doc("s3:*")));
        assert!(!loses_iam(&doc("s3:*"), &doc("s3:GetObject")));
        assert!(!loses_iam(&doc("iam:*"), &doc("iam:*")));
    }

    fn user(name: &str, groups: &[&str], inline: Option<PolicyDocument>) -> User {
        let mut u: User = serde_json::from_value(serde_json::json!({ "name": name })).unwrap();
        u.groups = groups.iter().map(|g| (*g).into()).collect();
        u.inline_policies = inline.map(|d| ("own".into(), d)).into_iter().collect();
        u
    }

    fn group(name: &str, action: &str) -> Group {
        Group {
            name: name.into(),
            path: "/".into(),
            policies: Default::default(),
            inline_policies: [("p".into(), doc(action))].into(),
        }
    }

    fn plan(desired: &Account, live: &Account) -> Plan {
        let scope = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
            kinds: None,
        };
        crate::plan::build(
            diff(desired, live, Some(&scope)),
            desired,
            live,
            ACCT,
            &Default::default(),
        )
        .unwrap()
    }

    #[test]
    fn flags_what_takes_iam_from_the_caller_and_nothing_else() {
        let mut live = Account::default();
        live.users.insert(
            "ci".into(),
            user("ci", &["admins", "readers"], Some(doc("iam:*"))),
        );
        live.users
            .insert("other".into(), user("other", &["admins"], None));
        live.groups
            .insert("admins".into(), group("admins", "iam:*"));
        live.groups
            .insert("readers".into(), group("readers", "s3:Get*"));
        let ci = Address::new(Kind::User, "ci");

        // Removing ci from the S3 group, and touching another user, is fine.
        let mut desired = live.clone();
        desired.users.get_mut(&Name::from("ci")).unwrap().groups = ["admins".into()].into();
        desired.users.remove(&Name::from("other"));
        assert_eq!(check(&plan(&desired, &live), &live, &ci), vec![]);

        // Leaving the admins group, losing the inline policy: both named.
        let mut desired = live.clone();
        let u = desired.users.get_mut(&Name::from("ci")).unwrap();
        u.groups = ["readers".into()].into();
        u.inline_policies.clear();
        let found = check(&plan(&desired, &live), &live, &ci);
        let ops: BTreeSet<&str> = found.iter().map(|l| l.operation.as_str()).collect();
        assert_eq!(
            ops,
            BTreeSet::from([
                "DeleteUserPolicy user.ci inline own",
                "RemoveUserFromGroup user.ci group.admins"
            ])
        );
        assert_eq!(found.len(), 2, "{found:?}");

        // Deleting the caller is flagged; the message names the operation and the flag.
        let mut desired = live.clone();
        desired.users.remove(&Name::from("ci"));
        let found = check(&plan(&desired, &live), &live, &ci);
        assert!(found.iter().any(|l| l.operation == "DeleteUser user.ci"));
        let msg = refusal(&ci, &found);
        assert!(
            msg.contains("DeleteUser user.ci: deletes the caller"),
            "{msg}"
        );
        assert!(msg.contains("--allow-lockout"), "{msg}");
    }

    #[test]
    fn role_trust_change_and_aws_managed_detach_are_flagged() {
        let mut role = Role {
            name: "deploy".into(),
            path: "/".into(),
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            tags: Default::default(),
            assume_role_policy: PolicyDocument::from_json_str(
                r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
            )
            .unwrap(),
            policies: ["arn:aws:iam::aws:policy/IAMFullAccess".into()].into(),
            inline_policies: Default::default(),
        };
        let mut live = Account::default();
        live.roles.insert("deploy".into(), role.clone());
        role.policies.clear();
        role.assume_role_policy = PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        )
        .unwrap();
        let mut desired = Account::default();
        desired.roles.insert("deploy".into(), role);
        let found = check(
            &plan(&desired, &live),
            &live,
            &Address::new(Kind::Role, "deploy"),
        );
        let ops: BTreeSet<&str> = found.iter().map(|l| l.operation.as_str()).collect();
        assert!(
            ops.contains("UpdateAssumeRolePolicy role.deploy"),
            "{ops:?}"
        );
        assert!(
            ops.contains("DetachRolePolicy role.deploy arn:aws:iam::aws:policy/IAMFullAccess"),
            "{ops:?}"
        );
    }
}
