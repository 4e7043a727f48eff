//! Calls on instance profiles: create, delete, and the role each holds (at most one).

use super::{named, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name, Tags};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum InstanceProfileOp {
    CreateInstanceProfile {
        instance_profile: Name,
        path: String,
        tags: Tags,
    },
    DeleteInstanceProfile {
        instance_profile: Name,
    },
    AddRoleToInstanceProfile {
        instance_profile: Name,
        role: Name,
    },
    RemoveRoleFromInstanceProfile {
        instance_profile: Name,
        role: Name,
    },
}

named!(InstanceProfileOp, InstanceProfile, instance_profile;
    CreateInstanceProfile(Create) => "CreateInstanceProfile",
    DeleteInstanceProfile(Delete) => "DeleteInstanceProfile",
    AddRoleToInstanceProfile(Change) => "AddRoleToInstanceProfile",
    RemoveRoleFromInstanceProfile(Change) => "RemoveRoleFromInstanceProfile");

impl Call for InstanceProfileOp {
    /// A profile holds one role: the old one is removed before another is added.
    fn effects(&self, _account_id: &str) -> Effects {
        let me = self.key();
        match self {
            InstanceProfileOp::AddRoleToInstanceProfile { role, .. } => Effects::default()
                .needs([me.clone(), Key::entity(Kind::Role, role)])
                .fills([me]),
            InstanceProfileOp::RemoveRoleFromInstanceProfile { role, .. } => Effects::default()
                .releases([me.clone(), Key::entity(Kind::Role, role)])
                .frees([me]),
            _ => self.stage().effects(me),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let profile = live.instance_profiles.get(self.instance_profile());
        match self {
            InstanceProfileOp::CreateInstanceProfile { path, .. } => {
                profile.is_some_and(|p| p.path == *path)
            }
            InstanceProfileOp::DeleteInstanceProfile { .. } => profile.is_none(),
            InstanceProfileOp::AddRoleToInstanceProfile { role, .. } => {
                profile.is_some_and(|p| p.roles.contains(role))
            }
            InstanceProfileOp::RemoveRoleFromInstanceProfile { role, .. } => {
                profile.is_none_or(|p| !p.roles.contains(role))
            }
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceProfileOp::AddRoleToInstanceProfile { role, .. }
            | InstanceProfileOp::RemoveRoleFromInstanceProfile { role, .. } => {
                write!(f, " role.{role}")
            }
            _ => Ok(()),
        }
    }
}
