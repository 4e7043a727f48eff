//! Drift: how the account differs from the configuration, for the nightly cron.
//!
//! The same diff as a plan, read from the account's side: a declared entity the account does not
//! have, an entity the account has (inside the scope) that is not declared, and, for an entity
//! both have, each field the account holds otherwise — a policy attached in the account and not
//! declared, an inline policy added with its document, a tag, a path ([`Difference`]). Drift says
//! what is, not who did it: a merged change whose apply failed reads the same as a console edit.
//! With the access model, what the account allows beyond the configuration, and the reverse, per
//! principal ([`DriftReport::access`]).

use crate::access::change::{access_changes, AccessChange};
use crate::diff::{Action, Change, Entity};
use crate::model::{is_aws_managed_policy_arn, Account, Kind};
use crate::operation::CallCounts;
use crate::plan::{self, Plan};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const FORMAT_VERSION: u32 = 1;

/// Fields that are no difference: the name is in the address, versions and credentials exist only
/// in the account.
const NOT_COMPARED: [&str; 3] = ["name", "versions", "credentials"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// Declared, but not in the account (deleted there, or never applied).
    Missing,
    /// Declared and in the account, with some field otherwise.
    Modified,
    /// In the account and inside the scope, but not declared.
    Undeclared,
}

impl DriftKind {
    pub fn describe(self) -> &'static str {
        match self {
            DriftKind::Missing => "declared, not in the account",
            DriftKind::Modified => "differs from the configuration",
            DriftKind::Undeclared => "in the account, not declared (inside the scope)",
        }
    }
}

/// Which side has a value the other lacks, or that both have it otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The account has it; the configuration does not declare it.
    AccountOnly,
    /// The configuration declares it; the account does not have it.
    ConfigurationOnly,
    /// Both have it, with different values.
    Differs,
}

/// One field, or one element of a field (an attached policy, an inline policy, a tag, a group),
/// where the account and the configuration disagree.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The entity's field: `policies`, `inline_policies`, `tags`, `groups`, `path`, ...
    pub field: String,
    pub side: Side,
    /// The element of a list or map field: a policy ARN, an inline policy's or a tag's name.
    pub item: Option<String>,
    /// What the account has (an inline policy's document, a tag's value, a path).
    pub in_account: Option<Value>,
    /// What the configuration declares.
    pub in_configuration: Option<Value>,
    /// The difference in words: "attached in the account, not declared: AdministratorAccess".
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftEntry {
    pub drift: DriftKind,
    /// What the account has that the configuration does not, and the reverse: every field of a
    /// `modified` entity, and what an `undeclared` one is attached to and holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Difference>,
    /// The change that would undo the drift; `before` is the account, `after` the configuration.
    #[serde(flatten)]
    pub change: Change,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftSummary {
    pub missing: usize,
    pub modified: usize,
    pub undeclared: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftReport {
    pub format_version: u32,
    pub account_id: String,
    pub drifted: bool,
    pub summary: DriftSummary,
    pub entities: Vec<DriftEntry>,
    /// What the drift grants, per user and role: `gained` is what the account allows and the
    /// configuration would not, `lost` what the configuration allows and the account does not.
    #[serde(default)]
    pub access: Vec<AccessChange>,
    pub unmanaged: BTreeMap<Kind, usize>,
    pub api_calls: CallCounts,
}

impl DriftReport {
    /// The drift that `plan` (made against `live`) would undo.
    pub fn new(plan: &Plan, live: &Account, api_calls: CallCounts) -> DriftReport {
        let mut summary = DriftSummary::default();
        let entities: Vec<DriftEntry> = plan
            .changes
            .iter()
            .map(|c| {
                let drift = match c.action {
                    Action::Create => DriftKind::Missing,
                    Action::Update | Action::Replace => DriftKind::Modified,
                    Action::Delete => DriftKind::Undeclared,
                };
                match drift {
                    DriftKind::Missing => summary.missing += 1,
                    DriftKind::Modified => summary.modified += 1,
                    DriftKind::Undeclared => summary.undeclared += 1,
                }
                DriftEntry {
                    drift,
                    differences: differences(c),
                    change: c.clone(),
                }
            })
            .collect();
        // From the configuration (the account as apply would leave it) to the account.
        let access = if entities.is_empty() {
            Vec::new()
        } else {
            access_changes(&plan::after(live, plan), live, &plan.account_id)
        };
        DriftReport {
            format_version: FORMAT_VERSION,
            account_id: plan.account_id.clone(),
            drifted: !entities.is_empty(),
            summary,
            entities,
            access,
            unmanaged: plan.unmanaged.clone(),
            api_calls,
        }
    }
}

fn compared(entity: Option<&Entity>) -> Map<String, Value> {
    let mut m = entity.map(Entity::fields).unwrap_or_default();
    for k in NOT_COMPARED {
        m.shift_remove(k);
    }
    m
}

/// The differences of one change: every field of an entity both sides have; for an entity only
/// the account has, what it is attached to and holds (what it is allowed comes from there).
fn differences(change: &Change) -> Vec<Difference> {
    let (account, config) = (
        compared(change.before.as_ref()),
        compared(change.after.as_ref()),
    );
    let mut out = Vec::new();
    match change.action {
        Action::Create => {}
        Action::Delete => {
            const HELD: [&str; 5] = [
                "policies",
                "inline_policies",
                "groups",
                "roles",
                "permissions_boundary",
            ];
            for (field, value) in account.iter().filter(|(k, _)| HELD.contains(&k.as_str())) {
                field_differences(&mut out, field, Some(value), None);
            }
        }
        Action::Update | Action::Replace => {
            if let Some(from) = &change.moved_from {
                let (a, c) = (from.name.as_str(), change.address.name.as_str());
                out.push(Difference {
                    field: "name".to_owned(),
                    side: Side::Differs,
                    item: None,
                    in_account: Some(Value::String(a.to_owned())),
                    in_configuration: Some(Value::String(c.to_owned())),
                    text: format!(
                        "name differs from the configuration: {a:?} in the account, {c:?} in the \
                         configuration (a `moved` block renames it)"
                    ),
                });
            }
            let mut keys: Vec<&String> = account.keys().chain(config.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let (a, c) = (account.get(key), config.get(key));
                if a != c {
                    field_differences(&mut out, key, a, c);
                }
            }
        }
    }
    out
}

/// How a field's elements are named in words: (what the account has that is not declared, what
/// is declared and the account lacks, one element differing).
fn phrases(field: &str) -> (String, String, String) {
    let (a, c, d): (&str, &str, &str) = match field {
        "policies" => (
            "attached in the account, not declared",
            "declared, not attached in the account",
            "attached policy",
        ),
        "inline_policies" => (
            "inline policy in the account, not declared",
            "inline policy declared, not in the account",
            "inline policy",
        ),
        "groups" => (
            "group membership in the account, not declared",
            "group membership declared, not in the account",
            "group",
        ),
        "roles" => (
            "role in the profile in the account, not declared",
            "role in the profile declared, not in the account",
            "role",
        ),
        "tags" => (
            "tag in the account, not declared",
            "tag declared, not in the account",
            "tag",
        ),
        _ => {
            return (
                format!("{field} in the account, not declared"),
                format!("{field} declared, not in the account"),
                field.to_owned(),
            )
        }
    };
    (a.to_owned(), c.to_owned(), d.to_owned())
}

/// A policy ARN as people name it: an AWS managed policy by its name, another by its ARN.
fn element_name(field: &str, item: &str) -> String {
    if field == "policies" && is_aws_managed_policy_arn(item) {
        return item.rsplit('/').next().unwrap_or(item).to_owned();
    }
    item.to_owned()
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// The differences of one field, `account` and `config` its two values (absent: not there).
fn field_differences(
    out: &mut Vec<Difference>,
    field: &str,
    account: Option<&Value>,
    config: Option<&Value>,
) {
    let (only_account, only_config, one) = phrases(field);
    let is_list = account.or(config).is_some_and(Value::is_array);
    let documents = ["document", "assume_role_policy"].contains(&field);
    let is_map = account.or(config).is_some_and(Value::is_object) && !documents;
    let push = |out: &mut Vec<Difference>, side, item: Option<String>, a, c, text| {
        out.push(Difference {
            field: field.to_owned(),
            side,
            item,
            in_account: a,
            in_configuration: c,
            text,
        })
    };
    if is_list {
        let empty = Vec::new();
        let a = account.and_then(Value::as_array).unwrap_or(&empty);
        let c = config.and_then(Value::as_array).unwrap_or(&empty);
        for v in a.iter().filter(|v| !c.contains(v)) {
            let item = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let text = format!("{only_account}: {}", element_name(field, &item));
            push(out, Side::AccountOnly, Some(item), None, None, text);
        }
        for v in c.iter().filter(|v| !a.contains(v)) {
            let item = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let text = format!("{only_config}: {}", element_name(field, &item));
            push(out, Side::ConfigurationOnly, Some(item), None, None, text);
        }
    } else if is_map {
        let empty = Map::new();
        let a = account.and_then(Value::as_object).unwrap_or(&empty);
        let c = config.and_then(Value::as_object).unwrap_or(&empty);
        let mut keys: Vec<&String> = a.keys().chain(c.keys()).collect();
        keys.sort();
        keys.dedup();
        let scalar = |v: &Value| {
            if v.is_object() {
                String::new()
            } else {
                format!(" = {}", shown(v))
            }
        };
        for k in keys {
            let (av, cv) = (a.get(k), c.get(k));
            let (side, text) = match (av, cv) {
                (Some(v), None) => (Side::AccountOnly, format!("{only_account}: {k}{}", scalar(v))),
                (None, Some(v)) => (Side::ConfigurationOnly, format!("{only_config}: {k}{}", scalar(v))),
                (Some(x), Some(y)) if x != y && x.is_object() => (
                    Side::Differs,
                    format!("{one} {k} differs from the configuration"),
                ),
                (Some(x), Some(y)) if x != y => (
                    Side::Differs,
                    format!(
                        "{one} {k} differs from the configuration: {} in the account, {} in the configuration",
                        shown(x),
                        shown(y)
                    ),
                ),
                _ => continue,
            };
            push(out, side, Some(k.clone()), av.cloned(), cv.cloned(), text);
        }
    } else {
        let (side, text) = match (account, config) {
            (Some(v), None) => (Side::AccountOnly, format!("{only_account}: {}", shown(v))),
            (None, Some(v)) => (Side::ConfigurationOnly, format!("{only_config}: {}", shown(v))),
            _ if documents => (Side::Differs, format!("{field} differs from the configuration")),
            (Some(a), Some(c)) => (
                Side::Differs,
                format!(
                    "{field} differs from the configuration: {} in the account, {} in the configuration",
                    shown(a),
                    shown(c)
                ),
            ),
            (None, None) => return,
        };
        push(out, side, None, account.cloned(), config.cloned(), text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(field: &str, account: Option<Value>, config: Option<Value>) -> Vec<String> {
        let mut out = Vec::new();
        field_differences(&mut out, field, account.as_ref(), config.as_ref());
        out.into_iter().map(|d| d.text).collect()
    }

    /// A field, its value in the account and in the configuration, the words wanted.
    type Case = (
        &'static str,
        Option<Value>,
        Option<Value>,
        &'static [&'static str],
    );

    #[test]
    fn each_difference_is_worded_from_the_account_side() {
        let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        let own = "arn:aws:iam::123456789012:policy/read";
        let cases: [Case; 5] = [
            (
                "policies",
                Some(json!([admin])),
                Some(json!([own])),
                &[
                    "attached in the account, not declared: AdministratorAccess",
                    "declared, not attached in the account: arn:aws:iam::123456789012:policy/read",
                ],
            ),
            (
                "permissions_boundary",
                None,
                Some(json!(own)),
                &["permissions_boundary declared, not in the account: \"arn:aws:iam::123456789012:policy/read\""],
            ),
            (
                "max_session_duration",
                Some(json!(43200)),
                Some(json!(3600)),
                &["max_session_duration differs from the configuration: 43200 in the account, 3600 in the configuration"],
            ),
            (
                "inline_policies",
                Some(json!({ "a": { "Statement": [] }, "b": { "Statement": [] } })),
                Some(json!({ "b": { "Statement": [1] } })),
                &[
                    "inline policy in the account, not declared: a",
                    "inline policy b differs from the configuration",
                ],
            ),
            (
                "assume_role_policy",
                Some(json!({ "Statement": [] })),
                Some(json!({ "Statement": [1] })),
                &["assume_role_policy differs from the configuration"],
            ),
        ];
        for (field, account, config, want) in cases {
            assert_eq!(texts(field, account, config), want, "{field}");
        }
    }
}
