//! Calls on roles: create (with the trust policy), update description and session duration,
//! replace the trust policy, delete.

use super::{named, trusted, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name, PolicyDocument, Tags};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum RoleOp {
    CreateRole {
        role: Name,
        path: String,
        assume_role_policy: PolicyDocument,
        description: Option<String>,
        max_session_duration: u32,
        permissions_boundary: Option<String>,
        tags: Tags,
    },
    UpdateRole {
        role: Name,
        description: Option<String>,
        max_session_duration: u32,
    },
    UpdateAssumeRolePolicy {
        role: Name,
        document: PolicyDocument,
    },
    DeleteRole {
        role: Name,
    },
}

named!(RoleOp, Role, role; CreateRole(Create) => "CreateRole", UpdateRole(Change) => "UpdateRole",
    UpdateAssumeRolePolicy(Change) => "UpdateAssumeRolePolicy", DeleteRole(Delete) => "DeleteRole");

impl Call for RoleOp {
    fn effects(&self, account_id: &str) -> Effects {
        let me = self.key();
        match self {
            RoleOp::CreateRole {
                assume_role_policy,
                permissions_boundary,
                ..
            } => Effects::default()
                .creates([me])
                .needs(permissions_boundary.clone().map(Key::Policy))
                .trusts(trusted(assume_role_policy, account_id)),
            RoleOp::UpdateAssumeRolePolicy { document, .. } => Effects::default()
                .needs([me])
                .trusts(trusted(document, account_id)),
            RoleOp::UpdateRole { .. } | RoleOp::DeleteRole { .. } => self.stage().effects(me),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let role = live.roles.get(self.role());
        match self {
            RoleOp::CreateRole { path, .. } => role.is_some_and(|r| r.path == *path),
            RoleOp::UpdateRole {
                description,
                max_session_duration,
                ..
            } => role.is_some_and(|r| {
                r.description == *description && r.max_session_duration == *max_session_duration
            }),
            RoleOp::UpdateAssumeRolePolicy { document, .. } => {
                role.is_some_and(|r| r.assume_role_policy == *document)
            }
            RoleOp::DeleteRole { .. } => role.is_none(),
        }
    }
}
