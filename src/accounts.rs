//! The combined report of a command run over many accounts (`plan --all DIR`, `apply --all`,
//! `drift --all`, `audit --all`, `validate --all`): one entry per account configuration found
//! under DIR, each with that command's own report for the account (or its errors), and the
//! totals. Data only, after the stages it collects (plan, drift, audit); rendered by
//! `render::accounts` and serialised as `schemas/accounts-report.schema.json`.

use crate::audit::AuditReport;
use crate::drift::{DriftReport, DriftSummary};
use crate::plan::saved::PlanDocument;
use crate::plan::{Plan, Summary};
use serde::Serialize;
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

/// The command run in every account; it decides the report's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Plan,
    Apply,
    Drift,
    Audit,
    Validate,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Plan => "plan",
            Command::Apply => "apply",
            Command::Drift => "drift",
            Command::Audit => "audit",
            Command::Validate => "validate",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountsReport {
    pub format_version: u32,
    pub command: Command,
    /// The directory the accounts (or, for `apply --all`, the saved plans) were found under, as
    /// given.
    pub root: String,
    pub summary: AccountsSummary,
    /// Sorted by directory.
    pub accounts: Vec<AccountReport>,
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccountsSummary {
    pub accounts: usize,
    /// Accounts where the command found something: changes (plan, apply), drift, findings (audit).
    pub with_changes: usize,
    pub failed: usize,
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
    /// plan, apply: principals gaining / losing access, summed over the accounts.
    pub access: Option<AccessCounts>,
    /// drift: the drifted entities of every account, by kind of drift.
    pub drift: Option<DriftSummary>,
    /// audit: findings (not suppressed) over every account.
    pub findings: Option<usize>,
    /// validate: entities declared over every valid account.
    pub entities: Option<usize>,
}

/// Who gains and who loses access in a plan: principals (users and roles) counted once however
/// many actions they gain or lose; a principal can be in both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AccessCounts {
    pub principals_gaining: usize,
    pub principals_losing: usize,
}

impl AccessCounts {
    pub fn of(plan: &Plan) -> AccessCounts {
        let changes = &plan.access_changes;
        AccessCounts {
            principals_gaining: changes
                .iter()
                .filter(|c| c.gained_everything || !c.gained.is_empty())
                .count(),
            principals_losing: changes
                .iter()
                .filter(|c| c.lost_everything || !c.lost.is_empty())
                .count(),
        }
    }

    fn add(&mut self, other: AccessCounts) {
        self.principals_gaining += other.principals_gaining;
        self.principals_losing += other.principals_losing;
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NoChanges,
    Changes,
    /// `apply --all`: every operation of its saved plan was applied.
    Applied,
    /// `drift --all`: the account differs from its configuration.
    Drift,
    /// `audit --all`: findings that are not suppressed.
    Findings,
    /// `drift --all`, `audit --all`: nothing found.
    Clean,
    /// `validate --all`: the configuration is valid.
    Valid,
    Error,
}

impl Status {
    /// Whether the account's own command would exit 2 (with `--detailed-exitcode` for plan).
    fn found_something(self) -> bool {
        matches!(
            self,
            Status::Changes | Status::Applied | Status::Drift | Status::Findings
        )
    }
}

/// What `apply --all` did in one account (counts as in schemas/apply-report.schema.json).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    pub applied: usize,
    pub failed: usize,
    pub skipped: usize,
    pub not_started: usize,
}

/// One account configuration's outcome.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AccountReport {
    /// The configuration directory, relative to the root (`.` for the root itself); for
    /// `apply --all`, the saved plan's file.
    pub dir: String,
    /// The account the backend reached (`validate --all`: the backend block's `account_id`);
    /// absent when it was not reached.
    #[serialize_always]
    pub account_id: Option<String>,
    /// `mock:PATH` or `aws`, when the backend was chosen.
    #[serialize_always]
    pub backend: Option<String>,
    pub status: Status,
    /// Why the account could not be planned: configuration errors as `validate` prints them, or
    /// the backend's error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// What `plan` prints as warnings for this account (self-lockout, calls outside the plan).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Where its saved plan was written (`plan --all --out DIR`).
    pub saved_plan: Option<String>,
    /// The plan, as `plan --json` prints it; absent on error.
    pub plan: Option<PlanDocument>,
    /// plan, apply: who gains and who loses access in the plan.
    pub access: Option<AccessCounts>,
    /// `apply --all`: what was applied; absent when the plan was refused before any call.
    pub applied: Option<Applied>,
    /// `drift --all`: the drift report, as `drift --format json` prints it.
    pub drift: Option<DriftReport>,
    /// `audit --all`: the audit report, as `audit --format json` prints it.
    pub audit: Option<AuditReport>,
    /// `validate --all`: how many entities the valid configuration declares.
    pub entities: Option<usize>,
}

impl AccountReport {
    /// An account that could not be planned (or checked).
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
            access: None,
            applied: None,
            drift: None,
            audit: None,
            entities: None,
        }
    }

    /// An account whose command ran, before its result is added.
    pub fn reached(dir: String, account_id: Option<String>, status: Status) -> AccountReport {
        AccountReport {
            account_id,
            status,
            errors: Vec::new(),
            ..AccountReport::failed(dir, String::new())
        }
    }

    /// Adds the plan, and who gains and loses access in it.
    pub fn with_plan(mut self, doc: PlanDocument) -> AccountReport {
        self.access = Some(AccessCounts::of(&doc.plan));
        self.plan = Some(doc);
        self
    }

    pub fn summary(&self) -> Option<Summary> {
        self.plan.as_ref().map(|p| p.summary)
    }
}

impl AccountsReport {
    /// The report of `accounts` (see [`refuse_shared_accounts`], which comes first).
    pub fn new(command: Command, root: String, mut accounts: Vec<AccountReport>) -> AccountsReport {
        accounts.sort_by(|a, b| a.dir.cmp(&b.dir));
        let mut summary = AccountsSummary {
            accounts: accounts.len(),
            ..AccountsSummary::default()
        };
        match command {
            Command::Plan | Command::Apply => summary.access = Some(AccessCounts::default()),
            Command::Drift => summary.drift = Some(DriftSummary::default()),
            Command::Audit => summary.findings = Some(0),
            Command::Validate => summary.entities = Some(0),
        }
        for a in &accounts {
            if a.status == Status::Error {
                summary.failed += 1;
            } else if a.status.found_something() {
                summary.with_changes += 1;
            }
            if let Some(s) = a.summary() {
                summary.add += s.add;
                summary.change += s.change;
                summary.destroy += s.destroy;
            }
            tally(&mut summary, a);
        }
        AccountsReport {
            format_version: FORMAT_VERSION,
            command,
            root,
            summary,
            accounts,
        }
    }
}

/// Adds the command's own counts of `a` to the totals.
fn tally(summary: &mut AccountsSummary, a: &AccountReport) {
    if let (Some(total), Some(access)) = (&mut summary.access, a.access) {
        total.add(access);
    }
    if let (Some(total), Some(drift)) = (&mut summary.drift, &a.drift) {
        total.missing += drift.summary.missing;
        total.modified += drift.summary.modified;
        total.undeclared += drift.summary.undeclared;
    }
    if let (Some(total), Some(audit)) = (&mut summary.findings, &a.audit) {
        *total += audit.summary.findings;
    }
    if let (Some(total), Some(n)) = (&mut summary.entities, a.entities) {
        *total += n;
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
        AccountReport::reached(dir.to_owned(), Some(id.to_owned()), Status::NoChanges)
    }

    #[test]
    fn two_directories_of_one_account_are_both_refused() {
        let mut accounts = vec![
            account("prod", "111111111111"),
            account("dev", "222222222222"),
            account("prod-copy", "111111111111"),
        ];
        refuse_shared_accounts(&mut accounts);
        let report = AccountsReport::new(Command::Plan, "org".to_owned(), accounts);
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

    #[test]
    fn the_totals_are_the_commands_own() {
        let mut drifted = account("a", "111111111111");
        drifted.status = Status::Drift;
        let mut failed = account("b", "222222222222");
        failed.status = Status::Error;
        let report = AccountsReport::new(
            Command::Validate,
            "org".to_owned(),
            vec![
                AccountReport {
                    entities: Some(3),
                    ..account("c", "333333333333")
                },
                drifted,
                failed,
            ],
        );
        let s = report.summary;
        assert_eq!((s.accounts, s.with_changes, s.failed), (3, 1, 1));
        assert_eq!((s.entities, s.findings, s.drift), (Some(3), None, None));
    }
}
