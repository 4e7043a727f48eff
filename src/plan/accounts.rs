//! The combined report of `plan --all DIR`: one entry per account configuration found under
//! DIR, each with its plan or its errors, and the totals. Data only, rendered by
//! `render::accounts` and serialised as `schemas/accounts-report.schema.json`.

use super::saved::PlanDocument;
use super::Summary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountsReport {
    pub format_version: u32,
    /// The directory the accounts (or, for `apply --all`, the saved plans) were found under, as
    /// given.
    pub root: String,
    pub summary: AccountsSummary,
    /// Sorted by directory.
    pub accounts: Vec<AccountReport>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsSummary {
    pub accounts: usize,
    pub with_changes: usize,
    pub failed: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NoChanges,
    Changes,
    /// `apply --all`: every operation of its saved plan was applied.
    Applied,
    Error,
}

/// What `apply --all` did in one account (counts as in schemas/apply-report.schema.json).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub applied: usize,
    pub failed: usize,
    pub skipped: usize,
    pub not_started: usize,
}

/// One account configuration's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountReport {
    /// The configuration directory, relative to the root (`.` for the root itself); for
    /// `apply --all`, the saved plan's file.
    pub dir: String,
    /// The account the backend reached; absent when it was not reached.
    pub account_id: Option<String>,
    /// `mock:PATH` or `aws`, when the backend was chosen.
    pub backend: Option<String>,
    pub status: Status,
    /// Why the account could not be planned: configuration errors as `validate` prints them, or
    /// the backend's error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// What `plan` prints as warnings for this account (self-lockout, calls outside the plan).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Where its saved plan was written (`plan --all --out DIR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_plan: Option<String>,
    /// The plan, as `plan --json` prints it; absent on error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanDocument>,
    /// `apply --all`: what was applied; absent when the plan was refused before any call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied: Option<Applied>,
}

impl AccountReport {
    /// An account that could not be planned.
    pub fn failed(dir: String, error: String) -> AccountReport {
        AccountReport {
            dir,
            account_id: None,
            backend: None,
            status: Status::Error,
            errors: vec![error],
            warnings: Vec::new(),
            saved_plan: None,
            plan: None,
            applied: None,
        }
    }

    pub fn summary(&self) -> Option<Summary> {
        self.plan.as_ref().map(|p| p.summary)
    }
}

impl AccountsReport {
    /// The report of `accounts` (see [`refuse_shared_accounts`], which comes first).
    pub fn new(root: String, mut accounts: Vec<AccountReport>) -> AccountsReport {
        accounts.sort_by(|a, b| a.dir.cmp(&b.dir));
        let mut summary = AccountsSummary {
            accounts: accounts.len(),
            ..AccountsSummary::default()
        };
        for a in &accounts {
            match a.status {
                Status::Error => summary.failed += 1,
                Status::Changes | Status::Applied => summary.with_changes += 1,
                Status::NoChanges => {}
            }
            if let Some(s) = a.summary() {
                summary.add += s.add;
                summary.change += s.change;
                summary.destroy += s.destroy;
            }
        }
        AccountsReport {
            format_version: FORMAT_VERSION,
            root,
            summary,
            accounts,
        }
    }
}

/// Two configurations planning one account would undo each other's changes: each of them is an
/// error, naming the others.
pub fn refuse_shared_accounts(accounts: &mut [AccountReport]) {
    let mut by_id: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in accounts.iter() {
        if let Some(id) = &a.account_id {
            by_id.entry(id.clone()).or_default().push(a.dir.clone());
        }
    }
    for a in accounts.iter_mut() {
        let Some(dirs) = a.account_id.as_ref().and_then(|id| by_id.get(id)) else {
            continue;
        };
        if dirs.len() < 2 {
            continue;
        }
        let others: Vec<&str> = dirs
            .iter()
            .filter(|d| **d != a.dir)
            .map(String::as_str)
            .collect();
        a.errors.push(format!(
            "account {} is also the account of {}: two configurations would undo each other's changes; keep one directory per account (move these entities into one of them, or into a module both use)",
            a.account_id.as_deref().unwrap_or_default(),
            others.join(", ")
        ));
        a.status = Status::Error;
        a.saved_plan = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(dir: &str, id: &str) -> AccountReport {
        AccountReport {
            account_id: Some(id.to_owned()),
            status: Status::NoChanges,
            errors: Vec::new(),
            ..AccountReport::failed(dir.to_owned(), String::new())
        }
    }

    #[test]
    fn two_directories_of_one_account_are_both_refused() {
        let mut accounts = vec![
            account("prod", "111111111111"),
            account("dev", "222222222222"),
            account("prod-copy", "111111111111"),
        ];
        refuse_shared_accounts(&mut accounts);
        let report = AccountsReport::new("org".to_owned(), accounts);
        let status: Vec<(&str, Status)> = report
            .accounts
            .iter()
            .map(|a| (a.dir.as_str(), a.status))
            .collect();
        assert_eq!(
            status,
            [
                ("dev", Status::NoChanges),
                ("prod", Status::Error),
                ("prod-copy", Status::Error)
            ]
        );
        assert!(report.accounts[1].errors[0].contains("also the account of prod-copy"));
        assert_eq!(report.summary.failed, 2);
    }
}
