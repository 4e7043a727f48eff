//! `apply DIR` (plan, confirm, apply) and `apply PLANFILE` (check the saved plan — its signature,
//! its shape, its configuration against `--config-dir`, the caller, staleness — plan its embedded
//! configuration again, and apply it without a prompt only if it is exactly that plan); progress
//! on stderr, the report on stdout (on stderr once stdout is closed).

use super::plan::{open, plan_config, plan_lowered, targeted_warning, Against};
use super::saved::{check_config_dir, load_embedded, read_plan_file, refuse_variables};
use super::{backend, exiting_soon, lease, load, lower, report_calls, Exit, Ui};
use crate::access::change::AccessChange;
use crate::apply::{self, secrets, ApplyDocument};
use crate::backend::Backend;
use crate::model::{Account, Address, Kind, Name};
use crate::plan::blast;
use crate::plan::saved::{self, check, PlanDocument, Provenance};
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
        // A saved plan is the plan that was reviewed (as in Terraform): applied without a prompt,
        // after the staleness and caller checks.
        let settings = ApplySettings {
            auto_approve: true,
            ..settings.clone()
        };
        saved(&settings.target, flags, &settings, ui).await
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
    if settings.config_dir.is_some() {
        bail!(
            "--config-dir goes with a saved plan; {} is a configuration directory, which apply \
             plans itself",
            dir.display()
        );
    }
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let (spec, backend) = open(&config, flags).await?;
    let desired = match lower(&config, backend.account_id()) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    // The account's apply lock from before the plan's read to after the last call (a
    // configuration with errors never takes it).
    let held = match take_lock(&*backend, flags, settings).await {
        Ok(held) => held,
        Err(code) => return Ok(code),
    };
    let against = Against::new(Arc::clone(&backend), spec, &settings.targets, ui.verbose);
    let planned = plan_lowered(config, desired, against).await;
    let exit = match planned {
        Ok(Ok(planned)) => plan_and_execute(planned, settings, ui).await,
        Ok(Err(text)) => {
            err(&text);
            Ok(Exit::Error)
        }
        Err(e) => Err(e),
    };
    if let Some(held) = held {
        lease::give_back(&*backend, held).await;
    }
    exit
}

/// The account's apply lock, unless `--lock=false`.
async fn take_lock(
    backend: &dyn Backend,
    flags: &BackendFlags,
    settings: &ApplySettings,
) -> Result<Option<crate::backend::lease::Lease>, Exit> {
    if !settings.lock {
        return Ok(None);
    }
    lease::take(backend, flags.lock_timeout.unwrap_or_default())
        .await
        .map(Some)
}

/// The guards, then the plan applied.
async fn plan_and_execute(
    planned: super::plan::Planned,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let caller = planned.backend.caller();
    if !lockout_guard(&planned.plan, &planned.live, caller, settings, ui)
        || !within_blast_radius(&planned.plan, &planned.live, settings)
    {
        return Ok(Exit::Error);
    }
    if !settings.json {
        out(&targeted_warning(&planned.plan));
    }
    let exit = execute(
        &planned.plan,
        &planned.backend,
        settings,
        ui,
        settings.auto_approve,
    )
    .await;
    exiting_soon(planned);
    exit
}

async fn saved(
    file: &Path,
    flags: &BackendFlags,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let (doc, backend, held) = match prepare_saved_locked(file, flags, settings, ui, true).await? {
        Ok(ready) => ready,
        Err(text) => {
            err(&text);
            return Ok(Exit::Error);
        }
    };
    if !settings.json {
        out(&targeted_warning(&doc.plan));
    }
    // The plan that was reviewed is the plan that runs: no prompt (as Terraform's `apply FILE`).
    let exit = execute(&doc.plan, &backend, settings, ui, true).await;
    if let Some(held) = held {
        lease::give_back(&*backend, held).await;
    }
    exit
}

/// A saved plan with its backend and, when `lock` (and not `--lock=false`), the account's apply
/// lock, taken before the account is read and released here when the plan is refused.
pub(super) type Prepared = (
    PlanDocument,
    Arc<dyn Backend>,
    Option<crate::backend::lease::Lease>,
);

/// A saved plan, verified (its configuration, account, caller, staleness, the plan its embedded
/// configuration gives against the account now, the self-lockout guard and the blast-radius
/// limit), with the backend to apply it. `Err` holds why it must not be applied (empty when that
/// was printed already).
pub(super) async fn prepare_saved(
    file: &Path,
    flags: &BackendFlags,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Result<(PlanDocument, Arc<dyn Backend>), String>> {
    let prepared = prepare_saved_locked(file, flags, settings, ui, false).await?;
    Ok(prepared.map(|(doc, backend, _)| (doc, backend)))
}

pub(super) async fn prepare_saved_locked(
    file: &Path,
    flags: &BackendFlags,
    settings: &ApplySettings,
    ui: &Ui,
    lock: bool,
) -> anyhow::Result<Result<Prepared, String>> {
    if !settings.targets.is_empty() {
        bail!(
            "--target applies to a configuration directory; {} is a saved plan, which applies exactly \
             the operations it holds (make a targeted one with `iamform plan --target ADDRESS --out FILE`)",
            file.display()
        );
    }
    refuse_variables(ui, file)?;
    let doc = read_plan_file(file)?;
    let Some(provenance) = &doc.saved else {
        bail!(
            "{} holds a plan without its provenance (printed by `plan --json`?): save plans with `iamform plan --out FILE`",
            file.display()
        );
    };
    let Some(embedded) = embedded_configuration(file, provenance) else {
        return Ok(Err(String::new()));
    };
    if let Some(dir) = &settings.config_dir {
        if check_config_dir(embedded, dir, &doc.plan.account_id, file)?.is_err() {
            return Ok(Err(String::new()));
        }
    }
    let recorded =
        (provenance.backend_settings.clone()).or_else(|| recorded_backend(&provenance.backend));
    let spec = flags.resolve(recorded.as_ref(), &file.display().to_string())?;
    if recorded.as_ref().is_some_and(|r| *r != spec) {
        err(&format!(
            "note: the command line's backend settings replace those the plan was made with ({})\n",
            provenance.backend
        ));
    }
    let backend = backend::open(&spec, flags).await?;
    if backend.account_id() != doc.plan.account_id {
        bail!(
            "the plan in {} was made for account {}, but the backend is account {}",
            file.display(),
            doc.plan.account_id,
            backend.account_id()
        );
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
    let held = if lock {
        match take_lock(&*backend, flags, settings).await {
            Ok(held) => held,
            Err(_) => return Ok(Err(String::new())),
        }
    } else {
        None
    };
    let mut held = held;
    let verified = verify_saved(file, &doc, spec, Arc::clone(&backend), settings, ui).await;
    if !matches!(verified, Ok(Ok(_))) {
        if let Some(held) = held.take() {
            lease::give_back(&*backend, held).await;
        }
    }
    let mut doc = doc;
    Ok(verified?.map(|(backend, access_changes)| {
        // Who gains and loses access, as derived now from the verified configuration and account
        // rather than as the file says (it is checked for consistency only).
        doc.plan.access_changes = access_changes;
        (doc, backend, held)
    }))
}

/// The checks of a saved plan against the account (see [`prepare_saved`]); the backend to apply
/// it with, and the access changes of the plan derived again.
async fn verify_saved(
    file: &Path,
    doc: &PlanDocument,
    spec: BackendSpec,
    backend: Arc<dyn Backend>,
    settings: &ApplySettings,
    ui: &Ui,
) -> anyhow::Result<Result<(Arc<dyn Backend>, Vec<AccessChange>), String>> {
    let Some(provenance) = &doc.saved else {
        return Ok(Err(String::new()));
    };
    let Some(embedded) = &provenance.configuration else {
        return Ok(Err(String::new()));
    };
    backend.read_tags_only_for(&provenance.tags_read);
    let mut live = backend
        .read()
        .await
        .context("could not read the live account")?;
    let users: Vec<Name> = (provenance.credentials_read.iter())
        .filter(|a| a.kind == Kind::User)
        .map(|a| a.name.clone())
        .collect();
    if !users.is_empty() {
        backend
            .read_credentials_of(&mut live, &users)
            .await
            .context("could not read the credentials of the users the plan deletes")?;
    }
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
        return Ok(Err(msg));
    }
    let unchanged = provenance.live_digest.as_deref() == Some(&saved::account_digest(&live));
    let Ok((_dir, config)) = load_embedded(embedded, file)? else {
        return Ok(Err(String::new()));
    };
    let targets = doc.plan.targets.clone();
    let against = Against::new(backend, spec, &targets, ui.verbose).with_live(live);
    let planned = match plan_config(config, against).await? {
        Ok(p) => p,
        Err(text) => return Ok(Err(text)),
    };
    if let Some(what) = check::first_difference(&doc.plan, &planned.plan) {
        return Ok(Err(not_what_was_planned(file, &what, unchanged)));
    }
    let caller = planned
        .backend
        .caller()
        .or_else(|| provenance.caller.clone());
    if !lockout_guard(&planned.plan, &planned.live, caller, settings, ui)
        || !within_blast_radius(&planned.plan, &planned.live, settings)
    {
        return Ok(Err(String::new()));
    }
    let backend = Arc::clone(&planned.backend);
    let mut planned = planned;
    let access_changes = std::mem::take(&mut planned.plan.access_changes);
    exiting_soon(planned);
    Ok(Ok((backend, access_changes)))
}

/// The configuration a saved plan embeds, once it is whole and matches its digest; `None` after
/// saying why not.
fn embedded_configuration<'a>(
    file: &Path,
    provenance: &'a Provenance,
) -> Option<&'a saved::Configuration> {
    let shown = file.display();
    let Some(embedded) = &provenance.configuration else {
        err(&format!(
            "error: the saved plan {shown} does not carry its configuration (iamform {} saved it): \
             make it again with this version's `iamform plan --out`.\nNothing was applied.\n",
            provenance.iamform_version
        ));
        return None;
    };
    let altered = match embedded.check() {
        Err(e) => Some(e),
        Ok(()) if embedded.digest() != provenance.config_digest => {
            Some("it does not match the plan's config_digest".to_owned())
        }
        Ok(()) => None,
    };
    if let Some(why) = altered {
        err(&format!(
            "error: the saved plan {shown} was altered: the configuration it carries cannot be \
             the one it was made from ({why}).\nNothing was applied. Make a new plan with \
             `iamform plan --out`.\n"
        ));
        return None;
    }
    Some(embedded)
}

/// The refusal of a saved plan whose operations are not what its configuration plans now:
/// altered when the account is as it was when the plan was made, else stale.
fn not_what_was_planned(file: &Path, what: &str, account_unchanged: bool) -> String {
    let shown = file.display();
    if account_unchanged {
        format!(
            "error: the saved plan {shown} was altered: its configuration, planned again against \
             the same account, does not give the plan it holds: {what}.\nNothing was applied. Do \
             not use this file: make a new plan with `iamform plan --out` and review it.\n"
        )
    } else {
        format!(
            "error: the saved plan {shown} is stale: the account changed since it was made, and \
             its configuration now plans something else: {what}.\nNothing was applied. Run \
             `iamform plan --out {shown}` again and review the new plan.\n"
        )
    }
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
            "warning: --allow-lockout: applying {} that {} IAM permissions from the caller {caller}\n",
            crate::words::count(found.found.len(), "operation"),
            if found.found.len() == 1 { "takes" } else { "take" }
        ));
        return true;
    }
    err(&crate::guard::refusal(&caller, &found));
    false
}

/// The blast-radius limit (src/plan/blast.rs): `false` after printing the refusal. The flag
/// replaces the configuration's `max_destroy`, which replaces the default.
fn within_blast_radius(plan: &Plan, live: &Account, settings: &ApplySettings) -> bool {
    let limit = settings.max_destroy.or(plan.max_destroy);
    match blast::check(plan, blast::owned(live, plan), limit) {
        Ok(()) => true,
        Err(too_many) => {
            err(&format!(
                "error: {too_many}Nothing was applied.\n{}\n",
                too_many.fix()
            ));
            false
        }
    }
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

/// Applies `plan`, after asking for `yes` unless `approved`.
async fn execute(
    plan: &Plan,
    backend: &Arc<dyn Backend>,
    settings: &ApplySettings,
    ui: &Ui,
    approved: bool,
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
    let passwords_to = passwords_file(plan, settings)?;
    if !approved && !confirm()? {
        err("Apply cancelled.\n");
        return Ok(Exit::Error);
    }
    let mut plan = plan.clone();
    let passwords = match passwords_to {
        Some(path) => {
            let file = secrets::create(path).with_context(|| {
                format!("--credentials-out {}: could not create it", path.display())
            })?;
            Some((file, path, secrets::fill(&mut plan)?))
        }
        None => None,
    };
    let plan = &plan;
    let interrupted = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&interrupted);
    let to_interrupt = Arc::clone(backend);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            err("\nInterrupt received: waiting for in-flight operations, starting no new ones.\n");
            on_signal.store(true, Ordering::SeqCst);
            to_interrupt.interrupt();
        }
    });
    let walk_options = apply::Options {
        parallelism: settings.parallelism,
        ..Default::default()
    };
    let mut progress = Progress::new(plan.operations.len(), ui.quiet);
    // Once stdout is closed nobody reads the report there: start nothing more, and say so.
    let stop = || interrupted.load(Ordering::SeqCst) || printer::stdout_closed();
    let report = apply::run(plan, Arc::clone(backend), &walk_options, stop, |event| {
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
    report_calls(&**backend, ui);
    if let Some((file, path, passwords)) = passwords {
        let applied = |id: usize| {
            report
                .operations
                .iter()
                .any(|o| o.id == id && matches!(o.outcome, apply::Outcome::Applied { .. }))
        };
        let n = secrets::write(file, &passwords, applied)
            .with_context(|| format!("--credentials-out {}", path.display()))?;
        err(&format!(
            "{n} console password(s) written to {} (mode 0600): hand them over and delete the file\n",
            path.display()
        ));
    }
    Ok(if report.is_success() {
        Exit::Success
    } else {
        Exit::Error
    })
}

/// The `--credentials-out` file when the plan creates login profiles: refused before anything is
/// applied when it is missing or the file exists.
fn passwords_file<'s>(
    plan: &Plan,
    settings: &'s ApplySettings,
) -> anyhow::Result<Option<&'s Path>> {
    if !secrets::needs_passwords(plan) {
        return Ok(None);
    }
    let Some(path) = settings.credentials_out.as_deref() else {
        bail!(
            "the plan creates console access (a login profile) with a generated password, which \
             iamform never prints: pass --credentials-out FILE (a new file, written with mode 0600). \
             Nothing was applied."
        );
    };
    if std::fs::symlink_metadata(path).is_ok() {
        bail!(
            "--credentials-out {}: the file exists; iamform writes passwords only to a new file. \
             Nothing was applied.",
            path.display()
        );
    }
    Ok(Some(path))
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
