//! Permissions boundaries of users and roles, written once for both: put and delete.

use super::wire::{self, Column as _};
use super::{Call, Effects, Family, Key, Named, WireError};
use crate::model::{Account, Address, Kind, Name};
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
        [Kind::User, Kind::Role]
            .into_iter()
            .position(|k| k == kind)
            .map(|column| BoundaryTarget::from_column(column, name.clone()))
    }

    /// The column of [`CALLS`] and [`FIELDS`].
    fn column(&self) -> usize {
        usize::from(matches!(self, BoundaryTarget::Role(_)))
    }

    pub fn kind(&self) -> Kind {
        [Kind::User, Kind::Role][self.column()]
    }

    pub fn name(&self) -> &Name {
        let (BoundaryTarget::User(n) | BoundaryTarget::Role(n)) = self;
        n
    }
}

impl wire::Column for BoundaryTarget {
    fn from_column(column: usize, name: Name) -> BoundaryTarget {
        if column == 0 {
            BoundaryTarget::User(name)
        } else {
            BoundaryTarget::Role(name)
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

impl Named for BoundaryOp {
    fn api_name(&self) -> &'static str {
        CALLS[usize::from(self.policy_arn.is_none())][self.target.column()]
    }

    fn target(&self) -> Address {
        Address::new(self.target.kind(), self.target.name().clone())
    }
}

impl Call for BoundaryOp {
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
        let target = wire::field(FIELDS[self.target.column()], self.target.name());
        let arn = self
            .policy_arn
            .as_ref()
            .map(|a| wire::field("policy_arn", a));
        let fields: Vec<wire::Field> = std::iter::once(target).chain(arn).collect();
        wire::write(serializer, self.api_name(), &fields)
    }
}

impl Family for BoundaryOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        wire::tabled(value, &CALLS, &FIELDS, |fields, row, target| {
            let policy_arn = match row {
                0 => Some(fields.get("policy_arn")?),
                _ => None,
            };
            Ok(BoundaryOp { target, policy_arn })
        })
    }
}
