//! One function per subcommand, wiring the pipeline: config -> backend read -> diff -> plan ->
//! render / apply. Exit codes are decided here and mapped to the process in `main`.

use crate::apply::{self, Event, Outcome};
use crate::backend::mock::{Faults, MockBackend};
use crate::backend::Backend;
use crate::cli::{Args, Command};
use crate::config::{self, BackendSpec, Config, Desired};
use crate::diff::diff;
use crate::plan::{self, Plan};
use crate::render::{self, Style};
use anyhow::{bail, Context as _};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Terraform's exit codes: 0 success / no changes, 1 error, 2 changes (only where asked for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Error = 1,
    Changes = 2,
}

/// The account id used when nothing names one (validate, offline).
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// Settings derived from the arguments once.
struct Ui {
    style: Style,
    verbose: u8,
    quiet: bool,
}

pub async fn run(args: Args) -> anyhow::Result<Exit> {
    let color = !args.no_color && std::env::var_os("NO_COLOR").is_none();
    let ui = Ui {
        style: Style {
            color: color && std::io::stdout().is_terminal(),
        },
        verbose: args.verbose,
        quiet: args.quiet,
    };
    let backend = args.backend.as_deref();
    match args.command {
        Command::Validate { dir } => validate(&dir, &ui),
        Command::Plan {
            dir,
            detailed_exitcode,
            json,
        } => plan_cmd(&dir, backend, detailed_exitcode, json, &ui).await,
        Command::Apply {
            dir,
            auto_approve,
            parallelism,
        } => apply_cmd(&dir, backend, auto_approve, usize::from(parallelism), &ui).await,
    }
}

/// Loads the configuration, printing its diagnostics on failure.
fn load(dir: &Path) -> Result<Config, Exit> {
    config::load(dir).map_err(|diags| {
        eprint!("{diags}");
        Exit::Error
    })
}

fn lower(config: &Config, account_id: &str) -> Result<Desired, Exit> {
    config.lower(account_id).map_err(|diags| {
        eprint!("{diags}");
        Exit::Error
    })
}

fn validate(dir: &Path, ui: &Ui) -> anyhow::Result<Exit> {
    let config = match load(dir) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let account_id = match config.backend() {
        Some(
            BackendSpec::Mock {
                account_id: Some(id),
                ..
            }
            | BackendSpec::Aws {
                account_id: Some(id),
                ..
            },
        ) => id.clone(),
        _ => DEFAULT_ACCOUNT_ID.to_owned(),
    };
    let desired = match lower(&config, &account_id) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    if !ui.quiet {
        println!(
            "{} The configuration is valid: {} entities declared.",
            ui.style.green("Success!"),
            desired.account.len()
        );
    }
    Ok(Exit::Success)
}

/// `mock:PATH` or `aws` from the command line, else the configuration's backend block.
fn backend_spec(config: &Config, cli: Option<&str>) -> anyhow::Result<BackendSpec> {
    match cli {
        Some("aws") => Ok(BackendSpec::Aws {
            region: None,
            profile: None,
            endpoint_url: None,
            account_id: None,
            assume_role_arn: None,
        }),
        Some(s) if s.starts_with("mock:") => {
            let path = &s["mock:".len()..];
            if path.is_empty() {
                bail!("--backend mock: needs a path, e.g. --backend mock:account.json");
            }
            let account_id = match config.backend() {
                Some(BackendSpec::Mock { account_id, .. }) => account_id.clone(),
                _ => None,
            };
            Ok(BackendSpec::Mock {
                path: PathBuf::from(path),
                account_id,
            })
        }
        Some(other) => bail!("unknown backend `{other}`: use --backend mock:PATH or --backend aws"),
        None => config.backend().cloned().with_context(|| {
            format!(
                "{} declares no backend: add `backend \"mock\" {{ path = \"account.json\" }}` (or \"aws\") to a .hcl file, or pass --backend mock:PATH",
                config.dir().display()
            )
        }),
    }
}

fn open_backend(spec: &BackendSpec) -> anyhow::Result<Arc<dyn Backend>> {
    match spec {
        BackendSpec::Mock { path, account_id } => {
            let faults = Faults::from_env()?.unwrap_or_default();
            Ok(Arc::new(MockBackend::open(path, account_id.as_deref())?.with_faults(faults)))
        }
        BackendSpec::Aws { .. } => bail!(
            "the aws backend is not available in this build yet; plan against a mock copy with --backend mock:PATH"
        ),
    }
}

/// Everything a plan needs: configuration, backend, and the plan itself.
struct Planned {
    backend: Arc<dyn Backend>,
    plan: Plan,
}

async fn make_plan(
    dir: &Path,
    cli_backend: Option<&str>,
    ui: &Ui,
) -> anyhow::Result<Result<Planned, Exit>> {
    let config = match load(dir) {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    let spec = backend_spec(&config, cli_backend)?;
    let backend = open_backend(&spec)?;
    let desired = match lower(&config, backend.account_id()) {
        Ok(d) => d,
        Err(code) => return Ok(Err(code)),
    };
    let live = backend
        .read()
        .await
        .context("could not read the live account")?;
    let changes = diff(&desired.account, &live, desired.scope.as_ref());
    let plan = plan::build(
        changes,
        &desired.account,
        &live,
        backend.account_id(),
        &desired.references,
    )?;
    if ui.verbose > 0 {
        eprint!("operations graph:\n{}", plan::graph_text(&plan));
    }
    Ok(Ok(Planned { backend, plan }))
}

async fn plan_cmd(
    dir: &Path,
    backend: Option<&str>,
    detailed: bool,
    json: bool,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let planned = match make_plan(dir, backend, ui).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&planned.plan)?);
    } else {
        print!("{}", render::human::plan(&planned.plan, ui.style));
    }
    report_calls(&*planned.backend, ui);
    Ok(if detailed && !planned.plan.is_empty() {
        Exit::Changes
    } else {
        Exit::Success
    })
}

async fn apply_cmd(
    dir: &Path,
    backend: Option<&str>,
    auto_approve: bool,
    parallelism: usize,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let Planned { backend, plan } = match make_plan(dir, backend, ui).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    print!("{}", render::human::plan(&plan, ui.style));
    if plan.is_empty() {
        return Ok(Exit::Success);
    }
    if !auto_approve && !confirm()? {
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
    let options = apply::Options {
        parallelism,
        ..Default::default()
    };
    let quiet = ui.quiet;
    let report = apply::run(&plan, Arc::clone(&backend), &options, stop, |event| {
        if quiet {
            return;
        }
        if let Event::Finished {
            operation,
            outcome,
            done,
            total,
            ..
        } = event
        {
            let status = match outcome {
                Outcome::Applied { retries: 0 } => "done".to_owned(),
                Outcome::Applied { retries } => format!("done after {retries} retries"),
                Outcome::Failed { error, .. } => format!("FAILED: {error}"),
                Outcome::Skipped { .. } | Outcome::NotStarted => "skipped".to_owned(),
            };
            eprintln!("[{done}/{total}] {operation}: {status}");
        }
    })
    .await;
    print!("{}", render::report::apply(&report, ui.style));
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
    eprint!("\nDo you want to perform these actions? Only 'yes' will be accepted: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

fn report_calls(backend: &dyn Backend, ui: &Ui) {
    if ui.verbose == 0 {
        return;
    }
    let counts = backend.call_counts();
    let total: u64 = counts.values().sum();
    eprintln!("IAM API calls: {total}");
    for (api, n) in counts {
        eprintln!("  {api:<32} {n}");
    }
}
