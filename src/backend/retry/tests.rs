//! The retry decision, without a clock or a server.

use super::*;
use crate::model::{Kind, PolicyDocument, Tags};
use crate::operation::examples::{
    add_to_group, create_group, create_profile, create_role, create_user, n,
};
use crate::operation::{Identity, InstanceProfileOp, PermissionOp, PolicyOp, UserOp};

const ACCOUNT: &str = "123456789012";

fn err(code: ErrorCode, message: &str) -> BackendError {
    BackendError::api(code, message)
}

fn trusting(role: &str, principal_arn: &str) -> Operation {
    create_role(role, &format!(r#"{{"AWS":"{principal_arn}"}}"#))
}

/// The creations of `ops`, made just now, and the time they were made.
fn history<const N: usize>(ops: [Operation; N]) -> (Creations, Instant) {
    let c = Creations::default();
    let t0 = Instant::now();
    for op in &ops {
        created(&c, op, t0);
    }
    (c, t0)
}

/// Notes a successful `op` at `t`.
fn created(c: &Creations, op: &Operation, t: Instant) {
    c.observe(&op.effects(ACCOUNT), t);
}

/// The decision for `op` failing with `e` at `now`.
fn decide(op: &Operation, e: &BackendError, c: &Creations, now: Instant) -> Option<Reason> {
    let policy = RetryPolicy::default();
    let recent = c.snapshot(now, policy.consistency_window);
    reason(&op.effects(ACCOUNT), &op.target(), e, &recent, &policy, now)
}

/// IAM's answer when group `web` is not there (or not visible yet).
fn no_group_web() -> BackendError {
    err(
        ErrorCode::NoSuchEntity,
        "The group with name web cannot be found.",
    )
}

const WINDOW: Duration = Duration::from_secs(120);

#[test]
fn busy_iam_is_always_worth_another_attempt() {
    let (c, t0) = history([]);
    for code in [
        ErrorCode::Throttling,
        ErrorCode::ConcurrentModification,
        ErrorCode::ServiceFailure,
    ] {
        assert_eq!(
            decide(&add_to_group("u", "g"), &err(code, "x"), &c, t0),
            Some(Reason::Busy)
        );
        assert_eq!(busy(&err(code, "x"), t0), Some(Reason::Busy));
    }
    assert_eq!(busy(&err(ErrorCode::NoSuchEntity, "x"), t0), None);
}

#[test]
fn no_such_entity_right_after_a_create_is_retried_until_the_window_closes() {
    let (c, t0) = history([create_group("Web")]);
    let e = no_group_web();
    let r = decide(&add_to_group("mary", "web"), &e, &c, t0).unwrap();
    assert_eq!(
        r,
        Reason::NotYetVisible {
            waiting_for: Address::new(Kind::Group, "web"),
            until: t0 + WINDOW
        }
    );
    let later = t0 + WINDOW + Duration::from_millis(1);
    assert_eq!(decide(&add_to_group("mary", "web"), &e, &c, later), None);
}

#[test]
fn no_such_entity_naming_an_old_entity_is_not_retried() {
    let (c, t0) = history([create_user("mary")]);
    // The user is new, but IAM says the group is missing: the group was never created.
    let e = no_group_web();
    assert_eq!(decide(&add_to_group("mary", "web"), &e, &c, t0), None);
    // A message naming nothing falls back to every recent dependency.
    let vague = err(ErrorCode::NoSuchEntity, "not found");
    assert!(decide(&add_to_group("mary", "web"), &vague, &c, t0).is_some());
}

#[test]
fn removals_and_unrelated_errors_are_never_retried() {
    let (c, t0) = history([create_user("u"), create_group("g")]);
    let e = err(ErrorCode::NoSuchEntity, "User u not in group g");
    let remove: Operation = UserOp::RemoveUserFromGroup {
        user: n("u"),
        group: n("g"),
    }
    .into();
    assert_eq!(decide(&remove, &e, &c, t0), None);
    let conflict = err(
        ErrorCode::DeleteConflict,
        "must remove users from group first",
    );
    assert_eq!(decide(&add_to_group("u", "g"), &conflict, &c, t0), None);
    let setup = BackendError::Setup("no credentials".into());
    assert_eq!(decide(&add_to_group("u", "g"), &setup, &c, t0), None);
}

#[test]
fn a_delete_forgets_the_create() {
    let (c, t0) = history([
        create_user("Mary"),
        UserOp::DeleteUser { user: n("mary") }.into(),
    ]);
    let e = err(
        ErrorCode::NoSuchEntity,
        "The user with name Mary cannot be found.",
    );
    let path: Operation = UserOp::UpdateUserPath {
        user: n("Mary"),
        path: "/x/".into(),
    }
    .into();
    assert_eq!(decide(&path, &e, &c, t0), None);
}

#[test]
fn invalid_principal_waits_for_the_trusted_role() {
    let (c, t0) = history([]);
    let arn = "arn:aws:iam::123456789012:role/team/deployer";
    let e = err(
        ErrorCode::MalformedPolicyDocument,
        &format!("Invalid principal in policy: \"AWS\":\"{arn}\""),
    );
    assert_eq!(
        decide(&trusting("app", arn), &e, &c, t0),
        None,
        "the trusted role was not created by us"
    );
    created(
        &c,
        &trusting("deployer", "arn:aws:iam::123456789012:root"),
        t0,
    );
    let Some(Reason::NotYetVisible { waiting_for, .. }) = decide(&trusting("app", arn), &e, &c, t0)
    else {
        panic!("waits for the deployer role");
    };
    assert_eq!(waiting_for, Address::new(Kind::Role, "deployer"));
    let syntax = err(
        ErrorCode::MalformedPolicyDocument,
        "Syntax errors in policy.",
    );
    assert_eq!(decide(&trusting("app", arn), &syntax, &c, t0), None);
}

#[test]
fn temporarily_unmodifiable_waits_for_the_target() {
    let (c, t0) = history([create_profile("ip")]);
    let op: Operation = InstanceProfileOp::AddRoleToInstanceProfile {
        instance_profile: n("ip"),
        role: n("r"),
    }
    .into();
    let e = err(ErrorCode::EntityTemporarilyUnmodifiable, "try again");
    assert!(decide(&op, &e, &c, t0 + Duration::from_secs(5)).is_some());
}

#[test]
fn policy_dependencies_are_found_by_arn() {
    let (c, t0) = history([]);
    let create: Operation = PolicyOp::CreatePolicy {
        policy: n("read"),
        path: "/team/".into(),
        description: None,
        document: PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        )
        .unwrap(),
        tags: Tags::new(),
    }
    .into();
    created(&c, &create, t0);
    let attach: Operation = PermissionOp::attach(
        Identity::Role(n("old")),
        "arn:aws:iam::123456789012:policy/team/read".into(),
    )
    .into();
    let e = err(
        ErrorCode::NoSuchEntity,
        "Policy arn:aws:iam::123456789012:policy/team/read does not exist or is not attachable.",
    );
    let Some(Reason::NotYetVisible { waiting_for, .. }) = decide(&attach, &e, &c, t0) else {
        panic!("waits for the policy");
    };
    assert_eq!(waiting_for, Address::new(Kind::Policy, "read"));
}

#[test]
fn backoff_grows_is_jittered_and_capped() {
    let p = RetryPolicy::default();
    for attempt in 0..40 {
        for entropy in [0, 1, 12_345, u64::MAX] {
            let d = backoff(&p, attempt, entropy);
            assert!(d <= p.cap, "{d:?}");
            assert!(d >= p.base / 2, "{d:?}");
        }
    }
    assert!(backoff(&p, 0, 7) <= p.base);
    assert!(backoff(&p, 5, 7) >= p.base * 16);
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

/// The default policy with pauses too short to slow a test down.
fn without_pauses() -> RetryPolicy {
    RetryPolicy {
        base: Duration::from_micros(10),
        cap: Duration::from_micros(10),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn the_budget_of_a_busy_iam_is_max_attempts() {
    let policy = without_pauses();
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let (result, retries) = run::<(), _, _>(
        &policy,
        &"TestCall",
        || {
            attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            async { Err(err(ErrorCode::Throttling, "Rate exceeded")) }
        },
        busy,
    )
    .await;
    assert_eq!(result.unwrap_err().code(), Some(ErrorCode::Throttling));
    assert_eq!(retries, policy.max_attempts - 1);
    assert_eq!(attempts.into_inner(), policy.max_attempts);
}

/// A backend whose first call takes effect but loses its answer; later calls meet the result.
struct Lossy {
    calls: std::sync::atomic::AtomicU32,
    live: Mutex<crate::model::Account>,
}

#[async_trait::async_trait]
impl Backend for Lossy {
    async fn read(&self) -> Result<crate::model::Account, BackendError> {
        Ok(self.live.lock().unwrap().clone())
    }

    async fn execute(&self, _op: &Operation) -> Result<(), BackendError> {
        match self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => Err(err(
                ErrorCode::ServiceFailure,
                "HTTP 503: the answer was lost",
            )),
            _ => Err(err(
                ErrorCode::EntityAlreadyExists,
                "Group with name g already exists.",
            )),
        }
    }

    fn account_id(&self) -> &str {
        ACCOUNT
    }

    fn call_counts(&self) -> crate::operation::CallCounts {
        Default::default()
    }
}

/// Defect 19.6: a retry meeting the effect of an attempt whose answer was lost succeeds when the
/// account shows the call's state, and only then.
#[tokio::test]
async fn a_retry_that_meets_its_own_lost_success_succeeds() {
    let policy = without_pauses();
    let group = |path: &str| crate::model::Group {
        name: n("g"),
        path: path.into(),
        ..Default::default()
    };
    for (path, succeeds) in [("/", true), ("/elsewhere/", false)] {
        let mut live = crate::model::Account::default();
        live.groups.insert(n("g"), group(path));
        let backend = Lossy {
            calls: Default::default(),
            live: Mutex::new(live),
        };
        let op = create_group("g");
        let (result, retries) = execute(&backend, &op, &policy, &Creations::default()).await;
        assert_eq!(result.is_ok(), succeeds, "{path}: {result:?}");
        assert_eq!(retries, 1);
    }
}
