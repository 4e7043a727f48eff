//! Permissions boundaries of users and roles, written once for both: put and delete.

use super::{wire, Call, Effects, Family, Key, WireError};
use crate::model::{Account, Address, Kind, Name};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A user or a role: what can have a permissions boundary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoundaryTarget {
    User(Name),
    Role(Name),
}

impl BoundaryTarget {
    /// The user or role `name`; `None` for other kinds.
    pub fn of(kind: Kind, name: &Name) -> Option<BoundaryTarget> {
        match kind {
            Kind::User => Some(BoundaryTarget::User(name.clone())),
            Kind::Role => Some(BoundaryTarget::Role(name.clone())),
            _ => None,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            BoundaryTarget::User(_) => Kind::User,
            BoundaryTarget::Role(_) => Kind::Role,
        }
    }

    pub fn name(&self) -> &Name {
        match self {
            BoundaryTarget::User(n) | BoundaryTarget::Role(n) => n,
        }
    }

    fn column(&self) -> usize {
        match self {
            BoundaryTarget::User(_) => 0,
            BoundaryTarget::Role(_) => 1,
        }
    }
}

/// The JSON field naming the user or role, per column of [`CALLS`].
const FIELDS: [&str; 2] = ["user", "role"];

/// IAM's call to put (row 0) or delete (row 1) the boundary of a user or a role (columns).
const CALLS: [[&str; 2]; 2] = [
    ["PutUserPermissionsBoundary", "PutRolePermissionsBoundary"],
    [
        "DeleteUserPermissionsBoundary",
        "DeleteRolePermissionsBoundary",
    ],
];

#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryOp {
    pub target: BoundaryTarget,
    /// The boundary policy to set; `None` removes the boundary.
    pub policy_arn: Option<String>,
}

impl Call for BoundaryOp {
    fn api_name(&self) -> &'static str {
        CALLS[usize::from(self.policy_arn.is_none())][self.target.column()]
    }

    fn target(&self) -> Address {
        Address::new(self.target.kind(), self.target.name().clone())
    }

    fn effects(&self, _account_id: &str) -> Effects {
        let me = Key::entity(self.target.kind(), self.target.name());
        match &self.policy_arn {
            Some(arn) => Effects::default().needs([me, Key::Policy(arn.clone())]),
            None => Effects::default().releases([me]),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let now = match &self.target {
            BoundaryTarget::User(n) => live.users.get(n).map(|u| &u.permissions_boundary),
            BoundaryTarget::Role(n) => live.roles.get(n).map(|r| &r.permissions_boundary),
        };
        now == Some(&self.policy_arn)
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.policy_arn {
            Some(arn) => write!(f, " {arn}"),
            None => Ok(()),
        }
    }
}

impl Serialize for BoundaryOp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = usize::from(self.policy_arn.is_some());
        let mut map = wire::object(serializer, self.api_name(), fields + 1)?;
        map.serialize_entry(FIELDS[self.target.column()], self.target.name())?;
        if let Some(arn) = &self.policy_arn {
            map.serialize_entry("policy_arn", arn)?;
        }
        map.end()
    }
}

impl Family for BoundaryOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        let fields = wire::Fields::of(value)?;
        let Some((row, column)) = wire::find(&CALLS, fields.op) else {
            return Ok(None);
        };
        let name: Name = fields.get(FIELDS[column])?;
        let target = match column {
            0 => BoundaryTarget::User(name),
            _ => BoundaryTarget::Role(name),
        };
        let policy_arn = match row {
            0 => Some(fields.get("policy_arn")?),
            _ => None,
        };
        Ok(Some(BoundaryOp { target, policy_arn }))
    }
}
