//! The self-lockout guard: between plan and apply, refuse a plan that would take from the calling
//! principal the IAM permissions iamform needs to run (and to undo the mistake).
//!
//! The caller is `user.NAME` or `role.NAME` (from STS on aws; from the mock backend block's
//! `caller = "user/NAME"` or `IAMFORM_MOCK_CALLER`; for a preview, `plan --caller`). A plan is
//! refused when:
//!
//! - an operation deletes the caller (DeleteUser, DeleteRole — also the first half of a
//!   replacement) or one of its access keys, login profile or other credentials, or changes the
//!   caller role's trust policy — whoever assumes it may no longer be able to;
//! - or the caller loses, at any point of the apply, an action of [`NEEDED`] on its own ARN or on
//!   `*`: the policy evaluator (`access`) decides each of them on the account as the plan's
//!   operations leave it, one after the other.
//!
//! The account after each operation comes from the mock backend's in-memory execution of the
//! operation on the live account ([`Simulation`]) rather than from the desired account: it is
//! exact where the desired account is not — it holds every intermediate state (a replacement
//! detaches the caller's policy before it attaches the new one, and the caller needs its
//! permissions for the attach), the operations on entities outside the configuration, and what a
//! targeted plan leaves as it is. Added `Deny` statements (a new managed policy, an inline
//! policy, a group, a permissions boundary, a new policy version, `NotAction`) are therefore
//! seen like removed `Allow`s. When the caller loses something, the operations named are those
//! that act on the caller, its groups, its managed policies or its boundary and can take access
//! away. A policy whose document iamform cannot see (an AWS managed policy newer than the embedded
//! set) is assumed to grant IAM actions when it is taken away. `--allow-lockout` skips the guard;
//! without a known caller (root, federated users, a mock without `caller`) it does nothing.

use crate::access::{self, AccessIndex, PolicyKind};
use crate::backend::mock::Simulation;
use crate::model::policy::{Effect, Statement};
use crate::model::{arn, Account, Address, Kind, Name, PolicyDocument};
use crate::operation::{
    BoundaryOp, Identity, Key, Operation, PermissionChange, PermissionOp, PolicyOp, RoleOp, UserOp,
};
use crate::plan::saved::{LockoutFinding, LockoutReport};
use crate::plan::Plan;
use std::collections::BTreeSet;

/// One operation the guard refuses, and why.
pub(crate) type Lockout = LockoutFinding;

/// The IAM actions iamform needs to read an account and to apply any plan (every call an
/// operation makes; a test holds this table to the operations).
pub(crate) const NEEDED: &[&str] = &[
    "iam:GetAccountAuthorizationDetails",
    "iam:ListRoles",
    "iam:ListInstanceProfiles",
    "iam:GetAccountPasswordPolicy",
    "iam:CreateUser",
    "iam:UpdateUser",
    "iam:DeleteUser",
    "iam:AddUserToGroup",
    "iam:RemoveUserFromGroup",
    "iam:DeleteLoginProfile",
    "iam:DeleteAccessKey",
    "iam:DeactivateMFADevice",
    "iam:DeleteSSHPublicKey",
    "iam:DeleteSigningCertificate",
    "iam:DeleteServiceSpecificCredential",
    "iam:CreateGroup",
    "iam:UpdateGroup",
    "iam:DeleteGroup",
    "iam:CreateRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRole",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:DeletePolicy",
    "iam:AttachUserPolicy",
    "iam:DetachUserPolicy",
    "iam:PutUserPolicy",
    "iam:DeleteUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:DetachGroupPolicy",
    "iam:PutGroupPolicy",
    "iam:DeleteGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:TagUser",
    "iam:UntagUser",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:TagPolicy",
    "iam:UntagPolicy",
    "iam:TagInstanceProfile",
    "iam:UntagInstanceProfile",
    "iam:CreateInstanceProfile",
    "iam:DeleteInstanceProfile",
    "iam:AddRoleToInstanceProfile",
    "iam:RemoveRoleFromInstanceProfile",
    "iam:UpdateAccountPasswordPolicy",
    "iam:DeleteAccountPasswordPolicy",
];

/// The guard's verdict on a plan for one caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// `iam:Action on RESOURCE` the caller would lose at some point of the apply.
    pub lost: Vec<String>,
    /// The operations responsible; the plan is refused when there are any.
    pub found: Vec<Lockout>,
}

impl Verdict {
    pub(crate) fn is_empty(&self) -> bool {
        self.found.is_empty()
    }

    /// The verdict as the JSON plan carries it.
    pub(crate) fn report(&self, caller: &Address) -> LockoutReport {
        LockoutReport {
            caller: caller.clone(),
            lost: self.lost.clone(),
            findings: self.found.clone(),
        }
    }
}

/// The guard's verdict on `plan` (made against `live`) for `caller`.
pub(crate) fn check(plan: &Plan, live: &Account, caller: &Address) -> Verdict {
    let account_id = plan.account_id.as_str();
    let own_arn = match caller.kind {
        Kind::User => live.users.get(&caller.name).map(|u| u.path.as_str()),
        Kind::Role => live.roles.get(&caller.name).map(|r| r.path.as_str()),
        _ => None,
    }
    .map(|path| arn(account_id, caller.kind, path, caller.name.as_str()));
    let Some(own_arn) = own_arn else {
        // The caller is not in the account (or not as that kind): nothing of it can be taken.
        return Verdict::default();
    };
    let mut found: Vec<Lockout> = Vec::new();
    for o in &plan.operations {
        if let Some(why) = direct(&o.operation, caller, account_id) {
            found.push(finding(&o.operation, why));
        }
    }
    let resources = [own_arn.as_str(), "*"];
    let touched = Holder::of(caller, live, account_id)
        .is_some_and(|h| plan.operations.iter().any(|o| h.touched_by(&o.operation)));
    if !touched {
        return Verdict {
            lost: Vec::new(),
            found,
        };
    }
    let before = allowed(live, account_id, caller, &resources);
    let mut sim = Simulation::new(live, account_id);
    let mut lost: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut responsible: Vec<Lockout> = Vec::new();
    for o in &plan.operations {
        let Some(holder) = Holder::of(caller, sim.account(), account_id) else {
            // The caller is gone (deleted by an operation flagged above).
            break;
        };
        if !holder.touched_by(&o.operation) {
            // Not the caller's: whether IAM would accept it does not change the verdict.
            let _ = sim.apply(&o.operation);
            continue;
        }
        let (reduces, why) = holder.describe(&o.operation);
        let applied = sim.apply(&o.operation);
        let now = allowed(sim.account(), account_id, caller, &resources);
        let lost_here: Vec<(usize, usize)> = before.difference(&now).copied().collect();
        lost.extend(lost_here.iter().copied());
        if found.iter().any(|f| f.operation == o.operation.to_string()) {
            continue;
        }
        match applied {
            Err(e) if !unknown_aws_managed_attach(&o.operation) => responsible.push(finding(
                &o.operation,
                format!(
                    "iamform cannot tell what it leaves the caller: IAM's rules, as the mock \
                     backend models them, refuse it ({e})"
                ),
            )),
            _ if reduces || !lost_here.is_empty() => responsible.push(finding(&o.operation, why)),
            _ => {}
        }
    }
    let unknown = responsible
        .iter()
        .any(|f| f.why.starts_with("iamform cannot"));
    if !lost.is_empty() || unknown {
        found.extend(responsible);
    }
    Verdict {
        lost: lost
            .into_iter()
            .map(|(a, r)| format!("{} on {}", NEEDED[a], resources[r]))
            .collect(),
        found,
    }
}

fn finding(op: &Operation, why: impl Into<String>) -> Lockout {
    LockoutFinding {
        operation: op.to_string(),
        why: why.into(),
    }
}

/// The actions of [`NEEDED`] (by index) `caller` is allowed in `account` on each resource (by
/// index), with the request context AWS fills from the caller and nothing else.
fn allowed(
    account: &Account,
    account_id: &str,
    caller: &Address,
    resources: &[&str],
) -> BTreeSet<(usize, usize)> {
    let index = AccessIndex::new(account, account_id);
    let Ok(principal) = index.principal(caller) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for (a, action) in NEEDED.iter().enumerate() {
        for (r, resource) in resources.iter().enumerate() {
            let request = index.request(&principal, action, resource, &[]);
            if index.evaluate(&principal, &request).allowed() {
                out.insert((a, r));
            }
        }
    }
    out
}

/// What is flagged without evaluating any policy: the caller deleted, its credentials removed,
/// its trust policy changed.
fn direct(op: &Operation, caller: &Address, account_id: &str) -> Option<&'static str> {
    let me = Key::Entity(caller.kind, caller.name.clone());
    if op.effects(account_id).deletes.contains(&me) {
        return Some("deletes the caller");
    }
    match op {
        Operation::User(u) if u.removes_credential() && is(caller, Kind::User, u.user()) => {
            Some("removes a credential of the caller")
        }
        Operation::Role(RoleOp::UpdateAssumeRolePolicy { role, .. })
            if is(caller, Kind::Role, role) =>
        {
            Some("changes who may assume the caller's role")
        }
        _ => None,
    }
}

fn is(caller: &Address, kind: Kind, name: &Name) -> bool {
    caller.kind == kind && caller.name == *name
}

/// An attachment of an AWS managed policy that the embedded set does not know: the mock refuses
/// it, and the evaluator could not see what it grants or denies anyway.
fn unknown_aws_managed_attach(op: &Operation) -> bool {
    matches!(op, Operation::Permission(PermissionOp { change: PermissionChange::Attach { policy_arn }, .. })
        if crate::model::is_aws_managed_policy_arn(policy_arn) && !access::managed::exists(policy_arn))
}

/// What the caller holds in one state of the account.
struct Holder<'a> {
    account: &'a Account,
    account_id: &'a str,
    caller: &'a Address,
    /// The caller's groups (users only).
    groups: BTreeSet<Name>,
    /// Managed policies attached to the caller or to one of its groups.
    policies: BTreeSet<String>,
    boundary: Option<String>,
}

impl<'a> Holder<'a> {
    fn of(caller: &'a Address, account: &'a Account, account_id: &'a str) -> Option<Holder<'a>> {
        let (groups, mut policies, boundary) = match caller.kind {
            Kind::User => {
                let u = account.users.get(&caller.name)?;
                let boundary = u.permissions_boundary.clone();
                (u.groups.clone(), u.policies.clone(), boundary)
            }
            Kind::Role => {
                let r = account.roles.get(&caller.name)?;
                let boundary = r.permissions_boundary.clone();
                (BTreeSet::new(), r.policies.clone(), boundary)
            }
            _ => return None,
        };
        for g in groups.iter().filter_map(|g| account.groups.get(g)) {
            policies.extend(g.policies.iter().cloned());
        }
        Some(Holder {
            account,
            account_id,
            caller,
            groups,
            policies,
            boundary,
        })
    }

    /// Whether `op` acts on the caller, one of its groups, one of its managed policies or its
    /// boundary policy.
    fn touched_by(&self, op: &Operation) -> bool {
        let target = op.target();
        if target == *self.caller {
            return true;
        }
        match target.kind {
            Kind::Group => self.groups.contains(&target.name),
            Kind::Policy => match op {
                Operation::Policy(
                    PolicyOp::CreatePolicyVersion { policy_arn, .. }
                    | PolicyOp::DeletePolicy { policy_arn },
                ) => self.holds(policy_arn),
                _ => false,
            },
            _ => false,
        }
    }

    fn holds(&self, policy_arn: &str) -> bool {
        self.policies.contains(policy_arn) || self.boundary.as_deref() == Some(policy_arn)
    }

    /// The document of managed policy `policy_arn`, when iamform can see it.
    fn managed(&self, policy_arn: &str) -> Option<&'a PolicyDocument> {
        let kind = PolicyKind::Identity;
        access::principal::managed(self.account, self.account_id, policy_arn, kind, None).document
    }

    /// The inline policy `policy_name` of a user, group or role.
    fn inline(&self, identity: &Identity, policy_name: &Name) -> Option<&'a PolicyDocument> {
        let a = self.account;
        match identity {
            Identity::User(n) => a.users.get(n)?.inline_policies.get(policy_name),
            Identity::Role(n) => a.roles.get(n)?.inline_policies.get(policy_name),
            Identity::Group(n) => a.groups.get(n)?.inline_policies.get(policy_name),
        }
    }

    /// Whether the group's policies grant (`Allow`) or deny (`Deny`) IAM actions; a policy
    /// iamform cannot see counts as granting, never as denying.
    fn group(&self, group: &Name, effect: &Effect) -> bool {
        let Some(g) = self.account.groups.get(group) else {
            return false;
        };
        let unseen = *effect == Effect::Allow;
        g.inline_policies.values().any(|d| names_iam(d, effect))
            || g.policies
                .iter()
                .any(|p| self.managed(p).map_or(unseen, |d| names_iam(d, effect)))
    }

    /// Whether `op` can take access from the caller, and what to say about it.
    fn describe(&self, op: &Operation) -> (bool, String) {
        let yes = |why: &str| (true, why.to_owned());
        match op {
            Operation::User(UserOp::RemoveUserFromGroup { group, .. })
                if self.group(group, &Effect::Allow) =>
            {
                yes("the group grants IAM actions")
            }
            Operation::User(UserOp::AddUserToGroup { group, .. })
                if self.group(group, &Effect::Deny) =>
            {
                yes("the group's policies deny IAM actions")
            }
            Operation::Boundary(BoundaryOp {
                policy_arn: Some(_),
                ..
            }) => yes("puts a permissions boundary on the caller"),
            Operation::Permission(p) => self.describe_permission(p),
            Operation::Policy(PolicyOp::CreatePolicyVersion {
                policy_arn,
                document,
            }) => match self.managed(policy_arn) {
                Some(old) if loses_iam(old, document) => {
                    let what = if self.boundary.as_deref() == Some(policy_arn.as_str()) {
                        "the new version of the caller's permissions boundary grants fewer IAM actions"
                    } else {
                        "the new version grants fewer IAM actions"
                    };
                    yes(what)
                }
                _ => (false, "changes a policy of the caller".to_owned()),
            },
            Operation::Policy(PolicyOp::DeletePolicy { .. }) => {
                yes("deletes a policy of the caller that grants IAM actions")
            }
            Operation::Group(_) => (false, "changes a group of the caller".to_owned()),
            _ => (false, "changes the caller".to_owned()),
        }
    }

    /// A permission change of the caller or one of its groups.
    fn describe_permission(&self, p: &PermissionOp) -> (bool, String) {
        let yes = |why: &str| (true, why.to_owned());
        match &p.change {
            PermissionChange::Detach { policy_arn } => match self.managed(policy_arn) {
                None => {
                    yes("iamform cannot see the policy's document, so it may grant IAM actions")
                }
                Some(d) if names_iam(d, &Effect::Allow) => yes("the policy grants IAM actions"),
                Some(_) => (false, "detaches a policy".to_owned()),
            },
            PermissionChange::Attach { policy_arn } => match self.managed(policy_arn) {
                Some(d) if names_iam(d, &Effect::Deny) => yes("the policy denies IAM actions"),
                _ => (false, "attaches a policy".to_owned()),
            },
            PermissionChange::Delete { policy_name } => {
                match self.inline(&p.identity, policy_name) {
                    Some(d) if names_iam(d, &Effect::Allow) => {
                        yes("the inline policy grants IAM actions")
                    }
                    _ => (false, "deletes an inline policy".to_owned()),
                }
            }
            PermissionChange::Put {
                policy_name,
                document,
            } => match self.inline(&p.identity, policy_name) {
                Some(old) if loses_iam(old, document) => {
                    yes("the new document grants fewer IAM actions")
                }
                None if names_iam(document, &Effect::Deny) => {
                    yes("the inline policy denies IAM actions")
                }
                _ => (false, "changes an inline policy".to_owned()),
            },
        }
    }
}

/// The refusal message: what, which operations, and what to do.
pub(crate) fn refusal(caller: &Address, verdict: &Verdict) -> String {
    let mut msg = format!(
        "error: this plan would take from the caller ({caller}) the IAM permissions iamform needs \
         to run:\n"
    );
    describe_verdict(&mut msg, verdict);
    msg.push_str(
        "Nothing was applied. Change the configuration (or run iamform as another principal); \
         if this is intended, apply again with --allow-lockout.\n",
    );
    msg
}

/// What `plan` says (on stderr) when its apply would be refused.
pub(crate) fn plan_warning(caller: &Address, verdict: &Verdict) -> String {
    let mut msg = format!(
        "warning: apply of this plan will be refused: it takes from the caller ({caller}) the IAM \
         permissions iamform needs to run:\n"
    );
    describe_verdict(&mut msg, verdict);
    msg.push_str("Apply it anyway with --allow-lockout.\n");
    msg
}

fn describe_verdict(msg: &mut String, verdict: &Verdict) {
    for l in &verdict.found {
        msg.push_str(&format!("  {}: {}\n", l.operation, l.why));
    }
    if !verdict.lost.is_empty() {
        const SHOWN: usize = 6;
        let mut lost: Vec<&str> = verdict
            .lost
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        lost.sort_unstable();
        msg.push_str(&format!(
            "  The caller would lose, during or after the apply: {}.\n",
            crate::words::and_more(&lost, verdict.lost.len())
        ));
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

/// Statements of `effect` that name some IAM action: an `Action` covering `iam:`, or a
/// `NotAction` that does not exclude all of IAM.
fn iam_statements<'d>(doc: &'d PolicyDocument, effect: &Effect) -> BTreeSet<&'d Statement> {
    doc.statements()
        .iter()
        .filter(|s| s.effect == *effect)
        .filter(|s| match (&s.action, &s.not_action) {
            (Some(actions), _) => actions.iter().any(|a| covers_iam(a)),
            (None, Some(not)) => !not
                .iter()
                .any(|a| a == "*" || a.eq_ignore_ascii_case("iam:*")),
            (None, None) => false,
        })
        .collect()
}

fn names_iam(doc: &PolicyDocument, effect: &Effect) -> bool {
    !iam_statements(doc, effect).is_empty()
}

/// Whether replacing `old` with `new` can take away IAM permissions: an Allow naming IAM actions
/// is gone, or a Deny was added.
fn loses_iam(old: &PolicyDocument, new: &PolicyDocument) -> bool {
    let denies = |d: &'_ PolicyDocument| -> BTreeSet<Statement> {
        d.statements()
            .iter()
            .filter(|s| s.effect == Effect::Deny)
            .cloned()
            .collect()
    };
    let kept = iam_statements(new, &Effect::Allow);
    let lost_allow = iam_statements(old, &Effect::Allow)
        .iter()
        .any(|s| !kept.contains(s));
    lost_allow || !denies(new).is_subset(&denies(old))
}

#[cfg(test)]
mod tests;
