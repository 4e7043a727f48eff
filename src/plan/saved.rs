//! The plan document: what `plan --json` prints, what `plan --out` saves and `show` reads back
//! (`schemas/plan.schema.json`).
//!
//! A saved plan also records where it came from: the configuration's digest, the backend, and a
//! fingerprint of every live entity the plan looked at. `apply PLANFILE` re-reads the account and
//! refuses a plan whose entities changed since, naming them — the stale-plan check Terraform users
//! know, without a state file.

use super::{Plan, Summary};
use crate::model::{Account, Address, Kind, Scope};
use crate::operation::CallCounts;
use crate::settings::BackendSpec;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDocument {
    #[serde(flatten)]
    pub plan: Plan,
    pub summary: Summary,
    /// IAM API calls made to compute the plan, per action.
    pub api_calls: CallCounts,
    /// Present in saved plans only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<Provenance>,
}

/// Where a saved plan came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub iamform_version: String,
    /// The configuration directory, as given on the command line.
    pub config_dir: String,
    /// `sha256:` of the configuration files' names and contents.
    pub config_digest: String,
    /// The backend the plan was made against: `mock:PATH` or `aws`.
    pub backend: String,
    /// Its settings (no secrets: region, profile, endpoint, account id, role; a mock's path,
    /// account id, faults and caller), which `apply PLANFILE` connects with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_settings: Option<BackendSpec>,
    /// The scope the plan was made with; decides which new live entities make it stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// `sha256:` of each live entity the plan depends on, or `absent`.
    pub live: BTreeMap<Address, String>,
    /// The policies and instance profiles whose tags were read (the aws backend reads them one call
    /// each, only where the configuration declares tags); the stale check reads the same ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_read: Vec<Address>,
    /// The principal the plan was made as, when known: the self-lockout guard of
    /// `apply PLANFILE` falls back to it when the backend cannot tell (a mock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<Address>,
}

pub const ABSENT: &str = "absent";

impl PlanDocument {
    pub fn new(plan: Plan, api_calls: CallCounts) -> PlanDocument {
        PlanDocument {
            summary: plan.summary(),
            plan,
            api_calls,
            saved: None,
        }
    }
}

/// `sha256:HEX` of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The digest of every `*.hcl` file of `dir` and of the module directories it uses (names and
/// contents, in name order, directory after directory).
pub fn config_digest(dir: &Path, modules: &[&Path]) -> std::io::Result<String> {
    let mut all = Vec::new();
    for (i, d) in std::iter::once(dir)
        .chain(modules.iter().copied())
        .enumerate()
    {
        let mut files: Vec<_> = std::fs::read_dir(d)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "hcl"))
            .collect();
        files.sort();
        for f in files {
            if i > 0 {
                all.extend_from_slice(format!("module {i}/").as_bytes());
            }
            all.extend_from_slice(f.file_name().unwrap_or_default().as_encoded_bytes());
            all.push(0);
            all.extend_from_slice(&std::fs::read(&f)?);
            all.push(0);
        }
    }
    Ok(digest(&all))
}

/// The live entity at `address` as JSON, or `None` when it does not exist.
fn entity(live: &Account, address: &Address) -> Option<serde_json::Value> {
    let n = &address.name;
    let value = match address.kind {
        Kind::User => live.users.get(n).map(serde_json::to_value),
        Kind::Group => live.groups.get(n).map(serde_json::to_value),
        Kind::Role => live.roles.get(n).map(serde_json::to_value),
        Kind::Policy => live.policies.get(n).map(serde_json::to_value),
        Kind::InstanceProfile => live.instance_profiles.get(n).map(serde_json::to_value),
        Kind::PasswordPolicy => live.password_policy.as_ref().map(serde_json::to_value),
    };
    value.and_then(Result::ok)
}

/// Live addresses a scope owns.
fn owned(live: &Account, scope: Option<&Scope>) -> Vec<Address> {
    let Some(scope) = scope else {
        return Vec::new();
    };
    live.addresses()
        .into_iter()
        .filter(|a| scope.owns(a, live.path_of(a)))
        .collect()
}

/// Fingerprints of the declared addresses and of every live entity the scope owns.
pub fn fingerprint(
    live: &Account,
    declared: impl IntoIterator<Item = Address>,
    scope: Option<&Scope>,
) -> BTreeMap<Address, String> {
    let addresses: BTreeSet<Address> = declared.into_iter().chain(owned(live, scope)).collect();
    addresses
        .into_iter()
        .map(|a| {
            let print = entity(live, &a)
                .map(|v| digest(v.to_string().as_bytes()))
                .unwrap_or_else(|| ABSENT.to_owned());
            (a, print)
        })
        .collect()
}

/// How one entity differs from when the plan was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleEntity {
    pub address: Address,
    pub what: &'static str,
}

/// The entities whose live state changed since `saved` was made; empty when the plan still holds.
pub fn stale_entities(saved: &Provenance, live: &Account) -> Vec<StaleEntity> {
    let now = fingerprint(live, saved.live.keys().cloned(), saved.scope.as_ref());
    let mut out = Vec::new();
    for (address, print) in &now {
        let what = match saved.live.get(address).map(String::as_str) {
            None => "was created since the plan was made",
            Some(old) if old == print => continue,
            Some(ABSENT) => "was created since the plan was made",
            Some(_) if print == ABSENT => "was deleted since the plan was made",
            Some(_) => "was changed since the plan was made",
        };
        out.push(StaleEntity {
            address: address.clone(),
            what,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Name, User};

    fn user(name: &str) -> User {
        serde_json::from_value(serde_json::json!({ "name": name })).unwrap()
    }

    fn provenance(live: &Account, declared: &[&str], scope: Option<Scope>) -> Provenance {
        let declared = declared.iter().map(|s| s.parse::<Address>().unwrap());
        Provenance {
            iamform_version: "test".into(),
            config_dir: ".".into(),
            config_digest: digest(b""),
            backend: "mock:x".into(),
            backend_settings: None,
            live: fingerprint(live, declared, scope.as_ref()),
            scope,
            tags_read: Vec::new(),
            caller: None,
        }
    }

    #[test]
    fn an_unchanged_account_is_not_stale() {
        let mut live = Account::default();
        live.users.insert(Name::from("john"), user("john"));
        let saved = provenance(&live, &["user.john", "user.jane"], None);
        assert_eq!(saved.live[&"user.jane".parse().unwrap()], ABSENT);
        assert!(stale_entities(&saved, &live).is_empty());
    }

    #[test]
    fn changes_creations_and_deletions_are_named() {
        let mut live = Account::default();
        live.users.insert(Name::from("john"), user("john"));
        live.users.insert(Name::from("old"), user("old"));
        let scope = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
        };
        let saved = provenance(&live, &["user.john", "user.jane"], Some(scope));
        let mut now = live.clone();
        now.users
            .get_mut(&Name::from("john"))
            .unwrap()
            .groups
            .insert(Name::from("web"));
        now.users.insert(Name::from("jane"), user("jane"));
        now.users.remove(&Name::from("old"));
        now.users.insert(Name::from("intruder"), user("intruder"));
        let stale: Vec<String> = stale_entities(&saved, &now)
            .iter()
            .map(|s| format!("{} {}", s.address, s.what))
            .collect();
        assert_eq!(
            stale,
            [
                "user.intruder was created since the plan was made",
                "user.jane was created since the plan was made",
                "user.john was changed since the plan was made",
                "user.old was deleted since the plan was made",
            ]
        );
    }

    #[test]
    fn without_a_scope_undeclared_entities_do_not_make_a_plan_stale() {
        let live = Account::default();
        let saved = provenance(&live, &["user.john"], None);
        let mut now = live.clone();
        now.users.insert(Name::from("someone"), user("someone"));
        assert!(stale_entities(&saved, &now).is_empty());
    }
}
