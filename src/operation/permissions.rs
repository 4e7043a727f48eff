//! The permissions of an IAM identity — a user, a group or a role — written once for all three:
//! attach and detach a managed policy, put and delete an inline policy. IAM has twelve calls for
//! this (`AttachUserPolicy`, `PutRolePolicy`, …); iamform has one operation with the identity as a
//! parameter, and the call's name from [`CALLS`].

use super::{wire, Access, Call, Effects, Family, Key, Named, WireError};
use crate::model::{Account, Address, Kind, Name, PolicyDocument};
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A user, group or role: what policies are attached to and inline policies belong to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    User(Name),
    Group(Name),
    Role(Name),
}

impl Identity {
    /// The identity of `kind` (a user, group or role) named `name`; `None` for other kinds.
    pub fn of(kind: Kind, name: &Name) -> Option<Identity> {
        match kind {
            Kind::User => Some(Identity::User(name.clone())),
            Kind::Group => Some(Identity::Group(name.clone())),
            Kind::Role => Some(Identity::Role(name.clone())),
            _ => None,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Identity::User(_) => Kind::User,
            Identity::Group(_) => Kind::Group,
            Identity::Role(_) => Kind::Role,
        }
    }

    pub fn name(&self) -> &Name {
        match self {
            Identity::User(n) | Identity::Group(n) | Identity::Role(n) => n,
        }
    }

    pub fn address(&self) -> Address {
        Address::new(self.kind(), self.name().clone())
    }

    fn key(&self) -> Key {
        Key::entity(self.kind(), self.name())
    }

    /// The column of [`CALLS`], and the JSON field naming the identity.
    fn column(&self) -> usize {
        match self {
            Identity::User(_) => 0,
            Identity::Group(_) => 1,
            Identity::Role(_) => 2,
        }
    }
}

impl wire::Column for Identity {
    fn from_column(column: usize, name: Name) -> Identity {
        match column {
            0 => Identity::User(name),
            1 => Identity::Group(name),
            _ => Identity::Role(name),
        }
    }
}

/// The JSON field naming the identity, per column.
const FIELDS: [&str; 3] = ["user", "group", "role"];

/// IAM's call for each change (row, in [`PermissionChange`] order) and identity (column).
const CALLS: [[&str; 3]; 4] = [
    ["AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy"],
    ["DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy"],
    ["PutUserPolicy", "PutGroupPolicy", "PutRolePolicy"],
    ["DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy"],
];

#[derive(Clone, Debug, PartialEq)]
pub enum PermissionChange {
    Attach {
        policy_arn: String,
    },
    Detach {
        policy_arn: String,
    },
    /// Creates or replaces the inline policy `policy_name`.
    Put {
        policy_name: Name,
        document: PolicyDocument,
    },
    Delete {
        policy_name: Name,
    },
}

impl PermissionChange {
    fn row(&self) -> usize {
        match self {
            PermissionChange::Attach { .. } => 0,
            PermissionChange::Detach { .. } => 1,
            PermissionChange::Put { .. } => 2,
            PermissionChange::Delete { .. } => 3,
        }
    }
}

/// One change to the permissions of one identity.
#[derive(Clone, Debug, PartialEq)]
pub struct PermissionOp {
    pub identity: Identity,
    pub change: PermissionChange,
}

impl PermissionOp {
    pub fn attach(identity: Identity, policy_arn: String) -> PermissionOp {
        PermissionOp {
            identity,
            change: PermissionChange::Attach { policy_arn },
        }
    }

    pub fn detach(identity: Identity, policy_arn: String) -> PermissionOp {
        PermissionOp {
            identity,
            change: PermissionChange::Detach { policy_arn },
        }
    }

    pub fn put(identity: Identity, policy_name: Name, document: PolicyDocument) -> PermissionOp {
        PermissionOp {
            identity,
            change: PermissionChange::Put {
                policy_name,
                document,
            },
        }
    }

    pub fn delete(identity: Identity, policy_name: Name) -> PermissionOp {
        PermissionOp {
            identity,
            change: PermissionChange::Delete { policy_name },
        }
    }
}

impl Named for PermissionOp {
    fn api_name(&self) -> &'static str {
        CALLS[self.change.row()][self.identity.column()]
    }

    fn target(&self) -> Address {
        self.identity.address()
    }
}

impl Call for PermissionOp {
    fn effects(&self, _account_id: &str) -> Effects {
        let me = self.identity.key();
        match &self.change {
            PermissionChange::Attach { policy_arn } => {
                let policy = Key::Policy(policy_arn.clone());
                Effects::default()
                    .needs([me.clone(), policy.clone()])
                    .access(Access::Grant, me, Some(policy))
            }
            PermissionChange::Detach { policy_arn } => {
                let policy = Key::Policy(policy_arn.clone());
                Effects::default()
                    .releases([me.clone(), policy.clone()])
                    .access(Access::Revoke, me, Some(policy))
            }
            PermissionChange::Put { .. } => {
                Effects::default()
                    .needs([me.clone()])
                    .access(Access::Grant, me, None)
            }
            PermissionChange::Delete { .. } => {
                Effects::default()
                    .releases([me.clone()])
                    .access(Access::Revoke, me, None)
            }
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let held = match &self.identity {
            Identity::User(n) => live.users.get(n).map(|e| (&e.policies, &e.inline_policies)),
            Identity::Group(n) => live
                .groups
                .get(n)
                .map(|e| (&e.policies, &e.inline_policies)),
            Identity::Role(n) => live.roles.get(n).map(|e| (&e.policies, &e.inline_policies)),
        };
        let Some((policies, inline)) = held else {
            return false;
        };
        match &self.change {
            PermissionChange::Attach { policy_arn } => policies.contains(policy_arn),
            PermissionChange::Detach { policy_arn } => !policies.contains(policy_arn),
            PermissionChange::Put {
                policy_name,
                document,
            } => inline.get(policy_name) == Some(document),
            PermissionChange::Delete { policy_name } => !inline.contains_key(policy_name),
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.change {
            PermissionChange::Attach { policy_arn } | PermissionChange::Detach { policy_arn } => {
                write!(f, " {policy_arn}")
            }
            PermissionChange::Put { policy_name, .. }
            | PermissionChange::Delete { policy_name } => write!(f, " inline {policy_name}"),
        }
    }
}

impl Serialize for PermissionOp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = vec![wire::field(
            FIELDS[self.identity.column()],
            self.identity.name(),
        )];
        match &self.change {
            PermissionChange::Attach { policy_arn } | PermissionChange::Detach { policy_arn } => {
                fields.push(wire::field("policy_arn", policy_arn));
            }
            PermissionChange::Put {
                policy_name,
                document,
            } => {
                fields.push(wire::field("policy_name", policy_name));
                fields.push(wire::field("document", document));
            }
            PermissionChange::Delete { policy_name } => {
                fields.push(wire::field("policy_name", policy_name));
            }
        }
        wire::write(serializer, self.api_name(), &fields)
    }
}

impl Family for PermissionOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        wire::tabled(value, &CALLS, &FIELDS, |fields, row, identity| {
            let change = match row {
                0 => PermissionChange::Attach {
                    policy_arn: fields.get("policy_arn")?,
                },
                1 => PermissionChange::Detach {
                    policy_arn: fields.get("policy_arn")?,
                },
                2 => PermissionChange::Put {
                    policy_name: fields.get("policy_name")?,
                    document: fields.get("document")?,
                },
                _ => PermissionChange::Delete {
                    policy_name: fields.get("policy_name")?,
                },
            };
            Ok(PermissionOp { identity, change })
        })
    }
}
