//! The mock's managed policy calls: versions (five at most, the default one undeletable) and
//! deletion (refused while anything holds the policy).

use super::find::{self, policy_mut, versions_mut};
use super::rules::{self, already_exists, conflict, limit, no_such};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::iam::{Quota, SizeQuota, MAX_DESCRIPTION};
use crate::model::{Account, DocumentKind, Kind, ManagedPolicy, PolicyVersion};
use crate::operation::PolicyOp;

pub(super) fn execute(file: &mut MockFile, op: &PolicyOp) -> Result<(), BackendError> {
    // Policies are named by ARN, which holds the account id.
    let (acct, id) = (&mut file.account, file.account_id.as_str());
    match op {
        PolicyOp::CreatePolicy {
            policy,
            path,
            description,
            document,
            tags,
        } => {
            rules::name(Kind::Policy, policy.as_str())?;
            rules::path(path)?;
            rules::tags(&Default::default(), tags)?;
            rules::document(document, DocumentKind::Identity, SizeQuota::Managed)?;
            if description
                .as_ref()
                .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
            {
                return Err(rules::invalid(format!(
                    "the policy description is longer than {MAX_DESCRIPTION} characters"
                )));
            }
            if acct.policies.contains_key(policy) {
                return Err(already_exists(Kind::Policy, policy.as_str()));
            }
            let entity = ManagedPolicy {
                name: policy.clone(),
                path: path.clone(),
                description: description.clone(),
                tags: tags.clone(),
                document: document.clone(),
                versions: vec![PolicyVersion {
                    id: "v1".to_owned(),
                    is_default: true,
                    document: document.clone(),
                }],
            };
            find::add(file, policy, entity);
        }
        PolicyOp::CreatePolicyVersion {
            policy_arn,
            document,
        } => {
            rules::document(document, DocumentKind::Identity, SizeQuota::Managed)?;
            let p = policy_mut(acct, id, policy_arn)?;
            let versions = versions_mut(p);
            let quota = Quota::VersionsPerPolicy;
            if versions.len() >= quota.limit() {
                return Err(limit(format!(
                    "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
                    quota.limit()
                )));
            }
            let next = versions
                .iter()
                .filter_map(|v| v.id.strip_prefix('v')?.parse::<u64>().ok())
                .max()
                .unwrap_or(0)
                + 1;
            for v in versions.iter_mut() {
                v.is_default = false;
            }
            versions.push(PolicyVersion {
                id: format!("v{next}"),
                is_default: true,
                document: document.clone(),
            });
            p.document = document.clone();
        }
        PolicyOp::DeletePolicyVersion {
            policy_arn,
            version_id,
        } => {
            let versions = versions_mut(policy_mut(acct, id, policy_arn)?);
            let Some(i) = versions.iter().position(|v| &v.id == version_id) else {
                return Err(no_such(format!(
                    "Policy {policy_arn} version {version_id} does not exist."
                )));
            };
            if versions[i].is_default {
                return Err(conflict("Cannot delete the default version of a policy."));
            }
            versions.remove(i);
        }
        PolicyOp::DeletePolicy { policy_arn } => {
            let name = policy_mut(acct, id, policy_arn)?.name.clone();
            if attachment_count(acct, policy_arn) > 0 {
                return Err(conflict("Cannot delete a policy attached to entities."));
            }
            if versions_mut(policy_mut(acct, id, policy_arn)?).len() > 1 {
                return Err(conflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
                ));
            }
            find::remove::<ManagedPolicy>(file, &name);
        }
    }
    Ok(())
}

/// Attachments and permissions-boundary uses of a policy; AWS refuses to delete it while any exist.
fn attachment_count(acct: &Account, policy_arn: &str) -> usize {
    let holds = |policies: &std::collections::BTreeSet<String>, boundary: Option<&str>| {
        policies.contains(policy_arn) || boundary == Some(policy_arn)
    };
    let users = acct
        .users
        .values()
        .filter(|u| holds(&u.policies, u.permissions_boundary.as_deref()));
    let groups = acct.groups.values().filter(|g| holds(&g.policies, None));
    let roles = acct
        .roles
        .values()
        .filter(|r| holds(&r.policies, r.permissions_boundary.as_deref()));
    users.count() + groups.count() + roles.count()
}
