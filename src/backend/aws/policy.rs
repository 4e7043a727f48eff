//! The aws backend's managed policy calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Call as _, PolicyOp};

pub(super) async fn execute(b: &AwsBackend, op: &PolicyOp) -> Result<(), BackendError> {
    let api = op.api_name();
    match op {
        PolicyOp::CreatePolicy {
            policy,
            path,
            description,
            document,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            send(b, api, move |iam| {
                iam.create_policy()
                    .policy_name(policy.as_str())
                    .path(path)
                    .set_description(description.clone())
                    .policy_document(document.to_minimal())
                    .set_tags(tags)
                    .send()
            })
            .await
        }
        PolicyOp::CreatePolicyVersion {
            policy_arn,
            document,
        } => {
            send(b, api, move |iam| {
                iam.create_policy_version()
                    .policy_arn(policy_arn)
                    .policy_document(document.to_minimal())
                    .set_as_default(true)
                    .send()
            })
            .await
        }
        PolicyOp::DeletePolicyVersion {
            policy_arn,
            version_id,
        } => {
            send(b, api, move |iam| {
                iam.delete_policy_version()
                    .policy_arn(policy_arn)
                    .version_id(version_id)
                    .send()
            })
            .await
        }
        PolicyOp::DeletePolicy { policy_arn } => {
            send(b, api, move |iam| {
                iam.delete_policy().policy_arn(policy_arn).send()
            })
            .await
        }
    }
}
