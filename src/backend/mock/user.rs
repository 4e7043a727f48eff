//! The mock's user calls.

use super::find::{self, get_mut};
use super::rules::{self, conflict, no_such, not_found};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::iam::Quota;
use crate::model::{Account, Kind, Name, User};
use crate::operation::UserOp;

pub(super) fn execute(file: &mut MockFile, op: &UserOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    match op {
        UserOp::CreateUser {
            user,
            path,
            permissions_boundary: boundary,
            tags,
        } => {
            rules::new_entity(Kind::User, user, path, tags, acct.users.contains_key(user))?;
            if let Some(b) = boundary {
                find::resolve_policy(acct, &file.account_id, b)?;
            }
            let (name, path, tags) = (user.clone(), path.clone(), tags.clone());
            let permissions_boundary = boundary.clone();
            let new = User {
                name,
                path,
                permissions_boundary,
                tags,
                ..User::default()
            };
            find::add(file, user, new);
        }
        UserOp::UpdateUserPath { user, path } => {
            rules::path(path)?;
            user_mut(acct, user)?.path = path.clone();
        }
        UserOp::RenameUser { user, new_name } => find::rename::<User>(file, user, new_name)?,
        UserOp::DeleteUser { user } => {
            if let Some(what) = blocker(user_mut(acct, user)?) {
                return Err(conflict(format!("Cannot delete entity, {what}.")));
            }
            find::remove::<User>(file, user);
        }
        UserOp::AddUserToGroup { user, group } => {
            let group = acct
                .groups
                .get(group)
                .map(|g| g.name.clone())
                .ok_or_else(|| not_found(Kind::Group, group.as_str()))?;
            let u = user_mut(acct, user)?;
            if !u.groups.contains(&group) {
                rules::room(Quota::GroupsPerUser, u.groups.len())?;
            }
            u.groups.insert(group);
        }
        UserOp::RemoveUserFromGroup { user, group } => {
            if !acct.groups.contains_key(group) {
                return Err(not_found(Kind::Group, group.as_str()));
            }
            if !user_mut(acct, user)?.groups.remove(group) {
                return Err(no_such(format!(
                    "User {} is not in group {}.",
                    user.as_str(),
                    group.as_str()
                )));
            }
        }
        UserOp::CreateLoginProfile { user, password, .. } => {
            let policy = acct.password_policy.clone().unwrap_or_default();
            let c = &mut user_mut(acct, user)?.credentials;
            if c.has_login_profile() {
                return Err(BackendError::api(
                    crate::backend::ErrorCode::EntityAlreadyExists,
                    format!("Login Profile for user {} already exists.", user.as_str()),
                ));
            }
            let password = password
                .expose()
                .ok_or_else(|| rules::invalid("a Password is required"))?;
            rules::password(&policy, password)?;
            c.login_profile = Some(crate::model::LoginProfile {
                created: crate::model::Timestamp::now(),
                password_last_used: None,
            });
        }
        UserOp::DeleteLoginProfile { user } => {
            let c = &mut user_mut(acct, user)?.credentials;
            if c.login_profile.take().is_none() {
                return Err(no_such(format!(
                    "Login Profile for User {} cannot be found.",
                    user.as_str()
                )));
            }
        }
        UserOp::DeleteAccessKey { user, .. } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove(&mut c.access_keys, op, "The Access Key")?;
        }
        UserOp::DeactivateMfaDevice { user, .. } => {
            remove(
                &mut user_mut(acct, user)?.credentials.mfa_devices,
                op,
                "MFA Device",
            )?;
        }
        UserOp::DeleteSshPublicKey { user, .. } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove(&mut c.ssh_public_keys, op, "The Public Key")?;
        }
        UserOp::DeleteSigningCertificate { user, .. } => {
            let c = &mut user_mut(acct, user)?.credentials;
            remove(&mut c.signing_certificates, op, "The Certificate")?;
        }
        UserOp::DeleteServiceSpecificCredential { user, .. } => {
            let list = &mut user_mut(acct, user)?
                .credentials
                .service_specific_credentials;
            remove(list, op, "The Service Specific Credential")?;
        }
    }
    Ok(())
}

fn user_mut<'a>(acct: &'a mut Account, name: &Name) -> Result<&'a mut User, BackendError> {
    get_mut(acct, name)
}

/// What keeps a user from being deleted, in the order AWS checks.
fn blocker(u: &User) -> Option<&'static str> {
    let c = &u.credentials;
    let blockers = [
        (!u.groups.is_empty(), "must remove users from group first"),
        (!u.policies.is_empty(), "must detach all policies first"),
        (!u.inline_policies.is_empty(), "must delete policies first"),
        (c.has_login_profile(), "must delete login profile first"),
        (!c.access_keys.is_empty(), "must delete access keys first"),
        (!c.mfa_devices.is_empty(), "must delete MFA device first"),
        (
            !c.ssh_public_keys.is_empty(),
            "must delete SSH public keys first",
        ),
        (
            !c.signing_certificates.is_empty(),
            "must delete signing certificates first",
        ),
        (
            !c.service_specific_credentials.is_empty(),
            "must delete service-specific credentials first",
        ),
    ];
    blockers.into_iter().find(|(b, _)| *b).map(|(_, what)| what)
}

/// Removes the credential `op` names from `list`; `what` is IAM's name for it.
fn remove<T: AsRef<str>>(list: &mut Vec<T>, op: &UserOp, what: &str) -> Result<(), BackendError> {
    let id = op.credential_id().unwrap_or_default();
    match list.iter().position(|x| x.as_ref() == id) {
        Some(i) => {
            list.remove(i);
            Ok(())
        }
        None => Err(no_such(format!("{what} with id {id} cannot be found."))),
    }
}
