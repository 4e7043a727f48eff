//! Tags, written once for every kind IAM lets you tag: users, roles, managed policies (by ARN),
//! instance profiles, OpenID Connect and SAML providers (by name here, by ARN in the API; groups
//! cannot be tagged). A kind that can be tagged is a column of
//! [`CALLS`] and a variant of [`TagTarget`].

use super::{policy_address, wire, Call, Effects, Family, Key, Named, WireError};
use crate::model::{Account, Address, Kind, Name, Tags};
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// What a tag call acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagTarget {
    User(Name),
    Role(Name),
    /// Managed policies are tagged by ARN.
    Policy(String),
    InstanceProfile(Name),
    OpenIdConnectProvider(Name),
    SamlProvider(Name),
}

/// The JSON field naming the target, per column of [`CALLS`].
const FIELDS: [&str; 6] = [
    "user",
    "role",
    "policy_arn",
    "instance_profile",
    "openid_connect_provider",
    "saml_provider",
];

/// IAM's call to tag (row 0) or untag (row 1) each kind of target (columns).
const CALLS: [[&str; 6]; 2] = [
    [
        "TagUser",
        "TagRole",
        "TagPolicy",
        "TagInstanceProfile",
        "TagOpenIDConnectProvider",
        "TagSAMLProvider",
    ],
    [
        "UntagUser",
        "UntagRole",
        "UntagPolicy",
        "UntagInstanceProfile",
        "UntagOpenIDConnectProvider",
        "UntagSAMLProvider",
    ],
];

impl TagTarget {
    /// The tag target of an entity; a managed policy needs its ARN. `None` for what cannot be
    /// tagged.
    pub fn of(kind: Kind, name: &Name, policy_arn: Option<&str>) -> Option<TagTarget> {
        match (kind, policy_arn) {
            (Kind::Policy, Some(arn)) => Some(TagTarget::Policy(arn.to_owned())),
            (Kind::User, _) => Some(TagTarget::User(name.clone())),
            (Kind::Role, _) => Some(TagTarget::Role(name.clone())),
            (Kind::InstanceProfile, _) => Some(TagTarget::InstanceProfile(name.clone())),
            (Kind::OpenIdConnectProvider, _) => {
                Some(TagTarget::OpenIdConnectProvider(name.clone()))
            }
            (Kind::SamlProvider, _) => Some(TagTarget::SamlProvider(name.clone())),
            _ => None,
        }
    }

    fn column(&self) -> usize {
        match self {
            TagTarget::User(_) => 0,
            TagTarget::Role(_) => 1,
            TagTarget::Policy(_) => 2,
            TagTarget::InstanceProfile(_) => 3,
            TagTarget::OpenIdConnectProvider(_) => 4,
            TagTarget::SamlProvider(_) => 5,
        }
    }

    /// The name (or, for a policy, the ARN) the call passes.
    pub fn id(&self) -> &str {
        match self {
            TagTarget::User(n)
            | TagTarget::Role(n)
            | TagTarget::InstanceProfile(n)
            | TagTarget::OpenIdConnectProvider(n)
            | TagTarget::SamlProvider(n) => n.as_str(),
            TagTarget::Policy(arn) => arn,
        }
    }

    fn key(&self) -> Key {
        match self {
            TagTarget::Policy(arn) => Key::Policy(arn.clone()),
            _ => {
                let a = self.address();
                Key::Entity(a.kind, a.name)
            }
        }
    }

    pub fn address(&self) -> Address {
        match self {
            TagTarget::User(n) => Address::new(Kind::User, n.clone()),
            TagTarget::Role(n) => Address::new(Kind::Role, n.clone()),
            TagTarget::Policy(arn) => policy_address(arn),
            TagTarget::InstanceProfile(n) => Address::new(Kind::InstanceProfile, n.clone()),
            TagTarget::OpenIdConnectProvider(n) => {
                Address::new(Kind::OpenIdConnectProvider, n.clone())
            }
            TagTarget::SamlProvider(n) => Address::new(Kind::SamlProvider, n.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum TagChange {
    /// Adds these tags, or changes their values.
    Set(Tags),
    /// Removes the tags with these keys.
    Unset(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TagOp {
    pub target: TagTarget,
    pub change: TagChange,
}

impl Named for TagOp {
    fn api_name(&self) -> &'static str {
        let row = usize::from(matches!(self.change, TagChange::Unset(_)));
        CALLS[row][self.target.column()]
    }

    fn target(&self) -> Address {
        self.target.address()
    }
}

impl Call for TagOp {
    fn effects(&self, _account_id: &str) -> Effects {
        Effects::changing(self.target.key())
    }

    fn achieved(&self, live: &Account, account_id: &str) -> bool {
        let tags = match &self.target {
            TagTarget::User(n) => live.users.get(n).map(|e| &e.tags),
            TagTarget::Role(n) => live.roles.get(n).map(|e| &e.tags),
            TagTarget::Policy(arn) => live.policy_by_arn(account_id, arn).map(|e| &e.tags),
            TagTarget::InstanceProfile(n) => live.instance_profiles.get(n).map(|e| &e.tags),
            TagTarget::OpenIdConnectProvider(n) => {
                live.openid_connect_providers.get(n).map(|e| &e.tags)
            }
            TagTarget::SamlProvider(n) => live.saml_providers.get(n).map(|e| &e.tags),
        };
        let Some(tags) = tags else {
            return false;
        };
        match &self.change {
            TagChange::Set(set) => set.iter().all(|(k, v)| tags.get(k) == Some(v)),
            TagChange::Unset(keys) => keys.iter().all(|k| !tags.contains_key(k)),
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<&str> = match &self.change {
            TagChange::Set(tags) => tags.keys().map(String::as_str).collect(),
            TagChange::Unset(keys) => keys.iter().map(String::as_str).collect(),
        };
        write!(f, " {}", keys.join(","))
    }
}

impl Serialize for TagOp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let target = wire::field(FIELDS[self.target.column()], &self.target.id());
        let change = match &self.change {
            TagChange::Set(tags) => wire::field("tags", tags),
            TagChange::Unset(keys) => wire::field("keys", keys),
        };
        wire::write(serializer, self.api_name(), &[target, change])
    }
}

impl Family for TagOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        let Some((fields, row, column)) = wire::call(value, &CALLS)? else {
            return Ok(None);
        };
        let field = FIELDS[column];
        let target = match column {
            0 => TagTarget::User(fields.get(field)?),
            1 => TagTarget::Role(fields.get(field)?),
            2 => TagTarget::Policy(fields.get(field)?),
            3 => TagTarget::InstanceProfile(fields.get(field)?),
            4 => TagTarget::OpenIdConnectProvider(fields.get(field)?),
            _ => TagTarget::SamlProvider(fields.get(field)?),
        };
        let change = match row {
            0 => TagChange::Set(fields.get("tags")?),
            _ => TagChange::Unset(fields.get("keys")?),
        };
        Ok(Some(TagOp { target, change }))
    }
}
