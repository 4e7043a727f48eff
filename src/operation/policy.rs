//! Calls on customer managed policies: create, new default version, delete a version, delete.
//! Policies are addressed by ARN, as the API does (their name when created).

use super::{policy_address, Call, Effects, Key, Named};
use crate::model::{arn, Account, Address, Kind, Name, PolicyDocument, Tags};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum PolicyOp {
    CreatePolicy {
        policy: Name,
        path: String,
        description: Option<String>,
        document: PolicyDocument,
        tags: Tags,
    },
    /// Always created as the default version.
    CreatePolicyVersion {
        policy_arn: String,
        document: PolicyDocument,
    },
    DeletePolicyVersion {
        policy_arn: String,
        version_id: String,
    },
    DeletePolicy {
        policy_arn: String,
    },
}

impl Named for PolicyOp {
    fn api_name(&self) -> &'static str {
        match self {
            PolicyOp::CreatePolicy { .. } => "CreatePolicy",
            PolicyOp::CreatePolicyVersion { .. } => "CreatePolicyVersion",
            PolicyOp::DeletePolicyVersion { .. } => "DeletePolicyVersion",
            PolicyOp::DeletePolicy { .. } => "DeletePolicy",
        }
    }

    fn target(&self) -> Address {
        match self {
            PolicyOp::CreatePolicy { policy, .. } => Address::new(Kind::Policy, policy.clone()),
            PolicyOp::CreatePolicyVersion { policy_arn, .. }
            | PolicyOp::DeletePolicyVersion { policy_arn, .. }
            | PolicyOp::DeletePolicy { policy_arn } => policy_address(policy_arn),
        }
    }
}

impl Call for PolicyOp {
    /// A policy is two keys: its ARN (what attachments name) and its name (unique in the account,
    /// so that a replacement deletes the old policy before creating the new one).
    fn effects(&self, account_id: &str) -> Effects {
        match self {
            PolicyOp::CreatePolicy { policy, path, .. } => Effects::default()
                .creates([Key::Policy(arn(
                    account_id,
                    Kind::Policy,
                    path,
                    policy.as_str(),
                ))])
                .creates([Key::entity(Kind::Policy, policy)]),
            PolicyOp::CreatePolicyVersion { policy_arn, .. } => Effects::default()
                .needs([Key::Policy(policy_arn.clone())])
                .fills([Key::Policy(policy_arn.clone())]),
            PolicyOp::DeletePolicyVersion { policy_arn, .. } => Effects::default()
                .releases([Key::Policy(policy_arn.clone())])
                .frees([Key::Policy(policy_arn.clone())]),
            PolicyOp::DeletePolicy { policy_arn } => Effects::default()
                .deletes([Key::Policy(policy_arn.clone())])
                .deletes([Key::entity(Kind::Policy, &self.target().name)]),
        }
    }

    fn achieved(&self, live: &Account, account_id: &str) -> bool {
        match self {
            PolicyOp::CreatePolicy {
                policy, document, ..
            } => live
                .policies
                .get(policy)
                .is_some_and(|p| p.document == *document),
            PolicyOp::CreatePolicyVersion {
                policy_arn,
                document,
            } => live
                .policy_by_arn(account_id, policy_arn)
                .is_some_and(|p| p.document == *document),
            PolicyOp::DeletePolicyVersion {
                policy_arn,
                version_id,
            } => live
                .policy_by_arn(account_id, policy_arn)
                .is_none_or(|p| p.versions.iter().all(|v| v.id != *version_id)),
            PolicyOp::DeletePolicy { policy_arn } => {
                live.policy_by_arn(account_id, policy_arn).is_none()
            }
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyOp::DeletePolicyVersion { version_id, .. } => write!(f, " {version_id}"),
            _ => Ok(()),
        }
    }
}
