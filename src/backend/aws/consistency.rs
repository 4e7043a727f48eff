//! IAM is eventually consistent: for a while after an entity is created, other calls may not see
//! it yet. They fail with `NoSuchEntity`, with `MalformedPolicyDocument` "Invalid principal" (a
//! trust policy naming a role or user that was just created) or with
//! `EntityTemporarilyUnmodifiable`. This module decides when such an error is worth retrying: only
//! within [`WINDOW`] of a create *made by this backend* of an entity the failed call depends on.
//!
//! The decision is a pure function ([`retry_reason`]) of the operation, the error, the create
//! times recorded so far and the current instant, so it is tested without a clock or a server.
//!
//! To keep a genuine error fast (a test that expects `NoSuchEntity` must not wait two minutes),
//! `NoSuchEntity` is retried only for calls that add or change something (create, attach, add,
//! put, tag, update) — never for a removal, whose `NoSuchEntity` means the relationship is gone —
//! and, when IAM's message names one of the entities the call depends on, only if that entity is
//! one of the recently created ones.

use crate::backend::{BackendError, ErrorCode};
use crate::model::{Address, Kind, Name};
use crate::plan::operation::Operation;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long after a create its dependents may still not see it.
pub const WINDOW: Duration = Duration::from_secs(120);

/// First backoff and the largest one.
const BASE: Duration = Duration::from_millis(250);
const CAP: Duration = Duration::from_secs(8);

/// When this backend created which entity (case-insensitive names, like IAM's).
#[derive(Default)]
pub struct Creations {
    at: Mutex<HashMap<Address, Instant>>,
}

impl Creations {
    /// Notes what a successful `op` created or deleted.
    pub fn observe(&self, op: &Operation, now: Instant) {
        let mut at = self.at.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(created) = created_by(op) {
            at.insert(created, now);
        } else if let Some(deleted) = deleted_by(op) {
            at.remove(&deleted);
        }
        // Old entries are of no use any more; keep the map small in long applies.
        at.retain(|_, t| now.saturating_duration_since(*t) < WINDOW);
    }

    pub fn snapshot(&self) -> HashMap<Address, Instant> {
        self.at
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Why a failed call is retried: the entity whose create it is waiting for, and until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryReason {
    pub waiting_for: Address,
    pub until: Instant,
}

/// Whether `error`, returned by `op` at `now`, is IAM not having caught up with a recent create.
pub fn retry_reason(
    op: &Operation,
    error: &BackendError,
    created: &HashMap<Address, Instant>,
    now: Instant,
) -> Option<RetryReason> {
    let (code, message) = match error {
        BackendError::Api { code, message } => (*code, message.as_str()),
        BackendError::Setup(_) => return None,
    };
    let candidates: Vec<Address> = match code {
        ErrorCode::NoSuchEntity if adds_or_changes(op) => {
            let needed = dependencies(op);
            let named: Vec<&Address> = needed
                .iter()
                .filter(|a| mentions(message, &a.name))
                .collect();
            if named.is_empty() {
                needed
            } else {
                named.into_iter().cloned().collect()
            }
        }
        ErrorCode::MalformedPolicyDocument
            if message.to_ascii_lowercase().contains("invalid principal") =>
        {
            principals(op)
        }
        ErrorCode::EntityTemporarilyUnmodifiable => {
            let mut all = dependencies(op);
            all.push(op.target());
            all
        }
        _ => return None,
    };
    candidates
        .into_iter()
        .filter_map(|a| {
            let until = created.get(&a)?.checked_add(WINDOW)?;
            (now < until).then_some(RetryReason {
                waiting_for: a,
                until,
            })
        })
        .max_by_key(|r| r.until)
}

/// Exponential backoff with jitter: between half and all of `min(CAP, BASE * 2^attempt)`.
/// `entropy` is any varying number (the caller passes clock bits).
pub fn backoff(attempt: u32, entropy: u64) -> Duration {
    let ceiling = BASE.saturating_mul(1u32 << attempt.min(10)).min(CAP);
    let mixed = entropy.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
    let fraction = 0.5 + (mixed % 1_000) as f64 / 2_000.0;
    ceiling.mul_f64(fraction)
}

/// Whether `message` names `name` as a whole word (IAM names may contain `+=,.@-_`).
fn mentions(message: &str, name: &Name) -> bool {
    let is_name_char =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-');
    message.split(|c: char| !is_name_char(c)).any(|w| {
        w.eq_ignore_ascii_case(name.as_str())
            || w.trim_end_matches(['.', ','])
                .eq_ignore_ascii_case(name.as_str())
    })
}

/// A customer managed policy of some account, by name; AWS managed policies are never created.
fn policy(arn: &str) -> Option<Address> {
    if crate::model::is_aws_managed_policy_arn(arn) || !arn.contains(":policy/") {
        return None;
    }
    let name = arn.rsplit('/').next()?;
    Some(Address::new(Kind::Policy, name))
}

/// Users and roles of this account named as principals by a trust policy.
fn principals(op: &Operation) -> Vec<Address> {
    let doc = match op {
        Operation::CreateRole {
            assume_role_policy, ..
        } => assume_role_policy,
        Operation::UpdateAssumeRolePolicy { document, .. } => document,
        _ => return Vec::new(),
    };
    doc.principal_values()
        .filter_map(|p| {
            let (_, resource) = p.strip_prefix("arn:aws:iam::")?.split_once(':')?;
            let kind = match resource.split('/').next()? {
                "user" => Kind::User,
                "role" => Kind::Role,
                _ => return None,
            };
            Some(Address::new(kind, resource.rsplit('/').next()?))
        })
        .collect()
}

/// Calls whose `NoSuchEntity` can mean "not visible yet" rather than "not there".
fn adds_or_changes(op: &Operation) -> bool {
    use Operation::*;
    matches!(
        op,
        CreateUser { .. }
            | UpdateUserPath { .. }
            | TagUser { .. }
            | UntagUser { .. }
            | PutUserPermissionsBoundary { .. }
            | AddUserToGroup { .. }
            | AttachUserPolicy { .. }
            | PutUserPolicy { .. }
            | UpdateGroupPath { .. }
            | AttachGroupPolicy { .. }
            | PutGroupPolicy { .. }
            | CreateRole { .. }
            | UpdateRole { .. }
            | UpdateAssumeRolePolicy { .. }
            | TagRole { .. }
            | UntagRole { .. }
            | PutRolePermissionsBoundary { .. }
            | AttachRolePolicy { .. }
            | PutRolePolicy { .. }
            | CreatePolicyVersion { .. }
            | TagPolicy { .. }
            | UntagPolicy { .. }
            | AddRoleToInstanceProfile { .. }
            | TagInstanceProfile { .. }
            | UntagInstanceProfile { .. }
    )
}

/// The entities that must exist for `op` to succeed (the entity a create makes excluded).
fn dependencies(op: &Operation) -> Vec<Address> {
    use Operation::*;
    let user = |n: &Name| Address::new(Kind::User, n.clone());
    let group = |n: &Name| Address::new(Kind::Group, n.clone());
    let role = |n: &Name| Address::new(Kind::Role, n.clone());
    let profile = |n: &Name| Address::new(Kind::InstanceProfile, n.clone());
    let mut out = match op {
        CreateUser {
            permissions_boundary,
            ..
        } => permissions_boundary
            .iter()
            .filter_map(|b| policy(b))
            .collect(),
        CreateRole {
            permissions_boundary,
            ..
        } => {
            let mut v: Vec<Address> = permissions_boundary
                .iter()
                .filter_map(|b| policy(b))
                .collect();
            v.extend(principals(op));
            v
        }
        CreateGroup { .. } | CreatePolicy { .. } | CreateInstanceProfile { .. } => Vec::new(),
        AddUserToGroup { user: u, group: g } | RemoveUserFromGroup { user: u, group: g } => {
            vec![user(u), group(g)]
        }
        AttachUserPolicy {
            user: u,
            policy_arn,
        }
        | DetachUserPolicy {
            user: u,
            policy_arn,
        }
        | PutUserPermissionsBoundary {
            user: u,
            policy_arn,
        } => std::iter::once(user(u)).chain(policy(policy_arn)).collect(),
        AttachGroupPolicy {
            group: g,
            policy_arn,
        }
        | DetachGroupPolicy {
            group: g,
            policy_arn,
        } => std::iter::once(group(g))
            .chain(policy(policy_arn))
            .collect(),
        AttachRolePolicy {
            role: r,
            policy_arn,
        }
        | DetachRolePolicy {
            role: r,
            policy_arn,
        }
        | PutRolePermissionsBoundary {
            role: r,
            policy_arn,
        } => std::iter::once(role(r)).chain(policy(policy_arn)).collect(),
        UpdateAssumeRolePolicy { role: r, .. } => {
            std::iter::once(role(r)).chain(principals(op)).collect()
        }
        AddRoleToInstanceProfile {
            instance_profile,
            role: r,
        }
        | RemoveRoleFromInstanceProfile {
            instance_profile,
            role: r,
        } => vec![profile(instance_profile), role(r)],
        _ => vec![op.target()],
    };
    out.retain(|a| a.kind != Kind::PasswordPolicy);
    out
}

fn created_by(op: &Operation) -> Option<Address> {
    use Operation::*;
    match op {
        CreateUser { .. }
        | CreateGroup { .. }
        | CreateRole { .. }
        | CreatePolicy { .. }
        | CreateInstanceProfile { .. } => Some(op.target()),
        // The new name appears like a created entity.
        RenameUser { new_name, .. } => Some(Address::new(Kind::User, new_name.clone())),
        RenameGroup { new_name, .. } => Some(Address::new(Kind::Group, new_name.clone())),
        _ => None,
    }
}

fn deleted_by(op: &Operation) -> Option<Address> {
    use Operation::*;
    match op {
        DeleteUser { .. }
        | DeleteGroup { .. }
        | DeleteRole { .. }
        | DeletePolicy { .. }
        | DeleteInstanceProfile { .. } => Some(op.target()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PolicyDocument, Tags};

    fn n(s: &str) -> Name {
        Name::from(s)
    }

    fn err(code: ErrorCode, message: &str) -> BackendError {
        BackendError::api(code, message)
    }

    fn create_user(name: &str) -> Operation {
        Operation::CreateUser {
            user: n(name),
            path: "/".into(),
            permissions_boundary: None,
            tags: Tags::new(),
        }
    }

    fn create_group(name: &str) -> Operation {
        Operation::CreateGroup {
            group: n(name),
            path: "/".into(),
        }
    }

    fn trusting(role: &str, principal_arn: &str) -> Operation {
        let doc = PolicyDocument::from_json_str(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{"AWS":"{principal_arn}"}}}}}}"#
        ))
        .unwrap();
        Operation::CreateRole {
            role: n(role),
            path: "/".into(),
            assume_role_policy: doc,
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            tags: Tags::new(),
        }
    }

    fn add(user: &str, group: &str) -> Operation {
        Operation::AddUserToGroup {
            user: n(user),
            group: n(group),
        }
    }

    #[test]
    fn no_such_entity_right_after_a_create_is_retried_until_the_window_closes() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(&create_group("Web"), t0);
        let e = err(
            ErrorCode::NoSuchEntity,
            "The group with name web cannot be found.",
        );
        let r = retry_reason(&add("mary", "web"), &e, &c.snapshot(), t0).unwrap();
        assert_eq!(r.waiting_for, Address::new(Kind::Group, "web"));
        assert_eq!(r.until, t0 + WINDOW);
        let later = t0 + WINDOW + Duration::from_millis(1);
        assert_eq!(
            retry_reason(&add("mary", "web"), &e, &c.snapshot(), later),
            None
        );
    }

    #[test]
    fn no_such_entity_naming_an_old_entity_is_not_retried() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(&create_user("mary"), t0);
        // The user is new, but IAM says the group is missing: the group was never created.
        let e = err(
            ErrorCode::NoSuchEntity,
            "The group with name web cannot be found.",
        );
        assert_eq!(
            retry_reason(&add("mary", "web"), &e, &c.snapshot(), t0),
            None
        );
        // A message naming nothing falls back to every recent dependency.
        let vague = err(ErrorCode::NoSuchEntity, "not found");
        assert!(retry_reason(&add("mary", "web"), &vague, &c.snapshot(), t0).is_some());
    }

    #[test]
    fn removals_and_unrelated_errors_are_never_retried() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(&create_user("u"), t0);
        c.observe(&create_group("g"), t0);
        let e = err(ErrorCode::NoSuchEntity, "User u not in group g");
        let remove = Operation::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        };
        assert_eq!(retry_reason(&remove, &e, &c.snapshot(), t0), None);
        let conflict = err(
            ErrorCode::DeleteConflict,
            "must remove users from group first",
        );
        assert_eq!(
            retry_reason(&add("u", "g"), &conflict, &c.snapshot(), t0),
            None
        );
        let setup = BackendError::Setup("no credentials".into());
        assert_eq!(
            retry_reason(&add("u", "g"), &setup, &c.snapshot(), t0),
            None
        );
    }

    #[test]
    fn a_delete_forgets_the_create() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(&create_user("Mary"), t0);
        c.observe(&Operation::DeleteUser { user: n("mary") }, t0);
        let e = err(
            ErrorCode::NoSuchEntity,
            "The user with name Mary cannot be found.",
        );
        let tag = Operation::TagUser {
            user: n("Mary"),
            tags: Tags::new(),
        };
        assert_eq!(retry_reason(&tag, &e, &c.snapshot(), t0), None);
    }

    #[test]
    fn invalid_principal_waits_for_the_trusted_role() {
        let c = Creations::default();
        let t0 = Instant::now();
        let arn = "arn:aws:iam::123456789012:role/team/deployer";
        let e = err(
            ErrorCode::MalformedPolicyDocument,
            &format!("Invalid principal in policy: \"AWS\":\"{arn}\""),
        );
        assert_eq!(
            retry_reason(&trusting("app", arn), &e, &c.snapshot(), t0),
            None,
            "the trusted role was not created by us"
        );
        c.observe(&trusting("deployer", "arn:aws:iam::123456789012:root"), t0);
        let r = retry_reason(&trusting("app", arn), &e, &c.snapshot(), t0).unwrap();
        assert_eq!(r.waiting_for, Address::new(Kind::Role, "deployer"));
        let syntax = err(
            ErrorCode::MalformedPolicyDocument,
            "Syntax errors in policy.",
        );
        assert_eq!(
            retry_reason(&trusting("app", arn), &syntax, &c.snapshot(), t0),
            None
        );
    }

    #[test]
    fn temporarily_unmodifiable_waits_for_the_target() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(
            &Operation::CreateInstanceProfile {
                instance_profile: n("ip"),
                path: "/".into(),
                tags: Tags::new(),
            },
            t0,
        );
        let op = Operation::TagInstanceProfile {
            instance_profile: n("ip"),
            tags: Tags::new(),
        };
        let e = err(ErrorCode::EntityTemporarilyUnmodifiable, "try again");
        assert!(retry_reason(&op, &e, &c.snapshot(), t0 + Duration::from_secs(5)).is_some());
    }

    #[test]
    fn policy_dependencies_are_found_by_arn() {
        let c = Creations::default();
        let t0 = Instant::now();
        c.observe(
            &Operation::CreatePolicy {
                policy: n("read"),
                path: "/team/".into(),
                description: None,
                document: PolicyDocument::from_json_str(
                    r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
                )
                .unwrap(),
                tags: Tags::new(),
            },
            t0,
        );
        let attach = Operation::AttachRolePolicy {
            role: n("old"),
            policy_arn: "arn:aws:iam::123456789012:policy/team/read".into(),
        };
        let e = err(
            ErrorCode::NoSuchEntity,
            "Policy arn:aws:iam::123456789012:policy/team/read does not exist or is not attachable.",
        );
        let r = retry_reason(&attach, &e, &c.snapshot(), t0).unwrap();
        assert_eq!(r.waiting_for, Address::new(Kind::Policy, "read"));
    }

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        for attempt in 0..40 {
            for entropy in [0, 1, 12_345, u64::MAX] {
                let d = backoff(attempt, entropy);
                assert!(d <= CAP, "{d:?}");
                assert!(d >= BASE / 2, "{d:?}");
            }
        }
        assert!(backoff(0, 7) <= BASE);
        assert!(backoff(5, 7) >= BASE * 4);
    }

    #[test]
    fn names_are_matched_as_whole_words() {
        assert!(mentions(
            "The user with name Mary cannot be found.",
            &n("mary")
        ));
        assert!(!mentions(
            "The user with name Maryanne cannot be found.",
            &n("mary")
        ));
        assert!(mentions(
            "Policy arn:aws:iam::1:policy/a.b does not exist",
            &n("a.b")
        ));
    }
}
