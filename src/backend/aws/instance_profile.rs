//! The aws backend's instance profile calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{InstanceProfileOp, Named as _};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &InstanceProfileOp) -> Result<(), BackendError> {
    use InstanceProfileOp::*;
    let api = op.api_name();
    let p = op.instance_profile().as_str();
    match op {
        CreateInstanceProfile { path, tags, .. } => {
            let tags = sdk_tags(tags)?;
            send(b, api, |iam| iam.create_instance_profile().instance_profile_name(p).path(path).set_tags(tags).send()).await
        }
        DeleteInstanceProfile { .. } => send(b, api, |iam| iam.delete_instance_profile().instance_profile_name(p).send()).await,
        AddRoleToInstanceProfile { role, .. } => send(b, api, |iam| iam.add_role_to_instance_profile().instance_profile_name(p).role_name(role.as_str()).send()).await,
        RemoveRoleFromInstanceProfile { role, .. } => send(b, api, |iam| iam.remove_role_from_instance_profile().instance_profile_name(p).role_name(role.as_str()).send()).await,
    }
}
