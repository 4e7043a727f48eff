//! The decision for one request, on AWS's single-account evaluation logic ("Policy evaluation
//! logic", "Determining whether a request is allowed or denied within an account"):
//!
//! 1. An explicit `Deny` in any applicable policy (identity, permissions boundary, the trust
//!    policy) wins: **explicit deny**.
//! 2. For `sts:AssumeRole`, `AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`, `TagSession` and
//!    `SetSourceIdentity` on a role of the account, the role's trust policy is the resource policy:
//!    - a statement naming the caller itself (its user ARN or session ARN) or anyone allows, with no
//!      identity policy and whatever the caller's permissions boundary says;
//!    - one naming the caller's role (the role ARN of a role session) allows with no identity
//!      policy, but within the role's permissions boundary;
//!    - one naming the account (`arn:aws:iam::ID:root`, a bare id) only delegates: an identity
//!      policy must allow too (and the boundary);
//!    - no statement for the caller: **implicit deny**, whatever the identity policies say.
//! 3. Otherwise an identity policy (the principal's, or its groups') must allow, and the
//!    permissions boundary too when there is one; else **implicit deny**.
//!
//! Not modelled: service control policies, resource control policies, session policies, and
//! resource policies other than trust policies (S3 bucket policies, KMS key policies, …).

use super::principal::{PolicyKind, PolicyRef};
use super::request::{Caller, Request};
use super::statement::{self, PrincipalMatch};
use crate::model::policy::{Effect, Statement, DEFAULT_VERSION};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

/// The actions whose resource policy is the trust policy of the role they name.
pub const TRUST_ACTIONS: [&str; 5] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
];

/// Whether `action` is evaluated against the trust policy of the role it names.
pub fn is_trust_action(action: &str) -> bool {
    TRUST_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(action))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allowed,
    ImplicitDeny,
    ExplicitDeny,
}

/// A statement that took part in the decision.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatchedStatement {
    /// `policy.read`, `user.ann inline_policy.s3`, an AWS managed policy ARN,
    /// `role.app assume_role_policy`.
    pub policy: String,
    pub kind: PolicyKind,
    /// The group through which the policy applies to a user.
    pub via: Option<String>,
    pub effect: &'static str,
    pub sid: Option<String>,
    /// Position of the statement in its document as written, from 0.
    pub index: usize,
    /// `file:line:col` of the statement (or of the document) in the configuration.
    pub location: Option<String>,
}

impl MatchedStatement {
    /// `statement "Sid"` or `statement[2]`.
    pub fn statement_label(&self) -> String {
        match &self.sid {
            Some(sid) => format!("statement \"{sid}\""),
            None => format!("statement[{}]", self.index),
        }
    }
}

/// The decision and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub decision: Decision,
    /// Denied explicitly: every Deny statement that applies. Allowed: the statements that allow
    /// it. Denied implicitly: the statements that allowed part of it (an identity statement
    /// without a boundary statement, …); often none.
    pub matched: Vec<MatchedStatement>,
    /// Keys the deciding conditions referred to that the request did not have; for an implicit
    /// deny, those of the Allow statements whose conditions failed (give them with `--context` to
    /// see whether they would allow it); for an allow, also those of Deny statements whose
    /// conditions failed.
    pub missing_context_keys: Vec<String>,
    /// Why, in words, when it is not evident from `matched` (which side lacked an allow), and
    /// what could not be evaluated.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.decision == Decision::Allowed
    }
}

/// Everything one request is evaluated against.
pub struct Inputs<'p, 'a> {
    pub caller: &'p Caller,
    pub identity: &'p [PolicyRef<'a>],
    pub boundary: Option<&'p PolicyRef<'a>>,
    /// The trust policy, for a trust action on a role of the account.
    pub resource_policy: Option<&'p PolicyRef<'a>>,
    /// Whether each statement's `Action` / `NotAction` applies, remembered across evaluations of
    /// one action (`None`: decided afresh).
    pub actions: Option<&'p ActionCache>,
}

/// Remembers, for one action, whether each statement's `Action` / `NotAction` applies to it.
/// Statements are known by address: the documents must outlive the cache (they are borrowed from
/// the account, or static).
#[derive(Debug, Default)]
pub struct ActionCache {
    action: String,
    applies: RefCell<HashMap<usize, bool>>,
}

impl ActionCache {
    pub fn new(action: &str) -> ActionCache {
        ActionCache {
            action: action.to_owned(),
            applies: RefCell::default(),
        }
    }

    fn applies(&self, s: &Statement, action: &str) -> bool {
        if action != self.action {
            return statement::action_applies(s, action);
        }
        let key = s as *const Statement as usize;
        *self
            .applies
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| statement::action_applies(s, action))
    }
}

struct Hit<'p, 'a> {
    policy: &'p PolicyRef<'a>,
    statement: &'p Statement,
    index: usize,
    principal: Option<PrincipalMatch>,
    missing: Vec<String>,
}

impl Hit<'_, '_> {
    fn matched(&self) -> MatchedStatement {
        MatchedStatement {
            policy: self.policy.origin.to_string(),
            kind: self.policy.kind,
            via: self.policy.via.as_ref().map(ToString::to_string),
            effect: match self.statement.effect {
                Effect::Allow => "Allow",
                Effect::Deny => "Deny",
            },
            sid: self.statement.sid.clone(),
            index: self.index,
            location: None,
        }
    }
}

#[derive(Default)]
struct Found<'p, 'a> {
    allow: Vec<Hit<'p, 'a>>,
    deny: Vec<Hit<'p, 'a>>,
    /// Statements whose action and resource match but whose condition does not hold.
    near_allow: Vec<Hit<'p, 'a>>,
    near_deny: Vec<Hit<'p, 'a>>,
}

fn scan<'p, 'a>(
    policy: &'p PolicyRef<'a>,
    request: &Request,
    caller: Option<(&Caller, bool)>,
    actions: Option<&ActionCache>,
    found: &mut Found<'p, 'a>,
) {
    let Some(doc) = policy.document else { return };
    let variables = doc.version() == Some(DEFAULT_VERSION);
    for s in doc.statements() {
        let action = match actions {
            Some(cache) => cache.applies(s, &request.action),
            None => statement::action_applies(s, &request.action),
        };
        if !action {
            continue;
        }
        let out = statement::evaluate_given_action(s, request, variables, caller);
        let near = out.scope || !out.condition.missing.is_empty();
        let list = match (out.applies(), near, &s.effect) {
            (true, _, Effect::Allow) => &mut found.allow,
            (true, _, Effect::Deny) => &mut found.deny,
            (false, true, Effect::Allow) => &mut found.near_allow,
            (false, true, Effect::Deny) => &mut found.near_deny,
            (false, false, _) => continue,
        };
        // Where it was written, found only for the few statements that matter.
        let index = doc
            .statements_as_written()
            .into_iter()
            .find(|(_, w)| std::ptr::eq(*w, s))
            .map_or(0, |(i, _)| i);
        list.push(Hit {
            policy,
            statement: s,
            index,
            principal: out.principal,
            missing: out.condition.missing,
        });
    }
}

/// Evaluates one request.
pub fn evaluate(inputs: &Inputs<'_, '_>, request: &Request) -> Evaluation {
    let mut identity = Found::default();
    for p in inputs.identity {
        scan(p, request, None, inputs.actions, &mut identity);
    }
    let mut boundary = Found::default();
    if let Some(b) = inputs.boundary {
        scan(b, request, None, inputs.actions, &mut boundary);
    }
    let mut resource = Found::default();
    if let Some(r) = inputs.resource_policy {
        let with = Some((inputs.caller, inputs.boundary.is_some()));
        scan(r, request, with, inputs.actions, &mut resource);
    }
    let mut notes = Vec::new();
    let denies = hits([&identity, &boundary, &resource], |f| &f.deny);
    if !denies.is_empty() {
        return finish(Decision::ExplicitDeny, &denies, &[], notes);
    }
    let boundary_ok = inputs.boundary.is_none() || !boundary.allow.is_empty();
    let by = |m: PrincipalMatch| -> Vec<&Hit> {
        resource
            .allow
            .iter()
            .filter(|h| h.principal == Some(m))
            .collect()
    };
    let near_denies = hits([&identity, &boundary, &resource], |f| &f.near_deny);
    let id_allow: Vec<&Hit> = identity.allow.iter().collect();
    let b_allow: Vec<&Hit> = boundary.allow.iter().collect();
    if let Some(trust) = inputs.resource_policy {
        let (direct, role, account) = (
            by(PrincipalMatch::Direct),
            by(PrincipalMatch::Role),
            by(PrincipalMatch::Account),
        );
        if !direct.is_empty() {
            return finish(Decision::Allowed, &direct, &near_denies, notes);
        }
        if !role.is_empty() && boundary_ok {
            let all: Vec<&Hit> = role.iter().chain(&b_allow).copied().collect();
            return finish(Decision::Allowed, &all, &near_denies, notes);
        }
        if !account.is_empty() && !id_allow.is_empty() && boundary_ok {
            let all: Vec<&Hit> = account
                .iter()
                .chain(&id_allow)
                .chain(&b_allow)
                .copied()
                .collect();
            return finish(Decision::Allowed, &all, &near_denies, notes);
        }
        let origin = &trust.origin;
        if !role.is_empty() {
            notes.push(format!(
                "{origin} names the role, but its permissions boundary does not allow the action"
            ));
        } else if !account.is_empty() {
            if id_allow.is_empty() {
                notes.push(format!(
                    "{origin} trusts the account: an identity policy must allow the action too, and none does"
                ));
            } else {
                notes.push("the permissions boundary does not allow the action".to_owned());
            }
        } else {
            notes.push(format!("{origin} does not allow the caller"));
        }
    } else if !id_allow.is_empty() && boundary_ok {
        let all: Vec<&Hit> = id_allow.iter().chain(&b_allow).copied().collect();
        return finish(Decision::Allowed, &all, &near_denies, notes);
    } else if !id_allow.is_empty() {
        notes.push("the permissions boundary does not allow the action".to_owned());
    } else {
        notes.push("no identity policy allows the action".to_owned());
    }
    // Implicitly denied: show the partial allows, and what the failed Allow conditions needed.
    let partial = hits([&resource, &identity, &boundary], |f| &f.allow);
    let near = hits([&identity, &boundary, &resource], |f| &f.near_allow);
    finish(Decision::ImplicitDeny, &partial, &near, notes)
}

/// One list of each of the policies' hits, in the order given.
fn hits<'f, 'p, 'a>(
    of: [&'f Found<'p, 'a>; 3],
    list: impl Fn(&'f Found<'p, 'a>) -> &'f Vec<Hit<'p, 'a>>,
) -> Vec<&'f Hit<'p, 'a>> {
    of.into_iter().flat_map(list).collect()
}

fn finish(decision: Decision, matched: &[&Hit], also: &[&Hit], notes: Vec<String>) -> Evaluation {
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for h in matched.iter().chain(also) {
        for k in &h.missing {
            keys.entry(k.to_ascii_lowercase())
                .or_insert_with(|| k.clone());
        }
    }
    Evaluation {
        decision,
        matched: matched.iter().map(|h| h.matched()).collect(),
        missing_context_keys: keys.into_values().collect(),
        notes,
    }
}
