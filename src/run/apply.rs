//! `apply DIR` (plan, confirm, apply) and `apply PLANFILE` (check the saved plan is not stale,
//! confirm, apply exactly it); progress on stderr, the report on stdout.

use super::backend;
use super::{make_plan_targeted, read_plan_file, report_calls, Exit, Ui};
use crate::apply::{self, ApplyDocument, Event, Outcome};
use crate::backend::Backend;
use crate::plan::saved;
use crate::plan::Plan;
use crate::render;
use crate::settings::BackendFlags;
use crate::settings::BackendSpec;
use anyhow::{bail, Context as _};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub struct ApplyOptions {
    pub auto_approve: bool,
    pub parallelism: usize,
    pub json: bool,
    /// `--target`: directory form only.
    pub targets: Vec<crate::model::Address>,
    pub allow_lockout: bool,
}

pub async fn directory(
    dir: &Path,
    cli: &BackendFlags,
    options: &ApplyOptions,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let planned = match make_plan_targeted(dir, cli, ui, &options.targets).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if !lockout_guard(
        &planned.plan,
        &planned.live,
        planned.backend.caller(),
        options,
        ui,
    ) {
        return Ok(Exit::Error);
    }
    if !planned.plan.targets.is_empty() && !options.json {
        print!("{}", crate::plan::target::warning(&planned.plan.targets));
    }
    execute(&planned.plan, planned.backend, options, ui).await
}

pub async fn saved(
    file: &Path,
    cli: &BackendFlags,
    options: &ApplyOptions,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    if !options.targets.is_empty() {
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
    let recorded = recorded_backend(&provenance.backend);
    let spec = cli.resolve(recorded.as_ref(), &file.display().to_string())?;
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
        eprintln!(
            "error: the saved plan {} is stale: the live account changed since it was made.",
            file.display()
        );
        for s in &stale {
            eprintln!("  {} {}", s.address, s.what);
        }
        eprintln!(
            "Nothing was applied. Run `iamform plan --out {}` again and review the new plan.",
            file.display()
        );
        return Ok(Exit::Error);
    }
    let caller = backend.caller().or_else(|| provenance.caller.clone());
    if !lockout_guard(&doc.plan, &live, caller, options, ui) {
        return Ok(Exit::Error);
    }
    if !doc.plan.targets.is_empty() && !options.json {
        print!("{}", crate::plan::target::warning(&doc.plan.targets));
    }
    execute(&doc.plan, backend, options, ui).await
}

/// The self-lockout guard (src/guard.rs): `false` when the plan must not be applied, after
/// printing why.
fn lockout_guard(
    plan: &Plan,
    live: &crate::model::Account,
    caller: Option<crate::model::Address>,
    options: &ApplyOptions,
    ui: &Ui,
) -> bool {
    let Some(caller) = caller else {
        if ui.verbose > 0 {
            eprintln!("lockout guard: the calling principal is unknown (root, federated, or a mock without `caller`): not checked");
        }
        return true;
    };
    let found = crate::guard::check(plan, live, &caller);
    if found.is_empty() {
        if ui.verbose > 0 {
            eprintln!("lockout guard: the plan leaves the caller {caller} its IAM permissions");
        }
        return true;
    }
    if options.allow_lockout {
        eprintln!(
            "warning: --allow-lockout: applying {} operation(s) that take IAM permissions from the caller {caller}",
            found.len()
        );
        return true;
    }
    eprint!("{}", crate::guard::refusal(&caller, &found));
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
    (text == "aws").then_some(BackendSpec::Aws {
        region: None,
        profile: None,
        endpoint_url: None,
        account_id: None,
        assume_role_arn: None,
    })
}

async fn execute(
    plan: &Plan,
    backend: Arc<dyn Backend>,
    options: &ApplyOptions,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    eprint!("{}", crate::plan::outside_warning(plan));
    if !options.json {
        print!("{}", render::human::plan(plan, ui.style));
    }
    if plan.is_empty() {
        if options.json {
            let report = apply::ApplyReport {
                api_calls: backend.call_counts(),
                ..Default::default()
            };
            let doc = ApplyDocument::new(&report, backend.account_id());
            println!("{}", serde_json::to_string_pretty(&doc)?);
        }
        return Ok(Exit::Success);
    }
    if !options.auto_approve && !confirm()? {
        eprintln!("Apply cancelled.");
        return Ok(Exit::Error);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let stop_on_signal = Arc::clone(&stop);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\nInterrupt received: waiting for in-flight operations, starting no new ones."
            );
            stop_on_signal.store(true, Ordering::SeqCst);
        }
    });
    let walk_options = apply::Options {
        parallelism: options.parallelism,
        ..Default::default()
    };
    let mut progress = Progress::new(plan.operations.len(), ui);
    let stopped = || stop.load(Ordering::SeqCst);
    let report = apply::run(
        plan,
        Arc::clone(&backend),
        &walk_options,
        stopped,
        |event| progress.event(&event),
    )
    .await;
    progress.finish();
    if options.json {
        let doc = ApplyDocument::new(&report, backend.account_id());
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        print!("{}", render::report::apply(&report, ui.style));
    }
    report_calls(&*backend, ui);
    Ok(if report.is_success() {
        Exit::Success
    } else {
        Exit::Error
    })
}

/// A progress bar on a terminal; one line per finished operation otherwise (CI logs); nothing
/// with `-q`.
enum Progress {
    Quiet,
    Lines,
    Bar(ProgressBar),
}

impl Progress {
    fn new(total: usize, ui: &Ui) -> Progress {
        if ui.quiet {
            Progress::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} operations {wide_msg}")
            {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines
        }
    }

    fn event(&mut self, event: &Event<'_>) {
        let Event::Finished {
            operation,
            outcome,
            done,
            total,
            ..
        } = event
        else {
            return;
        };
        let status = match outcome {
            Outcome::Applied { retries: 0 } => "done".to_owned(),
            Outcome::Applied { retries } => format!("done after {retries} retries"),
            Outcome::Failed { error, .. } => format!("FAILED: {error}"),
            Outcome::Skipped { .. } | Outcome::NotStarted => "skipped".to_owned(),
        };
        match self {
            Progress::Quiet => {}
            Progress::Lines => eprintln!("[{done}/{total}] {operation}: {status}"),
            Progress::Bar(bar) => {
                bar.set_position(*done as u64);
                if matches!(outcome, Outcome::Failed { .. }) {
                    bar.println(format!("{operation}: {status}"));
                }
                bar.set_message(operation.to_string());
            }
        }
    }

    fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Asks for `yes` on a terminal; refuses to guess when stdin is not one.
fn confirm() -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("refusing to apply without confirmation: stdin is not a terminal. Review the plan and pass --auto-approve");
    }
    eprint!("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}
