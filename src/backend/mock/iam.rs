//! The mock's control plane: one IAM API call applied to the account file, with IAM's checks.
//!
//! Every call either changes the account and returns `Ok`, or returns IAM's error and leaves the
//! account as it was (the caller writes the file only on `Ok`). The checks are the ones that make
//! a wrongly ordered plan fail here as it would on AWS: NoSuchEntity for anything missing,
//! EntityAlreadyExists ignoring case, DeleteConflict for every dependent AWS refuses to orphan.

use super::rules::{self, already_exists, conflict, limit, no_such, not_found};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::{
    arn, is_aws_managed_policy_arn, Account, DocumentKind, Group, InstanceProfile, Kind,
    ManagedPolicy, Name, PolicyDocument, PolicyVersion, Role, Tags, User,
};
use crate::plan::operation::Operation;
use std::collections::{BTreeMap, BTreeSet};

/// Applies `op` to `file`.
pub fn execute(file: &mut MockFile, op: &Operation) -> Result<(), BackendError> {
    use Operation::*;
    let account_id = file.account_id.clone();
    let id = account_id.as_str();
    let acct = &mut file.account;
    match op {
        // ---- users
        CreateUser {
            user,
            path,
            permissions_boundary,
            tags,
        } => {
            rules::name(Kind::User, user.as_str())?;
            rules::path(path)?;
            rules::tags(&Tags::new(), tags)?;
            if acct.users.contains_key(user) {
                return Err(already_exists(Kind::User, user.as_str()));
            }
            if let Some(b) = permissions_boundary {
                resolve_policy(acct, id, b)?;
            }
            acct.users.insert(
                user.clone(),
                User {
                    name: user.clone(),
                    path: path.clone(),
                    permissions_boundary: permissions_boundary.clone(),
                    tags: tags.clone(),
                    groups: BTreeSet::new(),
                    policies: BTreeSet::new(),
                    inline_policies: BTreeMap::new(),
                    credentials: Default::default(),
                },
            );
            file.assign_unique_id(Kind::User, user);
        }
        UpdateUserPath { user, path } => {
            rules::path(path)?;
            user_mut(acct, user)?.path = path.clone();
        }
        RenameUser { user, new_name } => {
            rules::name(Kind::User, new_name.as_str())?;
            if new_name != user && acct.users.contains_key(new_name) {
                return Err(already_exists(Kind::User, new_name.as_str()));
            }
            let mut u = acct
                .users
                .remove(user)
                .ok_or_else(|| not_found(Kind::User, user.as_str()))?;
            u.name = new_name.clone();
            acct.users.insert(new_name.clone(), u);
            // A rename keeps the entity, so its unique id.
            file.unique_ids.rename(Kind::User, user, new_name);
        }
        DeleteUser { user } => {
            let u = user_mut(acct, user)?;
            let c = &u.credentials;
            let blocker = if !u.groups.is_empty() {
                Some("must remove users from group first")
            } else if !u.policies.is_empty() {
                Some("must detach all policies first")
            } else if !u.inline_policies.is_empty() {
                Some("must delete policies first")
            } else if c.has_login_profile() {
                Some("must delete login profile first")
            } else if !c.access_keys.is_empty() {
                Some("must delete access keys first")
            } else if !c.mfa_devices.is_empty() {
                Some("must delete MFA device first")
            } else if !c.ssh_public_keys.is_empty() {
                Some("must delete SSH public keys first")
            } else if !c.signing_certificates.is_empty() {
                Some("must delete signing certificates first")
            } else if !c.service_specific_credentials.is_empty() {
                Some("must delete service-specific credentials first")
            } else {
                None
            };
            if let Some(what) = blocker {
                return Err(conflict(format!("Cannot delete entity, {what}.")));
            }
            acct.users.remove(user);
            file.unique_ids.forget(Kind::User, user);
        }
        TagUser { user, tags } => {
            let u = user_mut(acct, user)?;
            rules::tags(&u.tags, tags)?;
            u.tags.extend(tags.clone());
        }
        UntagUser { user, keys } => untag(&mut user_mut(acct, user)?.tags, keys),
        PutUserPermissionsBoundary { user, policy_arn } => {
            resolve_policy(acct, id, policy_arn)?;
            user_mut(acct, user)?.permissions_boundary = Some(policy_arn.clone());
        }
        DeleteUserPermissionsBoundary { user } => {
            user_mut(acct, user)?.permissions_boundary = None;
        }
        AddUserToGroup { user, group } => {
            let group = acct
                .groups
                .get(group)
                .map(|g| g.name.clone())
                .ok_or_else(|| not_found(Kind::Group, group.as_str()))?;
            let u = user_mut(acct, user)?;
            if !u.groups.contains(&group) && u.groups.len() >= rules::GROUPS_PER_USER {
                return Err(limit(format!(
                    "Cannot exceed quota for GroupsPerUser: {}",
                    rules::GROUPS_PER_USER
                )));
            }
            u.groups.insert(group);
        }
        RemoveUserFromGroup { user, group } => {
            if !acct.groups.contains_key(group) {
                return Err(not_found(Kind::Group, group.as_str()));
            }
            let u = user_mut(acct, user)?;
            if !u.groups.remove(group) {
                return Err(no_such(format!(
                    "User {} is not in group {}.",
                    user.as_str(),
                    group.as_str()
                )));
            }
        }
        AttachUserPolicy { user, policy_arn } => {
            resolve_policy(acct, id, policy_arn)?;
            attach(
                &mut user_mut(acct, user)?.policies,
                policy_arn,
                "PoliciesPerUser",
            )?;
        }
        DetachUserPolicy { user, policy_arn } => {
            detach(&mut user_mut(acct, user)?.policies, policy_arn)?;
        }
        PutUserPolicy {
            user,
            policy_name,
            document,
        } => {
            let u = user_mut(acct, user)?;
            put_inline(&mut u.inline_policies, Kind::User, policy_name, document)?;
        }
        DeleteUserPolicy { user, policy_name } => {
            delete_inline(
                &mut user_mut(acct, user)?.inline_policies,
                Kind::User,
                policy_name,
            )?;
        }
        DeleteLoginProfile { user } => {
            let c = &mut user_mut(acct, user)?.credentials;
            if !c.has_login_profile() {
                return Err(no_such(format!(
                    "Login Profile for User {} cannot be found.",
                    user.as_str()
                )));
            }
            c.login_profile = None;
        }
        DeleteAccessKey {
            user,
            access_key_id,
        } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove_credential(&mut c.access_keys, access_key_id, "The Access Key")?;
        }
        DeactivateMfaDevice {
            user,
            serial_number,
        } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove_credential(&mut c.mfa_devices, serial_number, "MFA Device")?;
        }
        DeleteSshPublicKey {
            user,
            ssh_public_key_id,
        } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove_credential(&mut c.ssh_public_keys, ssh_public_key_id, "The Public Key")?;
        }
        DeleteSigningCertificate {
            user,
            certificate_id,
        } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove_credential(
                &mut c.signing_certificates,
                certificate_id,
                "The Certificate",
            )?;
        }
        DeleteServiceSpecificCredential {
            user,
            credential_id,
        } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove_credential(
                &mut c.service_specific_credentials,
                credential_id,
                "The Service Specific Credential",
            )?;
        }
        // ---- groups
        CreateGroup { group, path } => {
            rules::name(Kind::Group, group.as_str())?;
            rules::path(path)?;
            if acct.groups.contains_key(group) {
                return Err(already_exists(Kind::Group, group.as_str()));
            }
            acct.groups.insert(
                group.clone(),
                Group {
                    name: group.clone(),
                    path: path.clone(),
                    policies: BTreeSet::new(),
                    inline_policies: BTreeMap::new(),
                },
            );
            file.assign_unique_id(Kind::Group, group);
        }
        UpdateGroupPath { group, path } => {
            rules::path(path)?;
            group_mut(acct, group)?.path = path.clone();
        }
        RenameGroup { group, new_name } => {
            rules::name(Kind::Group, new_name.as_str())?;
            if new_name != group && acct.groups.contains_key(new_name) {
                return Err(already_exists(Kind::Group, new_name.as_str()));
            }
            let mut g = acct
                .groups
                .remove(group)
                .ok_or_else(|| not_found(Kind::Group, group.as_str()))?;
            g.name = new_name.clone();
            acct.groups.insert(new_name.clone(), g);
            for u in acct.users.values_mut() {
                if u.groups.remove(group) {
                    u.groups.insert(new_name.clone());
                }
            }
            file.unique_ids.rename(Kind::Group, group, new_name);
        }
        DeleteGroup { group } => {
            let g = group_mut(acct, group)?;
            if !g.policies.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must detach all policies first.",
                ));
            }
            if !g.inline_policies.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must delete policies first.",
                ));
            }
            if acct.users.values().any(|u| u.groups.contains(group)) {
                return Err(conflict(
                    "Cannot delete entity, must remove users from group first.",
                ));
            }
            acct.groups.remove(group);
            file.unique_ids.forget(Kind::Group, group);
        }
        AttachGroupPolicy { group, policy_arn } => {
            resolve_policy(acct, id, policy_arn)?;
            attach(
                &mut group_mut(acct, group)?.policies,
                policy_arn,
                "PoliciesPerGroup",
            )?;
        }
        DetachGroupPolicy { group, policy_arn } => {
            detach(&mut group_mut(acct, group)?.policies, policy_arn)?;
        }
        PutGroupPolicy {
            group,
            policy_name,
            document,
        } => {
            let g = group_mut(acct, group)?;
            put_inline(&mut g.inline_policies, Kind::Group, policy_name, document)?;
        }
        DeleteGroupPolicy { group, policy_name } => {
            let g = group_mut(acct, group)?;
            delete_inline(&mut g.inline_policies, Kind::Group, policy_name)?;
        }
        // ---- roles
        CreateRole {
            role,
            path,
            assume_role_policy,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
        } => {
            rules::name(Kind::Role, role.as_str())?;
            rules::path(path)?;
            rules::role_settings(description.as_deref(), *max_session_duration)?;
            rules::tags(&Tags::new(), tags)?;
            trust_policy(acct, id, assume_role_policy)?;
            if acct.roles.contains_key(role) {
                return Err(already_exists(Kind::Role, role.as_str()));
            }
            if let Some(b) = permissions_boundary {
                resolve_policy(acct, id, b)?;
            }
            acct.roles.insert(
                role.clone(),
                Role {
                    name: role.clone(),
                    path: path.clone(),
                    description: description.clone(),
                    max_session_duration: *max_session_duration,
                    permissions_boundary: permissions_boundary.clone(),
                    tags: tags.clone(),
                    assume_role_policy: assume_role_policy.clone(),
                    policies: BTreeSet::new(),
                    inline_policies: BTreeMap::new(),
                },
            );
            file.assign_unique_id(Kind::Role, role);
        }
        UpdateRole {
            role,
            description,
            max_session_duration,
        } => {
            rules::role_settings(description.as_deref(), *max_session_duration)?;
            let r = role_mut(acct, role)?;
            r.description = description.clone();
            r.max_session_duration = *max_session_duration;
        }
        UpdateAssumeRolePolicy { role, document } => {
            trust_policy(acct, id, document)?;
            role_mut(acct, role)?.assume_role_policy = document.clone();
        }
        DeleteRole { role } => {
            let r = role_mut(acct, role)?;
            if !r.policies.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must detach all policies first.",
                ));
            }
            if !r.inline_policies.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must delete policies first.",
                ));
            }
            if acct
                .instance_profiles
                .values()
                .any(|p| p.roles.contains(role))
            {
                return Err(conflict(
                    "Cannot delete entity, must remove roles from instance profile first.",
                ));
            }
            acct.roles.remove(role);
            file.unique_ids.forget(Kind::Role, role);
        }
        TagRole { role, tags } => {
            let r = role_mut(acct, role)?;
            rules::tags(&r.tags, tags)?;
            r.tags.extend(tags.clone());
        }
        UntagRole { role, keys } => untag(&mut role_mut(acct, role)?.tags, keys),
        PutRolePermissionsBoundary { role, policy_arn } => {
            resolve_policy(acct, id, policy_arn)?;
            role_mut(acct, role)?.permissions_boundary = Some(policy_arn.clone());
        }
        DeleteRolePermissionsBoundary { role } => {
            role_mut(acct, role)?.permissions_boundary = None;
        }
        AttachRolePolicy { role, policy_arn } => {
            resolve_policy(acct, id, policy_arn)?;
            attach(
                &mut role_mut(acct, role)?.policies,
                policy_arn,
                "PoliciesPerRole",
            )?;
        }
        DetachRolePolicy { role, policy_arn } => {
            detach(&mut role_mut(acct, role)?.policies, policy_arn)?;
        }
        PutRolePolicy {
            role,
            policy_name,
            document,
        } => {
            let r = role_mut(acct, role)?;
            put_inline(&mut r.inline_policies, Kind::Role, policy_name, document)?;
        }
        DeleteRolePolicy { role, policy_name } => {
            delete_inline(
                &mut role_mut(acct, role)?.inline_policies,
                Kind::Role,
                policy_name,
            )?;
        }
        // ---- managed policies
        CreatePolicy {
            policy,
            path,
            description,
            document,
            tags,
        } => {
            rules::name(Kind::Policy, policy.as_str())?;
            rules::path(path)?;
            rules::tags(&Tags::new(), tags)?;
            rules::document(document, DocumentKind::Identity, rules::MANAGED_POLICY_SIZE)?;
            if description
                .as_ref()
                .is_some_and(|d| d.chars().count() > 1_000)
            {
                return Err(rules::invalid(
                    "the policy description is longer than 1000 characters",
                ));
            }
            if acct.policies.contains_key(policy) {
                return Err(already_exists(Kind::Policy, policy.as_str()));
            }
            acct.policies.insert(
                policy.clone(),
                ManagedPolicy {
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
                },
            );
            file.assign_unique_id(Kind::Policy, policy);
        }
        CreatePolicyVersion {
            policy_arn,
            document,
        } => {
            rules::document(document, DocumentKind::Identity, rules::MANAGED_POLICY_SIZE)?;
            let p = policy_mut(acct, id, policy_arn)?;
            let versions = versions_mut(p);
            if versions.len() >= rules::VERSIONS_PER_POLICY {
                return Err(limit(format!(
                    "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
                    rules::VERSIONS_PER_POLICY
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
        DeletePolicyVersion {
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
        DeletePolicy { policy_arn } => {
            let name = policy_mut(acct, id, policy_arn)?.name.clone();
            if attachment_count(acct, policy_arn) > 0 {
                return Err(conflict("Cannot delete a policy attached to entities."));
            }
            if versions_mut(policy_mut(acct, id, policy_arn)?).len() > 1 {
                return Err(conflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
                ));
            }
            acct.policies.remove(&name);
            file.unique_ids.forget(Kind::Policy, &name);
        }
        TagPolicy { policy_arn, tags } => {
            let p = policy_mut(acct, id, policy_arn)?;
            rules::tags(&p.tags, tags)?;
            p.tags.extend(tags.clone());
        }
        UntagPolicy { policy_arn, keys } => {
            untag(&mut policy_mut(acct, id, policy_arn)?.tags, keys)
        }
        // ---- instance profiles
        CreateInstanceProfile {
            instance_profile,
            path,
            tags,
        } => {
            rules::name(Kind::InstanceProfile, instance_profile.as_str())?;
            rules::path(path)?;
            rules::tags(&Tags::new(), tags)?;
            if acct.instance_profiles.contains_key(instance_profile) {
                return Err(already_exists(
                    Kind::InstanceProfile,
                    instance_profile.as_str(),
                ));
            }
            acct.instance_profiles.insert(
                instance_profile.clone(),
                InstanceProfile {
                    name: instance_profile.clone(),
                    path: path.clone(),
                    roles: BTreeSet::new(),
                    tags: tags.clone(),
                },
            );
            file.assign_unique_id(Kind::InstanceProfile, instance_profile);
        }
        DeleteInstanceProfile { instance_profile } => {
            if !profile_mut(acct, instance_profile)?.roles.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must remove roles from instance profile first.",
                ));
            }
            acct.instance_profiles.remove(instance_profile);
            file.unique_ids
                .forget(Kind::InstanceProfile, instance_profile);
        }
        AddRoleToInstanceProfile {
            instance_profile,
            role,
        } => {
            let role = role_mut(acct, role)?.name.clone();
            let p = profile_mut(acct, instance_profile)?;
            if p.roles.contains(&role) {
                return Err(BackendError::api(
                    ErrorCode::EntityAlreadyExists,
                    format!(
                        "Role {} is already in instance profile {}.",
                        role.as_str(),
                        instance_profile.as_str()
                    ),
                ));
            }
            if p.roles.len() >= rules::ROLES_PER_INSTANCE_PROFILE {
                return Err(limit(format!(
                    "Cannot exceed quota for InstanceSessionsPerInstanceProfile: {}",
                    rules::ROLES_PER_INSTANCE_PROFILE
                )));
            }
            p.roles.insert(role);
        }
        RemoveRoleFromInstanceProfile {
            instance_profile,
            role,
        } => {
            role_mut(acct, role)?;
            if !profile_mut(acct, instance_profile)?.roles.remove(role) {
                return Err(no_such(format!(
                    "Role {} is not in instance profile {}.",
                    role.as_str(),
                    instance_profile.as_str()
                )));
            }
        }
        TagInstanceProfile {
            instance_profile,
            tags,
        } => {
            let p = profile_mut(acct, instance_profile)?;
            rules::tags(&p.tags, tags)?;
            p.tags.extend(tags.clone());
        }
        UntagInstanceProfile {
            instance_profile,
            keys,
        } => untag(&mut profile_mut(acct, instance_profile)?.tags, keys),
        // ---- account
        UpdateAccountPasswordPolicy { policy } => {
            if let Some(n) = policy.minimum_length {
                if !(6..=128).contains(&n) {
                    return Err(rules::invalid(format!(
                        "MinimumPasswordLength {n} is outside 6..=128"
                    )));
                }
            }
            if policy
                .max_age_days
                .is_some_and(|d| !(1..=1_095).contains(&d))
            {
                return Err(rules::invalid(
                    "MaxPasswordAge must be between 1 and 1095 days",
                ));
            }
            if policy
                .reuse_prevention
                .is_some_and(|r| !(1..=24).contains(&r))
            {
                return Err(rules::invalid(
                    "PasswordReusePrevention must be between 1 and 24",
                ));
            }
            acct.password_policy = Some(policy.clone());
        }
        DeleteAccountPasswordPolicy => {
            if acct.password_policy.take().is_none() {
                return Err(no_such(
                    "The Password Policy with domain name ACCOUNT cannot be found.",
                ));
            }
        }
    }
    Ok(())
}

fn user_mut<'a>(acct: &'a mut Account, name: &Name) -> Result<&'a mut User, BackendError> {
    acct.users
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::User, name.as_str()))
}

fn group_mut<'a>(acct: &'a mut Account, name: &Name) -> Result<&'a mut Group, BackendError> {
    acct.groups
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::Group, name.as_str()))
}

/// A role that may be changed: service-linked and reserved roles belong to AWS.
fn role_mut<'a>(acct: &'a mut Account, name: &Name) -> Result<&'a mut Role, BackendError> {
    let role = acct
        .roles
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::Role, name.as_str()))?;
    if crate::model::is_reserved_role_path(&role.path) {
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

fn profile_mut<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut InstanceProfile, BackendError> {
    acct.instance_profiles
        .get_mut(name)
        .ok_or_else(|| not_found(Kind::InstanceProfile, name.as_str()))
}

/// The customer managed policy of this account with this ARN.
fn policy_mut<'a>(
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
fn resolve_policy(acct: &Account, account_id: &str, policy_arn: &str) -> Result<(), BackendError> {
    let aws_managed =
        is_aws_managed_policy_arn(policy_arn) && crate::access::managed::exists(policy_arn);
    if aws_managed || acct.policy_by_arn(account_id, policy_arn).is_some() {
        Ok(())
    } else {
        Err(not_found(Kind::Policy, policy_arn))
    }
}

/// Older account files list only `document`; treat it as the single default version.
fn versions_mut(p: &mut ManagedPolicy) -> &mut Vec<PolicyVersion> {
    if p.versions.is_empty() {
        p.versions.push(PolicyVersion {
            id: "v1".to_owned(),
            is_default: true,
            document: p.document.clone(),
        });
    }
    &mut p.versions
}

/// Attachments and permissions-boundary uses of a policy; AWS refuses to delete it while any exist.
fn attachment_count(acct: &Account, policy_arn: &str) -> usize {
    let users = acct.users.values().filter(|u| {
        u.policies.contains(policy_arn) || u.permissions_boundary.as_deref() == Some(policy_arn)
    });
    let groups = acct
        .groups
        .values()
        .filter(|g| g.policies.contains(policy_arn));
    let roles = acct.roles.values().filter(|r| {
        r.policies.contains(policy_arn) || r.permissions_boundary.as_deref() == Some(policy_arn)
    });
    users.count() + groups.count() + roles.count()
}

/// Attaching twice is not an error in IAM.
fn attach(set: &mut BTreeSet<String>, policy_arn: &str, quota: &str) -> Result<(), BackendError> {
    if !set.contains(policy_arn) && set.len() >= rules::MANAGED_POLICIES_PER_ENTITY {
        return Err(limit(format!(
            "Cannot exceed quota for {quota}: {}",
            rules::MANAGED_POLICIES_PER_ENTITY
        )));
    }
    set.insert(policy_arn.to_owned());
    Ok(())
}

fn detach(set: &mut BTreeSet<String>, policy_arn: &str) -> Result<(), BackendError> {
    if set.remove(policy_arn) {
        Ok(())
    } else {
        Err(no_such(format!("Policy {policy_arn} was not found.")))
    }
}

/// Inline policies are limited by the sum of an entity's documents, not each one.
fn put_inline(
    policies: &mut BTreeMap<Name, PolicyDocument>,
    kind: Kind,
    name: &Name,
    document: &PolicyDocument,
) -> Result<(), BackendError> {
    rules::name(Kind::Policy, name.as_str())?;
    let max = rules::inline_size_limit(kind);
    rules::document(document, DocumentKind::Identity, max)?;
    let others: usize = policies
        .iter()
        .filter(|(n, _)| *n != name)
        .map(|(_, d)| d.size())
        .sum();
    let total = others + document.size();
    if total > max {
        return Err(limit(format!(
            "Maximum policy size of {max} bytes exceeded for {kind} (all inline policies together would be {total})"
        )));
    }
    policies.remove(name);
    policies.insert(name.clone(), document.clone());
    Ok(())
}

fn delete_inline(
    policies: &mut BTreeMap<Name, PolicyDocument>,
    kind: Kind,
    name: &Name,
) -> Result<(), BackendError> {
    match policies.remove(name) {
        Some(_) => Ok(()),
        None => Err(no_such(format!(
            "The {kind} policy with name {} cannot be found.",
            name.as_str()
        ))),
    }
}

/// A trust policy's grammar and size, and its principals: AWS rejects a principal of this account
/// that does not exist yet, which is why a role trusting another role must be created after it.
fn trust_policy(
    acct: &Account,
    account_id: &str,
    doc: &PolicyDocument,
) -> Result<(), BackendError> {
    rules::document(doc, DocumentKind::Trust, rules::TRUST_POLICY_SIZE)?;
    for principal in doc.principal_values() {
        let exists = [(Kind::User, "user/"), (Kind::Role, "role/")]
            .into_iter()
            .find_map(|(kind, segment)| {
                let rest =
                    principal.strip_prefix(&format!("arn:aws:iam::{account_id}:{segment}"))?;
                let name = Name::from(rest.rsplit('/').next().unwrap_or(rest));
                Some(match kind {
                    Kind::User => acct.users.get(&name).is_some_and(|u| {
                        arn(account_id, kind, &u.path, u.name.as_str()) == principal
                    }),
                    _ => acct.roles.get(&name).is_some_and(|r| {
                        arn(account_id, kind, &r.path, r.name.as_str()) == principal
                    }),
                })
            });
        if exists == Some(false) {
            return Err(BackendError::api(
                ErrorCode::MalformedPolicyDocument,
                format!("Invalid principal in policy: \"AWS\":\"{principal}\""),
            ));
        }
    }
    Ok(())
}

fn untag(tags: &mut Tags, keys: &[String]) {
    for k in keys {
        tags.remove(k);
    }
}

fn remove_credential<T: AsRef<str>>(
    list: &mut Vec<T>,
    id: &str,
    what: &str,
) -> Result<(), BackendError> {
    match list.iter().position(|x| x.as_ref() == id) {
        Some(i) => {
            list.remove(i);
            Ok(())
        }
        None => Err(no_such(format!("{what} with id {id} cannot be found."))),
    }
}
