//! Finding what a call acts on in the account file, with AWS's `NoSuchEntity` when it is not
//! there (and `UnmodifiableEntity` for the roles AWS owns).

use super::rules::{no_such, not_found};
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::is_reserved_role_path;
use crate::model::{
    is_aws_managed_policy_arn, Account, Group, InlinePolicies, InstanceProfile, Kind,
    ManagedPolicy, Name, PolicyVersion, Role, User,
};
use crate::operation::Identity;
use std::collections::BTreeSet;

pub(super) fn user_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut User, BackendError> {
    acct.users
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::User, name.as_str()))
}

pub(super) fn group_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut Group, BackendError> {
    acct.groups
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::Group, name.as_str()))
}

/// A role that may be changed: service-linked and reserved roles belong to AWS.
pub(super) fn role_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut Role, BackendError> {
    let role = acct
        .roles
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::Role, name.as_str()))?;
    if is_reserved_role_path(&role.path) {
        return Err(BackendError::api(
            ErrorCode::UnmodifiableEntity,
            format!(
                "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                role.name.as_str()
            ),
        ));
    }
    Ok(role)
}

pub(super) fn profile_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut InstanceProfile, BackendError> {
    acct.instance_profiles
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::InstanceProfile, name.as_str()))
}

/// The managed policies and inline policies of a user, group or role.
pub(super) fn permissions_mut<'a>(
    acct: &'a mut Account,
    identity: &Identity,
) -> Result<(&'a mut BTreeSet<String>, &'a mut InlinePolicies), BackendError> {
    Ok(match identity {
        Identity::User(n) => {
            let u = user_mut(acct, n)?;
            (&mut u.policies, &mut u.inline_policies)
        }
        Identity::Group(n) => {
            let g = group_mut(acct, n)?;
            (&mut g.policies, &mut g.inline_policies)
        }
        Identity::Role(n) => {
            let r = role_mut(acct, n)?;
            (&mut r.policies, &mut r.inline_policies)
        }
    })
}

/// The customer managed policy of this account with this ARN.
pub(super) fn policy_mut<'a>(
    acct: &'a mut Account,
    account_id: &str,
    policy_arn: &str,
) -> Result<&'a mut ManagedPolicy, BackendError> {
    let name = acct
        .policy_by_arn(account_id, policy_arn)
        .map(|p| p.name.clone())
        .ok_or_else(|| no_such(format!("Policy {policy_arn} was not found.")))?;
    Ok(acct
        .policies
        .get_mut(&name)
        .expect("policy_by_arn found this name"))
}

/// A policy that can be attached: an AWS managed one (the mock trusts the catalogue) or a customer
/// managed one that exists in this account.
pub(super) fn resolve_policy(
    acct: &Account,
    account_id: &str,
    policy_arn: &str,
) -> Result<(), BackendError> {
    if is_aws_managed_policy_arn(policy_arn) || acct.policy_by_arn(account_id, policy_arn).is_some()
    {
        Ok(())
    } else {
        Err(not_found(Kind::Policy, policy_arn))
    }
}

/// Older account files list only `document`; treat it as the single default version.
pub(super) fn versions_mut(p: &mut ManagedPolicy) -> &mut Vec<PolicyVersion> {
    if p.versions.is_empty() {
        p.versions.push(PolicyVersion {
            id: "v1".to_owned(),
            is_default: true,
            document: p.document.clone(),
        });
    }
    &mut p.versions
}
