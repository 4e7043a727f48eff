//! The aws backend's role calls.

use super::request::{int, sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Named as _, RoleOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &RoleOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let r = op.role().as_str();
    match op {
        RoleOp::CreateRole { path, assume_role_policy, description, max_session_duration, permissions_boundary, tags, .. } => {
            let (trust, description, boundary) = (assume_role_policy.to_minimal(), description.clone(), permissions_boundary.clone());
            let (max_session, tags) = (int(*max_session_duration, "MaxSessionDuration")?, sdk_tags(tags)?);
            send(b, api, |iam| {
                iam.create_role().role_name(r).path(path).assume_role_policy_document(trust).set_description(description)
                    .max_session_duration(max_session).set_permissions_boundary(boundary).set_tags(tags).send()
            })
            .await
        }
        RoleOp::UpdateRole { description, max_session_duration, .. } => {
            // An empty description removes the one the role has.
            let (description, max_session) = (description.clone().unwrap_or_default(), int(*max_session_duration, "MaxSessionDuration")?);
            send(b, api, |iam| iam.update_role().role_name(r).description(description).max_session_duration(max_session).send()).await
        }
        RoleOp::UpdateAssumeRolePolicy { document, .. } => send(b, api, |iam| iam.update_assume_role_policy().role_name(r).policy_document(document.to_minimal()).send()).await,
        RoleOp::DeleteRole { .. } => send(b, api, |iam| iam.delete_role().role_name(r).send()).await,
    }
}
