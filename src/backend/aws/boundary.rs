//! The aws backend's permissions boundary calls, for users and roles.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{BoundaryOp, BoundaryTarget, Call as _};

// One row per IAM call, kept on one line each so that the table reads as one.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &BoundaryOp) -> Result<(), BackendError> {
    use BoundaryTarget::{Role, User};
    let api = op.api_name();
    match (&op.target, op.policy_arn.as_deref()) {
        (User(n), Some(arn)) => {
            send(b, api, |iam| iam.put_user_permissions_boundary().user_name(n.as_str()).permissions_boundary(arn).send()).await
        }
        (Role(n), Some(arn)) => {
            send(b, api, |iam| iam.put_role_permissions_boundary().role_name(n.as_str()).permissions_boundary(arn).send()).await
        }
        (User(n), None) => {
            send(b, api, |iam| iam.delete_user_permissions_boundary().user_name(n.as_str()).send()).await
        }
        (Role(n), None) => {
            send(b, api, |iam| iam.delete_role_permissions_boundary().role_name(n.as_str()).send()).await
        }
    }
}
