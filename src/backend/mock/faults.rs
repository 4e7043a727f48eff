//! The faults of [`Faults`] (`latency_ms`, `throttle`, `fail_call`, `lose_response`), injected
//! into the mock's calls. Throttling and lost answers are decided by a hash of the call number, so
//! a run with the same settings throttles (and loses the answers of) the same calls.

use crate::backend::{BackendError, ErrorCode};
use crate::settings::faults::{unit, Faults};

/// The injected error for operation number `n` (1-based), if any.
pub(super) fn injected(faults: &Faults, n: u64) -> Option<BackendError> {
    if let Some((at, code)) = faults.fail_call {
        if at == n {
            return Some(BackendError::api(
                code,
                format!(
                    "injected by the mock: call {n} fails with {}",
                    code.as_str()
                ),
            ));
        }
    }
    if faults.throttle > 0.0 && unit(n) < faults.throttle {
        return Some(BackendError::api(ErrorCode::Throttling, "Rate exceeded"));
    }
    None
}

/// After operation number `n` took effect: the error that hides it, when its answer is lost.
pub(super) fn answer_lost(faults: &Faults, n: u64) -> Option<BackendError> {
    // Another stream of the same hash than throttling's, so that the two do not coincide.
    let lost = faults.lose_response > 0.0 && unit(n ^ 0x005E_ED0F_1057) < faults.lose_response;
    lost.then(|| {
        BackendError::api(
            ErrorCode::ServiceFailure,
            format!("injected by the mock: call {n} took effect, but its answer was lost"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_hits_about_the_requested_fraction_and_the_nth_call_fails() {
        let f = Faults::parse("throttle=0.3,fail_call=7:DeleteConflict").unwrap();
        let throttled = (1..=10_000)
            .filter(|n| injected(&f, *n).and_then(|e| e.code()) == Some(ErrorCode::Throttling))
            .count();
        assert!((2_800..=3_200).contains(&throttled), "{throttled}");
        assert_eq!(
            injected(&f, 7).and_then(|e| e.code()),
            Some(ErrorCode::DeleteConflict)
        );
        let lossy = Faults::parse("lose_response=0.3").unwrap();
        let lost = (1..=10_000)
            .filter(|n| answer_lost(&lossy, *n).is_some())
            .count();
        assert!((2_800..=3_200).contains(&lost), "{lost}");
        assert!((1..=100).all(|n| answer_lost(&f, n).is_none()));
    }
}
