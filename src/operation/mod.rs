//! Operations: one IAM API call each. A plan is a DAG of these; a backend executes them.
//!
//! Operations carry everything the call needs (names, ARNs, documents), so that applying a plan
//! needs only the plan and a backend. Policies are addressed by ARN, as the API does.
//!
//! They come in families, one file each: the calls of one kind of entity (`user`, `group`,
//! `role`, `policy`, `instance_profile`, `oidc_provider`, `saml_provider`,
//! `service_linked_role`, `account`: the password policy and the alias), and the calls IAM has for several kinds at
//! once, written once for all of them (`permissions`: attach, detach, put and delete policies of a
//! user, group or role; `boundary`; `tags`). Each family says, per call, its API name, the entity it
//! acts on, its one-line description and its [`Effects`] — the single description of what a call
//! creates, removes, needs and releases that plan ordering, retries, the guard and `--target` read.
//!
//! A new kind of entity is a new family file, a row in [`families!`] and a file per backend.

mod account;
mod boundary;
mod effects;
#[cfg(test)]
pub(crate) mod examples;
mod group;
mod instance_profile;
mod oidc_provider;
mod permissions;
mod policy;
mod role;
mod saml_provider;
mod secret;
mod service_linked_role;
mod tags;
mod user;
mod wire;

pub use account::AccountOp;
pub use boundary::{BoundaryOp, BoundaryTarget};
pub use effects::{Access, Effects, Key};
pub use group::GroupOp;
pub use instance_profile::InstanceProfileOp;
pub use oidc_provider::OidcProviderOp;
pub use permissions::{Identity, PermissionChange, PermissionOp};
pub use policy::PolicyOp;
pub use role::RoleOp;
pub use saml_provider::SamlProviderOp;
pub use secret::Secret;
pub use service_linked_role::ServiceLinkedRoleOp;
pub use tags::{TagChange, TagOp, TagTarget};
pub use user::UserOp;
pub use wire::WireError;

use crate::model::{Account, Address, Arn, Kind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// IAM API calls made, per action name (`CreateUser`: 3).
pub type CallCounts = BTreeMap<String, u64>;

/// What each family says about each of its calls: its name and the entity it acts on...
pub(crate) trait Named {
    /// The IAM API action, e.g. `AttachGroupPolicy`; used for call counts and messages.
    fn api_name(&self) -> &'static str;
    /// The entity the call acts on (for a managed policy: its name, taken from the ARN).
    fn target(&self) -> Address;
}

/// ...and what it does.
pub(crate) trait Call: Named {
    /// What the call does to the account; `account_id` tells which ARNs name its own entities.
    fn effects(&self, account_id: &str) -> Effects;
    /// Whether `live` shows the state this call leads to (it took effect, even if its answer
    /// was lost on the way back).
    fn achieved(&self, live: &Account, account_id: &str) -> bool;
    /// What the one-line form shows after `API target`, e.g. ` group.web` (empty by default).
    fn fmt_detail(&self, _f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

/// What a call does to the entity it acts on, as its family's table ([`named!`]) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Creates it.
    Create,
    /// Changes it in place, or what it holds.
    Change,
    /// Deletes it.
    Delete,
}

impl Stage {
    /// The effects of a call that does this to `key` and nothing else.
    fn effects(self, key: Key) -> Effects {
        match self {
            Stage::Create => Effects::creating(key),
            Stage::Change => Effects::changing(key),
            Stage::Delete => Effects::deleting(key),
        }
    }

    /// Whether `entity`, as the live account shows it, is as the call leaves it: gone after a
    /// delete, else there and as `check` wants it.
    fn reached<T>(self, entity: Option<&T>, check: impl FnOnce(&T) -> bool) -> bool {
        match self {
            Stage::Create | Stage::Change => entity.is_some_and(check),
            Stage::Delete => entity.is_none(),
        }
    }
}

/// [`Named`] for a family whose calls all act on one entity of `$kind`, named by the field
/// `$field` of every call: an accessor `$field()`, each call's IAM API name, and its [`Stage`]
/// (`CreateGroup(Create) => "CreateGroup"`).
macro_rules! named {
    ($family:ident, $kind:ident, $field:ident;
        $($variant:ident($stage:ident) => $api:literal),* $(,)?) => {
        impl $family {
            /// The entity the call acts on (its old name, for a rename).
            pub fn $field(&self) -> &crate::model::Name {
                match self {
                    $($family::$variant { $field, .. } => $field),*
                }
            }

            /// The key of the entity the call acts on, for its effects.
            fn key(&self) -> Key {
                Key::entity(Kind::$kind, self.$field())
            }

            /// What the call does to the entity it acts on.
            fn stage(&self) -> super::Stage {
                match self {
                    $($family::$variant { .. } => super::Stage::$stage),*
                }
            }
        }

        impl super::Named for $family {
            fn api_name(&self) -> &'static str {
                match self {
                    $($family::$variant { .. } => $api),*
                }
            }

            fn target(&self) -> Address {
                Address::new(Kind::$kind, self.$field().clone())
            }
        }
    };
}
pub(crate) use named;

/// A family of operations: its calls, and its part of the JSON form.
trait Family: Call + Serialize + Sized {
    /// The operation `value` holds, or `Ok(None)` when its `op` is a call of another family.
    fn parse(value: &Value) -> Result<Option<Self>, WireError>;
}

/// Declares [`Operation`] over the families, with everything that dispatches to them. A family
/// marked `derived` has serde's JSON form (its `op` tag and fields, derived) and parses with
/// [`wire::derived`]; the others implement [`Family`] themselves.
macro_rules! families {
    ($($variant:ident($family:ty) $($derived:ident)?),* $(,)?) => {
        /// One IAM API call, of one family.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Operation {
            $($variant($family)),*
        }

        $($(impl Family for $family {
            fn parse(value: &Value) -> Result<Option<Self>, WireError> {
                wire::$derived(value)
            }
        })?)*

        $(impl From<$family> for Operation {
            fn from(op: $family) -> Operation {
                Operation::$variant(op)
            }
        })*

        impl Operation {
            fn call(&self) -> &dyn Call {
                match self {
                    $(Operation::$variant(op) => op),*
                }
            }
        }

        impl Serialize for Operation {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Operation::$variant(op) => op.serialize(serializer)),*
                }
            }
        }

        /// The operation a plan's JSON object holds, trying each family in turn.
        fn parse(value: &Value) -> Result<Operation, WireError> {
            $(if let Some(op) = <$family as Family>::parse(value)? {
                return Ok(op.into());
            })*
            let op = wire::Fields::of(value)?.op;
            Err(WireError::new(format!("`{op}` is not an operation iamform makes")))
        }
    };
}

families! {
    User(UserOp) derived,
    Group(GroupOp) derived,
    Role(RoleOp) derived,
    Policy(PolicyOp) derived,
    InstanceProfile(InstanceProfileOp) derived,
    Account(AccountOp) derived,
    Permission(PermissionOp),
    Boundary(BoundaryOp),
    Tag(TagOp),
    OpenIdConnectProvider(OidcProviderOp) derived,
    SamlProvider(SamlProviderOp) derived,
    ServiceLinkedRole(ServiceLinkedRoleOp) derived,
}

impl Operation {
    /// The IAM API action name, e.g. `AttachGroupPolicy`; used for call counts and messages.
    pub fn api_name(&self) -> &'static str {
        self.call().api_name()
    }

    /// The entity this call acts on (for a policy: its name, taken from the ARN).
    pub fn target(&self) -> Address {
        self.call().target()
    }

    /// What this call does to the account of `account_id`.
    pub fn effects(&self, account_id: &str) -> Effects {
        self.call().effects(account_id)
    }

    /// Whether `live` (the account of `account_id`) shows the state this call leads to.
    pub fn achieved(&self, live: &Account, account_id: &str) -> bool {
        self.call().achieved(live, account_id)
    }
}

impl<'de> Deserialize<'de> for Operation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Operation, D::Error> {
        let value = Value::deserialize(deserializer)?;
        parse(&value).map_err(serde::de::Error::custom)
    }
}

/// One line per operation, e.g. `AttachGroupPolicy group.web arn:aws:iam::aws:policy/ReadOnlyAccess`.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api_name(), self.target())?;
        self.call().fmt_detail(f)
    }
}

/// The managed policy an ARN names, as an address (its last path segment when it is no ARN).
fn policy_address(policy_arn: &str) -> Address {
    Arn::parse(policy_arn)
        .ok()
        .and_then(|a| a.entity_address())
        .unwrap_or_else(|| {
            Address::new(
                Kind::Policy,
                policy_arn.rsplit('/').next().unwrap_or(policy_arn),
            )
        })
}

/// Whether `entities` shows `old` renamed to `new`: `new` exists, spelled so, and `old` is gone
/// (unless only the case changed).
fn renamed<T>(
    entities: &BTreeMap<crate::model::Name, T>,
    old: &crate::model::Name,
    new: &crate::model::Name,
    name_of: impl Fn(&T) -> &crate::model::Name,
) -> bool {
    let spelled = entities
        .get(new)
        .is_some_and(|e| name_of(e).as_str() == new.as_str());
    spelled && (old == new || !entities.contains_key(old))
}

/// What of `account_id` a trust policy names and IAM wants to exist: users and roles, OIDC and
/// SAML providers.
pub(crate) fn trusted(doc: &crate::model::PolicyDocument, account_id: &str) -> Vec<Key> {
    let mut out: Vec<Key> = Vec::new();
    for a in doc
        .principal_values()
        .filter_map(|v| Arn::parse(v).ok()?.trusted_in(account_id))
    {
        let key = Key::Entity(a.kind, a.name);
        if !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

#[cfg(test)]
mod tests;
