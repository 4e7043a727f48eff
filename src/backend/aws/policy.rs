//! The aws backend's managed policy calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Named as _, PolicyOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &PolicyOp) -> Result<(), BackendError> {
    let api = op.api_name();
    match op {
        PolicyOp::CreatePolicy { policy, path, description, document, tags } => {
            let (name, document, tags) = (policy.as_str(), document.to_minimal(), sdk_tags(tags)?);
            let description = description.clone();
            send(b, api, |iam| iam.create_policy().policy_name(name).path(path).set_description(description).policy_document(document).set_tags(tags).send()).await
        }
        PolicyOp::CreatePolicyVersion { policy_arn: a, document } => send(b, api, |iam| iam.create_policy_version().policy_arn(a).policy_document(document.to_minimal()).set_as_default(true).send()).await,
        PolicyOp::DeletePolicyVersion { policy_arn: a, version_id } => send(b, api, |iam| iam.delete_policy_version().policy_arn(a).version_id(version_id).send()).await,
        PolicyOp::DeletePolicy { policy_arn: a } => send(b, api, |iam| iam.delete_policy().policy_arn(a).send()).await,
    }
}
