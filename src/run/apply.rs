//! `apply DIR` (plan, confirm, apply) and `apply PLANFILE` (check the saved plan is not stale,
//! confirm, apply exactly it); progress on stderr, the report on stdout (on stderr once stdout is
//! closed).

use super::plan::{make_plan, read_plan_file, targeted_warning};
use super::{backend, report_calls, Exit, Ui};
use crate::apply::{self, ApplyDocument};
use crate::backend::Backend;
use crate::model::{Account, Address};
use crate::plan::saved;
use crate::plan::Plan;
use crate::render::printer::{self, err, out};
use crate::render::progress::Progress;
use crate::settings::{ApplySettings, BackendFlags, BackendSpec};
use anyhow::{bail, Context as _};
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// `iamform apply`: a saved plan when the target is a file, else a configuration directory.
pub(crate) async fn apply(
    settings: &ApplySettings,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    if settings.target.is_file() {
        saved(&settings.target, flags, settings, ui).await
    } else {
        directory(&settings.target, flags, settings, ui).await
    }
}

async fn directory(
    dir: &Path,
    flags: &BackendFlags,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let planned = match make_plan(dir, flags, ui, &settings.targets).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let caller = planned.backend.caller();
    if !lockout_guard(&planned.plan, &planned.live, caller, settings, ui) {
        return Ok(Exit::Error);
    }
    if !settings.json {
        out(&targeted_warning(&planned.plan));
    }
    execute(&planned.plan, planned.backend, settings, ui).await
}

async fn saved(
    file: &Path,
    flags: &BackendFlags,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    if !settings.targets.is_empty() {
        bail!(
            "--target applies to a configuration directory; {} is a saved plan, which applies exactly \
             the operations it holds (make a targeted one with `iamform plan --target ADDRESS --out FILE`)",
            file.display()
        );
    }
    let doc = read_plan_file(file)?;
    let Some(provenance) = &doc.saved else {
        bail!(
            "{} holds a plan without its provenance (printed by `plan --json`?): save plans with `iamform plan --out FILE`",
            file.display()
        );
    };
    let recorded =
        (provenance.backend_settings.clone()).or_else(|| recorded_backend(&provenance.backend));
    let spec = flags.resolve(recorded.as_ref(), &file.display().to_string())?;
    if recorded.as_ref().is_some_and(|r| *r != spec) {
        err(&format!(
            "note: the command line's backend settings replace those the plan was made with ({})\n",
            provenance.backend
        ));
    }
    let backend = backend::open(&spec).await?;
    if backend.account_id() != doc.plan.account_id {
        bail!(
            "the plan in {} was made for account {}, but the backend is account {}",
            file.display(),
            doc.plan.account_id,
            backend.account_id()
        );
    }
    backend.read_tags_only_for(&provenance.tags_read);
    let live = backend
        .read()
        .await
        .context("could not read the live account")?;
    let stale = saved::stale_entities(provenance, &live);
    if !stale.is_empty() {
        let mut msg = format!(
            "error: the saved plan {} is stale: the live account changed since it was made.\n",
            file.display()
        );
        for s in &stale {
            msg.push_str(&format!("  {} {}\n", s.address, s.what));
        }
        msg.push_str(&format!(
            "Nothing was applied. Run `iamform plan --out {}` again and review the new plan.\n",
            file.display()
        ));
        err(&msg);
        return Ok(Exit::Error);
    }
    if let (Some(now), Some(then)) = (backend.caller(), &provenance.caller) {
        if now != *then {
            bail!(
                "the plan in {} was made as {then}, but these credentials are {now}: apply it \
                 with the credentials it was made with, or make a new plan as {now}",
                file.display()
            );
        }
    }
    let caller = backend.caller().or_else(|| provenance.caller.clone());
    if !lockout_guard(&doc.plan, &live, caller, settings, ui) {
        return Ok(Exit::Error);
    }
    if !settings.json {
        out(&targeted_warning(&doc.plan));
    }
    execute(&doc.plan, backend, settings, ui).await
}

/// The self-lockout guard (src/guard.rs): `false` when the plan must not be applied, after
/// printing why.
fn lockout_guard(
    plan: &Plan,
    live: &Account,
    caller: Option<Address>,
    settings: &ApplySettings,
    ui: &Ui,
) -> bool {
    let Some(caller) = caller else {
        if ui.verbose > 0 {
            err("lockout guard: the calling principal is unknown (root, federated, or a mock without `caller`): not checked\n");
        }
        return true;
    };
    let found = crate::guard::check(plan, live, &caller);
    if found.is_empty() {
        if ui.verbose > 0 {
            err(&format!(
                "lockout guard: the plan leaves the caller {caller} its IAM permissions\n"
            ));
        }
        return true;
    }
    if settings.allow_lockout {
        err(&format!(
            "warning: --allow-lockout: applying {} operation(s) that take IAM permissions from the caller {caller}\n",
            found.len()
        ));
        return true;
    }
    err(&crate::guard::refusal(&caller, &found));
    false
}

/// The backend a saved plan names (`mock:PATH` or `aws`), unless `--backend` overrides it.
fn recorded_backend(text: &str) -> Option<BackendSpec> {
    if let Some(path) = text.strip_prefix("mock:") {
        return Some(BackendSpec::Mock {
            path: PathBuf::from(path),
            account_id: None,
            faults: None,
            caller: None,
        });
    }
    (text == "aws").then(|| BackendSpec::Aws(Default::default()))
}

async fn execute(
    plan: &Plan,
    backend: Arc<dyn Backend>,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    err(&crate::plan::outside_warning(plan));
    if !settings.json {
        out(&crate::render::human::plan(plan, ui.style, ui.verbose > 0));
    }
    if plan.is_empty() {
        if settings.json {
            let report = apply::ApplyReport {
                api_calls: backend.call_counts(),
                ..Default::default()
            };
            let doc = ApplyDocument::new(&report, backend.account_id());
            out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
        return Ok(Exit::Success);
    }
    if !settings.auto_approve && !confirm()? {
        err("Apply cancelled.\n");
        return Ok(Exit::Error);
    }
    let interrupted = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&interrupted);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            err("\nInterrupt received: waiting for in-flight operations, starting no new ones.\n");
            on_signal.store(true, Ordering::SeqCst);
        }
    });
    let walk_options = apply::Options {
        parallelism: settings.parallelism,
        ..Default::default()
    };
    let mut progress = Progress::new(plan.operations.len(), ui.quiet);
    // Once stdout is closed nobody reads the report there: start nothing more, and say so.
    let stop = || interrupted.load(Ordering::SeqCst) || printer::stdout_closed();
    let report = apply::run(plan, Arc::clone(&backend), &walk_options, stop, |event| {
        progress.event(&event)
    })
    .await;
    progress.finish();
    if printer::stdout_closed() {
        err("stdout was closed: no operation was started after that; the report follows here.\n");
    }
    printer::report(&if settings.json {
        let doc = ApplyDocument::new(&report, backend.account_id());
        format!("{}\n", serde_json::to_string_pretty(&doc)?)
    } else {
        crate::render::report::apply(&report, ui.style)
    });
    report_calls(&*backend, ui);
    Ok(if report.is_success() {
        Exit::Success
    } else {
        Exit::Error
    })
}

/// Asks for `yes` on a terminal; refuses to guess when stdin is not one.
fn confirm() -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("refusing to apply without confirmation: stdin is not a terminal. Review the plan and pass --auto-approve");
    }
    err("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}
