//! `iamform can` and `iamform who-can`: the account to question (the configuration, offline, or
//! with `--live` the one the backend reads), then [`crate::access`] answers and `report` renders.

use super::backend;
use super::{configured_account_id, load, lower, Exit, Ui};
use crate::access::change::access_of;
use crate::access::{AccessIndex, Locations};
use crate::model::{suggest, Account, Address, Kind};
use crate::render::access as report;
use crate::render::access_changes as access_report;
use crate::render::printer::{err, out};
use crate::settings::{AccessQuery, BackendFlags};
use anyhow::Context as _;
use std::path::Path;

/// The account to question and what names its statements.
struct Subject {
    account: Account,
    account_id: String,
    locations: Locations,
}

/// The configuration lowered offline (for the backend block's `account_id`, else the placeholder
/// one, as `validate` does), or with `live` the account the backend reads.
async fn subject(
    dir: &Path,
    live: bool,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Result<Subject, Exit>> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(Err(code)),
    };
    if live {
        let what = config.dir().display().to_string();
        let spec = flags.resolve(config.backend(), &what)?;
        let backend = backend::open(&spec, flags).await?;
        let account = backend
            .read()
            .await
            .context("could not read the live account")?;
        super::report_calls(&*backend, ui);
        return Ok(Ok(Subject {
            account,
            account_id: backend.account_id().to_owned(),
            locations: Locations::new(),
        }));
    }
    let account_id = configured_account_id(&config);
    let desired = match lower(&config, &account_id) {
        Ok(d) => d,
        Err(code) => return Ok(Err(code)),
    };
    let locations = desired
        .statements
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().map(ToString::to_string).collect()))
        .collect();
    Ok(Ok(Subject {
        account: desired.account,
        account_id,
        locations,
    }))
}

/// `--context KEY=VALUE` pairs; `None` after saying which one is malformed.
fn context_pairs(texts: &[String]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for t in texts {
        match t.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => out.push((k.trim().to_owned(), v.to_owned())),
            _ => {
                err(&format!(
                    "error: --context {t}: expected KEY=VALUE, e.g. --context aws:MultiFactorAuthPresent=true\n"
                ));
                return None;
            }
        }
    }
    Some(out)
}

/// An action must be `service:Action` (wildcards are for policies, not requests).
fn check_action(action: &str) -> bool {
    let ok = matches!(action.split_once(':'), Some((s, a)) if !s.is_empty() && !a.is_empty())
        && !action.contains(['*', '?']);
    if !ok {
        err(&format!(
            "error: --action {action}: expected one action, `service:Action` (e.g. s3:GetObject)\n"
        ));
    }
    ok
}

/// The request's context pairs and the account to question; `Err` after saying what is wrong.
async fn question(
    dir: &Path,
    query: &AccessQuery,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Result<(Subject, Vec<(String, String)>), Exit>> {
    let Some(pairs) = context_pairs(&query.context) else {
        return Ok(Err(Exit::Error));
    };
    if !check_action(&query.action) {
        return Ok(Err(Exit::Error));
    }
    Ok(subject(dir, query.live, flags, ui)
        .await?
        .map(|subject| (subject, pairs)))
}

/// A user's or role's address; `None` after saying what is wrong (`flag` names the argument).
fn principal_address(text: &str, flag: &str) -> Option<Address> {
    match text.parse::<Address>() {
        Ok(a) if matches!(a.kind, Kind::User | Kind::Role) => Some(a),
        _ => {
            err(&format!(
                "error: {flag}{text}: expected user.NAME or role.NAME\n"
            ));
            None
        }
    }
}

/// Says that `address` is not in the account questioned, with the nearest name.
fn not_found(index: &AccessIndex, address: &Address, live: bool) {
    let names: Vec<String> = index
        .principals()
        .filter(|a| a.kind == address.kind)
        .map(|a| a.name.as_str().to_owned())
        .collect();
    // Names are short: two edits (a swapped pair of letters) are still a plausible typo.
    let wanted = address.name.as_str();
    let limit = (wanted.chars().count() / 3).max(2);
    let hint = names
        .iter()
        .map(|n| (suggest::distance(wanted, n), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| format!(" (did you mean {}.{n}?)", address.kind))
        .unwrap_or_default();
    let place = if live {
        "the live account"
    } else {
        "the configuration"
    };
    err(&format!("error: {address} is not in {place}{hint}\n"));
}

pub(super) async fn can(
    dir: &Path,
    principal: &str,
    query: &AccessQuery,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let Some(address) = principal_address(principal, "--principal ") else {
        return Ok(Exit::Error);
    };
    let (subject, pairs) = match question(dir, query, flags, ui).await? {
        Ok(q) => q,
        Err(code) => return Ok(code),
    };
    let index =
        AccessIndex::new(&subject.account, &subject.account_id).with_locations(&subject.locations);
    let ev = match index.can(&address, &query.action, &query.resource, &pairs) {
        Ok(ev) => ev,
        Err(_) => {
            not_found(&index, &address, query.live);
            return Ok(Exit::Error);
        }
    };
    let address = Address::new(address.kind, address.name.clone());
    if query.json {
        let r = report::CanReport::new(&address, &query.action, &query.resource, &ev);
        out(&format!("{}\n", serde_json::to_string_pretty(&r)?));
    } else {
        out(&report::can_text(
            &address,
            &query.action,
            &query.resource,
            &ev,
            ui.style,
        ));
    }
    Ok(if ev.allowed() {
        Exit::Success
    } else {
        Exit::Changes
    })
}

pub(super) async fn who_can(
    dir: &Path,
    query: &AccessQuery,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let (subject, pairs) = match question(dir, query, flags, ui).await? {
        Ok(q) => q,
        Err(code) => return Ok(code),
    };
    let index =
        AccessIndex::new(&subject.account, &subject.account_id).with_locations(&subject.locations);
    let found = index.who_can(&query.action, &query.resource, &pairs);
    if query.json {
        let r = report::WhoCanReport::new(&query.action, &query.resource, &found);
        out(&format!("{}\n", serde_json::to_string_pretty(&r)?));
    } else {
        out(&report::who_can_text(
            &query.action,
            &query.resource,
            &found,
            ui.style,
        ));
    }
    super::exiting_soon(subject);
    Ok(Exit::Success)
}

/// `iamform access`: everything `principal` may do.
pub(super) async fn access(
    dir: &Path,
    principal: &str,
    live: bool,
    json: bool,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let Some(address) = principal_address(principal, "") else {
        return Ok(Exit::Error);
    };
    let subject = match subject(dir, live, flags, ui).await? {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let Some(model) = access_of(&subject.account, &subject.account_id, &address) else {
        not_found(
            &AccessIndex::new(&subject.account, &subject.account_id),
            &address,
            live,
        );
        return Ok(Exit::Error);
    };
    if json {
        let r = access_report::AccessReport::new(&model);
        out(&format!("{}\n", serde_json::to_string_pretty(&r)?));
    } else {
        out(&access_report::access_text(
            &model,
            ui.style,
            ui.verbose > 0,
        ));
    }
    super::exiting_soon(subject);
    Ok(Exit::Success)
}
