//! `plan --all DIR`: every account configuration under DIR (`config::accounts`), planned
//! concurrently, `--accounts-parallelism` at a time, each against its own backend; then one
//! combined report (`plan::accounts`) and one exit code, the worst of them.

use super::plan::{open, plan_config, provenance, Against, Planned};
use super::{Exit, Ui};
use crate::accounts::{refuse_shared_accounts, AccountReport, AccountsReport, Command, Status};
use crate::config;
use crate::plan::saved::PlanDocument;
use crate::render::printer::{err, out};
use crate::render::{self, Style};
use crate::settings::{AllAccounts, BackendFlags, Format, PlanSettings};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A command run on every account configuration (or saved plan) under a directory (`--all`):
/// how many accounts at a time and how the combined report prints, the backend flags, and the
/// user interface.
#[derive(Clone, Copy)]
pub(crate) struct EveryAccount<'a> {
    pub all: &'a AllAccounts,
    pub flags: &'a BackendFlags,
    pub ui: &'a Ui,
}

impl EveryAccount<'_> {
    /// `iamform plan --all DIR`.
    pub(crate) async fn plan(self, settings: &PlanSettings) -> anyhow::Result<Exit> {
        let EveryAccount { all, flags, ui } = self;
        let root = settings.dir.clone();
        let shared = Arc::new(Shared {
            root: root.clone(),
            flags: flags.clone(),
            inputs: ui.inputs.clone(),
            verbose: ui.verbose,
            out: settings.out.clone(),
        });
        let accounts = match each_account(&root, all.parallelism, move |dir, shown| {
            let shared = Arc::clone(&shared);
            async move { shared.plan_one(&dir, shown).await }
        })
        .await?
        {
            Ok(a) => a,
            Err(code) => return Ok(code),
        };
        let report = AccountsReport::new(Command::Plan, root.display().to_string(), accounts);
        if settings.out.is_some() {
            remove_refused_plans(&report);
        }
        print(&report, all.format, ui.style)?;
        Ok(exit(&report, settings.detailed_exitcode))
    }
}

/// Runs `each` on every account configuration under `root` (with its directory as the report
/// shows it), `parallelism` at a time, and refuses two directories of one account. `Err` when
/// there is no account to run on (after saying why).
pub(super) async fn each_account<F, Fut>(
    root: &Path,
    parallelism: usize,
    each: F,
) -> anyhow::Result<Result<Vec<AccountReport>, Exit>>
where
    F: Fn(PathBuf, String) -> Fut,
    Fut: Future<Output = AccountReport> + Send + 'static,
{
    let dirs = match config::accounts::discover(root) {
        Ok(d) => d,
        Err(e) => {
            err(&format!("error: {e}\n"));
            return Ok(Err(Exit::Error));
        }
    };
    if dirs.is_empty() {
        err(&format!(
            "error: no account configuration under {}: an account's directory holds *.hcl files with a backend block\n",
            root.display()
        ));
        return Ok(Err(Exit::Error));
    }
    let permits = Arc::new(tokio::sync::Semaphore::new(parallelism));
    let mut tasks = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let permits = Arc::clone(&permits);
        let shown = shown(root, &dir);
        let task = each(dir, shown);
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            task.await
        }));
    }
    let mut accounts = Vec::with_capacity(tasks.len());
    for task in tasks {
        accounts.push(task.await?);
    }
    refuse_shared_accounts(&mut accounts);
    Ok(Ok(accounts))
}

/// `dir` as the report shows it: relative to the root, `.` for the root itself.
fn shown(root: &Path, dir: &Path) -> String {
    match dir.strip_prefix(root) {
        Ok(p) if p.as_os_str().is_empty() => ".".to_owned(),
        Ok(p) => p.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}

/// What every account's task needs.
pub(super) struct Shared {
    pub(super) root: PathBuf,
    pub(super) flags: BackendFlags,
    pub(super) inputs: config::Inputs,
    pub(super) verbose: u8,
    pub(super) out: Option<PathBuf>,
}

impl Shared {
    /// The configuration in `dir`, with the run's input variables; `Err` holds its errors.
    pub(super) fn load(&self, dir: &Path) -> Result<config::Config, String> {
        let mut config = config::load_within(dir, &self.root).map_err(|d| d.to_string())?;
        config.set_inputs(self.inputs.clone());
        Ok(config)
    }

    /// The plan of the configuration in `dir` against its backend; `Err` holds the errors that
    /// stop it (the configuration's, the backend's), as the single-account command prints them.
    pub(super) async fn plan(&self, dir: &Path) -> Result<Planned, String> {
        let config = self.load(dir)?;
        let planned = match open(&config, &self.flags).await {
            Ok((spec, backend)) => {
                let against = Against::new(backend, spec, &[], self.verbose);
                plan_config(config, against).await
            }
            Err(e) => Err(e),
        };
        match planned {
            Ok(planned) => planned,
            Err(e) => Err(format!("error: {e:#}\n")),
        }
    }

    /// Plans the account configuration in `dir`; never fails: a failure is the report's.
    async fn plan_one(&self, dir: &Path, shown: String) -> AccountReport {
        let planned = match self.plan(dir).await {
            Ok(p) => p,
            Err(text) => return AccountReport::failed(shown, text),
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
        let status = if doc.plan.is_empty() {
            Status::NoChanges
        } else {
            Status::Changes
        };
        let id = planned.backend.account_id().to_owned();
        let mut report = AccountReport::reached(shown.clone(), Some(id), status);
        report.backend = Some(crate::settings::backend::describe(&planned.spec));
        report.warnings = warnings;
        if let Some(out) = &self.out {
            match save(out, &shown, dir, &planned, &mut doc) {
                Ok(file) => report.saved_plan = Some(file.display().to_string()),
                Err(e) => {
                    report.status = Status::Error;
                    report.errors.push(format!("error: {e:#}\n"));
                }
            }
        }
        report.with_plan(doc)
    }
}

/// Writes the saved plan of the account shown as `shown` to `OUT/SHOWN.json`.
fn save(
    out: &Path,
    shown: &str,
    dir: &Path,
    planned: &Planned,
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

/// 1 if any account failed; else, with `--detailed-exitcode` (always for drift and audit), 2 if
/// any has changes, drift or findings; else 0.
pub(super) fn exit(report: &AccountsReport, detailed: bool) -> Exit {
    if report.summary.failed > 0 {
        Exit::Error
    } else if detailed && report.summary.with_changes > 0 {
        Exit::Changes
    } else {
        Exit::Success
    }
}
