//! The `Account`: one type for the desired account (from HCL) and the live one (from a backend).
//!
//! Every map is keyed by [`Name`] (case-insensitive, spelling kept) so that diff is a symmetric walk
//! over two values of the same type, and `import` is "render an Account as HCL".

use super::address::{Address, Kind};
use super::credentials::Credentials;
use super::iam::arn;
use super::name::Name;
use super::policy::PolicyDocument;
use super::providers::{AccountAlias, OpenIdConnectProvider, SamlProvider};
use super::service_linked::ServiceLinkedRole;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub type Tags = BTreeMap<String, String>;
pub type InlinePolicies = BTreeMap<Name, PolicyDocument>;

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users: BTreeMap<Name, User>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<Name, Group>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<Name, Role>,
    /// Customer managed policies only; AWS managed policies are referenced by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<Name, ManagedPolicy>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_profiles: BTreeMap<Name, InstanceProfile>,
    pub password_policy: Option<PasswordPolicy>,
    /// By name: the URL without `https://`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub openid_connect_providers: BTreeMap<Name, OpenIdConnectProvider>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub saml_providers: BTreeMap<Name, SamlProvider>,
    pub account_alias: Option<AccountAlias>,
    /// By service and suffix. Declared ones in a desired account; in a live one, a view of the
    /// roles under `/aws-service-role/` ([`Account::with_service_linked_roles`]), never stored.
    #[serde(skip)]
    pub service_linked_roles: BTreeMap<Name, ServiceLinkedRole>,
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: Name,
    #[serde(default = "root_path")]
    pub path: String,
    pub permissions_boundary: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub groups: BTreeSet<Name>,
    /// ARNs of attached managed policies.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub policies: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inline_policies: InlinePolicies,
    /// Credentials exist only in the live account; a configuration never declares them, but deleting
    /// a user must remove them first.
    #[serde(default, skip_serializing_if = "Credentials::is_empty")]
    pub credentials: Credentials,
    /// Whether the user may sign in to the console (a login profile), when the configuration
    /// says so; `None`: not managed (an existing login profile is left alone).
    pub console_access: Option<ConsoleAccess>,
}

/// `console_access { password_reset_required = … }` (enabled) or `console_access = false`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleAccess {
    pub enabled: bool,
    /// Asked of a new login profile only: the user sets a password at the first sign-in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub password_reset_required: bool,
}

impl User {
    /// What the user's console access is, as `console_access` would say it.
    pub fn observed_console_access(&self) -> ConsoleAccess {
        ConsoleAccess {
            enabled: self.credentials.has_login_profile(),
            password_reset_required: false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: Name,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub policies: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inline_policies: InlinePolicies,
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: Name,
    #[serde(default = "root_path")]
    pub path: String,
    pub description: Option<String>,
    #[serde(default = "default_max_session")]
    pub max_session_duration: u32,
    pub permissions_boundary: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
    pub assume_role_policy: PolicyDocument,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub policies: BTreeSet<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inline_policies: InlinePolicies,
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub name: Name,
    #[serde(default = "root_path")]
    pub path: String,
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
    /// The default version's document.
    pub document: PolicyDocument,
    /// Every stored version, the default one included (live accounts only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<PolicyVersion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyVersion {
    /// `v1`, `v2`, … in creation order.
    pub id: String,
    pub is_default: bool,
    pub document: PolicyDocument,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceProfile {
    pub name: Name,
    #[serde(default = "root_path")]
    pub path: String,
    /// At most one role (an IAM quota).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub roles: BTreeSet<Name>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: Tags,
}

/// The fields of UpdateAccountPasswordPolicy; `None` leaves AWS's default.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordPolicy {
    pub minimum_length: Option<u32>,
    pub require_symbols: Option<bool>,
    pub require_numbers: Option<bool>,
    pub require_uppercase: Option<bool>,
    pub require_lowercase: Option<bool>,
    pub allow_users_to_change_password: Option<bool>,
    pub max_age_days: Option<u32>,
    pub reuse_prevention: Option<u32>,
    pub hard_expiry: Option<bool>,
}

impl PasswordPolicy {
    /// The policy with AWS's defaults left unset: AWS reports a setting at its default (false, 0,
    /// a minimum length of 6) the same as one never set, so `require_symbols = false` in a
    /// configuration must not differ from an account that never set it.
    pub fn without_defaults(&self) -> PasswordPolicy {
        let flag = |b: Option<bool>| b.filter(|b| *b);
        let nonzero = |n: Option<u32>| n.filter(|n| *n != 0);
        PasswordPolicy {
            minimum_length: self.minimum_length.filter(|n| *n != 6),
            require_symbols: flag(self.require_symbols),
            require_numbers: flag(self.require_numbers),
            require_uppercase: flag(self.require_uppercase),
            require_lowercase: flag(self.require_lowercase),
            allow_users_to_change_password: flag(self.allow_users_to_change_password),
            max_age_days: nonzero(self.max_age_days),
            reuse_prevention: nonzero(self.reuse_prevention),
            hard_expiry: flag(self.hard_expiry),
        }
    }
}

pub const DEFAULT_MAX_SESSION_DURATION: u32 = 3600;

fn root_path() -> String {
    "/".to_owned()
}

fn default_max_session() -> u32 {
    DEFAULT_MAX_SESSION_DURATION
}

impl Account {
    /// Addresses of every entity, in a stable order (kinds in [`Kind::ALL`]'s order).
    pub fn addresses(&self) -> Vec<Address> {
        Kind::ALL
            .into_iter()
            .flat_map(|kind| self.names(kind).map(move |n| Address::new(kind, n.clone())))
            .collect()
    }

    /// The names of the entities of `kind`, in order (`account` for a singleton that is set).
    fn names(&self, kind: Kind) -> Box<dyn Iterator<Item = Name> + '_> {
        fn keys<T>(m: &BTreeMap<Name, T>) -> Box<dyn Iterator<Item = Name> + '_> {
            Box::new(m.keys().cloned())
        }
        let singleton = |set: bool| -> Box<dyn Iterator<Item = Name>> {
            Box::new(set.then(|| Address::singleton(kind).name).into_iter())
        };
        match kind {
            Kind::User => keys(&self.users),
            Kind::Group => keys(&self.groups),
            Kind::Role => keys(&self.roles),
            Kind::Policy => keys(&self.policies),
            Kind::InstanceProfile => keys(&self.instance_profiles),
            Kind::OpenIdConnectProvider => keys(&self.openid_connect_providers),
            Kind::SamlProvider => keys(&self.saml_providers),
            Kind::ServiceLinkedRole => keys(&self.service_linked_roles),
            Kind::PasswordPolicy => singleton(self.password_policy.is_some()),
            Kind::AccountAlias => singleton(self.account_alias.is_some()),
        }
    }

    /// The path of an entity, or `None` when it does not exist (or has no path; a service-linked
    /// role's is its role's, `/aws-service-role/SERVICE/`).
    pub fn path_of(&self, address: &Address) -> Option<&str> {
        let n = &address.name;
        match address.kind {
            Kind::User => self.users.get(n).map(|e| e.path.as_str()),
            Kind::Group => self.groups.get(n).map(|e| e.path.as_str()),
            Kind::Role => self.roles.get(n).map(|e| e.path.as_str()),
            Kind::Policy => self.policies.get(n).map(|e| e.path.as_str()),
            Kind::InstanceProfile => self.instance_profiles.get(n).map(|e| e.path.as_str()),
            Kind::ServiceLinkedRole => {
                let role = self.service_linked_roles.get(n)?.role_name.as_ref()?;
                self.roles.get(role).map(|e| e.path.as_str())
            }
            Kind::PasswordPolicy
            | Kind::AccountAlias
            | Kind::OpenIdConnectProvider
            | Kind::SamlProvider => None,
        }
    }

    pub fn contains(&self, address: &Address) -> bool {
        let n = &address.name;
        match address.kind {
            Kind::PasswordPolicy => self.password_policy.is_some(),
            Kind::AccountAlias => self.account_alias.is_some(),
            Kind::OpenIdConnectProvider => self.openid_connect_providers.contains_key(n),
            Kind::SamlProvider => self.saml_providers.contains_key(n),
            Kind::ServiceLinkedRole => self.service_linked_roles.contains_key(n),
            _ => self.path_of(address).is_some(),
        }
    }

    /// This (live) account with its service-linked roles listed from its roles; what a backend's
    /// read returns.
    pub fn with_service_linked_roles(mut self) -> Account {
        self.service_linked_roles = self
            .roles
            .values()
            .filter_map(|r| ServiceLinkedRole::of_role(&r.path, &r.name, r.description.as_ref()))
            .map(|s| (s.name.clone(), s))
            .collect();
        self
    }

    /// The customer managed policy with this ARN, if it is in this account.
    pub fn policy_by_arn(&self, account_id: &str, policy_arn: &str) -> Option<&ManagedPolicy> {
        let name = policy_arn.rsplit('/').next()?;
        self.policies
            .get(&Name::from(name))
            .filter(|p| arn(account_id, Kind::Policy, &p.path, p.name.as_str()) == policy_arn)
    }

    /// Total number of entities, for summaries and benchmarks (a service-linked role of the
    /// live account counts once, as a role).
    pub fn len(&self) -> usize {
        let counted_as_roles = self
            .service_linked_roles
            .values()
            .filter(|s| {
                s.role_name
                    .as_ref()
                    .is_some_and(|r| self.roles.contains_key(r))
            })
            .count();
        Kind::ALL
            .into_iter()
            .map(|k| self.names(k).count())
            .sum::<usize>()
            - counted_as_roles
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_defaults_equal_unset() {
        let declared = PasswordPolicy {
            minimum_length: Some(6),
            require_symbols: Some(false),
            max_age_days: Some(0),
            require_numbers: Some(true),
            ..Default::default()
        };
        let live = PasswordPolicy {
            require_numbers: Some(true),
            ..Default::default()
        };
        assert_eq!(declared.without_defaults(), live.without_defaults());
        let stricter = PasswordPolicy {
            minimum_length: Some(14),
            ..live.clone()
        };
        assert_ne!(stricter.without_defaults(), live.without_defaults());
    }

    #[test]
    fn account_round_trips_through_json() {
        let json = r#"{"users":{"Mary":{"name":"Mary","groups":["accountants"],
            "inline_policies":{"x":{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}}}}"#;
        let a: Account = serde_json::from_str(json).unwrap();
        assert_eq!(a.users[&Name::from("mary")].path, "/");
        let again: Account = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(a, again);
    }
}
