//! The aws backend's group calls.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{GroupOp, Named as _};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &GroupOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let g = op.group().as_str();
    match op {
        GroupOp::CreateGroup { path, .. } => send(b, api, |iam| iam.create_group().group_name(g).path(path).send()).await,
        GroupOp::UpdateGroupPath { path, .. } => send(b, api, |iam| iam.update_group().group_name(g).new_path(path).send()).await,
        GroupOp::RenameGroup { new_name, .. } => send(b, api, |iam| iam.update_group().group_name(g).new_group_name(new_name.as_str()).send()).await,
        GroupOp::DeleteGroup { .. } => send(b, api, |iam| iam.delete_group().group_name(g).send()).await,
    }
}
