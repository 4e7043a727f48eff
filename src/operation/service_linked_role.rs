//! Calls on service-linked roles: CreateServiceLinkedRole (AWS names the role), a new
//! description (UpdateRole), and DeleteServiceLinkedRole, which AWS carries out later: the
//! backend waits for GetServiceLinkedRoleDeletionStatus, and reports AWS's refusal when
//! resources of the service still use the role.

use super::{named, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name};
use serde::{Deserialize, Serialize};

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum ServiceLinkedRoleOp {
    CreateServiceLinkedRole {
        /// `SERVICE` or `SERVICE_SUFFIX`.
        service_linked_role: Name,
        aws_service_name: String,
        custom_suffix: Option<String>,
        description: Option<String>,
    },
    UpdateServiceLinkedRoleDescription {
        service_linked_role: Name,
        role_name: Name,
        description: String,
    },
    DeleteServiceLinkedRole {
        service_linked_role: Name,
        role_name: Name,
    },
}

named!(ServiceLinkedRoleOp, ServiceLinkedRole, service_linked_role;
    CreateServiceLinkedRole(Create) => "CreateServiceLinkedRole",
    UpdateServiceLinkedRoleDescription(Change) => "UpdateRole",
    DeleteServiceLinkedRole(Delete) => "DeleteServiceLinkedRole");

impl Call for ServiceLinkedRoleOp {
    fn effects(&self, _account_id: &str) -> Effects {
        self.stage().effects(self.key())
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let r = live.service_linked_roles.get(self.service_linked_role());
        self.stage().reached(r, |r| match self {
            ServiceLinkedRoleOp::UpdateServiceLinkedRoleDescription { description, .. } => {
                r.description.as_ref() == Some(description)
            }
            _ => true,
        })
    }
}
