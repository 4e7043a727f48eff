//! What every rule reads: the audit data, the instant the audit is "now", and the thresholds.

use crate::backend::audit::AuditData;
use crate::model::Timestamp;
use serde::Serialize;

/// `--max-key-age-days` and `--max-unused-days`, with the CIS Benchmark's figures as defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Thresholds {
    /// An active access key older than this must be rotated (CIS 1.14: 90).
    pub max_key_age_days: u32,
    /// A credential unused this long must be removed (CIS 1.12: 45); also the window in which
    /// root use and service use count as recent.
    pub max_unused_days: u32,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            max_key_age_days: 90,
            max_unused_days: 45,
        }
    }
}

pub struct AuditInput<'a> {
    pub data: &'a AuditData,
    pub account_id: &'a str,
    /// The instant ages are measured at (`IAMFORM_NOW` in tests, the clock otherwise).
    pub now: Timestamp,
    pub thresholds: Thresholds,
}

const DAY: i64 = 24 * 60 * 60;

impl AuditInput<'_> {
    /// Whole days from `t` to now (negative when `t` is in the future).
    pub fn days_since(&self, t: Timestamp) -> i64 {
        self.now.duration_since(t).as_secs().div_euclid(DAY)
    }

    /// Whether `t` is more than `days` whole days before now.
    pub fn older_than(&self, t: Timestamp, days: u32) -> bool {
        self.days_since(t) > i64::from(days)
    }
}

/// `2024-05-01` (the date part of an instant, UTC), for messages.
pub(super) fn date(t: Timestamp) -> String {
    let s = t.to_string();
    s.get(..10).unwrap_or(&s).to_owned()
}

/// `1 day`, `90 days`.
pub(super) fn days(n: u32) -> String {
    crate::words::count(n as usize, "day")
}

/// `3 days ago (2024-05-01)`, `today`, for messages.
pub(super) fn ago(input: &AuditInput<'_>, t: Timestamp) -> String {
    match input.days_since(t) {
        d if d <= 0 => format!("today ({})", date(t)),
        1 => format!("1 day ago ({})", date(t)),
        d => format!("{d} days ago ({})", date(t)),
    }
}
