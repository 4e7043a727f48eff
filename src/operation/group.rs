//! Calls on groups: create, move, rename, delete.

use super::{wire, Call, Effects, Family, Key, WireError};
use crate::model::{Account, Address, Kind, Name};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum GroupOp {
    CreateGroup {
        group: Name,
        path: String,
    },
    UpdateGroupPath {
        group: Name,
        path: String,
    },
    /// Renames a group (UpdateGroup NewGroupName); its members and policies follow.
    RenameGroup {
        group: Name,
        new_name: Name,
    },
    DeleteGroup {
        group: Name,
    },
}

impl GroupOp {
    /// The group the call acts on (its old name, for a rename).
    pub fn group(&self) -> &Name {
        match self {
            GroupOp::CreateGroup { group, .. }
            | GroupOp::UpdateGroupPath { group, .. }
            | GroupOp::RenameGroup { group, .. }
            | GroupOp::DeleteGroup { group } => group,
        }
    }
}

impl Call for GroupOp {
    fn api_name(&self) -> &'static str {
        match self {
            GroupOp::CreateGroup { .. } => "CreateGroup",
            GroupOp::UpdateGroupPath { .. } | GroupOp::RenameGroup { .. } => "UpdateGroup",
            GroupOp::DeleteGroup { .. } => "DeleteGroup",
        }
    }

    fn target(&self) -> Address {
        Address::new(Kind::Group, self.group().clone())
    }

    fn effects(&self, _account_id: &str) -> Effects {
        let me = Key::entity(Kind::Group, self.group());
        match self {
            GroupOp::CreateGroup { .. } => Effects::default().creates([me]),
            GroupOp::UpdateGroupPath { .. } => Effects::default().needs([me]),
            GroupOp::RenameGroup { new_name, .. } => {
                Effects::default().creates([Key::entity(Kind::Group, new_name)])
            }
            GroupOp::DeleteGroup { .. } => Effects::default().deletes([me]),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let group = live.groups.get(self.group());
        match self {
            GroupOp::CreateGroup { path, .. } | GroupOp::UpdateGroupPath { path, .. } => {
                group.is_some_and(|g| g.path == *path)
            }
            GroupOp::RenameGroup {
                group: old,
                new_name,
            } => {
                live.groups
                    .get(new_name)
                    .is_some_and(|g| g.name.as_str() == new_name.as_str())
                    && (old == new_name || !live.groups.contains_key(old))
            }
            GroupOp::DeleteGroup { .. } => group.is_none(),
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupOp::UpdateGroupPath { path, .. } => write!(f, " path {path}"),
            GroupOp::RenameGroup { new_name, .. } => write!(f, " new name {new_name}"),
            _ => Ok(()),
        }
    }
}

impl Family for GroupOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        wire::derived(value)
    }
}
