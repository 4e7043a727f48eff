//! `drift --all DIR`, `audit --all DIR` and `validate --all DIR`: the account configurations
//! `plan --all` finds (`all::each_account`), each checked as the single-account command checks
//! one, concurrently, `--accounts-parallelism` at a time; one combined report
//! (`crate::accounts`) and one exit code: 1 if any account failed, else 2 if any drifted or has
//! findings (as `drift` and `audit` exit), else 0.

use super::all::{each_account, exit, print, EveryAccount, Shared};
use super::audit::{audit_account, now};
use super::{backend, declared_account_id, Exit, Ui};
use crate::accounts::{AccountReport, AccountsReport, Command, Status};
use crate::drift::DriftReport;
use crate::model::iam::PLACEHOLDER_ACCOUNT_ID;
use crate::settings::backend::describe;
use crate::settings::{AllAccounts, AuditSettings, BackendFlags};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn shared(root: &Path, flags: &BackendFlags, ui: &Ui) -> Arc<Shared> {
    Arc::new(Shared {
        root: root.to_path_buf(),
        flags: flags.clone(),
        inputs: ui.inputs.clone(),
        verbose: ui.verbose,
        out: None,
    })
}

/// Prints the combined report of `command` and returns its exit code: drift and audit exit 2
/// for what they find, validate never does.
fn finish(
    command: Command,
    root: &Path,
    accounts: Vec<AccountReport>,
    all: &AllAccounts,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let report = AccountsReport::new(command, root.display().to_string(), accounts);
    print(&report, all.format, ui.style)?;
    Ok(exit(&report, command != Command::Validate))
}

impl EveryAccount<'_> {
    /// `iamform drift --all DIR`.
    pub(crate) async fn drift(self, root: &Path) -> anyhow::Result<Exit> {
        let EveryAccount { all, flags, ui } = self;
        let shared = shared(root, flags, ui);
        let accounts = each_account(root, all.parallelism, move |dir, shown| {
            let shared = Arc::clone(&shared);
            async move { drift_one(&shared, &dir, shown).await }
        })
        .await?;
        match accounts {
            Ok(accounts) => finish(Command::Drift, root, accounts, all, ui),
            Err(code) => Ok(code),
        }
    }
}

/// The drift of the account configuration in `dir`, as `drift DIR` reports it.
async fn drift_one(shared: &Shared, dir: &Path, shown: String) -> AccountReport {
    let planned = match shared.plan(dir).await {
        Ok(p) => p,
        Err(text) => return AccountReport::failed(shown, text),
    };
    let report = DriftReport::new(&planned.plan, &planned.live, planned.backend.call_counts());
    let status = if report.drifted {
        Status::Drift
    } else {
        Status::Clean
    };
    let id = planned.backend.account_id().to_owned();
    let mut account = AccountReport::reached(shown, Some(id), status);
    account.backend = Some(describe(&planned.spec));
    account.drift = Some(report);
    account
}

impl EveryAccount<'_> {
    /// `iamform audit --all DIR`.
    pub(crate) async fn audit(self, options: &AuditSettings) -> anyhow::Result<Exit> {
        let EveryAccount { all, flags, ui } = self;
        let root = options.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let now = now(options)?;
        let shared = shared(&root, flags, ui);
        let options = Arc::new(options.clone());
        let accounts = each_account(&root, all.parallelism, move |dir, shown| {
            let (shared, options) = (Arc::clone(&shared), Arc::clone(&options));
            async move {
                match audit_one(&shared, &options, now, &dir).await {
                    Ok(Ok(account)) => AccountReport {
                        dir: shown,
                        ..account
                    },
                    Ok(Err(text)) => AccountReport::failed(shown, text),
                    Err(e) => AccountReport::failed(shown, format!("error: {e:#}\n")),
                }
            }
        })
        .await?;
        match accounts {
            Ok(accounts) => finish(Command::Audit, &root, accounts, all, ui),
            Err(code) => Ok(code),
        }
    }
}

/// The audit of the account configuration in `dir`, as `audit DIR` reports it (without
/// Access Advisor's progress, which many accounts at once would garble).
async fn audit_one(
    shared: &Shared,
    options: &AuditSettings,
    now: crate::model::Timestamp,
    dir: &Path,
) -> anyhow::Result<Result<AccountReport, String>> {
    let config = match shared.load(dir) {
        Ok(c) => c,
        Err(text) => return Ok(Err(text)),
    };
    let spec = shared
        .flags
        .resolve(config.backend(), &dir.display().to_string())?;
    let backend = backend::open(&spec, &shared.flags).await?;
    let report = match audit_account(options, now, Some((dir, &config)), &*backend, false).await? {
        Ok(r) => r,
        Err(text) => return Ok(Err(text)),
    };
    let status = if report.findings.is_empty() {
        Status::Clean
    } else {
        Status::Findings
    };
    let id = backend.account_id().to_owned();
    let mut account = AccountReport::reached(String::new(), Some(id), status);
    account.backend = Some(describe(&spec));
    account.audit = Some(report);
    Ok(Ok(account))
}

impl EveryAccount<'_> {
    /// `iamform validate --all DIR`: no account is read; an account id is the one the backend block
    /// names, and two directories naming one are refused as `plan --all` refuses them.
    pub(crate) async fn validate(self, root: &Path) -> anyhow::Result<Exit> {
        let EveryAccount { all, ui, .. } = self;
        let shared = shared(root, &BackendFlags::default(), ui);
        let accounts = each_account(root, all.parallelism, move |dir, shown| {
            let shared = Arc::clone(&shared);
            async move { validate_one(&shared, &dir, shown) }
        })
        .await?;
        match accounts {
            Ok(accounts) => finish(Command::Validate, root, accounts, all, ui),
            Err(code) => Ok(code),
        }
    }
}

/// The configuration in `dir` loaded and lowered as `validate DIR` does.
fn validate_one(shared: &Shared, dir: &Path, shown: String) -> AccountReport {
    let config = match shared.load(dir) {
        Ok(c) => c,
        Err(text) => return AccountReport::failed(shown, text),
    };
    let declared = declared_account_id(&config);
    let lowered = config.lower(declared.as_deref().unwrap_or(PLACEHOLDER_ACCOUNT_ID));
    let mut account = match lowered {
        Ok(desired) => {
            let mut a = AccountReport::reached(shown, declared, Status::Valid);
            a.entities = Some(desired.account.len());
            a
        }
        Err(diags) => AccountReport {
            account_id: declared,
            ..AccountReport::failed(shown, diags.to_string())
        },
    };
    account.backend = config.backend().map(describe);
    account
}
