//! One function per subcommand, wiring the pipeline: config -> backend read -> diff -> plan ->
//! render / apply. Exit codes are decided here and mapped to the process in `main`.

mod access;
mod apply;
mod audit;
mod backend;
mod lint;

use crate::backend::Backend;
use crate::cli::{Args, Command, Format};
use crate::config::{self, BackendSpec, Config, Desired};
use crate::diff::diff;
use crate::drift::DriftReport;
use crate::model::{Account, Address, Kind};
use crate::plan::saved::{self, PlanDocument, Provenance};
use crate::plan::{self, Plan};
use crate::render::{self, Style};
use anyhow::Context as _;
use backend::BackendArgs;
use std::io::IsTerminal;
use std::path::Path;
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
pub(crate) struct Ui {
    pub style: Style,
    pub verbose: u8,
    pub quiet: bool,
    /// Input variables from --var, --var-file and IAMFORM_VAR_*.
    pub inputs: config::Inputs,
}

pub async fn run(args: Args) -> anyhow::Result<Exit> {
    let inputs = match config::Inputs::gather(&args.vars, &args.var_files, std::env::vars()) {
        Ok(i) => i,
        Err(diags) => {
            eprint!("{diags}");
            return Ok(Exit::Error);
        }
    };
    let color = !args.no_color && std::env::var_os("NO_COLOR").is_none();
    let ui = Ui {
        style: Style {
            color: color && std::io::stdout().is_terminal(),
        },
        verbose: args.verbose,
        quiet: args.quiet,
        inputs,
    };
    let backend = BackendArgs::from_args(&args);
    match args.command {
        Command::Validate { dir } => validate(&dir, &ui),
        Command::Fmt {
            dir,
            check,
            recursive,
        } => fmt_cmd(&dir, check, recursive),
        Command::Plan {
            dir,
            detailed_exitcode: detailed,
            json,
            out,
            targets,
        } => {
            let Some(targets) = parse_targets(&targets) else {
                return Ok(Exit::Error);
            };
            let opts = PlanOptions {
                detailed,
                json,
                out: out.as_deref(),
                targets: &targets,
            };
            plan_cmd(&dir, &backend, &opts, &ui).await
        }
        Command::Apply {
            target,
            auto_approve,
            parallelism,
            json,
            targets,
            allow_lockout,
        } => {
            let Some(targets) = parse_targets(&targets) else {
                return Ok(Exit::Error);
            };
            let options = apply::ApplyOptions {
                auto_approve,
                parallelism: usize::from(parallelism),
                json,
                targets,
                allow_lockout,
            };
            if target.is_file() {
                apply::saved(&target, &backend, &options, &ui).await
            } else {
                apply::directory(&target, &backend, &options, &ui).await
            }
        }
        Command::Show { file, json, format } => {
            let format = if json {
                Format::Json
            } else {
                format.unwrap_or(Format::Text)
            };
            show(&file, format, &ui)
        }
        Command::Drift { dir, format } => drift_cmd(&dir, &backend, format, &ui).await,
        Command::Synth {
            entities,
            out,
            no_user_boundaries,
        } => synth(entities, &out, no_user_boundaries),
        Command::Import {
            out,
            scope,
            exclude,
            force,
        } => {
            let options = crate::import::Options {
                out,
                paths: scope,
                exclude,
                force,
            };
            import_cmd(&backend, &options, &ui).await
        }
        Command::Lint {
            dir,
            format,
            documents,
        } => lint::lint(&dir, &documents, format, &ui),
        Command::Can {
            dir,
            principal,
            query,
        } => access::can(&dir, &principal, &query, &backend, &ui).await,
        Command::WhoCan { dir, query } => access::who_can(&dir, &query, &backend, &ui).await,
        Command::Audit {
            dir,
            format,
            last_accessed,
            max_key_age_days,
            max_unused_days,
            now,
        } => {
            let options = audit::AuditOptions {
                dir,
                format,
                last_accessed,
                thresholds: crate::audit::Thresholds {
                    max_key_age_days,
                    max_unused_days,
                },
                now,
            };
            audit::audit(&options, &backend, &ui).await
        }
    }
}

/// `--target` values as addresses (KIND.IAM_NAME); `None` after printing what is wrong.
fn parse_targets(texts: &[String]) -> Option<Vec<Address>> {
    let mut out = Vec::new();
    for text in texts {
        match text.parse::<Address>() {
            Ok(a) => out.push(a),
            Err(e) => {
                eprintln!("error: --target {text}: {e}");
                return None;
            }
        }
    }
    Some(out)
}

/// Loads the configuration, printing its diagnostics on failure.
fn load(dir: &Path, ui: &Ui) -> Result<Config, Exit> {
    let mut config = config::load(dir).map_err(|diags| {
        eprint!("{diags}");
        Exit::Error
    })?;
    config.set_inputs(ui.inputs.clone());
    Ok(config)
}

fn lower(config: &Config, account_id: &str) -> Result<Desired, Exit> {
    config.lower(account_id).map_err(|diags| {
        eprint!("{diags}");
        Exit::Error
    })
}

fn validate(dir: &Path, ui: &Ui) -> anyhow::Result<Exit> {
    let config = match load(dir, ui) {
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

/// `fmt`: lists the files it rewrote (or, with `check`, would rewrite); exit 1 when checking
/// finds any, or when a file cannot be parsed (then nothing is written).
fn fmt_cmd(dir: &Path, check: bool, recursive: bool) -> anyhow::Result<Exit> {
    use crate::fmt::FileError;
    let report = crate::fmt::format_dir(dir, check, recursive)
        .with_context(|| format!("could not format the files of {}", dir.display()))?;
    for (path, why) in &report.skipped {
        eprintln!("warning: skipped {}: {why}", path.display());
    }
    for (path, error) in &report.errors {
        match error {
            FileError::Syntax(e) => {
                let diag = config::Diagnostic {
                    message: format!("syntax error: {}", e.message),
                    location: Some(config::Location {
                        file: path.clone(),
                        line: e.line,
                        col: e.col,
                    }),
                    help: e.help.clone(),
                    notes: Vec::new(),
                    snippet: Some(config::Snippet::around(&e.line_text, e.col, 1)),
                };
                eprint!("{diag}");
            }
            FileError::NotUtf8 => eprintln!("error: {} is not UTF-8 text", path.display()),
            FileError::Io(e) => eprintln!("error: cannot read {}: {e}", path.display()),
        }
    }
    if !report.errors.is_empty() {
        eprintln!("error: no file was formatted: fix the errors above and run `iamform fmt` again");
        return Ok(Exit::Error);
    }
    for path in &report.changed {
        println!("{}", path.display());
    }
    Ok(if check && !report.changed.is_empty() {
        Exit::Error
    } else {
        Exit::Success
    })
}

/// Everything a plan was made from.
pub(crate) struct Planned {
    pub backend: Arc<dyn Backend>,
    pub spec: BackendSpec,
    pub desired: Desired,
    pub live: Account,
    pub plan: Plan,
}

pub(crate) async fn make_plan(
    dir: &Path,
    cli: &BackendArgs,
    ui: &Ui,
) -> anyhow::Result<Result<Planned, Exit>> {
    make_plan_targeted(dir, cli, ui, &[]).await
}

/// `make_plan`, limited to `targets` and what they depend on when there are any (`--target`).
pub(crate) async fn make_plan_targeted(
    dir: &Path,
    cli: &BackendArgs,
    ui: &Ui,
    targets: &[Address],
) -> anyhow::Result<Result<Planned, Exit>> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    let what = config.dir().display().to_string();
    let spec = backend::resolve(cli, config.backend(), &what)?;
    let backend = backend::open(&spec).await?;
    let desired = match lower(&config, backend.account_id()) {
        Ok(d) => d,
        Err(code) => return Ok(Err(code)),
    };
    let moves = config.moves(&desired);
    exiting_soon(config);
    backend.read_tags_only_for(&tags_to_read(&desired.account));
    let live = backend
        .read()
        .await
        .context("could not read the live account")?;
    // `moved` blocks: diff against the live account as if the renames were done.
    let (renamed, renames) = match plan::moved::rename_live(&moves, &live) {
        Ok(r) => r,
        Err(diags) => {
            diags.iter().for_each(|d| eprint!("{d}"));
            return Ok(Err(Exit::Error));
        }
    };
    let mut changes = diff(&desired.account, &renamed, desired.scope.as_ref());
    plan::moved::mark_renames(&mut changes, &renames, &desired.account, &renamed);
    if !targets.is_empty() {
        if let Err(e) = plan::target::check(targets, &desired.account, &renamed) {
            eprintln!("error: {e}");
            return Ok(Err(Exit::Error));
        }
        let keep = plan::target::with_dependencies(
            targets,
            &desired.account,
            backend.account_id(),
            &desired.references,
        );
        changes = plan::target::filter(changes, targets, &keep);
    }
    if let Err(diags) = config::check_prevent_destroy(&desired, &changes.changes) {
        eprint!("{diags}");
        return Ok(Err(Exit::Error));
    }
    let mut plan = plan::build(
        changes,
        &desired.account,
        &renamed,
        backend.account_id(),
        &desired.references,
    )?;
    plan.targets = targets.to_vec();
    if ui.verbose > 0 {
        eprint!("operations graph:\n{}", plan::graph_text(&plan));
    }
    Ok(Ok(Planned {
        backend,
        spec,
        desired,
        live,
        plan,
    }))
}

/// What `plan` was asked for besides the directory.
struct PlanOptions<'a> {
    detailed: bool,
    json: bool,
    out: Option<&'a Path>,
    targets: &'a [Address],
}

async fn plan_cmd(
    dir: &Path,
    cli: &BackendArgs,
    opts: &PlanOptions<'_>,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let (detailed, json, out) = (opts.detailed, opts.json, opts.out);
    let planned = match make_plan_targeted(dir, cli, ui, opts.targets).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    if let Some(caller) = planned.backend.caller() {
        let found = crate::guard::check(&planned.plan, &planned.live, &caller);
        if !found.is_empty() {
            eprint!("{}", crate::guard::plan_warning(&caller, &found));
        }
    }
    eprint!("{}", plan::outside_warning(&planned.plan));
    let mut doc = PlanDocument::new(planned.plan.clone(), planned.backend.call_counts());
    if let Some(out) = out {
        doc.saved = Some(provenance(dir, &planned)?);
        let text = serde_json::to_string_pretty(&doc)?;
        std::fs::write(out, text + "\n")
            .with_context(|| format!("could not write the plan to {}", out.display()))?;
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        if !planned.plan.targets.is_empty() {
            print!("{}", plan::target::warning(&planned.plan.targets));
        }
        print!("{}", render::human::plan(&planned.plan, ui.style));
        if let Some(out) = out {
            println!(
                "\nSaved the plan to {}. Apply exactly these actions with: iamform apply {}",
                out.display(),
                out.display()
            );
        }
    }
    report_calls(&*planned.backend, ui);
    let changes = !planned.plan.is_empty();
    exiting_soon(planned);
    Ok(if detailed && changes {
        Exit::Changes
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

/// Policies and instance profiles whose tags the configuration declares: the only ones whose tags
/// the aws backend must read (one call each; no bulk call returns them).
pub(crate) fn tags_to_read(desired: &Account) -> Vec<Address> {
    let policies = desired
        .policies
        .values()
        .filter(|p| !p.tags.is_empty())
        .map(|p| Address::new(Kind::Policy, p.name.clone()));
    let profiles = desired
        .instance_profiles
        .values()
        .filter(|p| !p.tags.is_empty())
        .map(|p| Address::new(Kind::InstanceProfile, p.name.clone()));
    policies.chain(profiles).collect()
}

fn provenance(dir: &Path, planned: &Planned) -> anyhow::Result<Provenance> {
    let desired = &planned.desired;
    Ok(Provenance {
        iamform_version: env!("CARGO_PKG_VERSION").to_owned(),
        config_dir: dir.display().to_string(),
        config_digest: saved::config_digest(dir)
            .with_context(|| format!("could not read {}", dir.display()))?,
        backend: backend::describe(&planned.spec),
        scope: desired.scope.clone(),
        live: saved::fingerprint(
            &planned.live,
            desired.account.addresses(),
            desired.scope.as_ref(),
        ),
        tags_read: tags_to_read(&desired.account),
        caller: planned.backend.caller(),
    })
}

/// Reads a plan file written by `plan --out`.
pub(crate) fn read_plan_file(file: &Path) -> anyhow::Result<PlanDocument> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read plan file {}", file.display()))?;
    let doc: PlanDocument = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not an iamform plan file (write one with `iamform plan --out FILE`)",
            file.display()
        )
    })?;
    if doc.plan.format_version != plan::FORMAT_VERSION {
        anyhow::bail!(
            "{} has plan format_version {}, but this iamform reads {}: re-create it with this version's `iamform plan --out`",
            file.display(),
            doc.plan.format_version,
            plan::FORMAT_VERSION
        );
    }
    Ok(doc)
}

fn show(file: &Path, format: Format, ui: &Ui) -> anyhow::Result<Exit> {
    let doc = read_plan_file(file)?;
    match format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&doc)?);
            return Ok(Exit::Success);
        }
        Format::Markdown => {
            if !doc.plan.targets.is_empty() {
                print!(
                    "> **{}",
                    plan::target::warning(&doc.plan.targets).replacen(": ", ":** ", 1)
                );
            }
            print!("{}", render::markdown::plan(&doc.plan, "iamform plan"));
            return Ok(Exit::Success);
        }
        Format::Text => {}
    }
    if let Some(saved) = &doc.saved {
        println!(
            "Plan saved from {} ({}) against {} (account {}).\n",
            saved.config_dir, saved.config_digest, saved.backend, doc.plan.account_id
        );
    }
    if !doc.plan.targets.is_empty() {
        print!("{}", plan::target::warning(&doc.plan.targets));
    }
    eprint!("{}", plan::outside_warning(&doc.plan));
    print!("{}", render::human::plan(&doc.plan, ui.style));
    Ok(Exit::Success)
}

async fn drift_cmd(dir: &Path, cli: &BackendArgs, format: Format, ui: &Ui) -> anyhow::Result<Exit> {
    let planned = match make_plan(dir, cli, ui).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let report = DriftReport::new(&planned.plan, planned.backend.call_counts());
    match format {
        Format::Text => print!("{}", render::drift::text(&report, ui.style)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Markdown => print!("{}", render::drift::markdown(&report)),
    }
    report_calls(&*planned.backend, ui);
    exiting_soon(planned);
    Ok(if report.drifted {
        Exit::Changes
    } else {
        Exit::Success
    })
}

/// Writes `main.hcl` declaring a synthetic account and `account.json`, a mock account holding
/// exactly it: planning the one against the other shows no changes.
fn synth(entities: usize, out: &Path, no_user_boundaries: bool) -> anyhow::Result<Exit> {
    use crate::backend::mock::MockFile;
    std::fs::create_dir_all(out).with_context(|| format!("could not create {}", out.display()))?;
    let options = crate::synth::Options {
        user_boundaries: !no_user_boundaries,
    };
    let account = crate::synth::account_with(entities, DEFAULT_ACCOUNT_ID, options);
    let hcl = render::hcl::account(&account)?;
    std::fs::write(out.join("main.hcl"), hcl)?;
    let mut file = MockFile::empty(DEFAULT_ACCOUNT_ID);
    file.account = account;
    std::fs::write(out.join("account.json"), serde_json::to_vec(&file)?)?;
    eprintln!("wrote {} entities to {}", file.account.len(), out.display());
    Ok(Exit::Success)
}

/// Reads the live account through the backend and writes it as HCL (`iamform import`).
async fn import_cmd(
    cli: &BackendArgs,
    options: &crate::import::Options,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    if cli.backend.is_none() {
        anyhow::bail!(
            "import reads the live account through a backend: pass --backend mock:PATH or --backend aws \
             (or set IAMFORM_BACKEND)"
        );
    }
    let spec = backend::resolve(cli, None, "import")?;
    let backend = backend::open(&spec).await?;
    let started = std::time::Instant::now();
    let written = crate::import::run(&*backend, options).await?;
    if !ui.quiet {
        eprintln!(
            "Imported {} entities into {} ({} files) in {:.2} s.",
            written.entities,
            options.out.display(),
            written.files.len(),
            started.elapsed().as_secs_f64()
        );
    }
    report_calls(&*backend, ui);
    Ok(Exit::Success)
}

pub(crate) fn report_calls(backend: &dyn Backend, ui: &Ui) {
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
