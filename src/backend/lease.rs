//! The apply lease: a lock on the account, held while `apply` runs, so that two runs against one
//! account (two CI runners) never interleave their plans and calls.
//!
//! It lives in the account itself, as a customer managed policy of a reserved path and name
//! ([`LEASE_PATH`], [`LEASE_NAME`]): it needs no state file, bucket or table, and works wherever
//! iamform works (AWS, moto, the mock). Taking it is `CreatePolicy`, which IAM makes atomic:
//! exactly one of two concurrent runs creates it, the other gets `EntityAlreadyExists`. Its tags
//! say who holds it and until when (`iamform:lease-*`). A lease whose expiry has passed (its run
//! died without releasing it) is taken over: deleted and created again, which stays atomic — of
//! two runs taking over at once, one creates it. Releasing it is `DeletePolicy`, after checking it
//! is still this run's. The policy allows nothing and is attached to nothing.
//!
//! The lease must never look like part of the account: [`Hiding`] wraps every backend a run
//! opens and removes it from what `read` and `read_audit` return, so plans, drift, import, audit
//! and who-can never see it; only [`Backend::read_lease`] does.

use super::audit::{AuditData, AuditReadOptions};
use super::{Backend, BackendError, ErrorCode};
use crate::model::{arn, Account, Address, Kind, ManagedPolicy, Name, PolicyDocument, Timestamp};
use crate::operation::{CallCounts, Operation, PolicyOp};
use std::sync::Arc;
use std::time::Duration;

/// The lease policy's path: reserved for iamform (validate refuses it in configurations).
pub const LEASE_PATH: &str = crate::model::iam::LOCK_PATH;
/// The lease policy's name.
pub const LEASE_NAME: &str = crate::model::iam::LOCK_POLICY_NAME;

const HOLDER: &str = "iamform:lease-holder";
const ACQUIRED: &str = "iamform:lease-acquired";
const EXPIRES: &str = "iamform:lease-expires";
const ID: &str = "iamform:lease-id";
const HOST: &str = "iamform:lease-host";
const PID: &str = "iamform:lease-pid";

/// How often a run waiting for the lease looks again.
const POLL: Duration = Duration::from_secs(2);

/// Whether `policy` is the lease (its name, ignoring case as IAM does, under the reserved path).
pub fn is_lease(policy: &ManagedPolicy) -> bool {
    policy.path == LEASE_PATH && policy.name == Name::from(LEASE_NAME)
}

/// Removes the lease from `account`.
pub fn hide(account: &mut Account) {
    account.policies.retain(|_, p| !is_lease(p));
}

/// Who holds the lease, since when and until when, as its tags say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// `user@host pid N`, and the CI run when there is one.
    pub who: String,
    pub acquired: Option<Timestamp>,
    pub expires: Option<Timestamp>,
    /// Tells this run's lease from another's with the same holder text.
    id: String,
    /// The machine and process of the run holding it, to tell a run that died on this machine.
    host: String,
    pid: Option<u32>,
}

impl Holder {
    fn of(policy: &ManagedPolicy) -> Holder {
        let tag = |k: &str| policy.tags.get(k).cloned().unwrap_or_default();
        Holder {
            who: Some(tag(HOLDER))
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| "an unknown holder".to_owned()),
            acquired: tag(ACQUIRED).parse().ok(),
            expires: tag(EXPIRES).parse().ok(),
            id: tag(ID),
            host: tag(HOST),
            pid: tag(PID).parse().ok(),
        }
    }

    /// Whether the run holding it is known to be gone: it ran on this machine and its process
    /// is no more (killed without releasing it). Its lease is then taken over without waiting
    /// for the expiry.
    fn died_here(&self) -> bool {
        !self.host.is_empty()
            && self.host == host()
            && self
                .pid
                .is_some_and(|p| p != std::process::id() && !alive(p))
    }

    /// Whether the lease has expired at `now` (one without a readable expiry never does: only
    /// `force-unlock` removes it).
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|e| e <= now)
    }

    /// "alice@ci-1 pid 42 since 2026-… (expires 2026-…)".
    pub fn describe(&self) -> String {
        let mut s = self.who.clone();
        if let Some(a) = self.acquired {
            s.push_str(&format!(" since {a}"));
        }
        if let Some(e) = self.expires {
            s.push_str(&format!(" (expires {e})"));
        }
        s
    }
}

/// The lease this run holds, to release.
#[derive(Debug)]
pub struct Lease {
    holder: Holder,
}

/// Why the lease could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error("the account is locked by another apply: {}", .0.describe())]
    Held(Holder),
    #[error("could not take the apply lock: {0}")]
    Backend(#[from] BackendError),
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.is_empty())
}

/// This machine's name, as a tag value.
fn host() -> String {
    let name = env("HOSTNAME")
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown-host".to_owned());
    tag_value(&name)
}

/// Whether process `pid` of this machine runs (a zombie does not). Only Linux can tell; elsewhere
/// every process is taken to run.
fn alive(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `PID (COMMAND) STATE ...`; the command may hold spaces and parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_none_or(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

/// `text` in the characters IAM allows in a tag value, at most 256 of them.
fn tag_value(text: &str) -> String {
    text.chars()
        .map(|c| {
            if crate::model::iam::tag_char_allowed(c) {
                c
            } else {
                '_'
            }
        })
        .take(256)
        .collect()
}

/// `user@host pid N`, with the CI run when the environment names one, in the characters IAM
/// allows in a tag value.
pub fn this_run() -> String {
    let user = env("USER")
        .or_else(|| env("USERNAME"))
        .unwrap_or_else(|| "someone".to_owned());
    let mut who = format!("{user}@{} pid {}", host(), std::process::id());
    if let (Some(repo), Some(run)) = (env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID")) {
        who.push_str(&format!(" github {repo} run {run}"));
    } else if let Some(job) = env("CI_JOB_URL").or_else(|| env("BUILD_URL")) {
        who.push_str(&format!(" ci {job}"));
    }
    tag_value(&who)
}

/// The lease policy's ARN in account `account_id`.
pub(crate) fn lease_arn(account_id: &str) -> String {
    arn(account_id, Kind::Policy, LEASE_PATH, LEASE_NAME)
}

fn create(holder: &Holder, lease: Duration) -> Operation {
    let now = Timestamp::now();
    let expires = now
        .checked_add(jiff::SignedDuration::try_from(lease).unwrap_or(jiff::SignedDuration::MAX))
        .unwrap_or(now);
    let tags = [
        (HOLDER, holder.who.clone()),
        (ACQUIRED, now.to_string()),
        (EXPIRES, expires.to_string()),
        (ID, holder.id.clone()),
        (HOST, host()),
        (PID, std::process::id().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let policy = lease_policy(tags);
    Operation::Policy(PolicyOp::CreatePolicy {
        policy: policy.name,
        path: policy.path,
        description: policy.description,
        document: policy.document,
        tags: policy.tags,
    })
}

/// The lease policy holding `tags`, as it is created (and as a backend that reads only its tags
/// returns it).
pub(crate) fn lease_policy(tags: crate::model::Tags) -> ManagedPolicy {
    // Denies one call on a user that cannot exist: attached to nothing, it does nothing.
    let document = PolicyDocument::from_json_str(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"IamformApplyLock","Effect":"Deny","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/iamform/lock/none"}]}"#,
    )
    .expect("the lease's document is valid");
    ManagedPolicy {
        name: Name::from(LEASE_NAME),
        path: LEASE_PATH.to_owned(),
        description: Some("iamform apply lock: who holds it is in its tags".to_owned()),
        tags,
        document,
        versions: Vec::new(),
    }
}

fn delete(account_id: &str) -> Operation {
    Operation::Policy(PolicyOp::DeletePolicy {
        policy_arn: lease_arn(account_id),
    })
}

/// Who holds the lease of `backend`'s account, if anyone.
pub async fn holder(backend: &dyn Backend) -> Result<Option<Holder>, BackendError> {
    Ok(backend.read_lease().await?.as_ref().map(Holder::of))
}

/// Takes the lease for `who` for `lease` (its expiry), waiting up to `timeout` while another run
/// holds it; `waiting` is told once who that is. An expired lease is taken over.
pub async fn acquire(
    backend: &dyn Backend,
    who: &str,
    lease: Duration,
    timeout: Duration,
    waiting: &(dyn Fn(&Holder) + Sync),
) -> Result<Lease, LeaseError> {
    let mut id = [0u8; 8];
    getrandom::fill(&mut id).map_err(|e| BackendError::Setup(format!("no randomness: {e}")))?;
    let mut mine = Holder {
        who: who.to_owned(),
        acquired: None,
        expires: None,
        id: id.iter().map(|b| format!("{b:02x}")).collect(),
        host: String::new(),
        pid: None,
    };
    let deadline = tokio::time::Instant::now() + timeout;
    let mut told = false;
    let mut missing = 0;
    loop {
        match backend.lease_call(&create(&mine, lease)).await {
            Ok(()) => {
                mine.acquired = Some(Timestamp::now());
                return Ok(Lease { holder: mine });
            }
            Err(e) if e.code() == Some(ErrorCode::EntityAlreadyExists) => {}
            Err(e) => return Err(e.into()),
        }
        let Some(other) = holder(backend).await? else {
            // Released in between: try again. Unless the name is taken by a policy of another
            // path (IAM policy names are unique in the account), which is no lease.
            missing += 1;
            if missing > 3 {
                return Err(BackendError::Setup(format!(
                    "a policy named {LEASE_NAME} exists outside {LEASE_PATH}: iamform reserves that name for its apply lock; rename that policy, or apply with --lock=false"
                ))
                .into());
            }
            continue;
        };
        missing = 0;
        if other.expired(Timestamp::now()) || other.died_here() {
            take_over(backend, &other).await?;
            continue;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(LeaseError::Held(other));
        }
        if !told {
            waiting(&other);
            told = true;
        }
        tokio::time::sleep(POLL.min(deadline - tokio::time::Instant::now())).await;
    }
}

/// Deletes the expired lease `seen`, unless another run took it over since it was read.
async fn take_over(backend: &dyn Backend, seen: &Holder) -> Result<(), BackendError> {
    if holder(backend).await?.as_ref() != Some(seen) {
        return Ok(());
    }
    match backend.lease_call(&delete(backend.account_id())).await {
        Err(e) if e.code() != Some(ErrorCode::NoSuchEntity) => Err(e),
        _ => Ok(()),
    }
}

/// Releases `lease`, if it is still this run's (`force-unlock` may have removed it, and another
/// run taken it since).
pub async fn release(backend: &dyn Backend, lease: Lease) -> Result<(), BackendError> {
    let ours = holder(backend)
        .await?
        .is_some_and(|h| h.id == lease.holder.id);
    if !ours {
        return Ok(());
    }
    match backend.lease_call(&delete(backend.account_id())).await {
        Err(e) if e.code() != Some(ErrorCode::NoSuchEntity) => Err(e),
        _ => Ok(()),
    }
}

/// Removes the lease whoever holds it (`iamform force-unlock`); the holder it had, if any.
pub async fn force_release(backend: &dyn Backend) -> Result<Option<Holder>, BackendError> {
    let Some(h) = holder(backend).await? else {
        return Ok(None);
    };
    match backend.lease_call(&delete(backend.account_id())).await {
        Err(e) if e.code() != Some(ErrorCode::NoSuchEntity) => Err(e),
        _ => Ok(Some(h)),
    }
}

/// Every backend as a run sees it: without the lease (see the module documentation).
pub struct Hiding(pub Arc<dyn Backend>);

#[async_trait::async_trait]
impl Backend for Hiding {
    async fn read(&self) -> Result<Account, BackendError> {
        let mut account = self.0.read().await?;
        hide(&mut account);
        Ok(account)
    }
    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        let mut data = self.0.read_audit(options).await?;
        hide(&mut data.account);
        Ok(data)
    }
    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        self.0.execute(op).await
    }
    fn account_id(&self) -> &str {
        self.0.account_id()
    }
    fn call_counts(&self) -> CallCounts {
        self.0.call_counts()
    }
    fn read_tags_only_for(&self, entities: &[Address]) {
        self.0.read_tags_only_for(entities);
    }
    async fn read_credentials_of(
        &self,
        account: &mut Account,
        users: &[Name],
    ) -> Result<(), BackendError> {
        self.0.read_credentials_of(account, users).await
    }
    fn caller(&self) -> Option<Address> {
        self.0.caller()
    }
    fn interrupt(&self) {
        self.0.interrupt();
    }
    async fn read_lease(&self) -> Result<Option<ManagedPolicy>, BackendError> {
        self.0.read_lease().await
    }
    async fn lease_call(&self, op: &Operation) -> Result<(), BackendError> {
        self.0.lease_call(op).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_of_this_run_is_a_valid_tag_value() {
        let who = this_run();
        assert!(
            who.contains(&format!("pid {}", std::process::id())),
            "{who}"
        );
        assert!(
            who.chars().all(crate::model::iam::tag_char_allowed),
            "{who}"
        );
    }

    #[test]
    fn a_lease_expires_only_with_a_readable_expiry_in_the_past() {
        let now = Timestamp::now();
        let h = |expires: Option<Timestamp>| Holder {
            who: "a".into(),
            acquired: None,
            expires,
            id: String::new(),
            host: host(),
            pid: Some(std::process::id()),
        };
        assert!(h(Some(Timestamp::UNIX_EPOCH)).expired(now));
        assert!(!h(now.checked_add(jiff::SignedDuration::from_secs(60)).ok()).expired(now));
        assert!(!h(None).expired(now));
    }

    #[test]
    fn a_holder_that_died_on_this_machine_is_told_apart() {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("run true");
        child.wait().expect("reap it");
        let holder = |host: String, pid: u32| Holder {
            who: "a".into(),
            acquired: None,
            expires: None,
            id: String::new(),
            host,
            pid: Some(pid),
        };
        assert_eq!(
            holder(host(), child.id()).died_here(),
            cfg!(target_os = "linux")
        );
        assert!(!holder(host(), std::process::id()).died_here(), "this run");
        assert!(!holder("another-host".into(), child.id()).died_here());
    }
}
