//! The aws backend's permission calls — attach, detach, put and delete inline policies — for
//! users, groups and roles. IAM has a call per kind of identity; each row below is one.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Call as _, Identity, PermissionChange, PermissionOp};

// One row per IAM call, kept on one line each so that the table reads as one.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &PermissionOp) -> Result<(), BackendError> {
    use Identity::{Group, Role, User};
    use PermissionChange::{Attach, Delete, Detach, Put};
    let api = op.api_name();
    match (&op.identity, &op.change) {
        (User(n), Attach { policy_arn: a }) => {
            send(b, api, |iam| iam.attach_user_policy().user_name(n.as_str()).policy_arn(a).send()).await
        }
        (Group(n), Attach { policy_arn: a }) => {
            send(b, api, |iam| iam.attach_group_policy().group_name(n.as_str()).policy_arn(a).send()).await
        }
        (Role(n), Attach { policy_arn: a }) => {
            send(b, api, |iam| iam.attach_role_policy().role_name(n.as_str()).policy_arn(a).send()).await
        }
        (User(n), Detach { policy_arn: a }) => {
            send(b, api, |iam| iam.detach_user_policy().user_name(n.as_str()).policy_arn(a).send()).await
        }
        (Group(n), Detach { policy_arn: a }) => {
            send(b, api, |iam| iam.detach_group_policy().group_name(n.as_str()).policy_arn(a).send()).await
        }
        (Role(n), Detach { policy_arn: a }) => {
            send(b, api, |iam| iam.detach_role_policy().role_name(n.as_str()).policy_arn(a).send()).await
        }
        (identity, Put { policy_name, document }) => {
            let (name, document) = (policy_name.as_str(), document.to_minimal());
            match identity {
                User(n) => send(b, api, |iam| iam.put_user_policy().user_name(n.as_str()).policy_name(name).policy_document(document).send()).await,
                Group(n) => send(b, api, |iam| iam.put_group_policy().group_name(n.as_str()).policy_name(name).policy_document(document).send()).await,
                Role(n) => send(b, api, |iam| iam.put_role_policy().role_name(n.as_str()).policy_name(name).policy_document(document).send()).await,
            }
        }
        (identity, Delete { policy_name }) => {
            let name = policy_name.as_str();
            match identity {
                User(n) => send(b, api, |iam| iam.delete_user_policy().user_name(n.as_str()).policy_name(name).send()).await,
                Group(n) => send(b, api, |iam| iam.delete_group_policy().group_name(n.as_str()).policy_name(name).send()).await,
                Role(n) => send(b, api, |iam| iam.delete_role_policy().role_name(n.as_str()).policy_name(name).send()).await,
            }
        }
    }
}
