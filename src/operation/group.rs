//! Calls on groups: create, move, rename, delete.

use super::{named, renamed, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name};
use serde::{Deserialize, Serialize};
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

named!(GroupOp, Group, group;
    CreateGroup(Create) => "CreateGroup", UpdateGroupPath(Change) => "UpdateGroup",
    RenameGroup(Change) => "UpdateGroup", DeleteGroup(Delete) => "DeleteGroup");

impl Call for GroupOp {
    fn effects(&self, _account_id: &str) -> Effects {
        match self {
            GroupOp::RenameGroup { new_name, .. } => {
                Effects::creating(Key::entity(Kind::Group, new_name))
            }
            _ => self.stage().effects(self.key()),
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
            } => renamed(&live.groups, old, new_name, |g| &g.name),
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
