//! The aws backend's instance profile calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Call as _, InstanceProfileOp};

pub(super) async fn execute(b: &AwsBackend, op: &InstanceProfileOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let profile = op.instance_profile().as_str();
    match op {
        InstanceProfileOp::CreateInstanceProfile { path, tags, .. } => {
            let tags = sdk_tags(tags)?;
            send(b, api, move |iam| {
                iam.create_instance_profile()
                    .instance_profile_name(profile)
                    .path(path)
                    .set_tags(tags)
                    .send()
            })
            .await
        }
        InstanceProfileOp::DeleteInstanceProfile { .. } => {
            send(b, api, move |iam| {
                iam.delete_instance_profile()
                    .instance_profile_name(profile)
                    .send()
            })
            .await
        }
        InstanceProfileOp::AddRoleToInstanceProfile { role, .. } => {
            send(b, api, move |iam| {
                iam.add_role_to_instance_profile()
                    .instance_profile_name(profile)
                    .role_name(role.as_str())
                    .send()
            })
            .await
        }
        InstanceProfileOp::RemoveRoleFromInstanceProfile { role, .. } => {
            send(b, api, move |iam| {
                iam.remove_role_from_instance_profile()
                    .instance_profile_name(profile)
                    .role_name(role.as_str())
                    .send()
            })
            .await
        }
    }
}
