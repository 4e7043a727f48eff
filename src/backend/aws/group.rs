//! The aws backend's group calls.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Call as _, GroupOp};

pub(super) async fn execute(b: &AwsBackend, op: &GroupOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let group = op.group().as_str();
    match op {
        GroupOp::CreateGroup { path, .. } => {
            send(b, api, move |iam| {
                iam.create_group().group_name(group).path(path).send()
            })
            .await
        }
        GroupOp::UpdateGroupPath { path, .. } => {
            send(b, api, move |iam| {
                iam.update_group().group_name(group).new_path(path).send()
            })
            .await
        }
        GroupOp::RenameGroup { new_name, .. } => {
            let new_name = new_name.as_str();
            send(b, api, move |iam| {
                iam.update_group()
                    .group_name(group)
                    .new_group_name(new_name)
                    .send()
            })
            .await
        }
        GroupOp::DeleteGroup { .. } => {
            send(b, api, move |iam| {
                iam.delete_group().group_name(group).send()
            })
            .await
        }
    }
}
