//! One function per subcommand, wiring the pipeline: config -> backend read -> diff -> plan ->
//! render / apply. It takes [`Settings`] (never clap's types), decides the exit code, and prints
//! only through `render::printer`.

mod access;
mod all;
mod apply;
mod apply_all;
mod audit;
mod backend;
mod check_all;
mod lease;
mod lint;
mod plan;
mod saved;

use crate::backend::Backend;
use crate::config::{self, Config, Desired};
use crate::model::iam::PLACEHOLDER_ACCOUNT_ID;
use crate::render::printer::{err, out};
use crate::render::{self, Style};
use crate::settings::{AwsSettings, BackendFlags, BackendSpec, Command, ImportSettings, Settings};
use crate::words;
use all::EveryAccount;
use anyhow::Context as _;
use std::path::Path;

/// Terraform's exit codes: 0 success / no changes, 1 error, 2 changes (only where asked for).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Error = 1,
    Changes = 2,
}

/// How a run talks to its user, decided once.
#[derive(Clone)]
pub(crate) struct Ui {
    /// The style of stdout (colour only on a terminal, when allowed).
    pub style: Style,
    pub verbose: u8,
    pub quiet: bool,
    /// Input variables from --var, --var-file and IAMFORM_VAR_*.
    pub inputs: config::Inputs,
}

pub async fn run(settings: Settings) -> anyhow::Result<Exit> {
    let inputs = match config::Inputs::gather(&settings.vars, &settings.var_files, std::env::vars())
    {
        Ok(i) => i,
        Err(diags) => {
            err(&diags.to_string());
            return Ok(Exit::Error);
        }
    };
    let ui = Ui {
        style: Style {
            color: settings.ui.color && render::printer::stdout_is_terminal(),
        },
        verbose: settings.ui.verbose,
        quiet: settings.ui.quiet,
        inputs,
    };
    let flags = &settings.backend;
    let every = |all| EveryAccount {
        all,
        flags,
        ui: &ui,
    };
    match &settings.command {
        Command::Validate { dir, all } => match all {
            Some(all) => every(all).validate(dir).await,
            None => validate(dir, &ui),
        },
        Command::Fmt {
            dir,
            check,
            recursive,
        } => fmt_cmd(dir, *check, *recursive),
        Command::Plan(plan) => match &plan.all {
            Some(all) => every(all).plan(plan).await,
            None => plan::plan_cmd(plan, flags, &ui).await,
        },
        Command::Apply(apply) => match &apply.all {
            Some(all) => every(all).apply(apply).await,
            None => apply::apply(apply, flags, &ui).await,
        },
        Command::Show { file, format } => plan::show(file, *format, &ui),
        Command::Drift { dir, format, all } => match all {
            Some(all) => every(all).drift(dir).await,
            None => plan::drift_cmd(dir, flags, *format, &ui).await,
        },
        Command::Synth {
            entities,
            out,
            user_boundaries,
        } => synth(*entities, out, *user_boundaries),
        Command::Import(import) => import_cmd(flags, import, &ui).await,
        Command::ForceUnlock { dir, auto_approve } => {
            lease::force_unlock(dir, *auto_approve, flags, &ui).await
        }
        Command::Lint {
            dir,
            documents,
            format,
        } => lint::lint(dir, documents, *format, &ui),
        Command::Can {
            dir,
            principal,
            query,
        } => access::can(dir, principal, query, flags, &ui).await,
        Command::WhoCan { dir, query } => access::who_can(dir, query, flags, &ui).await,
        Command::Access {
            principal,
            dir,
            live,
            json,
        } => access::access(dir, principal, *live, *json, flags, &ui).await,
        Command::Audit(audit) => match &audit.all {
            Some(all) => every(all).audit(audit).await,
            None => audit::audit(audit, flags, &ui).await,
        },
    }
}

/// Loads the configuration, printing its diagnostics on failure.
fn load(dir: &Path, ui: &Ui) -> Result<Config, Exit> {
    let mut config = config::load(dir).map_err(|diags| {
        err(&diags.to_string());
        Exit::Error
    })?;
    config.set_inputs(ui.inputs.clone());
    Ok(config)
}

fn lower(config: &Config, account_id: &str) -> Result<Desired, Exit> {
    config.lower(account_id).map_err(|diags| {
        err(&diags.to_string());
        Exit::Error
    })
}

/// The account id the configuration's backend block names, else the placeholder one: what a
/// command that reads no account lowers for.
fn configured_account_id(config: &Config) -> String {
    declared_account_id(config).unwrap_or_else(|| PLACEHOLDER_ACCOUNT_ID.to_owned())
}

/// The account id the configuration's backend block names, if it names one.
fn declared_account_id(config: &Config) -> Option<String> {
    match config.backend() {
        Some(
            BackendSpec::Mock {
                account_id: Some(id),
                ..
            }
            | BackendSpec::Aws(AwsSettings {
                account_id: Some(id),
                ..
            }),
        ) => Some(id.clone()),
        _ => None,
    }
}

fn validate(dir: &Path, ui: &Ui) -> anyhow::Result<Exit> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let account_id = configured_account_id(&config);
    let desired = match lower(&config, &account_id) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    if !ui.quiet {
        out(&format!(
            "{} The configuration is valid: {} declared.\n",
            ui.style.green("Success!"),
            words::count(desired.account.len(), "entity")
        ));
    }
    Ok(Exit::Success)
}

/// `fmt`: lists the files it rewrote (or, with `check`, would rewrite); exit 1 when checking
/// finds any, or when a file cannot be parsed (then nothing is written).
fn fmt_cmd(dir: &Path, check: bool, recursive: bool) -> anyhow::Result<Exit> {
    use crate::fmt::FileError;
    let report = crate::fmt::format_dir(dir, check, recursive)
        .with_context(|| format!("could not format the files of {}", dir.display()))?;
    for (path, why) in &report.skipped {
        err(&format!("warning: skipped {}: {why}\n", path.display()));
    }
    for (path, error) in &report.errors {
        err(&match error {
            FileError::Syntax(e) => config::Diagnostic {
                message: format!("syntax error: {}", e.message),
                location: Some(config::Location {
                    file: path.clone(),
                    line: e.line,
                    col: e.col,
                }),
                help: e.help.clone(),
                notes: Vec::new(),
                snippet: Some(config::Snippet::around(&e.line_text, e.col, 1)),
            }
            .to_string(),
            FileError::NotUtf8 => format!("error: {} is not UTF-8 text\n", path.display()),
            FileError::Io(e) => format!("error: cannot read {}: {e}\n", path.display()),
        });
    }
    if !report.errors.is_empty() {
        err("error: no file was formatted: fix the errors above and run `iamform fmt` again\n");
        return Ok(Exit::Error);
    }
    for path in &report.changed {
        out(&format!("{}\n", path.display()));
    }
    Ok(if check && !report.changed.is_empty() {
        Exit::Error
    } else {
        Exit::Success
    })
}

/// Hands a large value to the end of the process instead of dropping it: the command is about to
/// exit, the OS takes the memory back at once, and freeing a 10k-entity configuration or plan
/// allocation by allocation costs about 5 % of a `plan` (perf, benches/cli.sh).
fn exiting_soon<T>(value: T) {
    std::mem::forget(value);
}

/// Writes `main.hcl` declaring a synthetic account and `account.json`, a mock account holding
/// exactly it: planning the one against the other shows no changes.
fn synth(entities: usize, dir: &Path, user_boundaries: bool) -> anyhow::Result<Exit> {
    use crate::backend::mock::MockFile;
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let options = crate::synth::Options { user_boundaries };
    let account = crate::synth::account_with(entities, PLACEHOLDER_ACCOUNT_ID, options);
    let hcl = render::hcl::account(&account)?;
    std::fs::write(dir.join("main.hcl"), hcl)?;
    let mut file = MockFile::empty(PLACEHOLDER_ACCOUNT_ID);
    file.account = account;
    std::fs::write(dir.join("account.json"), serde_json::to_vec(&file)?)?;
    err(&format!(
        "wrote {} to {}\n",
        words::count(file.account.len(), "entity"),
        dir.display()
    ));
    Ok(Exit::Success)
}

/// Reads the live account through the backend and writes it as HCL (`iamform import`).
async fn import_cmd(
    flags: &BackendFlags,
    settings: &ImportSettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    if flags.backend.is_none() {
        anyhow::bail!(
            "import reads the live account through a backend: pass --backend mock:PATH or --backend aws \
             (or set IAMFORM_BACKEND)"
        );
    }
    let spec = flags.resolve(None, "import")?;
    let backend = backend::open(&spec, flags).await?;
    let started = std::time::Instant::now();
    let options = crate::import::Options {
        out: settings.out.clone(),
        paths: settings.paths.clone(),
        exclude: settings.exclude.clone(),
        force: settings.force,
    };
    let written = crate::import::run(&*backend, &options).await?;
    if !ui.quiet {
        err(&format!(
            "Imported {} into {} ({}) in {:.2} s.\n",
            words::count(written.entities, "entity"),
            options.out.display(),
            words::count(written.files.len(), "file"),
            started.elapsed().as_secs_f64()
        ));
    }
    report_calls(&*backend, ui);
    Ok(Exit::Success)
}

/// With `-v`: the IAM API calls made, per action.
pub(crate) fn report_calls(backend: &dyn Backend, ui: &Ui) {
    if ui.verbose > 0 {
        err(&render::report::calls(&backend.call_counts()));
    }
}
