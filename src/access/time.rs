//! Time as IAM's date condition operators and `aws:CurrentTime` write it (shared by the
//! conditions and the request context).

/// A date as IAM's date operators take it, in milliseconds since the epoch: epoch seconds
/// (`1700000000`) or the W3C profile of ISO 8601 (`2024`, `2024-05`, `2024-05-01`,
/// `2024-05-01T12:00Z`, `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00`).
pub fn parse_time(s: &str) -> Option<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() > 4 {
        return s.parse::<i64>().ok()?.checked_mul(1000);
    }
    let num = |t: &str, n: usize| -> Option<i64> {
        (t.len() == n && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let year = num(d.next()?, 4)?;
    let month = d.next().map(|m| num(m, 2)).unwrap_or(Some(1))?;
    let day = d.next().map(|m| num(m, 2)).unwrap_or(Some(1))?;
    if d.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut millis = days_from_civil(year, month, day) * 86_400_000;
    if let Some(t) = time {
        let (clock, offset) = if let Some(c) = t.strip_suffix('Z') {
            (c, 0)
        } else {
            let at = t.rfind(['+', '-'])?;
            let (c, tz) = t.split_at(at);
            let (h, m) = tz[1..].split_once(':')?;
            let minutes = num(h, 2)? * 60 + num(m, 2)?;
            (
                c,
                if tz.starts_with('-') {
                    -minutes
                } else {
                    minutes
                },
            )
        };
        let mut parts = clock.split(':');
        let h = num(parts.next()?, 2)?;
        let m = num(parts.next()?, 2)?;
        let (sec, frac) = match parts.next() {
            None => (0, 0),
            Some(s) => match s.split_once('.') {
                Some((s, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
                    let f3: String = f.chars().chain("000".chars()).take(3).collect();
                    (num(s, 2)?, f3.parse::<i64>().ok()?)
                }
                Some(_) => return None,
                None => (num(s, 2)?, 0),
            },
        };
        if parts.next().is_some() || h > 24 || m > 59 || sec > 60 {
            return None;
        }
        millis += ((h * 60 + m - offset) * 60 + sec) * 1000 + frac;
    }
    Some(millis)
}

/// `aws:CurrentTime`'s form: `2024-05-01T12:00:00Z`, from epoch seconds.
pub fn format_time(epoch_seconds: i64) -> String {
    let days = epoch_seconds.div_euclid(86_400);
    let secs = epoch_seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithms).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_time("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_time("2000-03-01T00:00:00Z"), Some(951_868_800_000));
        assert_eq!(parse_time("2000-03-01T01:00+01:00"), Some(951_868_800_000));
        assert_eq!(
            parse_time("2000-03-01T00:00:00.250Z"),
            Some(951_868_800_250)
        );
        assert_eq!(parse_time("951868800"), Some(951_868_800_000));
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-05-01T12",
            "2024-05-01T12:00:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(951_868_800), "2000-03-01T00:00:00Z");
        assert_eq!(format_time(1_714_564_800), "2024-05-01T12:00:00Z");
        for t in [0, 1, 86_399, 951_868_800, 1_714_564_801, 4_102_444_800] {
            assert_eq!(parse_time(&format_time(t)), Some(t * 1000), "{t}");
        }
    }
}
