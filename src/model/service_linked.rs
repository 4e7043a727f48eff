//! Service-linked roles: roles an AWS service defines and IAM creates for it
//! (`CreateServiceLinkedRole`), at the path `/aws-service-role/SERVICE/`, named by AWS
//! (`AWSServiceRoleForECS`, `AWSServiceRoleForAutoScaling_SUFFIX`).
//!
//! A configuration cannot know the name AWS will choose, so a service-linked role is known by its
//! service and custom suffix: its name here is `SERVICE` or `SERVICE_SUFFIX`
//! (`service_linked_role.autoscaling.amazonaws.com_ci`). The live ones are the roles under
//! `/aws-service-role/` (`Account::with_service_linked_roles`), which stay in `Account::roles` too (the access questions
//! and the audit see every role).

use super::iam;
use super::name::Name;
use serde::{Deserialize, Serialize};

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLinkedRole {
    /// `SERVICE` or `SERVICE_SUFFIX` ([`ServiceLinkedRole::key`]).
    pub name: Name,
    /// The service principal, e.g. `ecs.amazonaws.com`.
    pub aws_service_name: String,
    pub custom_suffix: Option<String>,
    /// `None` in a configuration that does not set it: AWS's own description is left alone.
    pub description: Option<String>,
    /// The role's name, chosen by AWS (live accounts only).
    pub role_name: Option<Name>,
}

impl ServiceLinkedRole {
    /// The name a service-linked role is known by: `SERVICE`, or `SERVICE_SUFFIX`.
    pub fn key(service: &str, suffix: Option<&str>) -> Name {
        match suffix {
            Some(s) => Name::from(format!("{service}_{s}")),
            None => Name::from(service),
        }
    }

    /// The service-linked role a role (its path, name and description) is, when it is one: its
    /// path is `/aws-service-role/SERVICE/`.
    pub fn of_role(
        path: &str,
        role_name: &Name,
        description: Option<&String>,
    ) -> Option<ServiceLinkedRole> {
        let service = iam::service_of_linked_role_path(path)?;
        let suffix = iam::custom_suffix_of(service, role_name.as_str());
        Some(ServiceLinkedRole {
            name: ServiceLinkedRole::key(service, suffix),
            aws_service_name: service.to_owned(),
            custom_suffix: suffix.map(str::to_owned),
            description: description.cloned(),
            role_name: Some(role_name.clone()),
        })
    }
}
