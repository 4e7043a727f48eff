//! Faults and latency the mock backend can inject, for tests and benchmarks: IAM is slow,
//! throttles and sometimes fails, and apply must cope with all three.
//!
//! Written as `latency_ms=20,throttle=0.3,fail_call=5:ServiceFailure,lose_response=0.1` in the
//! environment variable `IAMFORM_MOCK_FAULTS`, or as the `faults` attribute of `backend "mock"`.

use crate::model::iam::ErrorCode;
use std::time::Duration;

/// A fault specification that cannot be read, and what is expected instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FaultsError(String);

pub(crate) const ENV: &str = "IAMFORM_MOCK_FAULTS";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Added before every call (reads and operations).
    pub latency: Duration,
    /// This fraction of operations (0.0–1.0) is answered with `Throttling`.
    pub throttle: f64,
    /// The Nth operation (1-based, in the order the backend receives them) fails with this code.
    pub fail_call: Option<(u64, ErrorCode)>,
    /// This fraction of operations (0.0–1.0) takes effect, and then answers `ServiceFailure` as
    /// if the answer had been lost on the way back.
    pub lose_response: f64,
}

impl Faults {
    /// Parses `key=value` pairs separated by commas; an empty string means no faults.
    pub fn parse(spec: &str) -> Result<Faults, FaultsError> {
        let mut faults = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| FaultsError(format!("`{part}` is not KEY=VALUE")))?;
            let value = value.trim();
            match key.trim() {
                "latency_ms" => {
                    let ms: u64 = value.parse().map_err(|_| {
                        FaultsError(format!(
                            "latency_ms `{value}` is not a whole number of milliseconds"
                        ))
                    })?;
                    faults.latency = Duration::from_millis(ms);
                }
                "throttle" => faults.throttle = fraction("throttle", value)?,
                "fail_call" => faults.fail_call = Some(fail_call(value)?),
                "lose_response" => faults.lose_response = fraction("lose_response", value)?,
                other => {
                    return Err(FaultsError(format!(
                    "unknown fault `{other}`: use latency_ms, throttle, fail_call or lose_response"
                )))
                }
            }
        }
        Ok(faults)
    }

    /// From `IAMFORM_MOCK_FAULTS`, when set.
    pub fn from_env() -> Result<Option<Faults>, FaultsError> {
        match std::env::var(ENV) {
            Ok(spec) => Faults::parse(&spec)
                .map(Some)
                .map_err(|e| FaultsError(format!("{ENV}: {e}"))),
            Err(_) => Ok(None),
        }
    }
}

/// A fraction of calls, 0 to 1.
fn fraction(key: &str, value: &str) -> Result<f64, FaultsError> {
    value
        .parse()
        .ok()
        .filter(|f: &f64| (0.0..=1.0).contains(f))
        .ok_or_else(|| FaultsError(format!("{key} `{value}` is not a fraction between 0 and 1")))
}

/// `N:ErrorCode`: the Nth operation fails with that code.
fn fail_call(value: &str) -> Result<(u64, ErrorCode), FaultsError> {
    let (n, code) = value.split_once(':').ok_or_else(|| {
        FaultsError(format!(
            "fail_call `{value}` is not N:ErrorCode, e.g. fail_call=3:ServiceFailure"
        ))
    })?;
    let n: u64 =
        n.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            FaultsError(format!("fail_call: `{n}` is not a call number (1, 2, …)"))
        })?;
    let code = ErrorCode::parse(code.trim()).ok_or_else(|| {
        FaultsError(format!(
            "fail_call: `{code}` is not an IAM error code such as ServiceFailure or Throttling"
        ))
    })?;
    Ok((n, code))
}

/// A number in [0, 1) that depends only on `n`.
pub(crate) fn unit(n: u64) -> f64 {
    let mut x = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_setting() {
        let f = Faults::parse("latency_ms=20, throttle=0.3,fail_call=5:ServiceFailure").unwrap();
        assert_eq!(f.latency, Duration::from_millis(20));
        assert_eq!(f.throttle, 0.3);
        assert_eq!(f.fail_call, Some((5, ErrorCode::ServiceFailure)));
        assert_eq!(Faults::parse("").unwrap(), Faults::default());
    }

    #[test]
    fn bad_settings_say_what_is_expected() {
        for (spec, says) in [
            ("latency=5", "unknown fault `latency`"),
            ("throttle=2", "between 0 and 1"),
            ("fail_call=0:ServiceFailure", "not a call number"),
            ("fail_call=3:Oops", "not an IAM error code"),
            ("fail_call=3", "N:ErrorCode"),
        ] {
            let err = Faults::parse(spec).unwrap_err().to_string();
            assert!(err.contains(says), "{spec}: {err}");
        }
    }
}
