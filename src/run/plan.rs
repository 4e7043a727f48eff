//! Planning (config -> backend read -> diff -> plan), and the commands that print a plan: `plan`,
//! `show` and `drift`.

use super::saved::{document_text, embed, read_plan_file, write};
use super::{backend, exiting_soon, load, report_calls, Exit, Ui};
use crate::backend::Backend;
use crate::config::{self, Config, Desired};
use crate::diff::{diff, Action, Diff};
use crate::drift::DriftReport;
use crate::model::{Account, Address, Kind, Name};
use crate::plan::saved::{self, check, PlanDocument, Provenance};
use crate::plan::{self, Plan};
use crate::render;
use crate::render::printer::{err, out};
use crate::settings::backend::{describe, recorded};
use crate::settings::{BackendFlags, BackendSpec, Format, PlanSettings};
use anyhow::Context as _;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// Everything a plan was made from.
pub(crate) struct Planned {
    pub backend: Arc<dyn Backend>,
    pub spec: BackendSpec,
    pub config: Config,
    pub desired: Desired,
    pub live: Account,
    pub plan: Plan,
    /// The users whose credentials were read: those the plan deletes.
    pub credentials_read: Vec<Name>,
}

/// Plans `dir` against its backend (or the one the flags choose), limited to `targets` and what
/// they depend on when there are any (`--target`). `Err(exit)` after printing why not.
pub(crate) async fn make_plan(
    dir: &Path,
    flags: &BackendFlags,
    ui: &Ui,
    targets: &[Address],
) -> anyhow::Result<Result<Planned, Exit>> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    let (spec, backend) = open(&config, flags).await?;
    let against = Against::new(backend, spec, targets, ui.verbose);
    let planned = plan_config(config, against).await?;
    Ok(planned.map_err(|text| {
        err(&text);
        Exit::Error
    }))
}

/// The backend the flags or the configuration's backend block choose, opened.
pub(crate) async fn open(
    config: &Config,
    flags: &BackendFlags,
) -> anyhow::Result<(BackendSpec, Arc<dyn Backend>)> {
    let what = config.dir().display().to_string();
    let spec = flags.resolve(config.backend(), &what)?;
    let backend = backend::open(&spec, flags).await?;
    Ok((spec, backend))
}

/// What a configuration is planned against: the backend (and the spec it was opened from), the
/// targets (`--target`; none: everything), the live account when the caller has read it, and
/// how verbose the run is.
pub(crate) struct Against<'a> {
    backend: Arc<dyn Backend>,
    spec: BackendSpec,
    targets: &'a [Address],
    live: Option<Account>,
    verbose: u8,
}

impl<'a> Against<'a> {
    /// Against `backend`, whose live account the plan reads.
    pub(crate) fn new(
        backend: Arc<dyn Backend>,
        spec: BackendSpec,
        targets: &'a [Address],
        verbose: u8,
    ) -> Self {
        Against {
            backend,
            spec,
            targets,
            live: None,
            verbose,
        }
    }

    /// Against `live`, already read from the backend (with the credentials the plan needs).
    pub(crate) fn with_live(self, live: Account) -> Self {
        Against {
            live: Some(live),
            ..self
        }
    }
}

/// Plans the loaded `config` against a backend: lowered for its account id, diffed against the
/// live account (read now when not given, after telling the backend which tags the
/// configuration declares). `Err(text)` holds the errors that stop it (the configuration's, or a
/// conflict with the account), printed by the caller: `plan --all` reports them per account.
pub(crate) async fn plan_config(
    config: Config,
    against: Against<'_>,
) -> anyhow::Result<Result<Planned, String>> {
    let desired = match config.lower(against.backend.account_id()) {
        Ok(d) => d,
        Err(diags) => return Ok(Err(diags.to_string())),
    };
    plan_lowered(config, desired, against).await
}

/// [`plan_config`] once the configuration is lowered into `desired`.
pub(crate) async fn plan_lowered(
    mut config: Config,
    desired: Desired,
    against: Against<'_>,
) -> anyhow::Result<Result<Planned, String>> {
    let Against {
        backend,
        spec,
        targets,
        live,
        verbose,
    } = against;
    let moves = desired.moves.clone();
    let given = live.is_some();
    let mut live = match live {
        Some(live) => live,
        None => {
            backend.read_tags_only_for(&tags_to_read(&desired.account));
            backend
                .read()
                .await
                .context("could not read the live account")?
        }
    };
    let first = match changes(&desired, &live, &moves, targets, backend.account_id()) {
        Ok((_, first)) => first,
        Err(text) => return Ok(Err(text)),
    };
    // The credentials of the users the plan deletes, which the plan removes first and shows (a
    // caller that gives the live account has read them already: apply of a saved plan reads
    // those the plan recorded).
    let credentials_read = deleted_users(&first);
    drop(first);
    if !given && !credentials_read.is_empty() {
        backend
            .read_credentials_of(&mut live, &credentials_read)
            .await
            .context("could not read the credentials of the users the plan deletes")?;
    }
    let (renamed, changes) = match changes(&desired, &live, &moves, targets, backend.account_id()) {
        Ok(c) => c,
        Err(text) => return Ok(Err(text)),
    };
    let mut plan = plan::build(
        changes,
        &desired.account,
        &renamed,
        backend.account_id(),
        &desired.references,
    )?;
    plan.targets = targets.to_vec();
    plan.max_destroy = desired.max_destroy;
    plan.warnings = moves
        .iter()
        .filter_map(|m| {
            let rename = plan::moved::Rename {
                from: m.from.clone(),
                to: m.to.clone(),
            };
            let at = m.location.as_ref().map(ToString::to_string);
            plan::moved::unmatched(&rename, &live, at)
        })
        .collect();
    // The parsed blocks are not needed any more: freed on another core while the plan goes on
    // (at 10k entities they are 46 MB of the peak the access changes below reach).
    let syntax = config.release_syntax();
    // Where no thread can be made, the closure is dropped here and frees them.
    let _freed_elsewhere = std::thread::Builder::new().spawn(move || drop(syntax));
    if !plan.changes.is_empty() {
        let after = plan::after(&renamed, &plan);
        plan.access_changes =
            crate::access::change::access_changes(&renamed, &after, backend.account_id());
    }
    if verbose > 0 {
        err(&format!("operations graph:\n{}", plan::graph_text(&plan)));
    }
    Ok(Ok(Planned {
        backend,
        spec,
        config,
        desired,
        live,
        plan,
        credentials_read,
    }))
}

/// The users a diff deletes (or replaces).
fn deleted_users(changes: &Diff) -> Vec<Name> {
    changes
        .changes
        .iter()
        .filter(|c| c.address.kind == Kind::User)
        .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
        .map(|c| c.address.name.clone())
        .collect()
}

/// The changes to plan: against the live account as if the `moved` blocks' renames were done
/// (that account is returned too), only those of the targets and their dependencies, and none
/// that deletes what `prevent_destroy` protects. `Err` holds the errors that stop it.
fn changes<'a>(
    desired: &Desired,
    live: &'a Account,
    moves: &[config::Move],
    targets: &[Address],
    account_id: &str,
) -> Result<(Cow<'a, Account>, Diff), String> {
    let wanted: Vec<plan::moved::Rename> = moves
        .iter()
        .map(|m| plan::moved::Rename {
            from: m.from.clone(),
            to: m.to.clone(),
        })
        .collect();
    let (renamed, renames) = match plan::moved::rename_live(&wanted, live) {
        Ok(r) => r,
        Err(conflicts) => {
            return Err(conflicts
                .iter()
                .map(|c| moved_conflict(c, moves).to_string())
                .collect());
        }
    };
    let mut changes = diff(&desired.account, &renamed, desired.scope.as_ref());
    plan::moved::mark_renames(&mut changes, &renames, &desired.account, &renamed);
    changes.mark_modules(&desired.modules);
    if !targets.is_empty() {
        if let Err(e) = plan::target::check(targets, &desired.account, &renamed) {
            return Err(format!("error: {e}\n"));
        }
        let keep = plan::target::with_dependencies(
            targets,
            &desired.account,
            account_id,
            &desired.references,
        );
        changes = plan::target::filter(changes, targets, &keep);
    }
    let removals = changes.changes.iter().filter_map(|c| {
        let replaced = match c.action {
            Action::Delete => false,
            Action::Replace => true,
            _ => return None,
        };
        Some(config::Removal {
            address: &c.address,
            replaced_because: c.reason.as_deref(),
            replaced,
        })
    });
    if let Err(diags) = config::check_prevent_destroy(desired, removals) {
        return Err(diags.to_string());
    }
    Ok((renamed, changes))
}

/// The error for a `moved` block whose both ends exist, at the block.
fn moved_conflict(conflict: &plan::moved::BothExist, moves: &[config::Move]) -> config::Diagnostic {
    let r = &conflict.0;
    let mut d = config::Diagnostic::error(conflict.to_string()).with_help(format!(
        "delete one of the two by hand, or remove this moved block (then {} is left to the scope: deleted if the configuration owns it)",
        r.from
    ));
    d.location = moves
        .iter()
        .find(|m| m.from == r.from && m.to == r.to)
        .and_then(|m| m.location.clone());
    d
}

/// `iamform plan`.
pub(crate) async fn plan_cmd(
    settings: &PlanSettings,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let dir = settings.dir.as_path();
    let planned = match make_plan(dir, flags, ui, &settings.targets).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    // The principal that will apply: `--caller`, else the one planning.
    let caller = settings.caller.clone().or_else(|| planned.backend.caller());
    let verdict = caller
        .as_ref()
        .map(|c| crate::guard::check(&planned.plan, &planned.live, c));
    if let (Some(c), Some(v)) = (&caller, &verdict) {
        if !v.is_empty() {
            err(&crate::guard::plan_warning(c, v));
        }
    }
    err(&plan::outside_warning(&planned.plan));
    let p = &planned.plan;
    if let Err(too_many) =
        plan::blast::check(p, plan::blast::owned(&planned.live, p), p.max_destroy)
    {
        err(&format!(
            "warning: apply will refuse this plan: {too_many}{}\n",
            too_many.fix()
        ));
    }
    let saved = (settings.out.as_ref())
        .map(|_| provenance(dir, &planned, caller.clone()))
        .transpose()?;
    // The plan moves into the document (a fresh account's access changes make it large: no copy).
    let mut doc = PlanDocument::new(planned.plan, planned.backend.call_counts());
    doc.lockout = caller.as_ref().zip(verdict).map(|(c, v)| v.report(c));
    if let Some(file) = &settings.out {
        doc.saved = saved;
        write(file, &document_text(&mut doc)?)?;
    }
    if settings.json {
        // As `show --json` prints the saved plan: its access changes one entry per action.
        crate::render::printer::out_json(&doc)?;
    } else {
        out(&targeted_warning(&doc.plan));
        out(&render::human::plan(&doc.plan, ui.style, ui.verbose > 0));
        if let Some(file) = &settings.out {
            out(&format!(
                "\nSaved the plan to {}. Apply exactly these actions with: iamform apply {}\n",
                file.display(),
                file.display()
            ));
        }
    }
    report_calls(&*planned.backend, ui);
    let changes = !doc.plan.is_empty();
    let refused = gates(settings, &doc.plan);
    exiting_soon((doc, planned.live, planned.config, planned.desired));
    Ok(if refused {
        Exit::Error
    } else if settings.detailed_exitcode && changes {
        Exit::Changes
    } else {
        Exit::Success
    })
}

/// `--fail-on-gain` and `--fail-on-escalation`: whether the plan breaks one (after saying why).
fn gates(settings: &PlanSettings, plan: &Plan) -> bool {
    let changes = &plan.access_changes;
    let gains = crate::access::change::gains_matching(changes, &settings.fail_on_gain);
    let escalations: Vec<(&str, &str)> = if settings.fail_on_escalation {
        changes
            .iter()
            .flat_map(|c| {
                c.escalations()
                    .map(|g| (c.principal.as_str(), g.action.as_str()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let message = render::access_changes::gate_failures(&gains, &escalations);
    err(&message);
    !message.is_empty()
}

/// The warning a targeted plan starts with (nothing for a full plan).
pub(crate) fn targeted_warning(plan: &Plan) -> String {
    if plan.targets.is_empty() {
        String::new()
    } else {
        plan::target::warning(&plan.targets)
    }
}

/// Policies and instance profiles whose tags the configuration declares: the only ones whose tags
/// the aws backend must read (one call each; no bulk call returns them); and the users given
/// `console_access`, whose login profile it reads (one call each too).
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
    // The aws backend reads the login profile of these only (one call per user).
    let console = desired
        .users
        .values()
        .filter(|u| u.console_access.is_some())
        .map(|u| Address::new(Kind::User, u.name.clone()));
    policies.chain(profiles).chain(console).collect()
}

/// Where a saved plan comes from; `caller` is the principal that will apply it.
pub(super) fn provenance(
    dir: &Path,
    planned: &Planned,
    caller: Option<Address>,
) -> anyhow::Result<Provenance> {
    let desired = &planned.desired;
    let configuration = embed(&planned.config)?;
    Ok(Provenance {
        iamform_version: env!("CARGO_PKG_VERSION").to_owned(),
        config_dir: dir.display().to_string(),
        config_digest: configuration.digest(),
        configuration: Some(configuration),
        live_digest: Some(saved::account_digest(&planned.live)),
        backend: describe(&planned.spec),
        backend_settings: Some(recorded(&planned.spec)),
        scope: desired.scope.clone(),
        live: saved::fingerprint(
            &planned.live,
            desired.account.addresses(),
            desired.scope.as_ref(),
        ),
        tags_read: tags_to_read(&desired.account),
        credentials_read: planned
            .credentials_read
            .iter()
            .map(|u| Address::new(Kind::User, u.clone()))
            .collect(),
        caller,
        access_changes: Vec::new(),
    })
}

/// `iamform show`: the plan, once it passes every check that needs no account — and its
/// operations are what its changes show, so that what is printed is what `apply` would run.
pub(crate) fn show(file: &Path, format: Format, ui: &Ui) -> anyhow::Result<Exit> {
    let doc = read_plan_file(file)?;
    check::operations_match_changes(&doc.plan).map_err(|e| {
        anyhow::anyhow!(
            "the plan {} is refused: {e}. Its changes and its operations disagree, so what it \
             shows is not what it would do: do not apply it",
            file.display()
        )
    })?;
    match format {
        Format::Json => crate::render::printer::out_json(&doc)?,
        Format::Markdown => {
            let warning = targeted_warning(&doc.plan);
            if !warning.is_empty() {
                out(&format!("> **{}", warning.replacen(": ", ":** ", 1)));
            }
            out(&render::markdown::plan(&doc.plan, "iamform plan"));
        }
        Format::Text => {
            if let Some(saved) = &doc.saved {
                out(&render::saved::header(saved, &doc.plan.account_id));
            }
            out(&targeted_warning(&doc.plan));
            err(&plan::outside_warning(&doc.plan));
            out(&render::human::plan(&doc.plan, ui.style, ui.verbose > 0));
        }
    }
    Ok(Exit::Success)
}

/// `iamform drift`.
pub(crate) async fn drift_cmd(
    dir: &Path,
    flags: &BackendFlags,
    format: Format,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let planned = match make_plan(dir, flags, ui, &[]).await? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let report = DriftReport::new(&planned.plan, &planned.live, planned.backend.call_counts());
    out(&match format {
        Format::Text => render::drift::text(&report, ui.style),
        Format::Json => format!("{}\n", serde_json::to_string_pretty(&report)?),
        Format::Markdown => render::drift::markdown(&report),
    });
    report_calls(&*planned.backend, ui);
    exiting_soon(planned);
    Ok(if report.drifted {
        Exit::Changes
    } else {
        Exit::Success
    })
}
