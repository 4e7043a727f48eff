//! `apply --all DIR --auto-approve`: every saved plan under DIR (written by `plan --all --out
//! DIR`), each checked as `apply FILE` checks one (account, staleness, caller, self-lockout
//! guard) before any account is changed; two plans for one account are both refused; then the
//! accepted plans are applied concurrently, `--accounts-parallelism` at a time. A failure in one
//! account does not stop the others; the combined report says what was done in each.
//!
//! Each account's apply lock (src/backend/lease.rs) is taken just before its plan is applied, and
//! the plan is checked again under it (a second read of that account): the first checks run
//! without locks, so that two plans for one account are both refused rather than one of them
//! waiting for the lock the other holds.

use super::all::{exit, print, EveryAccount};
use super::apply::{prepare_saved, prepare_saved_locked};
use super::lease;
use super::{Exit, Ui};
use crate::accounts::{
    refuse_shared_accounts, AccountReport, AccountsReport, Applied, Command, Status,
};
use crate::apply::{self, ApplyReport};
use crate::backend::Backend;
use crate::config::accounts::{MAX_DEPTH, MAX_DIRECTORIES};
use crate::plan::saved::PlanDocument;
use crate::render::printer::err;
use crate::settings::{ApplySettings, BackendFlags};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What every account's task needs.
struct Shared {
    settings: ApplySettings,
    flags: BackendFlags,
    ui: Ui,
    /// Set by Ctrl-C: no new operation starts in any account.
    interrupted: AtomicBool,
}

/// A checked plan, ready to apply, and the file it was read from.
type Ready = (PlanDocument, Arc<dyn Backend>, PathBuf);

impl EveryAccount<'_> {
    /// `iamform apply --all DIR`.
    pub(crate) async fn apply(self, settings: &ApplySettings) -> anyhow::Result<Exit> {
        let EveryAccount { all, flags, ui } = self;
        let root = settings.target.clone();
        let files = match plan_files(&root) {
            Ok(f) if !f.is_empty() => f,
            Ok(_) => {
                err(&format!(
                    "error: no saved plan under {}: write them with `iamform plan --all ACCOUNTS_DIR --out {}`\n",
                    root.display(),
                    root.display()
                ));
                return Ok(Exit::Error);
            }
            Err(e) => {
                err(&format!("error: {e}\n"));
                return Ok(Exit::Error);
            }
        };
        let shared = Arc::new(Shared {
            settings: settings.clone(),
            flags: flags.clone(),
            ui: ui.clone(),
            interrupted: AtomicBool::new(false),
        });
        let on_signal = Arc::clone(&shared);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                err("\nInterrupt received: waiting for in-flight operations, starting no new ones.\n");
                on_signal.interrupted.store(true, Ordering::SeqCst);
            }
        });
        let permits = Arc::new(tokio::sync::Semaphore::new(all.parallelism));
        // First every plan is checked, so that no account is changed when two plans name one.
        let mut checks = Vec::with_capacity(files.len());
        for file in files {
            let (shared, permits) = (Arc::clone(&shared), Arc::clone(&permits));
            let shown = shown(&root, &file);
            checks.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                shared.check(shown, &file).await
            }));
        }
        let mut checked = Vec::with_capacity(checks.len());
        for task in checks {
            checked.push(task.await?);
        }
        let mut accounts: Vec<AccountReport> = checked.iter().map(|(a, _)| a.clone()).collect();
        refuse_shared_accounts(&mut accounts);
        let mut applies = Vec::new();
        for (account, (_, ready)) in accounts.into_iter().zip(checked) {
            let (shared, permits) = (Arc::clone(&shared), Arc::clone(&permits));
            applies.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                match ready {
                    Some(ready) if account.status != Status::Error => {
                        shared.apply(account, ready).await
                    }
                    _ => account,
                }
            }));
        }
        let mut done = Vec::with_capacity(applies.len());
        for task in applies {
            done.push(task.await?);
        }
        let report = AccountsReport::new(Command::Apply, root.display().to_string(), done);
        print(&report, all.format, ui.style)?;
        Ok(exit(&report, false))
    }
}

/// Every `*.json` file under `root`: the saved plans.
fn plan_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(crate::fsutil::walk_dirs(root, MAX_DEPTH, MAX_DIRECTORIES)?
        .into_iter()
        .flat_map(|(_, files)| files)
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
        .collect())
}

fn shown(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string()
}

impl Shared {
    /// The report entry of the plan in `file` after its checks, and the plan when it may run.
    async fn check(&self, shown: String, file: &Path) -> (AccountReport, Option<Ready>) {
        match prepare_saved(file, &self.flags, &self.settings, &self.ui).await {
            Ok(Ok((doc, backend))) => {
                let status = if doc.plan.is_empty() {
                    Status::NoChanges
                } else {
                    Status::Changes
                };
                let id = backend.account_id().to_owned();
                let mut report = AccountReport::reached(shown, Some(id), status);
                report.backend = doc.saved.as_ref().map(|s| s.backend.clone());
                (report, Some((doc, backend, file.to_path_buf())))
            }
            Ok(Err(text)) if text.is_empty() => (
                AccountReport::failed(shown, "refused: see the message above\n".to_owned()),
                None,
            ),
            Ok(Err(text)) => (AccountReport::failed(shown, text), None),
            Err(e) => (
                AccountReport::failed(shown, format!("error: {e:#}\n")),
                None,
            ),
        }
    }

    /// Applies a checked plan under its account's apply lock; the entry says what was done.
    async fn apply(&self, mut account: AccountReport, ready: Ready) -> AccountReport {
        // The backend of the first check is not used again: the plan is checked anew below.
        let (mut doc, checked_with, file) = ready;
        drop(checked_with);
        let warning = crate::plan::outside_warning(&doc.plan);
        if !warning.is_empty() {
            account.warnings.push(warning);
        }
        if !doc.plan.is_empty() {
            let locked =
                prepare_saved_locked(&file, &self.flags, &self.settings, &self.ui, true).await;
            let (locked, backend, held) = match locked {
                Ok(Ok(prepared)) => prepared,
                Ok(Err(text)) => return refused(account, text),
                Err(e) => return refused(account, format!("error: {e:#}\n")),
            };
            doc = locked;
            let options = apply::Options {
                parallelism: self.settings.parallelism,
                ..Default::default()
            };
            let stop = || self.interrupted.load(Ordering::SeqCst);
            let report = apply::run(&doc.plan, Arc::clone(&backend), &options, stop, |_| {}).await;
            if let Some(held) = held {
                lease::give_back(&*backend, held).await;
            }
            account.applied = Some(applied(&report));
            account.errors = failures(&report);
            account.status = if report.is_success() {
                Status::Applied
            } else {
                Status::Error
            };
            doc.api_calls = backend.call_counts();
        }
        doc.saved = None;
        account.with_plan(doc)
    }
}

/// The entry of an account whose plan was refused once its lock was taken (held by another run,
/// or the account changed since the first check): nothing applied there.
fn refused(mut account: AccountReport, text: String) -> AccountReport {
    account.status = Status::Error;
    account.errors.push(if text.is_empty() {
        "refused: see the message above\n".to_owned()
    } else {
        text
    });
    account
}

fn applied(report: &ApplyReport) -> Applied {
    Applied {
        applied: report.applied(),
        failed: report.failed(),
        skipped: report.skipped(),
        not_started: report.not_started(),
    }
}

/// Each failed operation with IAM's error, as the apply report names it.
fn failures(report: &ApplyReport) -> Vec<String> {
    report
        .operations
        .iter()
        .filter_map(|o| match &o.outcome {
            apply::Outcome::Failed { error, .. } => {
                Some(format!("error: {} {}: {error}\n", o.address, o.operation))
            }
            _ => None,
        })
        .collect()
}
