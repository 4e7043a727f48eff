//! Who gains and who loses access: the [`model`] of every user and role before and after, and for
//! each one whose effective policies change, the actions gained and lost with their resources,
//! conditions and the documents they come through. The gains that let a principal raise its own
//! privileges are flagged ([`escalation`]).
//!
//! "Before" is the live account, "after" what it is once the plan is applied; a principal whose
//! instantiated statements are the same in both is skipped without building a model, so that a
//! document re-laid out or reordered is no change (documents are compared in canonical form).

use super::actions::{ActionId, ActionSet};
use super::bdd::FALSE;
use super::model::{Class, Engine, Inputs, Model, Region};
use super::principal::{self, Principal};
use super::resources::Shape;
use super::{actions, matcher, reach};
use crate::model::policy::Condition;
use crate::model::{arn, Account, Address, Kind};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

/// Whether a shared list is empty (serde's `skip_serializing_if` for grants and packed grants).
pub(crate) fn none(list: &Arc<Vec<String>>) -> bool {
    list.is_empty()
}

/// One principal's access change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessChange {
    /// `user.NAME` or `role.NAME`.
    pub principal: String,
    /// It gains every action of the catalog, on every resource, unconditionally.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gained_everything: bool,
    /// It loses every action of the catalog (it had them all, unconditionally).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lost_everything: bool,
    pub gained: Vec<Grant>,
    pub lost: Vec<Grant>,
}

/// One concrete action gained or lost, where and when.
///
/// Its [`Terms`] are shared by every action of one region of a model (a principal gaining
/// AdministratorAccess gains some 14,000 actions with the same ones): each [`Arc`] in them is
/// made once per region, not copied per action.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// `s3:DeleteObject`, as the catalog spells it.
    pub action: String,
    #[serde(flatten)]
    pub terms: Terms,
    /// The catalog's access level (List, Read, Write, Permissions management, Tagging).
    pub access_level: Option<String>,
    /// Why the gain lets the principal raise its privileges.
    pub escalation: Option<String>,
}

/// On what, when and through what a [`Grant`] holds: what the grants of one region share (a
/// grant's JSON holds them beside its action; a saved plan's packed group, once for its
/// actions).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Terms {
    /// The resource patterns (none covering another).
    pub resources: Arc<Vec<String>>,
    /// Resources excepted from `resources`.
    #[serde(default, skip_serializing_if = "none")]
    pub not_resources: Arc<Vec<String>>,
    /// The conditions that must hold (operator -> key -> values), as in a policy.
    pub conditions: Option<Arc<Condition>>,
    /// Conditions that, when one holds, take the grant away (from a conditional Deny).
    pub unless: Option<Arc<Condition>>,
    /// The documents (and groups) granting it.
    pub via: Arc<Vec<String>>,
}

impl Terms {
    /// The terms of `region`'s grants, granted through `via`.
    fn of(region: &Region, via: &Arc<Vec<String>>) -> Terms {
        let some = |c: &Condition| (!c.is_empty()).then(|| Arc::new(c.clone()));
        Terms {
            resources: Arc::new(region.resources.clone()),
            not_resources: Arc::new(region.not_resources.clone()),
            conditions: some(&region.conditions),
            unless: some(&region.unless),
            via: Arc::clone(via),
        }
    }

    /// `action` on these terms, at the catalog's `level`.
    pub fn grant(&self, action: &str, level: Option<String>) -> Grant {
        Grant {
            action: action.to_owned(),
            terms: self.clone(),
            access_level: level,
            escalation: None,
        }
    }
}

impl AccessChange {
    pub fn escalations(&self) -> impl Iterator<Item = &Grant> {
        self.gained.iter().filter(|g| g.escalation.is_some())
    }
}

/// Users, then roles, of both accounts, each in name order.
fn principals(before: &Account, after: &Account) -> Vec<Address> {
    let users = before.users.keys().chain(after.users.keys());
    let roles = before.roles.keys().chain(after.roles.keys());
    let mut out: Vec<Address> = users
        .map(|n| Address::new(Kind::User, n.clone()))
        .chain(roles.map(|n| Address::new(Kind::Role, n.clone())))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Some principals of two accounts, and one engine for them.
pub struct Comparison<'a> {
    pub engine: Engine<'a>,
    /// The principals compared, in address order, with their policies before and after.
    compared: Vec<(Address, Option<Principal<'a>>, Option<Principal<'a>>)>,
    account_id: String,
    after_account: &'a Account,
    after_models: HashMap<Address, Rc<Model>>,
}

impl<'a> Comparison<'a> {
    /// A comparison of `compared` (users and roles, in address order) between `before` and
    /// `after`. The catalog holds the actions every principal's documents name, on both sides,
    /// whether compared or not: what the model lists for a wildcard does not depend on which
    /// principals a change reaches.
    pub fn new(
        before: &'a Account,
        after: &'a Account,
        account_id: &str,
        compared: Vec<Address>,
    ) -> Comparison<'a> {
        let everyone = principals(before, after);
        let mut documents = Vec::new();
        for account in [before, after] {
            let mut resolved = principal::Resolved::new();
            for a in &everyone {
                principal::documents(account, account_id, a, &mut resolved, &mut documents);
            }
        }
        let engine = Engine::new(super::model::statements_of(documents));
        let compared = compared
            .into_iter()
            .map(|a| {
                let b = principal::gather(before, account_id, &a);
                let n = principal::gather(after, account_id, &a);
                (a, b, n)
            })
            .collect();
        Comparison {
            engine,
            compared,
            account_id: account_id.to_owned(),
            after_account: after,
            after_models: HashMap::new(),
        }
    }

    fn inputs(&mut self, side: Option<&Principal<'a>>) -> Option<Inputs> {
        side.map(|p| self.engine.inputs(p))
    }

    /// The changes of the principals compared, in address order.
    pub fn changes(&mut self) -> Vec<AccessChange> {
        let mut out = Vec::new();
        for (address, b, a) in std::mem::take(&mut self.compared) {
            let (ib, ia) = (self.inputs(b.as_ref()), self.inputs(a.as_ref()));
            if ib == ia {
                continue;
            }
            let empty = Rc::new(Model::default());
            let mb = ib.map_or_else(|| empty.clone(), |x| self.engine.model(&x));
            let ma = ia.map_or(empty, |x| self.engine.model(&x));
            let change = self.compare(&address, &mb, &ma);
            if !change.gained.is_empty() || !change.lost.is_empty() {
                out.push(change);
            }
        }
        out
    }

    /// The model of `address` after the plan (empty for one that is not there).
    pub fn model_after(&mut self, address: &Address) -> Rc<Model> {
        if let Some(m) = self.after_models.get(address) {
            return m.clone();
        }
        let m = match principal::gather(self.after_account, &self.account_id, address) {
            Some(p) => {
                let inputs = self.engine.inputs(&p);
                self.engine.model(&inputs)
            }
            None => Rc::new(Model::default()),
        };
        self.after_models.insert(address.clone(), m.clone());
        m
    }

    fn compare(&mut self, address: &Address, before: &Model, after: &Model) -> AccessChange {
        let mut change = AccessChange {
            principal: address.to_string(),
            gained_everything: everything(after) && !everything(before),
            lost_everything: everything(before) && !everything(after),
            gained: Vec::new(),
            lost: Vec::new(),
        };
        let n = self.engine.universe().len();
        // Pairs of classes (a missing side is "never") whose actions' access differs.
        let mut pairs: Vec<(ActionSet, Option<&Class>, Option<&Class>)> = Vec::new();
        for b in &before.classes {
            for a in &after.classes {
                if a.node != b.node {
                    pairs.push((b.actions.intersection(&a.actions), Some(b), Some(a)));
                }
            }
        }
        let (all_before, all_after) = (before.all(n), after.all(n));
        let (not_before, not_after) = (all_before.complement(n), all_after.complement(n));
        for b in &before.classes {
            pairs.push((b.actions.intersection(&not_after), Some(b), None));
        }
        for a in &after.classes {
            pairs.push((a.actions.intersection(&not_before), None, Some(a)));
        }
        let mut gained: Vec<(ActionId, Grant)> = Vec::new();
        let mut lost: Vec<(ActionId, Grant)> = Vec::new();
        for (actions, old, new) in pairs {
            if actions.is_empty() {
                continue;
            }
            let (o, nw) = (old.map_or(FALSE, |x| x.node), new.map_or(FALSE, |x| x.node));
            let (g, l) = self.engine.difference(o, nw);
            let sides = [(g, new, &mut gained), (l, old, &mut lost)];
            for (node, side, into) in sides {
                let regions = self.engine.regions(node);
                if regions.is_empty() {
                    continue;
                }
                let via = Arc::new(side.map_or(Vec::new(), |s| self.engine.labels(s.via).to_vec()));
                let terms: Vec<Terms> = regions.iter().map(|r| Terms::of(r, &via)).collect();
                for action in actions.iter() {
                    let u = self.engine.universe();
                    let (name, level) = (u.name(action), u.level(action).map(|l| l.to_string()));
                    for t in &terms {
                        into.push((action, t.grant(name, level.clone())));
                    }
                }
            }
        }
        for (list, into) in [(gained, &mut change.gained), (lost, &mut change.lost)] {
            let mut list = list;
            list.sort_by_key(|(id, _)| *id);
            into.extend(list.into_iter().map(|(_, g)| g));
        }
        self.flag(address, &mut change, after);
        change
    }

    /// Marks the gains in `change` that are privilege escalations.
    fn flag(&mut self, address: &Address, change: &mut AccessChange, after: &Model) {
        let me = self.arn_of(address);
        let has = |name: &str| {
            let u = self.engine.universe();
            u.id(name).is_some_and(|id| after.get(id).is_some())
        };
        let runner = RUNS_CODE.iter().find(|a| has(a)).copied();
        let mut assumed: Vec<Grant> = Vec::new();
        for g in &mut change.gained {
            g.escalation = escalation(g, &me, runner);
            if g.escalation.is_none() && g.action.eq_ignore_ascii_case("sts:AssumeRole") {
                assumed.push(g.clone());
            }
        }
        for g in assumed {
            if let Some(reason) = self.more_privileged_role(&g, after) {
                if let Some(x) = change.gained.iter_mut().find(|x| **x == g) {
                    x.escalation = Some(reason);
                }
            }
        }
    }

    fn arn_of(&self, address: &Address) -> String {
        let path = self.after_account.path_of(address).unwrap_or("/");
        arn(&self.account_id, address.kind, path, address.name.as_str())
    }

    /// A role of the account the grant lets the principal assume that can do more than it can.
    fn more_privileged_role(&mut self, g: &Grant, mine: &Model) -> Option<String> {
        let roles: Vec<Address> = self
            .after_account
            .roles
            .keys()
            .map(|n| Address::new(Kind::Role, n.clone()))
            .collect();
        let shapes = |list: &[String]| list.iter().map(|r| Shape::of(r)).collect::<Vec<_>>();
        let (named_by, except) = (shapes(&g.terms.resources), shapes(&g.terms.not_resources));
        for role in roles {
            let role_arn = self.arn_of(&role);
            let target = Shape::of(&role_arn);
            let named = named_by.iter().any(|r| r.covers(&target))
                && !except.iter().any(|r| r.covers(&target));
            if !named {
                continue;
            }
            let theirs = self.model_after(&role);
            let n = self.engine.universe().len();
            let more = !theirs
                .all(n)
                .intersection(&mine.all(n).complement(n))
                .is_empty();
            if more {
                return Some(format!(
                    "can assume {role}, which is allowed actions this principal is not"
                ));
            }
        }
        None
    }
}

fn everything(m: &Model) -> bool {
    m.classes.iter().all(|c| Engine::is_everything(c.node)) && m.len() >= actions::catalog_len()
}

/// Actions that run code with a role passed to them (with `iam:PassRole`, an escalation).
pub const RUNS_CODE: &[&str] = &[
    "ec2:RunInstances",
    "lambda:CreateFunction",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "cloudformation:CreateStack",
    "datapipeline:CreatePipeline",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "ecs:RunTask",
    "ecs:CreateService",
    "codebuild:CreateProject",
    "states:CreateStateMachine",
    "apprunner:CreateService",
];

/// The published privilege-escalation actions that are one on their own, and why.
const ESCALATIONS: &[(&str, &str)] = &[
    (
        "iam:CreatePolicyVersion",
        "can rewrite a managed policy it holds (a new default version)",
    ),
    (
        "iam:SetDefaultPolicyVersion",
        "can switch a managed policy to another of its versions",
    ),
    (
        "iam:AttachUserPolicy",
        "can attach any managed policy (AdministratorAccess) to a user",
    ),
    (
        "iam:AttachGroupPolicy",
        "can attach any managed policy (AdministratorAccess) to a group",
    ),
    (
        "iam:AttachRolePolicy",
        "can attach any managed policy (AdministratorAccess) to a role",
    ),
    (
        "iam:PutUserPolicy",
        "can write any inline policy into a user",
    ),
    (
        "iam:PutGroupPolicy",
        "can write any inline policy into a group",
    ),
    (
        "iam:PutRolePolicy",
        "can write any inline policy into a role",
    ),
    (
        "iam:AddUserToGroup",
        "can add a user to a more privileged group",
    ),
    (
        "iam:UpdateAssumeRolePolicy",
        "can make a role assumable by itself",
    ),
    (
        "iam:PutUserPermissionsBoundary",
        "can replace a user's permissions boundary",
    ),
    (
        "iam:PutRolePermissionsBoundary",
        "can replace a role's permissions boundary",
    ),
    (
        "iam:DeleteUserPermissionsBoundary",
        "can remove a user's permissions boundary",
    ),
    (
        "iam:DeleteRolePermissionsBoundary",
        "can remove a role's permissions boundary",
    ),
    (
        "lambda:UpdateFunctionCode",
        "can run its own code as an existing function's role",
    ),
    (
        "glue:UpdateDevEndpoint",
        "can log in to an existing Glue endpoint and use its role",
    ),
];

/// Escalations when on another user than the principal itself.
const ON_OTHER_USERS: &[(&str, &str)] = &[
    (
        "iam:CreateAccessKey",
        "can create access keys for other users",
    ),
    (
        "iam:CreateLoginProfile",
        "can set a console password for other users",
    ),
    (
        "iam:UpdateLoginProfile",
        "can change other users' console passwords",
    ),
];

fn escalation(g: &Grant, me: &str, runner: Option<&str>) -> Option<String> {
    let is = |name: &str| g.action.eq_ignore_ascii_case(name);
    if let Some((_, why)) = ESCALATIONS.iter().find(|(a, _)| is(a)) {
        return Some((*why).to_owned());
    }
    if let Some((_, why)) = ON_OTHER_USERS.iter().find(|(a, _)| is(a)) {
        let only_me = g.terms.resources.iter().all(|r| r == me);
        return (!only_me).then(|| (*why).to_owned());
    }
    if is("iam:PassRole") {
        return runner.map(|r| format!("with {r}: can run code as any role it passes"));
    }
    None
}

/// The gains in `changes` whose action one of `patterns` names (`iam:*`), as
/// `(principal, action)` pairs.
pub fn gains_matching<'c>(
    changes: &'c [AccessChange],
    patterns: &[String],
) -> Vec<(&'c str, &'c str)> {
    let mut out = Vec::new();
    for c in changes {
        for g in &c.gained {
            if patterns
                .iter()
                .any(|p| matcher::action_matches(p, &g.action))
            {
                out.push((c.principal.as_str(), g.action.as_str()));
            }
        }
    }
    out.dedup();
    out
}

/// Every principal's access change between `before` (the live account) and `after`: only the
/// principals the change [`reach`]es are modelled.
pub fn access_changes(before: &Account, after: &Account, account_id: &str) -> Vec<AccessChange> {
    Comparison::new(before, after, account_id, reach::reached(before, after)).changes()
}

/// The principal's whole access in `account`, as one change from nothing: what it is allowed.
pub fn access_of(account: &Account, account_id: &str, address: &Address) -> Option<AccessChange> {
    let p = principal::gather(account, account_id, address)?;
    let empty = Account::default();
    let mut c = Comparison::new(&empty, account, account_id, Vec::new());
    let inputs = c.engine.inputs(&p);
    let model = c.engine.model(&inputs);
    Some(c.compare(address, &Model::default(), &model))
}

/// The catalog's service prefix of an action name.
pub fn service_of(action: &str) -> &str {
    action.split_once(':').map_or(action, |(s, _)| s)
}

/// Gains and losses by service and access level: `(service, level) -> (gained, lost)`.
pub fn counts(change: &AccessChange) -> BTreeMap<(String, String), (usize, usize)> {
    let mut out: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let key = |g: &Grant| {
        (
            service_of(&g.action).to_ascii_lowercase(),
            g.access_level
                .clone()
                .unwrap_or_else(|| "not in the catalog".to_owned()),
        )
    };
    let mut seen = std::collections::BTreeSet::new();
    for g in &change.gained {
        if seen.insert(("+", g.action.as_str())) {
            out.entry(key(g)).or_default().0 += 1;
        }
    }
    for g in &change.lost {
        if seen.insert(("-", g.action.as_str())) {
            out.entry(key(g)).or_default().1 += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "123456789012";

    fn account(json: &str) -> Account {
        serde_json::from_str(json).expect("an account")
    }

    fn doc(statements: &str) -> String {
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
    }

    fn changes(before: &str, after: &str) -> Vec<AccessChange> {
        access_changes(&account(before), &account(after), ID)
    }

    /// An account of one user, ann, with one inline policy.
    fn inline_user(d: &str) -> String {
        format!(r#"{{"users": {{"ann": {{"name": "ann", "inline_policies": {{"p": {d}}}}}}}}}"#)
    }

    fn actions(gs: &[Grant]) -> Vec<&str> {
        gs.iter().map(|g| g.action.as_str()).collect()
    }

    fn group_account(group_doc: &str, members: &str) -> String {
        format!(
            r#"{{"users": {{"ann": {{"name": "ann", "groups": [{members}]}}, "bob": {{"name": "bob", "groups": ["dev"]}}}},
               "groups": {{"dev": {{"name": "dev", "inline_policies": {{"p": {group_doc}}}}}}}}}"#
        )
    }

    #[test]
    fn a_group_policy_change_reaches_every_member() {
        let read =
            doc(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}"#);
        let more = doc(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::b/*"}"#,
        );
        let c = changes(
            &group_account(&read, r#""dev""#),
            &group_account(&more, r#""dev""#),
        );
        let who: Vec<&str> = c.iter().map(|c| c.principal.as_str()).collect();
        assert_eq!(who, ["user.ann", "user.bob"]);
        for c in &c {
            assert_eq!(actions(&c.gained), ["s3:DeleteObject"]);
            assert_eq!(*c.gained[0].terms.resources, ["arn:aws:s3:::b/*"]);
            assert_eq!(
                *c.gained[0].terms.via,
                ["group.dev", "group.dev inline_policy.p"]
            );
            assert_eq!(c.gained[0].access_level.as_deref(), Some("Write"));
            assert!(c.lost.is_empty());
        }
    }

    #[test]
    fn membership_added_and_removed() {
        let read = doc(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#);
        let c = changes(&group_account(&read, ""), &group_account(&read, r#""dev""#));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].principal, "user.ann");
        assert_eq!(actions(&c[0].gained), ["s3:GetObject"]);
        let c = changes(&group_account(&read, r#""dev""#), &group_account(&read, ""));
        assert_eq!(actions(&c[0].lost), ["s3:GetObject"]);
        assert!(c[0].gained.is_empty());
    }

    #[test]
    fn a_boundary_narrows_a_gain_and_a_deny_takes_away() {
        let user = |inline: &str, boundary: &str| {
            format!(
                r#"{{"users": {{"ann": {{"name": "ann", "inline_policies": {{"p": {inline}}} {boundary}}}}},
                   "policies": {{"b": {{"name": "b", "document": {}}}}}}}"#,
                doc(r#"{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}"#)
            )
        };
        let none =
            doc(r#"{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}"#);
        let all_s3 = doc(r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#);
        let bounded = r#", "permissions_boundary": "arn:aws:iam::123456789012:policy/b""#;
        let c = changes(&user(&none, ""), &user(&all_s3, bounded));
        assert!(
            c[0].gained.iter().all(|g| g.action.starts_with("s3:Get")),
            "{:?}",
            actions(&c[0].gained)
        );
        assert!(actions(&c[0].gained).contains(&"s3:GetObject"));
        assert_eq!(
            actions(&c[0].lost),
            ["ec2:DescribeInstances"],
            "the boundary does not allow it"
        );
        let denied = doc(r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
               {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::prod/*"}"#);
        let c = changes(&user(&all_s3, ""), &user(&denied, ""));
        assert!(c[0].gained.is_empty());
        assert_eq!(actions(&c[0].lost), ["s3:DeleteObject"]);
        assert_eq!(*c[0].lost[0].terms.resources, ["arn:aws:s3:::prod/*"]);
    }

    #[test]
    fn a_managed_policy_version_change_reaches_its_holders() {
        let with = |statements: &str| {
            format!(
                r#"{{"roles": {{"app": {{"name": "app", "assume_role_policy": {}, "policies": ["arn:aws:iam::123456789012:policy/p"]}}}},
                   "policies": {{"p": {{"name": "p", "document": {}}}}}}}"#,
                doc(
                    r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#
                ),
                doc(statements)
            )
        };
        let c = changes(
            &with(r#"{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}"#),
            &with(r#"{"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*"}"#),
        );
        assert_eq!(c[0].principal, "role.app");
        assert_eq!(actions(&c[0].gained), ["sqs:ReceiveMessage"]);
        assert_eq!(actions(&c[0].lost), ["sqs:SendMessage"]);
        assert_eq!(*c[0].gained[0].terms.via, ["policy.p"]);
    }

    #[test]
    fn layout_and_covered_patterns_are_no_change() {
        let user = inline_user;
        let one = doc(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}"#,
        );
        let reordered = doc(
            r#"{"Resource": ["arn:aws:s3:::b/*"], "Action": ["s3:PutObject", "s3:GetObject"], "Effect": "Allow"},
               {"Effect": "Allow", "Action": ["sqs:*"], "Resource": "*"}"#,
        );
        assert!(changes(&user(&one), &user(&reordered)).is_empty());
        let covered = doc(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/x/*"]},
               {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}"#,
        );
        let c = changes(&user(&one), &user(&covered));
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn a_conditional_grant_keeps_its_condition() {
        let user = inline_user;
        let none = doc(r#"{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}"#);
        let mfa = doc(
            r#"{"Effect": "Allow", "Action": "iam:DeleteUser", "Resource": "*",
                "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#,
        );
        let c = changes(&user(&none), &user(&mfa));
        let g = &c[0].gained[0];
        assert_eq!(g.action, "iam:DeleteUser");
        let cond = g
            .terms
            .conditions
            .as_ref()
            .expect("kept with its condition");
        assert_eq!(
            cond["Bool"]["aws:MultiFactorAuthPresent"]
                .iter()
                .collect::<Vec<_>>(),
            ["true"]
        );
        // The same action unconditional afterwards: the gain is where the condition does not hold.
        let always = doc(r#"{"Effect": "Allow", "Action": "iam:DeleteUser", "Resource": "*"}"#);
        let c = changes(&user(&mfa), &user(&always));
        let g = &c[0].gained[0];
        assert!(g.terms.conditions.is_none());
        assert!(
            g.terms
                .unless
                .as_ref()
                .is_some_and(|u| u.contains_key("Bool")),
            "{g:?}"
        );
    }

    #[test]
    fn escalations_are_flagged() {
        let user = inline_user;
        let none = doc(r#"{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}"#);
        let risky = doc(
            r#"{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances", "iam:CreatePolicyVersion"], "Resource": "*"},
               {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::123456789012:user/ann"}"#,
        );
        let c = changes(&user(&none), &user(&risky));
        let flagged: Vec<&str> = c[0].escalations().map(|g| g.action.as_str()).collect();
        assert_eq!(flagged, ["iam:CreatePolicyVersion", "iam:PassRole"]);
        assert!(c[0]
            .gained
            .iter()
            .any(|g| g.action == "iam:CreateAccessKey" && g.escalation.is_none()));
        assert_eq!(gains_matching(&c, &["iam:Create*".to_owned()]).len(), 2);
    }

    #[test]
    fn gaining_everything_says_so() {
        let before = r#"{"users": {"ann": {"name": "ann"}}}"#;
        let after = r#"{"users": {"ann": {"name": "ann", "policies": ["arn:aws:iam::aws:policy/AdministratorAccess"]}}}"#;
        let c = changes(before, after);
        assert!(c[0].gained_everything);
        assert!(c[0].gained.len() >= actions::catalog_len());
        assert_eq!(
            *c[0].gained[0].terms.via,
            ["arn:aws:iam::aws:policy/AdministratorAccess"]
        );
    }

    mod property {
        //! The rule that decides correctness: `can` on the account before and after differs
        //! exactly where the access diff reports a gain or a loss (no conditions here, so every
        //! request's conditions hold).
        use super::super::*;
        use crate::access::AccessIndex;
        use proptest::prelude::*;
        use serde_json::{json, Value};

        const ID: &str = "123456789012";
        const PATTERNS: &[&str] = &[
            "s3:GetObject",
            "s3:PutObject",
            "s3:Get*",
            "s3:*",
            "iam:PassRole",
            "ec2:*",
            "*",
        ];
        const RESOURCES: &[&str] = &[
            "*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/x/*",
            "arn:aws:s3:::c/*",
            "arn:aws:s3:::b/x/k",
        ];
        const ACTIONS: &[&str] = &[
            "s3:GetObject",
            "s3:PutObject",
            "s3:DeleteObject",
            "iam:PassRole",
            "ec2:RunInstances",
            "sqs:SendMessage",
        ];
        const TARGETS: &[&str] = &[
            "arn:aws:s3:::b/x/k",
            "arn:aws:s3:::b/x/z",
            "arn:aws:s3:::b/y",
            "arn:aws:s3:::c/z",
            "arn:aws:s3:::d",
        ];

        fn pick(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
            proptest::sample::subsequence(pool, 1..=2)
        }

        fn statement() -> impl Strategy<Value = Value> {
            (
                prop::bool::weighted(0.25),
                any::<bool>(),
                pick(PATTERNS),
                prop::bool::weighted(0.2),
                pick(RESOURCES),
            )
                .prop_map(|(deny, not_action, actions, not_resource, resources)| {
                    let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }});
                    s[if not_action && !deny {
                        "NotAction"
                    } else {
                        "Action"
                    }] = json!(actions);
                    s[if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }] = json!(resources);
                    s
                })
        }

        fn document() -> impl Strategy<Value = Value> {
            prop::collection::vec(statement(), 1..=3)
                .prop_map(|st| json!({"Version": "2012-10-17", "Statement": st}))
        }

        /// Two users, a group, two customer managed policies (one usable as a boundary).
        fn account() -> impl Strategy<Value = Account> {
            (document(), document(), document(), document(), any::<[bool; 6]>()).prop_map(|(u, g, p, b, f)| {
                let policy = |n: &str| format!("arn:aws:iam::{ID}:policy/{n}");
                let mut ann = json!({"name": "ann", "inline_policies": {"own": u}});
                if f[0] { ann["groups"] = json!(["dev"]); }
                if f[1] { ann["permissions_boundary"] = json!(policy("b")); }
                if f[2] { ann["policies"] = json!([policy("p")]); }
                let mut bob = json!({"name": "bob", "groups": if f[3] { json!(["dev"]) } else { json!([]) }});
                if f[4] { bob["permissions_boundary"] = json!(policy("b")); }
                let mut dev = json!({"name": "dev", "inline_policies": {"g": g}});
                if f[5] { dev["policies"] = json!([policy("p")]); }
                serde_json::from_value(json!({
                    "users": {"ann": ann, "bob": bob},
                    "groups": {"dev": dev},
                    "policies": {"p": {"name": "p", "document": p}, "b": {"name": "b", "document": b}}
                }))
                .expect("an account")
            })
        }

        fn reported(grants: &[Grant], action: &str, resource: &str) -> bool {
            let target = Shape::of(resource);
            grants.iter().any(|g| {
                g.action == action
                    && g.terms.conditions.is_none()
                    && g.terms.unless.is_none()
                    && g.terms
                        .resources
                        .iter()
                        .any(|r| Shape::of(r).covers(&target))
                    && !g
                        .terms
                        .not_resources
                        .iter()
                        .any(|r| Shape::of(r).covers(&target))
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]
            #[test]
            fn the_diff_is_where_can_differs(before in account(), after in account()) {
                let changes = access_changes(&before, &after, ID);
                let (b, a) = (AccessIndex::new(&before, ID), AccessIndex::new(&after, ID));
                for who in ["user.ann", "user.bob"] {
                    let change = changes.iter().find(|c| c.principal == who);
                    let address: Address = who.parse().unwrap();
                    for action in ACTIONS {
                        for resource in TARGETS {
                            let was = b.can(&address, action, resource, &[]).unwrap().allowed();
                            let is = a.can(&address, action, resource, &[]).unwrap().allowed();
                            let gained = change.is_some_and(|c| reported(&c.gained, action, resource));
                            let lost = change.is_some_and(|c| reported(&c.lost, action, resource));
                            prop_assert_eq!(is && !was, gained, "{} {} {}: gained? {:?}", who, action, resource, change);
                            prop_assert_eq!(was && !is, lost, "{} {} {}: lost? {:?}", who, action, resource, change);
                        }
                    }
                }
            }
        }
    }
}
