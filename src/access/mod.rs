//! Who can do what: an offline IAM policy evaluator, on AWS's single-account evaluation logic.
//!
//! Sits beside the pipeline: it reads an [`Account`] (the desired one a configuration lowers to,
//! or the live one a backend reads) and answers requests. Nothing here talks to a backend.
//!
//! ```text
//! Account ──AccessIndex::new──▶ index ──principal(user.ann)──▶ Principal (its policies, gathered once)
//!                                  └──evaluate(principal, action, resource, context)──▶ Evaluation
//! ```
//!
//! - [`request`]: the request and its context (filled from the principal as AWS does);
//! - [`matcher`], [`variables`], [`condition`], [`statement`]: whether one statement applies;
//! - [`principal`]: a user's or role's policies (inline, attached, its groups', its boundary);
//! - [`evaluate`]: the decision (explicit deny, trust policies, boundaries);
//! - [`managed`]: the embedded AWS managed policies;
//! - `render::access`: `can` and `who-can` output, text and JSON.
//!
//! The index is built once per account and is cheap to query: `who-can` evaluates every user and
//! role of a 10k-entity account in a fraction of a second.

pub mod actions;
pub mod bdd;
pub mod change;
pub mod compile;
pub mod condition;
pub mod evaluate;
mod intern;
pub mod managed;
pub mod matcher;
pub mod model;
pub mod principal;
pub mod reach;
pub mod request;
pub mod resources;
pub mod statement;
pub mod time;
pub mod variables;

pub use evaluate::{is_trust_action, ActionCache, Decision, Evaluation, Inputs, MatchedStatement};
pub use principal::{Origin, PolicyKind, PolicyRef, Principal};
pub use request::{Caller, CallerKind, Context, Request};

use crate::model::{arn, Account, Address, Kind, Name};
use std::collections::{BTreeMap, HashMap};

/// Where each statement of the configuration is: document label (`policy.read`,
/// `user.ann inline_policy.s3`, `role.app assume_role_policy`) -> `file:line:col` per statement
/// in written order, or one location for a document given whole (`document = file(…)`).
pub type Locations = BTreeMap<String, Vec<String>>;

/// A per-account index answering requests.
pub struct AccessIndex<'a> {
    account: &'a Account,
    account_id: String,
    roles_by_arn: HashMap<String, Name>,
    locations: Option<&'a Locations>,
    now: i64,
    /// `aws:CurrentTime` and `aws:EpochTime` for `now`, formatted once.
    times: (String, String),
}

/// The principal of a request is not a user or role of the account.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a user or role of this account")]
pub struct UnknownPrincipal(pub Address);

impl<'a> AccessIndex<'a> {
    /// Indexes `account`, whose ARNs use `account_id`. The request time (`aws:CurrentTime`) is now.
    pub fn new(account: &'a Account, account_id: &str) -> AccessIndex<'a> {
        let roles_by_arn = account
            .roles
            .values()
            .map(|r| {
                (
                    arn(account_id, Kind::Role, &r.path, r.name.as_str()),
                    r.name.clone(),
                )
            })
            .collect();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        AccessIndex {
            account,
            account_id: account_id.to_owned(),
            roles_by_arn,
            locations: None,
            now,
            times: times(now),
        }
    }

    /// Names statements with their configuration locations.
    pub fn with_locations(mut self, locations: &'a Locations) -> Self {
        self.locations = Some(locations);
        self
    }

    /// Evaluates at `epoch_seconds` instead of now (tests; `--context aws:CurrentTime=…` is the
    /// user's way).
    pub fn at(mut self, epoch_seconds: i64) -> Self {
        self.now = epoch_seconds;
        self.times = times(epoch_seconds);
        self
    }

    /// The request time, seconds since the epoch.
    pub fn now(&self) -> i64 {
        self.now
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// A user's or role's policies, gathered once for any number of requests.
    pub fn principal(&self, address: &Address) -> Result<Principal<'a>, UnknownPrincipal> {
        principal::gather(self.account, &self.account_id, address)
            .ok_or_else(|| UnknownPrincipal(address.clone()))
    }

    /// Every user and role, users first, each in name order.
    pub fn principals(&self) -> impl Iterator<Item = Address> + '_ {
        let users = self
            .account
            .users
            .keys()
            .map(|n| Address::new(Kind::User, n.clone()));
        let roles = self
            .account
            .roles
            .keys()
            .map(|n| Address::new(Kind::Role, n.clone()));
        users.chain(roles)
    }

    /// The request `principal` makes: its context filled as AWS does, then `overrides`
    /// (`--context KEY=VALUE` pairs; a key given twice is multivalued) on top.
    pub fn request(
        &self,
        principal: &Principal,
        action: &str,
        resource: &str,
        overrides: &[(String, String)],
    ) -> Request {
        let (current, epoch) = &self.times;
        let mut context = Context::for_caller_at(&principal.caller, principal.tags, current, epoch);
        context.override_with(overrides);
        Request {
            action: action.to_owned(),
            resource: resource.to_owned(),
            context,
        }
    }

    /// Evaluates a request of `principal`.
    pub fn evaluate(&self, principal: &Principal<'a>, request: &Request) -> Evaluation {
        self.evaluate_with(principal, request, None)
    }

    /// [`AccessIndex::evaluate`], remembering in `actions` which statements the action applies
    /// to, for the next principals (the same documents are shared by many).
    pub fn evaluate_with(
        &self,
        principal: &Principal<'a>,
        request: &Request,
        actions: Option<&ActionCache>,
    ) -> Evaluation {
        let mut notes = principal.notes.clone();
        let trust = self.trust_policy(request, &mut notes);
        let inputs = Inputs {
            caller: &principal.caller,
            identity: &principal.identity,
            boundary: principal.boundary.as_ref(),
            resource_policy: trust.as_ref(),
            actions,
        };
        let mut ev = evaluate::evaluate(&inputs, request);
        notes.append(&mut ev.notes);
        ev.notes = notes;
        if let Some(locations) = self.locations {
            for m in &mut ev.matched {
                m.location = locations
                    .get(&m.policy)
                    .and_then(|l| l.get(m.index).or_else(|| l.first()))
                    .cloned();
            }
        }
        ev
    }

    /// `iamform can`: may `address` do `action` on `resource`?
    pub fn can(
        &self,
        address: &Address,
        action: &str,
        resource: &str,
        overrides: &[(String, String)],
    ) -> Result<Evaluation, UnknownPrincipal> {
        let p = self.principal(address)?;
        let request = self.request(&p, action, resource, overrides);
        Ok(self.evaluate(&p, &request))
    }

    /// `iamform who-can`: every user and role allowed `action` on `resource`, with its evaluation.
    pub fn who_can(
        &self,
        action: &str,
        resource: &str,
        overrides: &[(String, String)],
    ) -> Vec<(Address, Evaluation)> {
        let mut out = Vec::new();
        let actions = ActionCache::new(action);
        for address in self.principals() {
            let Ok(p) = self.principal(&address) else {
                continue;
            };
            let request = self.request(&p, action, resource, overrides);
            let ev = self.evaluate_with(&p, &request, Some(&actions));
            if ev.allowed() {
                out.push((p.address.clone(), ev));
            }
        }
        out
    }

    /// The trust policy that is the resource policy of `request`, if it is a trust action on a
    /// role of this account.
    fn trust_policy(&self, request: &Request, notes: &mut Vec<String>) -> Option<PolicyRef<'a>> {
        if !is_trust_action(&request.action) {
            return None;
        }
        match self.roles_by_arn.get(&request.resource) {
            Some(name) => {
                let role = &self.account.roles[name];
                Some(PolicyRef {
                    origin: Origin::Trust {
                        role: Address::new(Kind::Role, role.name.clone()),
                    },
                    kind: PolicyKind::TrustPolicy,
                    via: None,
                    document: Some(&role.assume_role_policy),
                })
            }
            None => {
                notes.push(format!(
                    "{} is not a role of this account: its trust policy is not known, so only the caller's policies were evaluated",
                    request.resource
                ));
                None
            }
        }
    }
}

fn times(now: i64) -> (String, String) {
    (time::format_time(now), now.to_string())
}

/// Would `principal` be allowed `action` on `resource` in `account`, with the context AWS fills
/// from the principal and nothing else (a condition on any other key does not hold, unless it is
/// satisfied by the key's absence)? False when the principal is not in the account.
///
/// This is the question the self-lockout guard asks, e.g. `iam:PutUserPolicy` on the caller's own
/// ARN, before and after a plan.
pub fn would_allow(
    account: &Account,
    account_id: &str,
    principal: &Address,
    action: &str,
    resource: &str,
) -> bool {
    AccessIndex::new(account, account_id)
        .can(principal, action, resource, &[])
        .is_ok_and(|e| e.allowed())
}

#[cfg(test)]
mod tests;
