//! The aws backend's permissions boundary calls, for users and roles.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{BoundaryOp, BoundaryTarget, Named as _};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &BoundaryOp) -> Result<(), BackendError> {
    use BoundaryTarget::{Role, User};
    let api = op.api_name();
    let n = op.target.name().as_str();
    match (&op.target, op.policy_arn.as_deref()) {
        (User(_), Some(arn)) => send(b, api, |iam| iam.put_user_permissions_boundary().user_name(n).permissions_boundary(arn).send()).await,
        (Role(_), Some(arn)) => send(b, api, |iam| iam.put_role_permissions_boundary().role_name(n).permissions_boundary(arn).send()).await,
        (User(_), None) => send(b, api, |iam| iam.delete_user_permissions_boundary().user_name(n).send()).await,
        (Role(_), None) => send(b, api, |iam| iam.delete_role_permissions_boundary().role_name(n).send()).await,
    }
}
