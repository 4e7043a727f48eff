//! The aws backend's permission calls — attach, detach, put and delete inline policies — for
//! users, groups and roles. IAM has a call per kind of identity; each row below is one.

use super::request::send;
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Identity, Named as _, PermissionChange, PermissionOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &PermissionOp) -> Result<(), BackendError> {
    use Identity::{Group, Role, User};
    use PermissionChange::{Attach, Delete, Detach, Put};
    let api = op.api_name();
    let n = op.identity.name().as_str();
    match (&op.identity, &op.change) {
        (User(_), Attach { policy_arn: a }) => send(b, api, |iam| iam.attach_user_policy().user_name(n).policy_arn(a).send()).await,
        (Group(_), Attach { policy_arn: a }) => send(b, api, |iam| iam.attach_group_policy().group_name(n).policy_arn(a).send()).await,
        (Role(_), Attach { policy_arn: a }) => send(b, api, |iam| iam.attach_role_policy().role_name(n).policy_arn(a).send()).await,
        (User(_), Detach { policy_arn: a }) => send(b, api, |iam| iam.detach_user_policy().user_name(n).policy_arn(a).send()).await,
        (Group(_), Detach { policy_arn: a }) => send(b, api, |iam| iam.detach_group_policy().group_name(n).policy_arn(a).send()).await,
        (Role(_), Detach { policy_arn: a }) => send(b, api, |iam| iam.detach_role_policy().role_name(n).policy_arn(a).send()).await,
        (identity, Put { policy_name, document }) => {
            let (p, d) = (policy_name.as_str(), document.to_minimal());
            match identity {
                User(_) => send(b, api, |iam| iam.put_user_policy().user_name(n).policy_name(p).policy_document(d).send()).await,
                Group(_) => send(b, api, |iam| iam.put_group_policy().group_name(n).policy_name(p).policy_document(d).send()).await,
                Role(_) => send(b, api, |iam| iam.put_role_policy().role_name(n).policy_name(p).policy_document(d).send()).await,
            }
        }
        (identity, Delete { policy_name }) => {
            let p = policy_name.as_str();
            match identity {
                User(_) => send(b, api, |iam| iam.delete_user_policy().user_name(n).policy_name(p).send()).await,
                Group(_) => send(b, api, |iam| iam.delete_group_policy().group_name(n).policy_name(p).send()).await,
                Role(_) => send(b, api, |iam| iam.delete_role_policy().role_name(n).policy_name(p).send()).await,
            }
        }
    }
}
