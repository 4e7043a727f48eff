//! The aws backend's role calls.

use super::request::{int, sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Call as _, RoleOp};

pub(super) async fn execute(b: &AwsBackend, op: &RoleOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let role = op.role().as_str();
    match op {
        RoleOp::CreateRole {
            path,
            assume_role_policy,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
            ..
        } => {
            let max_session = int(*max_session_duration, "MaxSessionDuration")?;
            let tags = sdk_tags(tags)?;
            send(b, api, move |iam| {
                iam.create_role()
                    .role_name(role)
                    .path(path)
                    .assume_role_policy_document(assume_role_policy.to_minimal())
                    .set_description(description.clone())
                    .max_session_duration(max_session)
                    .set_permissions_boundary(permissions_boundary.clone())
                    .set_tags(tags)
                    .send()
            })
            .await
        }
        RoleOp::UpdateRole {
            description,
            max_session_duration,
            ..
        } => {
            // An empty description removes the one the role has.
            let max_session = int(*max_session_duration, "MaxSessionDuration")?;
            send(b, api, move |iam| {
                iam.update_role()
                    .role_name(role)
                    .description(description.clone().unwrap_or_default())
                    .max_session_duration(max_session)
                    .send()
            })
            .await
        }
        RoleOp::UpdateAssumeRolePolicy { document, .. } => {
            send(b, api, move |iam| {
                iam.update_assume_role_policy()
                    .role_name(role)
                    .policy_document(document.to_minimal())
                    .send()
            })
            .await
        }
        RoleOp::DeleteRole { .. } => {
            send(b, api, move |iam| iam.delete_role().role_name(role).send()).await
        }
    }
}
