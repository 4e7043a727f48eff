//! IAM's credential report (GetCredentialReport's CSV) as [`CredentialRow`]s.
//!
//! Columns are found by name, so a column IAM adds later changes nothing. A date is `None` where
//! IAM writes `N/A` (no such credential, or never used), `no_information` (used before IAM
//! tracked it) or `not_supported` (the root user's password columns). Anything else that is not
//! an RFC 3339 date is an error naming the row and column: an audit must not guess an age.
//! The report has no secrets; the key columns are numbered slots (1 and 2) without key ids.

use crate::backend::audit::{CredentialRow, KeyRow};
use crate::model::Timestamp;
use std::collections::HashMap;

/// IAM's columns for access key slot `n` (1 or 2).
fn key_column(n: usize, what: &str) -> String {
    format!("access_key_{n}_{what}")
}

/// Parses the whole report.
pub(super) fn parse(csv: &[u8]) -> Result<Vec<CredentialRow>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(csv);
    let headers = reader
        .headers()
        .map_err(|e| format!("the credential report is not CSV: {e}"))?
        .clone();
    let index: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    for required in ["user", "arn", "password_enabled", "mfa_active"] {
        if !index.contains_key(required) {
            return Err(format!(
                "the credential report has no `{required}` column (its columns: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("credential report row {}: {e}", n + 1))?;
        let cell = |column: &str| -> &str {
            index
                .get(column)
                .and_then(|i| record.get(*i))
                .unwrap_or("N/A")
        };
        let row = n + 1;
        let date = |column: &str| {
            date(cell(column)).map_err(|e| {
                format!(
                    "credential report row {row} ({}), `{column}`: {e}",
                    cell("user")
                )
            })
        };
        let flag = |column: &str| {
            flag(cell(column)).map_err(|e| {
                format!(
                    "credential report row {row} ({}), `{column}`: {e}",
                    cell("user")
                )
            })
        };
        let mut access_keys = Vec::new();
        for slot in 1..=2 {
            let active = flag(&key_column(slot, "active"))?.unwrap_or(false);
            let last_rotated = date(&key_column(slot, "last_rotated"))?;
            // A slot with neither is a key the user does not have.
            if !active && last_rotated.is_none() {
                continue;
            }
            let service = cell(&key_column(slot, "last_used_service"));
            access_keys.push(KeyRow {
                number: slot,
                id: None,
                active,
                last_rotated,
                last_used: date(&key_column(slot, "last_used_date"))?,
                last_used_service: (!is_absent(service)).then(|| service.to_owned()),
            });
        }
        rows.push(CredentialRow {
            user: cell("user").to_owned(),
            arn: cell("arn").to_owned(),
            created: date("user_creation_time")?,
            password_enabled: flag("password_enabled")?,
            password_last_used: date("password_last_used")?,
            password_last_changed: date("password_last_changed")?,
            mfa_active: flag("mfa_active")?.unwrap_or(false),
            access_keys,
        });
    }
    Ok(rows)
}

/// What IAM writes where there is no value.
fn is_absent(s: &str) -> bool {
    matches!(s, "" | "N/A" | "no_information" | "not_supported")
}

fn date(s: &str) -> Result<Option<Timestamp>, String> {
    if is_absent(s) {
        return Ok(None);
    }
    s.parse::<Timestamp>()
        .map(Some)
        .map_err(|e| format!("{s:?} is not an RFC 3339 date ({e})"))
}

fn flag(s: &str) -> Result<Option<bool>, String> {
    match s {
        "true" | "TRUE" | "True" => Ok(Some(true)),
        "false" | "FALSE" | "False" => Ok(Some(false)),
        s if is_absent(s) => Ok(None),
        s => Err(format!("{s:?} is neither true nor false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// IAM's columns as documented, with a root row and a user whose name has a comma.
    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-05-01T10:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
\"ops,eu\",\"arn:aws:iam::123456789012:user/ops,eu\",2023-03-01T12:00:00+00:00,true,no_information,2023-03-01T12:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,true,2023-04-01T00:00:00+00:00,2024-04-30T08:00:00+00:00,us-east-1,s3,false,N/A,false,N/A
ci,arn:aws:iam::123456789012:user/ci,2023-03-01T12:00:00+00:00,false,N/A,N/A,N/A,false,false,2022-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn rows_keys_and_absent_values() {
        let rows = parse(REPORT.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        let root = &rows[0];
        assert!(root.is_root());
        assert_eq!(root.password_enabled, None, "not_supported");
        assert_eq!(
            root.password_last_used.unwrap().to_string(),
            "2024-05-01T10:00:00Z"
        );
        assert_eq!(root.access_keys.len(), 1);
        assert!(root.access_keys[0].active);

        let ops = &rows[1];
        assert_eq!(ops.user, "ops,eu", "a quoted name keeps its comma");
        assert!(ops.has_password() && ops.mfa_active);
        assert_eq!(ops.password_last_used, None, "no_information");
        assert_eq!(ops.access_keys.len(), 1, "slot 1 is empty");
        let key = &ops.access_keys[0];
        assert_eq!((key.number, key.active), (2, true));
        assert_eq!(key.last_used_service.as_deref(), Some("s3"));
        assert_eq!(key.describe(), "access key 2");

        let ci = &rows[2];
        assert_eq!(ci.password_enabled, Some(false));
        assert_eq!(ci.access_keys.len(), 1, "an inactive key is still a key");
        assert!(!ci.access_keys[0].active);
    }

    #[test]
    fn bad_reports_name_the_problem() {
        for (csv, expected) in [
            ("user,arn\nx,y\n", "no `password_enabled` column"),
            (
                "user,arn,password_enabled,mfa_active,password_last_used\nx,y,true,false,yesterday\n",
                "row 1 (x), `password_last_used`: \"yesterday\" is not an RFC 3339 date",
            ),
            (
                "user,arn,password_enabled,mfa_active\nx,y,maybe,false\n",
                "\"maybe\" is neither true nor false",
            ),
        ] {
            let error = parse(csv.as_bytes()).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
    }
}
