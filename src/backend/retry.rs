//! The one retry policy of every IAM call iamform makes, on every backend: which failures are
//! worth another attempt, how long to wait (exponential backoff with jitter), and when to give up.
//! Backends make a single attempt per call (the aws SDK's own retries are off); apply runs each
//! operation through [`execute`], the aws backend each read call through [`run`]. Each retry is
//! logged once (`-v`: `retrying after …`).
//!
//! A call is retried when IAM says:
//! - **it is busy** — `Throttling`, `ConcurrentModification`, `ServiceFailure` (also a lost
//!   connection or a timeout): up to [`RetryPolicy::max_attempts`] attempts;
//! - **it has not caught up with a create** — IAM is eventually consistent, so for a while after
//!   an entity is created other calls may not see it: `NoSuchEntity`, `MalformedPolicyDocument`
//!   "Invalid principal" (a trust policy naming a role or user just created) or
//!   `EntityTemporarilyUnmodifiable`. Only within [`RetryPolicy::consistency_window`] of a create
//!   *made by this apply* ([`Creations`]) of an entity the failed call depends on (its
//!   [`Effects`]); a `NoSuchEntity` of a removal means the thing is gone and is never retried,
//!   and when IAM's message names one of the call's dependencies only that one counts, so that a
//!   genuine error stays fast.
//!
//! A retry may also meet the effect of an attempt whose answer was lost (a timeout or a 5xx after
//! IAM made the change): `EntityAlreadyExists` for a create, `NoSuchEntity` for a delete, and so
//! on. A retry that fails so is a success when the account, read back, shows the state the call
//! leads to ([`Operation::achieved`]).
//!
//! The decision ([`reason`]) is a pure function of the call's effects, the error, the creates seen
//! so far and the current instant, so it is tested without a clock or a server.

use super::{Backend, BackendError, ErrorCode};
use crate::model::{Address, Name};
use crate::operation::{Effects, Operation};
use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The budget of one call.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, for a busy IAM.
    pub max_attempts: u32,
    /// The first backoff, doubled at each attempt up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// How long after a create its dependents may still not see it.
    pub consistency_window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base: Duration::from_millis(50),
            cap: Duration::from_secs(5),
            consistency_window: Duration::from_secs(120),
        }
    }
}

/// Why a failed call is tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// IAM is busy: throttling, a concurrent change, a service failure.
    Busy,
    /// IAM has not caught up with the create of `waiting_for` yet; worth trying until `until`.
    NotYetVisible {
        waiting_for: Address,
        until: Instant,
    },
}

/// Runs `attempt` until it succeeds, `reason` finds no reason to try again, or the budget is
/// spent. Returns the last result and the number of retries made.
pub async fn run<T, F, Fut>(
    policy: &RetryPolicy,
    what: &(dyn Display + Sync),
    mut attempt: F,
    reason: impl Fn(&BackendError, Instant) -> Option<Reason>,
) -> (Result<T, BackendError>, u32)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, BackendError>>,
{
    let mut retries = 0u32;
    loop {
        let error = match attempt().await {
            Ok(t) => return (Ok(t), retries),
            Err(e) => e,
        };
        let now = Instant::now();
        let delay = match reason(&error, now) {
            Some(Reason::Busy) if retries + 1 < policy.max_attempts => {
                backoff(policy, retries, entropy())
            }
            Some(Reason::NotYetVisible { waiting_for, until }) if now < until => {
                tracing::info!(%waiting_for, "IAM has not caught up with a recent create yet");
                backoff(policy, retries, entropy()).min(until.saturating_duration_since(now))
            }
            _ => return (Err(error), retries),
        };
        retries += 1;
        tracing::info!(
            call = %what,
            attempt = retries + 1,
            delay_ms = delay.as_millis() as u64,
            "retrying after {error}"
        );
        tokio::time::sleep(delay).await;
    }
}

/// Runs one operation with the retry policy; a success is noted in `creations`.
pub async fn execute(
    backend: &dyn Backend,
    op: &Operation,
    policy: &RetryPolicy,
    creations: &Creations,
) -> (Result<(), BackendError>, u32) {
    let effects = op.effects(backend.account_id());
    let target = op.target();
    let recent = |now| creations.snapshot(now, policy.consistency_window);
    let attempts = AtomicU32::new(0);
    let attempt = || async {
        let retry = attempts.fetch_add(1, Ordering::SeqCst) > 0;
        match backend.execute(op).await {
            Err(e) if retry && may_have_taken_effect(&e) => took_effect(backend, op, e).await,
            result => result,
        }
    };
    let (result, retries) = run(policy, op, attempt, |e, now| {
        reason(&effects, &target, e, &recent(now), policy, now)
    })
    .await;
    if result.is_ok() {
        creations.observe(&effects, Instant::now());
    }
    (result, retries)
}

/// The answers a retry gets when an earlier attempt did take effect: the entity already exists,
/// or is already gone.
fn may_have_taken_effect(error: &BackendError) -> bool {
    matches!(
        error.code(),
        Some(ErrorCode::EntityAlreadyExists | ErrorCode::NoSuchEntity)
    )
}

/// `Ok` when the account, read back, shows that `op` took effect; else the retry's `error`.
async fn took_effect(
    backend: &dyn Backend,
    op: &Operation,
    error: BackendError,
) -> Result<(), BackendError> {
    match backend.read().await {
        Ok(live) if op.achieved(&live, backend.account_id()) => {
            tracing::info!(call = %op, "an earlier attempt took effect (its answer was lost): {error}");
            Ok(())
        }
        _ => Err(error),
    }
}

/// Whether IAM is busy: the failures every call may meet.
pub fn is_busy(error: &BackendError) -> bool {
    matches!(
        error.code(),
        Some(ErrorCode::Throttling | ErrorCode::ConcurrentModification | ErrorCode::ServiceFailure)
    )
}

/// A retry reason for reads: only a busy IAM.
pub fn busy(error: &BackendError, _now: Instant) -> Option<Reason> {
    is_busy(error).then_some(Reason::Busy)
}

/// Why `error`, returned at `now` by a call with these `effects` acting on `target`, is worth
/// another attempt; `created` holds the recent creates of this apply.
pub fn reason(
    effects: &Effects,
    target: &Address,
    error: &BackendError,
    created: &HashMap<Address, Instant>,
    policy: &RetryPolicy,
    now: Instant,
) -> Option<Reason> {
    if is_busy(error) {
        return Some(Reason::Busy);
    }
    let BackendError::Api { code, message } = error else {
        return None;
    };
    let candidates: Vec<Address> = match code {
        ErrorCode::NoSuchEntity if !effects.is_removal() => {
            let needed = effects.dependencies();
            let named: Vec<Address> = needed
                .iter()
                .filter(|a| mentions(message, &a.name))
                .cloned()
                .collect();
            if named.is_empty() {
                needed
            } else {
                named
            }
        }
        ErrorCode::MalformedPolicyDocument
            if message.to_ascii_lowercase().contains("invalid principal") =>
        {
            effects.trusts.iter().filter_map(|k| k.address()).collect()
        }
        ErrorCode::EntityTemporarilyUnmodifiable => {
            let mut all = effects.dependencies();
            all.push(target.clone());
            all
        }
        _ => return None,
    };
    candidates
        .into_iter()
        .filter_map(|a| {
            let until = created.get(&a)?.checked_add(policy.consistency_window)?;
            (now < until).then_some(Reason::NotYetVisible {
                waiting_for: a,
                until,
            })
        })
        .max_by_key(|r| match r {
            Reason::NotYetVisible { until, .. } => Some(*until),
            Reason::Busy => None,
        })
}

/// Exponential backoff with jitter: between half and all of `min(cap, base * 2^attempt)`.
/// `entropy` is any varying number (the caller passes clock bits).
pub fn backoff(policy: &RetryPolicy, attempt: u32, entropy: u64) -> Duration {
    let ceiling = policy
        .base
        .saturating_mul(1u32 << attempt.min(16))
        .min(policy.cap);
    let mixed = entropy.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
    let fraction = 0.5 + (mixed % 1_000) as f64 / 2_000.0;
    ceiling.mul_f64(fraction)
}

/// Clock bits: jitter enough, no randomness crate needed.
fn entropy() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0)
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

/// When this apply created which entity (case-insensitive names, like IAM's).
#[derive(Default)]
pub struct Creations {
    at: Mutex<HashMap<Address, Instant>>,
}

impl Creations {
    /// Notes what a successful call with these effects created or deleted.
    pub fn observe(&self, effects: &Effects, now: Instant) {
        let mut at = self.at.lock().unwrap_or_else(PoisonError::into_inner);
        for a in effects.creates.iter().filter_map(|k| k.address()) {
            at.insert(a, now);
        }
        for a in effects.deletes.iter().filter_map(|k| k.address()) {
            at.remove(&a);
        }
    }

    /// The creates of the last `window` before `now`.
    pub fn snapshot(&self, now: Instant, window: Duration) -> HashMap<Address, Instant> {
        let mut at = self.at.lock().unwrap_or_else(PoisonError::into_inner);
        // Old entries are of no use any more; keep the map small in long applies.
        at.retain(|_, t| now.saturating_duration_since(*t) < window);
        at.clone()
    }
}

#[cfg(test)]
mod tests;
