//! One address type for every stage: `user.john`, `policy.billing_read`, `password_policy`.
//!
//! Addresses name IAM entities by their IAM name (not the HCL label), so the same address means the
//! same thing in the desired account, the live account, the plan and every error message.

use super::name::Name;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How the entities of a kind are told apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// By name, and they live under an IAM path (scopes own them by path).
    Path,
    /// By name, without a path: providers, service-linked roles (scopes own them by kind).
    Pathless,
    /// One per account: the password policy, the account alias.
    Singleton,
}

/// Declares [`Kind`] from one table: variant, keyword (HCL and addresses), singular and plural
/// (for summaries), [`Shape`].
macro_rules! kinds {
    ($($variant:ident => $keyword:literal, $singular:literal, $plural:literal, $shape:ident;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Kind {
            $(#[serde(rename = $keyword)] $variant),*
        }

        impl Kind {
            pub const ALL: [Kind; [$(Kind::$variant),*].len()] = [$(Kind::$variant),*];

            /// The keyword used in HCL and in addresses.
            pub fn keyword(self) -> &'static str {
                match self {
                    $(Kind::$variant => $keyword),*
                }
            }

            /// Singular, for summaries such as "1 user".
            pub fn singular(self) -> &'static str {
                match self {
                    $(Kind::$variant => $singular),*
                }
            }

            /// Plural, for summaries such as "3 users".
            pub fn plural(self) -> &'static str {
                match self {
                    $(Kind::$variant => $plural),*
                }
            }

            pub fn shape(self) -> Shape {
                match self {
                    $(Kind::$variant => Shape::$shape),*
                }
            }
        }
    };
}

kinds! {
    User => "user", "user", "users", Path;
    Group => "group", "group", "groups", Path;
    Role => "role", "role", "roles", Path;
    Policy => "policy", "policy", "policies", Path;
    InstanceProfile => "instance_profile", "instance profile", "instance profiles", Path;
    PasswordPolicy => "password_policy", "password policy", "password policies", Singleton;
    OpenIdConnectProvider => "openid_connect_provider", "OpenID Connect provider",
        "OpenID Connect providers", Pathless;
    SamlProvider => "saml_provider", "SAML provider", "SAML providers", Pathless;
    AccountAlias => "account_alias", "account alias", "account aliases", Singleton;
    ServiceLinkedRole => "service_linked_role", "service-linked role", "service-linked roles",
        Pathless;
}

impl Kind {
    pub fn from_keyword(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.keyword() == s)
    }

    /// Whether there is at most one of this kind per account (its address is its keyword).
    pub fn is_singleton(self) -> bool {
        self.shape() == Shape::Singleton
    }

    /// The keywords of every kind, for messages: "user, group, …".
    pub fn keywords() -> String {
        Kind::ALL.map(Kind::keyword).join(", ")
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

    /// The address of the one entity of a singleton kind: `password_policy`, `account_alias`.
    pub fn singleton(kind: Kind) -> Self {
        Address::new(kind, "account")
    }

    pub fn password_policy() -> Self {
        Address::singleton(Kind::PasswordPolicy)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind.is_singleton() {
            return f.write_str(self.kind.keyword());
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
        if let Some(kind) = Kind::from_keyword(s).filter(|k| k.is_singleton()) {
            return Ok(Address::singleton(kind));
        }
        let (kind, name) = s.split_once('.').ok_or_else(|| {
            AddressError(format!(
                "`{s}` is not an address: expected KIND.NAME, e.g. user.john"
            ))
        })?;
        let kind = Kind::from_keyword(kind).ok_or_else(|| {
            AddressError(format!(
                "`{kind}` is not a kind: expected one of {}",
                Kind::keywords()
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
            "account_alias",
            "openid_connect_provider.token.actions.githubusercontent.com",
            "saml_provider.okta",
            "service_linked_role.autoscaling.amazonaws.com_ci",
            "user.a.b@c",
        ] {
            let a: Address = s.parse().unwrap();
            assert_eq!(a.to_string(), s);
        }
        assert!("bucket.x".parse::<Address>().is_err());
        assert!("user".parse::<Address>().is_err());
    }
}
