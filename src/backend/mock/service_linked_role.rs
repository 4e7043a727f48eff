//! The mock's service-linked role calls. The role is created under
//! `/aws-service-role/SERVICE/` with the name AWS would give it (`model::iam`), trusting the
//! service; only its description may be changed; DeleteServiceLinkedRole fails while the account
//! file lists resources using the role (`service_linked_roles_in_use`), as AWS's deletion task
//! does, and for the services that never let go of theirs.

use super::find::{self, get_mut};
use super::rules::{self, invalid};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::{self, service_of_linked_role_path};
use crate::model::{Account, Name, PolicyDocument, Role, DEFAULT_MAX_SESSION_DURATION};
use crate::operation::ServiceLinkedRoleOp;

pub(super) fn execute(file: &mut MockFile, op: &ServiceLinkedRoleOp) -> Result<(), BackendError> {
    match op {
        ServiceLinkedRoleOp::CreateServiceLinkedRole {
            aws_service_name: service,
            custom_suffix,
            description,
            ..
        } => {
            iam::check_service_name(service).map_err(invalid)?;
            if let Some(s) = custom_suffix {
                iam::check_custom_suffix(s).map_err(invalid)?;
            }
            rules::role_settings(description.as_deref(), DEFAULT_MAX_SESSION_DURATION)?;
            let name = Name::from(iam::service_linked_role_name(
                service,
                custom_suffix.as_deref(),
            ));
            if file.account.roles.contains_key(&name) {
                return Err(invalid(format!(
                    "Service role name {} has been taken in this account, please try a different suffix.",
                    name.as_str()
                )));
            }
            let trust = PolicyDocument::from_json_str(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
            ))
            .map_err(|e| invalid(e.to_string()))?;
            let role = Role {
                name: name.clone(),
                path: format!("{}{service}/", iam::SERVICE_ROLE_PATH),
                description: description.clone(),
                max_session_duration: DEFAULT_MAX_SESSION_DURATION,
                permissions_boundary: None,
                tags: Default::default(),
                assume_role_policy: trust,
                policies: Default::default(),
                inline_policies: Default::default(),
            };
            find::add(file, &name, role);
        }
        ServiceLinkedRoleOp::UpdateServiceLinkedRoleDescription {
            role_name,
            description,
            ..
        } => {
            rules::role_settings(Some(description), DEFAULT_MAX_SESSION_DURATION)?;
            linked_role(&mut file.account, role_name)?.description = Some(description.clone());
        }
        ServiceLinkedRoleOp::DeleteServiceLinkedRole { role_name, .. } => {
            let service =
                service_of_linked_role_path(&linked_role(&mut file.account, role_name)?.path)
                    .unwrap_or_default()
                    .to_owned();
            if iam::is_reserved_service_linked_role(&service) {
                return Err(BackendError::api(
                    ErrorCode::UnmodifiableEntity,
                    format!(
                        "Service-linked role {} of {service} cannot be deleted.",
                        role_name.as_str()
                    ),
                ));
            }
            if let Some(users) = file.service_linked_roles_in_use.get(role_name) {
                return Err(in_use(role_name, users));
            }
            for p in file.account.instance_profiles.values_mut() {
                p.roles.remove(role_name);
            }
            find::remove::<Role>(file, role_name);
        }
    }
    Ok(())
}

/// AWS's refusal: the deletion task fails while resources of the service use the role.
pub(crate) fn in_use(role_name: &Name, resources: &[String]) -> BackendError {
    BackendError::api(
        ErrorCode::DeleteConflict,
        format!(
            "Service-linked role {} cannot be deleted: resources still use it: {}. Delete them \
             (or stop their use of the service) first.",
            role_name.as_str(),
            resources.join(", ")
        ),
    )
}

/// A role that exists and is a service-linked role.
fn linked_role<'a>(acct: &'a mut Account, name: &Name) -> Result<&'a mut Role, BackendError> {
    let role: &mut Role = get_mut(acct, name)?;
    if service_of_linked_role_path(&role.path).is_none() {
        return Err(invalid(format!(
            "Role {} is not a service-linked role.",
            name.as_str()
        )));
    }
    Ok(role)
}
