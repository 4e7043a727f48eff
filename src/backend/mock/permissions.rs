//! The mock's permission calls on a user, group or role — attach, detach, put and delete inline
//! policies — written once for the three.

use super::find::{permissions_mut, resolve_policy};
use super::rules::{self, limit, no_such};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::iam::{Quota, SizeQuota};
use crate::model::{DocumentKind, InlinePolicies, Kind, Name, PolicyDocument};
use crate::operation::{PermissionChange, PermissionOp};

pub(super) fn execute(file: &mut MockFile, op: &PermissionOp) -> Result<(), BackendError> {
    let kind = op.identity.kind();
    let acct = &mut file.account;
    match &op.change {
        PermissionChange::Attach { policy_arn } => {
            resolve_policy(acct, &file.account_id, policy_arn)?;
            let (policies, _) = permissions_mut(acct, &op.identity)?;
            // Attaching twice is not an error in IAM.
            if !policies.contains(policy_arn) {
                rules::room(Quota::policies_per(kind), policies.len())?;
            }
            policies.insert(policy_arn.clone());
        }
        PermissionChange::Detach { policy_arn } => {
            let (policies, _) = permissions_mut(acct, &op.identity)?;
            if !policies.remove(policy_arn) {
                return Err(no_such(format!("Policy {policy_arn} was not found.")));
            }
        }
        PermissionChange::Put {
            policy_name,
            document,
        } => {
            let (_, inline) = permissions_mut(acct, &op.identity)?;
            put_inline(inline, kind, policy_name, document)?;
        }
        PermissionChange::Delete { policy_name } => {
            let (_, inline) = permissions_mut(acct, &op.identity)?;
            if inline.remove(policy_name).is_none() {
                return Err(no_such(format!(
                    "The {kind} policy with name {} cannot be found.",
                    policy_name.as_str()
                )));
            }
        }
    }
    Ok(())
}

/// Inline policies are limited by the sum of an entity's documents, not each one.
fn put_inline(
    policies: &mut InlinePolicies,
    kind: Kind,
    name: &Name,
    document: &PolicyDocument,
) -> Result<(), BackendError> {
    rules::name(Kind::Policy, name.as_str())?;
    let quota = SizeQuota::inline(kind);
    rules::document(document, DocumentKind::Identity, quota)?;
    let others: usize = policies
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(_, d)| d.size())
        .sum();
    let total = others + document.size();
    let max = quota.limit();
    if total > max {
        return Err(limit(format!(
            "Maximum policy size of {max} bytes exceeded for {kind} (all inline policies together would be {total})"
        )));
    }
    policies.remove(name);
    policies.insert(name.clone(), document.clone());
    Ok(())
}
