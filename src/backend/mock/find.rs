//! The entities of the account file, found, added, renamed and removed as IAM does it: AWS's
//! `NoSuchEntity` when one is not there, names unique ignoring case, a unique id per entity
//! (`UnmodifiableEntity` for the roles AWS owns).

use super::rules::{self, already_exists, no_such, not_found};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::is_reserved_role_path;
use crate::model::{
    is_aws_managed_policy_arn, Account, Group, InlinePolicies, InstanceProfile, Kind,
    ManagedPolicy, Name, PolicyVersion, Role, User,
};
use crate::operation::Identity;
use std::collections::{BTreeMap, BTreeSet};

/// An entity of one kind, kept by name in one map of the account.
pub(super) trait Stored: Sized {
    const KIND: Kind;
    fn map(acct: &mut Account) -> &mut BTreeMap<Name, Self>;
    fn set_name(&mut self, name: Name);
}

/// One row per kind: the entity type, its kind and its map.
macro_rules! stored {
    ($($entity:ty: $kind:ident, $map:ident;)*) => {
        $(impl Stored for $entity {
            const KIND: Kind = Kind::$kind;
            fn map(acct: &mut Account) -> &mut BTreeMap<Name, Self> {
                &mut acct.$map
            }
            fn set_name(&mut self, name: Name) {
                self.name = name;
            }
        })*
    };
}

stored! {
    User: User, users;
    Group: Group, groups;
    Role: Role, roles;
    ManagedPolicy: Policy, policies;
    InstanceProfile: InstanceProfile, instance_profiles;
}

/// The entity `name` of kind `T`, or IAM's `NoSuchEntity`.
pub(super) fn get_mut<'a, T: Stored>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut T, BackendError> {
    T::map(acct)
        .get_mut(name)
        .ok_or_else(|| not_found(T::KIND, name.as_str()))
}

/// Adds a created entity, with a fresh unique id.
pub(super) fn add<T: Stored>(file: &mut MockFile, name: &Name, entity: T) {
    T::map(&mut file.account).insert(name.clone(), entity);
    file.assign_unique_id(T::KIND, name);
}

/// Renames `from` to `to`: IAM's name rule, `to` free (unless only its case changes). A rename
/// keeps the entity, so its unique id.
pub(super) fn rename<T: Stored>(
    file: &mut MockFile,
    from: &Name,
    to: &Name,
) -> Result<(), BackendError> {
    rules::name(T::KIND, to.as_str())?;
    let map = T::map(&mut file.account);
    if to != from && map.contains_key(to) {
        return Err(already_exists(T::KIND, to.as_str()));
    }
    let mut entity = map
        .remove(from)
        .ok_or_else(|| not_found(T::KIND, from.as_str()))?;
    entity.set_name(to.clone());
    map.insert(to.clone(), entity);
    file.unique_ids.rename(T::KIND, from, to);
    Ok(())
}

/// Removes a deleted entity and forgets its unique id.
pub(super) fn remove<T: Stored>(file: &mut MockFile, name: &Name) {
    T::map(&mut file.account).remove(name);
    file.unique_ids.forget(T::KIND, name);
}

/// A role that may be changed: service-linked and reserved roles belong to AWS.
pub(super) fn role_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut Role, BackendError> {
    let role: &mut Role = get_mut(acct, name)?;
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

/// The managed policies and inline policies of a user, group or role.
pub(super) fn permissions_mut<'a>(
    acct: &'a mut Account,
    identity: &Identity,
) -> Result<(&'a mut BTreeSet<String>, &'a mut InlinePolicies), BackendError> {
    Ok(match identity {
        Identity::User(n) => {
            let u: &mut User = get_mut(acct, n)?;
            (&mut u.policies, &mut u.inline_policies)
        }
        Identity::Group(n) => {
            let g: &mut Group = get_mut(acct, n)?;
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

/// A policy that can be attached: an AWS managed one that exists (as AWS does, NoSuchEntity for
/// one that does not) or a customer managed one that exists in this account.
pub(super) fn resolve_policy(
    acct: &Account,
    account_id: &str,
    policy_arn: &str,
) -> Result<(), BackendError> {
    let aws_managed =
        is_aws_managed_policy_arn(policy_arn) && crate::access::managed::exists(policy_arn);
    if aws_managed || acct.policy_by_arn(account_id, policy_arn).is_some() {
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
