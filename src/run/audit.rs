//! `iamform audit [DIR]`: read what an audit needs through the backend, run the rules, locate the
//! findings in the configuration (when there is one), apply its suppressions, print the report;
//! exit 0 clean, 2 findings, 1 error (the contract of `drift`).

use super::backend;
use super::{exiting_soon, load, report_calls, Exit, Ui};
use crate::audit::{
    self, AuditInput, AuditReport, Finding, Subject, Summary, Suppressions, Thresholds,
};
use crate::backend::audit::AuditReadOptions;
use crate::backend::Backend;
use crate::config::{Config, Desired};
use crate::model::Timestamp;
use crate::render;
use crate::render::printer::{err, out};
use crate::settings::{AuditFormat, AuditSettings, BackendFlags};
use anyhow::Context as _;
use std::path::{Path, PathBuf};

pub(super) async fn audit(
    options: &AuditSettings,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let now = now(options)?;
    let dir = options
        .dir
        .clone()
        .or_else(|| first_hcl_file(Path::new(".")).map(|_| PathBuf::from(".")));
    let config = match &dir {
        Some(d) => match load(d, ui) {
            Ok(c) => Some(c),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    if config.is_none() && flags.backend.is_none() {
        anyhow::bail!(
            "audit reads an account through a backend: pass --backend mock:PATH or --backend aws \
             (or set IAMFORM_BACKEND), or a configuration directory with a backend block"
        );
    }
    let what = dir
        .as_ref()
        .map_or_else(|| "audit".to_owned(), |d| d.display().to_string());
    let spec = flags.resolve(config.as_ref().and_then(|c| c.backend()), &what)?;
    let backend = backend::open(&spec, flags).await?;
    let configured = dir.as_deref().zip(config.as_ref());
    let progress = options.last_accessed && !ui.quiet;
    let report = match audit_account(options, now, configured, &*backend, progress).await? {
        Ok(r) => r,
        Err(text) => {
            err(&text);
            return Ok(Exit::Error);
        }
    };
    match options.format {
        AuditFormat::Text if ui.quiet && report.findings.is_empty() => {}
        AuditFormat::Text => out(&render::audit::text(&report, ui.style)),
        AuditFormat::Json => out(&render::audit::json(&report)),
        AuditFormat::Markdown => out(&render::audit::markdown(&report)),
        AuditFormat::Sarif => {
            let fallback = sarif_fallback(dir.as_deref(), &report.account_id);
            out(&render::audit::sarif(&report, &fallback));
        }
    }
    report_calls(&*backend, ui);
    Ok(if report.findings.is_empty() {
        Exit::Success
    } else {
        Exit::Changes
    })
}

/// The instant ages are measured at: `--now`, else the clock's whole second.
pub(super) fn now(options: &AuditSettings) -> anyhow::Result<Timestamp> {
    Ok(match &options.now {
        Some(text) => text.parse::<Timestamp>().with_context(|| {
            format!("IAMFORM_NOW (or --now) is {text:?}, not an RFC 3339 instant such as 2024-06-01T00:00:00Z")
        })?,
        // Whole seconds: reports say "as of 2024-06-01T00:00:00Z", not nanoseconds.
        None => Timestamp::from_second(Timestamp::now().as_second())?,
    })
}

/// The audit of the account `backend` reads, its findings located in the configuration (its
/// directory and itself) when there is one. `Err(text)` holds the errors that stop it (the
/// configuration's), printed by the caller: `audit --all` reports them per account.
pub(super) async fn audit_account(
    options: &AuditSettings,
    now: Timestamp,
    configured: Option<(&Path, &Config)>,
    backend: &dyn Backend,
    progress: bool,
) -> anyhow::Result<Result<AuditReport, String>> {
    let thresholds = Thresholds {
        max_key_age_days: options.max_key_age_days,
        max_unused_days: options.max_unused_days,
    };
    let desired = match configured {
        Some((_, c)) => match c.lower(backend.account_id()) {
            Ok(d) => Some(d),
            Err(diags) => return Ok(Err(diags.to_string())),
        },
        None => None,
    };
    let patterns = desired
        .as_ref()
        .map(|d| d.audit_ignore.clone())
        .unwrap_or_default();
    if let Err(e) = audit::check_patterns(&patterns) {
        return Ok(Err(format!("error: {e}\n")));
    }
    let read = AuditReadOptions {
        last_accessed: options.last_accessed,
        progress: progress.then(render::progress::advisor),
    };
    let data = backend
        .read_audit(&read)
        .await
        .context("could not read the account for the audit")?;
    let input = AuditInput {
        data: &data,
        account_id: backend.account_id(),
        now,
        thresholds,
    };
    let (mut findings, not_evaluated) = audit::run(&input);
    if let Some(desired) = &desired {
        locate(&mut findings, desired);
    }
    let (findings, suppressed) = Suppressions::new(patterns).apply(findings);
    let report = AuditReport {
        format_version: audit::FORMAT_VERSION,
        account_id: backend.account_id().to_owned(),
        now,
        credential_report_generated: data.credential_report.generated,
        thresholds,
        configuration: configured.map(|(d, _)| d.display().to_string()),
        summary: Summary::of(&findings, &suppressed, not_evaluated.len()),
        findings,
        suppressed,
        not_evaluated,
        api_calls: backend.call_counts(),
    };
    exiting_soon(data);
    Ok(Ok(report))
}

/// Marks each finding about an entity as declared or not, with where the configuration declares
/// it (the `password_policy` block for the password rules).
fn locate(findings: &mut [Finding], desired: &Desired) {
    for f in findings {
        let Some(anchor) = &f.anchor else {
            continue;
        };
        if matches!(f.address, Subject::Entity(_)) {
            f.declared = Some(desired.account.contains(anchor));
        }
        f.location = desired.sources.get(anchor).map(ToString::to_string);
    }
}

/// The first `*.hcl` file of `dir` in the order the configuration is read (by name).
pub(super) fn first_hcl_file(dir: &Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "hcl") && p.is_file())
        .collect();
    files.sort();
    files.into_iter().next()
}

/// Where a SARIF result goes when the configuration does not declare its entity: GitHub code
/// scanning refuses a result without a file, so the configuration's first file, or without a
/// configuration a path naming the account (shown as a file that is not in the repository).
pub(super) fn sarif_fallback(dir: Option<&Path>, account_id: &str) -> String {
    dir.and_then(first_hcl_file)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| format!("aws-account-{account_id}"))
}
