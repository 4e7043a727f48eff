//! The aws backend's service-linked role calls. CreateServiceLinkedRole of a role the account
//! already has (created since the plan read it) adopts it; DeleteServiceLinkedRole starts a task
//! that AWS runs later, so the call waits for GetServiceLinkedRoleDeletionStatus and reports
//! AWS's refusal (resources of the service still using the role) as a DeleteConflict naming them.

use super::request::{ask, send};
use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::operation::{Named as _, ServiceLinkedRoleOp};
use aws_sdk_iam::types::DeletionTaskStatusType;
use std::time::Duration;

/// How long a deletion is waited for; AWS usually takes seconds, sometimes minutes.
const DELETION_WAIT: Duration = Duration::from_secs(15 * 60);

pub(super) async fn execute(b: &AwsBackend, op: &ServiceLinkedRoleOp) -> Result<(), BackendError> {
    let api = op.api_name();
    match op {
        ServiceLinkedRoleOp::CreateServiceLinkedRole {
            aws_service_name,
            custom_suffix,
            description,
            ..
        } => {
            let (suffix, description) = (custom_suffix.clone(), description.clone());
            let created = send(b, api, |iam| {
                iam.create_service_linked_role()
                    .aws_service_name(aws_service_name)
                    .set_custom_suffix(suffix)
                    .set_description(description)
                    .send()
            })
            .await;
            match created {
                Err(e) if taken(&e) => {
                    tracing::info!(service = %aws_service_name, "the service-linked role exists already: adopted");
                    Ok(())
                }
                other => other,
            }
        }
        ServiceLinkedRoleOp::UpdateServiceLinkedRoleDescription {
            role_name,
            description,
            ..
        } => {
            let r = role_name.as_str();
            send(b, api, |iam| {
                iam.update_role()
                    .role_name(r)
                    .description(description)
                    .send()
            })
            .await
        }
        ServiceLinkedRoleOp::DeleteServiceLinkedRole { role_name, .. } => {
            let r = role_name.as_str();
            let task = ask(b, api, |iam| {
                iam.delete_service_linked_role().role_name(r).send()
            })
            .await?;
            wait_for_deletion(b, r, task.deletion_task_id()).await
        }
    }
}

/// IAM's answer when the role exists: `InvalidInput` "… has been taken in this account" (moto
/// says `EntityAlreadyExists`).
fn taken(e: &BackendError) -> bool {
    match e {
        BackendError::Api {
            code: ErrorCode::EntityAlreadyExists,
            ..
        } => true,
        BackendError::Api {
            code: ErrorCode::InvalidInput,
            message,
        } => message.contains("has been taken"),
        BackendError::Setup(_) => false,
        BackendError::Api { .. } => false,
    }
}

async fn wait_for_deletion(b: &AwsBackend, role: &str, task: &str) -> Result<(), BackendError> {
    let started = tokio::time::Instant::now();
    let mut pause = Duration::from_millis(500);
    loop {
        let status = ask(b, "GetServiceLinkedRoleDeletionStatus", |iam| {
            iam.get_service_linked_role_deletion_status()
                .deletion_task_id(task)
                .send()
        })
        .await?;
        match status.status() {
            DeletionTaskStatusType::Succeeded => return Ok(()),
            DeletionTaskStatusType::Failed => {
                let reason = status.reason();
                let resources: Vec<String> = reason
                    .map(|r| r.role_usage_list())
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|u| {
                        let region = u.region().unwrap_or("?").to_owned();
                        u.resources().iter().map(move |r| format!("{r} ({region})"))
                    })
                    .collect();
                let why = reason.and_then(|r| r.reason()).unwrap_or("no reason given");
                return Err(BackendError::api(
                    ErrorCode::DeleteConflict,
                    format!(
                        "AWS refused to delete the service-linked role {role}: {why}; resources still using it: {}",
                        if resources.is_empty() { "none listed".to_owned() } else { resources.join(", ") }
                    ),
                ));
            }
            _ if started.elapsed() > DELETION_WAIT => {
                return Err(BackendError::api(
                    ErrorCode::ServiceFailure,
                    format!(
                        "the deletion of service-linked role {role} (task {task}) has not finished after {} minutes; \
                         check it with `aws iam get-service-linked-role-deletion-status --deletion-task-id {task}`",
                        DELETION_WAIT.as_secs() / 60
                    ),
                ))
            }
            _ => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(10));
            }
        }
    }
}
