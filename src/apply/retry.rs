//! Retries of calls IAM may refuse for a moment: throttling, concurrent modification, service
//! failures. Exponential backoff with full jitter, bounded attempts; every retry is logged.

use crate::backend::{Backend, BackendError, ErrorCode};
use crate::plan::operation::Operation;
use std::time::Duration;

#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base: Duration::from_millis(50),
            cap: Duration::from_secs(5),
        }
    }
}

pub fn is_retryable(e: &BackendError) -> bool {
    matches!(
        e.code(),
        Some(ErrorCode::Throttling | ErrorCode::ConcurrentModification | ErrorCode::ServiceFailure)
    )
}

/// Runs `op`, retrying retryable errors. Returns the result and the number of retries made.
pub async fn execute(
    backend: &dyn Backend,
    op: &Operation,
    policy: RetryPolicy,
) -> (Result<(), BackendError>, u32) {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match backend.execute(op).await {
            Err(e) if is_retryable(&e) && attempt < policy.max_attempts => {
                let delay = backoff(policy, attempt);
                tracing::info!(operation = %op, attempt, delay_ms = delay.as_millis() as u64, "retrying after {e}");
                tokio::time::sleep(delay).await;
            }
            result => return (result, attempt - 1),
        }
    }
}

/// Full jitter: a uniform delay in [0, min(cap, base * 2^attempt)).
fn backoff(policy: RetryPolicy, attempt: u32) -> Duration {
    let ceiling = policy
        .base
        .saturating_mul(1u32 << attempt.min(16))
        .min(policy.cap);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    // A cheap mix of the clock's low bits is jitter enough; no randomness crate needed.
    let mixed =
        (u64::from(nanos) ^ (u64::from(attempt) << 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    let fraction = (mixed % 1_000) as f64 / 1_000.0;
    ceiling.mul_f64(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_the_cap() {
        let p = RetryPolicy::default();
        for attempt in 1..40 {
            assert!(backoff(p, attempt) <= p.cap);
        }
        assert!(backoff(p, 1) < p.base * 2);
    }
}
