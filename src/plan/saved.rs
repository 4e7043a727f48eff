//! The plan document: what `plan --json` prints, what `plan --out` saves and `show` reads back
//! (`schemas/plan.schema.json`).
//!
//! A saved plan also records where it came from: the configuration itself ([`embedded`]: every
//! file it read and its input values), the backend, and a fingerprint of every live entity the
//! plan looked at. `apply PLANFILE` re-reads the account and refuses a plan whose entities changed
//! since, naming them — the stale-plan check Terraform users know, without a state file — then
//! plans the embedded configuration again and runs the saved operations only if they are exactly
//! what it plans ([`check`]). With `IAMFORM_PLAN_KEY` set, plans are signed ([`signature`]).

pub mod check;
pub mod embedded;
pub mod load;
pub mod packed;
pub mod signature;

pub use embedded::{Configuration, EmbeddedFile, Variable};

use super::{Plan, Summary};
use crate::model::{Account, Address, Kind, Scope};
use crate::operation::CallCounts;
use crate::settings::BackendSpec;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDocument {
    #[serde(flatten)]
    pub plan: Plan,
    pub summary: Summary,
    /// IAM API calls made to compute the plan, per action.
    pub api_calls: CallCounts,
    /// Present in saved plans only.
    pub saved: Option<Provenance>,
    /// What the self-lockout guard found for the principal that will apply the plan, when it is
    /// known (the backend's caller, or `plan --caller`).
    pub lockout: Option<LockoutReport>,
    /// `hmac-sha256:HEX` of the rest of the document, when `IAMFORM_PLAN_KEY` was set.
    pub signature: Option<String>,
}

/// The self-lockout guard's verdict on a plan for one principal (src/guard.rs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutReport {
    /// `user.NAME` or `role.NAME`.
    pub caller: Address,
    /// The IAM actions the caller would lose, on its own ARN or on `*`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<String>,
    /// The operations responsible; empty when the plan leaves the caller what iamform needs.
    pub findings: Vec<LockoutFinding>,
}

/// One operation the guard refuses, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutFinding {
    pub operation: String,
    pub why: String,
}

/// Where a saved plan came from.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub iamform_version: String,
    /// The configuration directory, as given on the command line.
    pub config_dir: String,
    /// `sha256:` of the embedded configuration (its files' paths and contents, and its input
    /// values).
    pub config_digest: String,
    /// The configuration the plan was made from; `apply` plans it again.
    pub configuration: Option<Configuration>,
    /// `sha256:` of the whole live account as read: when the saved operations are not what the
    /// configuration plans and this still matches, the file was altered (the plan is not stale).
    pub live_digest: Option<String>,
    /// The backend the plan was made against: `mock:PATH` or `aws`.
    pub backend: String,
    /// Its settings (no secrets: region, profile, endpoint, account id, role; a mock's path,
    /// account id, faults and caller), which `apply PLANFILE` connects with.
    pub backend_settings: Option<BackendSpec>,
    /// The scope the plan was made with; decides which new live entities make it stale.
    pub scope: Option<Scope>,
    /// `sha256:` of each live entity the plan depends on, or `absent`.
    pub live: BTreeMap<Address, String>,
    /// The policies and instance profiles whose tags were read (the aws backend reads them one call
    /// each, only where the configuration declares tags); the stale check reads the same ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_read: Vec<Address>,
    /// The users whose credentials were read (the aws backend lists them per user, only for the
    /// users the plan deletes); the stale check reads the same ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials_read: Vec<Address>,
    /// The principal the plan was made as, when known: the self-lockout guard of
    /// `apply PLANFILE` falls back to it when the backend cannot tell (a mock).
    pub caller: Option<Address>,
    /// In the file only: the plan's access changes, packed ([`packed`]); reading the file puts
    /// them back into the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_changes: Vec<packed::PackedChange>,
}

pub const ABSENT: &str = "absent";

impl PlanDocument {
    pub fn new(plan: Plan, api_calls: CallCounts) -> PlanDocument {
        PlanDocument {
            summary: plan.summary(),
            plan,
            api_calls,
            saved: None,
            lockout: None,
            signature: None,
        }
    }
}

/// `sha256:HEX` of some bytes.
pub fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// `sha256:` of the whole account, as JSON.
pub fn account_digest(live: &Account) -> String {
    digest(&serde_json::to_vec(live).unwrap_or_default())
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
        Kind::OpenIdConnectProvider => live
            .openid_connect_providers
            .get(n)
            .map(serde_json::to_value),
        Kind::SamlProvider => live.saml_providers.get(n).map(serde_json::to_value),
        Kind::AccountAlias => live.account_alias.as_ref().map(serde_json::to_value),
        Kind::ServiceLinkedRole => live.service_linked_roles.get(n).map(serde_json::to_value),
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
            configuration: None,
            live_digest: None,
            backend: "mock:x".into(),
            backend_settings: None,
            live: fingerprint(live, declared, scope.as_ref()),
            scope,
            tags_read: Vec::new(),
            credentials_read: Vec::new(),
            caller: None,
            access_changes: Vec::new(),
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
            kinds: None,
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
