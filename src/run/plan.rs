//! Planning (config -> backend read -> diff -> plan), and the commands that print a plan: `plan`,
//! `show` and `drift`.

use super::{backend, exiting_soon, load, lower, report_calls, Exit, Ui};
use crate::backend::Backend;
use crate::config::{self, Desired};
use crate::diff::{diff, Action, Diff};
use crate::drift::DriftReport;
use crate::model::{Account, Address, Kind};
use crate::plan::saved::{self, PlanDocument, Provenance};
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
    pub desired: Desired,
    pub live: Account,
    pub plan: Plan,
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
    let what = config.dir().display().to_string();
    let spec = flags.resolve(config.backend(), &what)?;
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
    let Some((renamed, changes)) = changes(&desired, &live, &moves, targets, backend.account_id())
    else {
        return Ok(Err(Exit::Error));
    };
    let mut plan = plan::build(
        changes,
        &desired.account,
        &renamed,
        backend.account_id(),
        &desired.references,
    )?;
    plan.targets = targets.to_vec();
    if !plan.changes.is_empty() {
        let after = plan::after(&renamed, &plan);
        plan.access_changes =
            crate::access::change::access_changes(&renamed, &after, backend.account_id());
    }
    if ui.verbose > 0 {
        err(&format!("operations graph:\n{}", plan::graph_text(&plan)));
    }
    Ok(Ok(Planned {
        backend,
        spec,
        desired,
        live,
        plan,
    }))
}

/// The changes to plan: against the live account as if the `moved` blocks' renames were done
/// (that account is returned too), only those of the targets and their dependencies, and none
/// that deletes what `prevent_destroy` protects. `None` after printing why not.
fn changes<'a>(
    desired: &Desired,
    live: &'a Account,
    moves: &[config::Move],
    targets: &[Address],
    account_id: &str,
) -> Option<(Cow<'a, Account>, Diff)> {
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
            for c in conflicts {
                err(&moved_conflict(&c, moves).to_string());
            }
            return None;
        }
    };
    let mut changes = diff(&desired.account, &renamed, desired.scope.as_ref());
    plan::moved::mark_renames(&mut changes, &renames, &desired.account, &renamed);
    if !targets.is_empty() {
        if let Err(e) = plan::target::check(targets, &desired.account, &renamed) {
            err(&format!("error: {e}\n"));
            return None;
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
        err(&diags.to_string());
        return None;
    }
    Some((renamed, changes))
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
    if let Some(caller) = planned.backend.caller() {
        let found = crate::guard::check(&planned.plan, &planned.live, &caller);
        if !found.is_empty() {
            err(&crate::guard::plan_warning(&caller, &found));
        }
    }
    err(&plan::outside_warning(&planned.plan));
    let mut doc = PlanDocument::new(planned.plan.clone(), planned.backend.call_counts());
    if let Some(file) = &settings.out {
        doc.saved = Some(provenance(dir, &planned)?);
        let text = serde_json::to_string_pretty(&doc)?;
        std::fs::write(file, text + "\n")
            .with_context(|| format!("could not write the plan to {}", file.display()))?;
    }
    if settings.json {
        out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
    } else {
        out(&targeted_warning(&planned.plan));
        out(&render::human::plan(
            &planned.plan,
            ui.style,
            ui.verbose > 0,
        ));
        if let Some(file) = &settings.out {
            out(&format!(
                "\nSaved the plan to {}. Apply exactly these actions with: iamform apply {}\n",
                file.display(),
                file.display()
            ));
        }
    }
    report_calls(&*planned.backend, ui);
    let changes = !planned.plan.is_empty();
    let refused = gates(settings, &planned.plan);
    exiting_soon(planned);
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
        backend: describe(&planned.spec),
        backend_settings: Some(recorded(&planned.spec)),
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

/// `iamform show`.
pub(crate) fn show(file: &Path, format: Format, ui: &Ui) -> anyhow::Result<Exit> {
    let doc = read_plan_file(file)?;
    match format {
        Format::Json => out(&format!("{}\n", serde_json::to_string_pretty(&doc)?)),
        Format::Markdown => {
            let warning = targeted_warning(&doc.plan);
            if !warning.is_empty() {
                out(&format!("> **{}", warning.replacen(": ", ":** ", 1)));
            }
            out(&render::markdown::plan(&doc.plan, "iamform plan"));
        }
        Format::Text => {
            if let Some(saved) = &doc.saved {
                out(&format!(
                    "Plan saved from {} ({}) against {} (account {}).\n\n",
                    saved.config_dir, saved.config_digest, saved.backend, doc.plan.account_id
                ));
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
    let report = DriftReport::new(&planned.plan, planned.backend.call_counts());
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
