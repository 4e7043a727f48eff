//! One address type for every stage: `user.john`, `policy.billing_read`, `password_policy`.
//!
//! Addresses name IAM entities by their IAM name (not the HCL label), so the same address means the
//! same thing in the desired account, the live account, the plan and every error message.

use super::name::Name;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    User,
    Group,
    Role,
    Policy,
    InstanceProfile,
    PasswordPolicy,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::User,
        Kind::Group,
        Kind::Role,
        Kind::Policy,
        Kind::InstanceProfile,
        Kind::PasswordPolicy,
    ];

    /// The keyword used in HCL and in addresses.
    pub fn keyword(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
            Kind::Policy => "policy",
            Kind::InstanceProfile => "instance_profile",
            Kind::PasswordPolicy => "password_policy",
        }
    }

    pub fn from_keyword(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == s)
    }

    /// Plural, for summaries such as "3 users".
    pub fn plural(self) -> &'static str {
        match self {
            Kind::User => "users",
            Kind::Group => "groups",
            Kind::Role => "roles",
            Kind::Policy => "policies",
            Kind::InstanceProfile => "instance profiles",
            Kind::PasswordPolicy => "password policies",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Serialised as its text form (`user.john`), which is what JSON consumers want to match on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Address {
    pub kind: Kind,
    pub name: Name,
}

impl Address {
    pub fn new(kind: Kind, name: impl Into<Name>) -> Self {
        Address {
            kind,
            name: name.into(),
        }
    }

    pub fn password_policy() -> Self {
        Address::new(Kind::PasswordPolicy, "account")
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == Kind::PasswordPolicy {
            return f.write_str("password_policy");
        }
        write!(f, "{}.{}", self.kind, self.name)
    }
}

impl From<Address> for String {
    fn from(a: Address) -> String {
        a.to_string()
    }
}

impl TryFrom<String> for Address {
    type Error = AddressError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Text that is not an address, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AddressError(String);

impl FromStr for Address {
    type Err = AddressError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "password_policy" {
            return Ok(Address::password_policy());
        }
        let (kind, name) = s.split_once('.').ok_or_else(|| {
            AddressError(format!(
                "`{s}` is not an address: expected KIND.NAME, e.g. user.john"
            ))
        })?;
        let kind = Kind::from_keyword(kind).ok_or_else(|| {
            AddressError(format!(
                "`{kind}` is not a kind: expected one of user, group, role, policy, instance_profile"
            ))
        })?;
        if name.is_empty() {
            return Err(AddressError(format!("`{s}` has an empty name")));
        }
        Ok(Address::new(kind, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        for s in [
            "user.john",
            "policy.billing-read",
            "instance_profile.app",
            "password_policy",
            "user.a.b@c",
        ] {
            let a: Address = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
        }
        assert!("bucket.x".parse::<Address>().is_err());
        assert!("user".parse::<Address>().is_err());
    }
}
