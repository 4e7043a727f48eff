//! `plan --all DIR`: every account configuration under DIR (`config::accounts`), planned
//! concurrently, `--accounts-parallelism` at a time, each against its own backend; then one
//! combined report (`plan::accounts`) and one exit code, the worst of them.

use super::plan::{open, plan_config, provenance};
use super::{Exit, Ui};
use crate::config;
use crate::plan::accounts::{refuse_shared_accounts, AccountReport, AccountsReport, Status};
use crate::plan::saved::PlanDocument;
use crate::render::printer::{err, out};
use crate::render::{self, Style};
use crate::settings::{AllAccounts, BackendFlags, Format, PlanSettings};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `iamform plan --all DIR`.
pub(crate) async fn plan_all(
    settings: &PlanSettings,
    all: &AllAccounts,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let root = settings.dir.clone();
    let dirs = match config::accounts::discover(&root) {
        Ok(d) => d,
        Err(e) => {
            err(&format!("error: {e}\n"));
            return Ok(Exit::Error);
        }
    };
    if dirs.is_empty() {
        err(&format!(
            "error: no account configuration under {}: an account's directory holds *.hcl files with a backend block\n",
            root.display()
        ));
        return Ok(Exit::Error);
    }
    let shared = Arc::new(Shared {
        root: root.clone(),
        flags: flags.clone(),
        inputs: ui.inputs.clone(),
        verbose: ui.verbose,
        out: settings.out.clone(),
    });
    let permits = Arc::new(tokio::sync::Semaphore::new(all.parallelism));
    let mut tasks = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let shared = Arc::clone(&shared);
        let permits = Arc::clone(&permits);
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            shared.plan_one(&dir).await
        }));
    }
    let mut accounts = Vec::with_capacity(tasks.len());
    for task in tasks {
        accounts.push(task.await?);
    }
    refuse_shared_accounts(&mut accounts);
    let report = AccountsReport::new(root.display().to_string(), accounts);
    if settings.out.is_some() {
        remove_refused_plans(&report);
    }
    print(&report, all.format, ui.style)?;
    Ok(exit(&report, settings.detailed_exitcode))
}

/// What every account's task needs.
struct Shared {
    root: PathBuf,
    flags: BackendFlags,
    inputs: config::Inputs,
    verbose: u8,
    out: Option<PathBuf>,
}

impl Shared {
    /// Plans the account configuration in `dir`; never fails: a failure is the report's.
    async fn plan_one(&self, dir: &Path) -> AccountReport {
        let shown = match dir.strip_prefix(&self.root) {
            Ok(p) if p.as_os_str().is_empty() => ".".to_owned(),
            Ok(p) => p.display().to_string(),
            Err(_) => dir.display().to_string(),
        };
        let mut config = match config::load_within(dir, &self.root) {
            Ok(c) => c,
            Err(diags) => return AccountReport::failed(shown, diags.to_string()),
        };
        config.set_inputs(self.inputs.clone());
        let opened = open(&config, &self.flags).await;
        let planned = match opened {
            Ok((spec, backend)) => {
                plan_config(config, backend, spec, &[], None, self.verbose).await
            }
            Err(e) => Err(e),
        };
        let planned = match planned {
            Ok(Ok(p)) => p,
            Ok(Err(text)) => return AccountReport::failed(shown, text),
            Err(e) => return AccountReport::failed(shown, format!("error: {e:#}\n")),
        };
        let mut warnings = Vec::new();
        if let Some(caller) = planned.backend.caller() {
            let found = crate::guard::check(&planned.plan, &planned.live, &caller);
            if !found.is_empty() {
                warnings.push(crate::guard::plan_warning(&caller, &found));
            }
        }
        let outside = crate::plan::outside_warning(&planned.plan);
        if !outside.is_empty() {
            warnings.push(outside);
        }
        let mut doc = PlanDocument::new(planned.plan.clone(), planned.backend.call_counts());
        let mut report = AccountReport {
            dir: shown.clone(),
            account_id: Some(planned.backend.account_id().to_owned()),
            backend: Some(crate::settings::backend::describe(&planned.spec)),
            status: if doc.plan.is_empty() {
                Status::NoChanges
            } else {
                Status::Changes
            },
            errors: Vec::new(),
            warnings,
            saved_plan: None,
            plan: None,
            applied: None,
        };
        if let Some(out) = &self.out {
            match save(out, &shown, dir, &planned, &mut doc) {
                Ok(file) => report.saved_plan = Some(file.display().to_string()),
                Err(e) => {
                    report.status = Status::Error;
                    report.errors.push(format!("error: {e:#}\n"));
                }
            }
        }
        report.plan = Some(doc);
        report
    }
}

/// Writes the saved plan of the account shown as `shown` to `OUT/SHOWN.json`.
fn save(
    out: &Path,
    shown: &str,
    dir: &Path,
    planned: &super::plan::Planned,
    doc: &mut PlanDocument,
) -> anyhow::Result<PathBuf> {
    use anyhow::Context as _;
    let file = plan_file(out, shown);
    doc.saved = Some(provenance(dir, planned, planned.backend.caller())?);
    let text = super::saved::document_text(doc)?;
    doc.saved = None;
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
    }
    crate::fsutil::write_atomic(&file, text.as_bytes())
        .with_context(|| format!("could not write the plan to {}", file.display()))?;
    Ok(file)
}

/// Where `plan --all --out OUT` saves the plan of the account directory shown as `shown`:
/// `accounts/prod` -> `OUT/accounts/prod.json`, the root itself -> `OUT/root.json`.
fn plan_file(out: &Path, shown: &str) -> PathBuf {
    if shown == "." {
        out.join("root.json")
    } else {
        out.join(format!("{shown}.json"))
    }
}

/// A plan saved for an account the report refuses (two directories of one account) must not
/// be applied later: it is removed.
fn remove_refused_plans(report: &AccountsReport) {
    for a in &report.accounts {
        if a.status == Status::Error && a.plan.is_some() {
            if let Some(out) = &a.saved_plan {
                let _ = std::fs::remove_file(out);
            }
        }
    }
}

pub(super) fn print(report: &AccountsReport, format: Format, style: Style) -> anyhow::Result<()> {
    out(&match format {
        Format::Text => render::accounts::text(report, style),
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
        Format::Markdown => render::accounts::markdown(report),
    });
    Ok(())
}

/// 1 if any account failed; else, with `--detailed-exitcode`, 2 if any has changes; else 0.
pub(super) fn exit(report: &AccountsReport, detailed: bool) -> Exit {
    if report.summary.failed > 0 {
        Exit::Error
    } else if detailed && report.summary.with_changes > 0 {
        Exit::Changes
    } else {
        Exit::Success
    }
}
