//! The aws backend's user calls. Deleting a user first removes its credentials.

use super::request::{ask, sdk_tags, send};
use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::model::{AccessKey, Credentials, Name};
use crate::operation::{Named as _, UserOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &UserOp) -> Result<(), BackendError> {
    use UserOp::*;
    let api = op.api_name();
    let u = op.user().as_str();
    let id = op.credential_id().unwrap_or_default();
    match op {
        CreateUser { path, permissions_boundary, tags, .. } => {
            let (boundary, tags) = (permissions_boundary.clone(), sdk_tags(tags)?);
            send(b, api, |iam| iam.create_user().user_name(u).path(path).set_permissions_boundary(boundary).set_tags(tags).send()).await
        }
        UpdateUserPath { path, .. } => send(b, api, |iam| iam.update_user().user_name(u).new_path(path).send()).await,
        RenameUser { new_name, .. } => send(b, api, |iam| iam.update_user().user_name(u).new_user_name(new_name.as_str()).send()).await,
        DeleteUser { user } => delete_user(b, user).await,
        AddUserToGroup { group, .. } => send(b, api, |iam| iam.add_user_to_group().user_name(u).group_name(group.as_str()).send()).await,
        RemoveUserFromGroup { group, .. } => send(b, api, |iam| iam.remove_user_from_group().user_name(u).group_name(group.as_str()).send()).await,
        CreateLoginProfile { password_reset_required, password, .. } => {
            let password = password.expose().ok_or_else(|| BackendError::api(ErrorCode::InvalidInput, "no password was generated for CreateLoginProfile"))?;
            send(b, api, |iam| iam.create_login_profile().user_name(u).password(password).password_reset_required(*password_reset_required).send()).await
        }
        DeleteLoginProfile { .. } => send(b, api, |iam| iam.delete_login_profile().user_name(u).send()).await,
        DeleteAccessKey { .. } => send(b, api, |iam| iam.delete_access_key().user_name(u).access_key_id(id).send()).await,
        DeactivateMfaDevice { .. } => remove_mfa_device(b, u, id).await,
        DeleteSshPublicKey { .. } => send(b, api, |iam| iam.delete_ssh_public_key().user_name(u).ssh_public_key_id(id).send()).await,
        DeleteSigningCertificate { .. } => send(b, api, |iam| iam.delete_signing_certificate().user_name(u).certificate_id(id).send()).await,
        DeleteServiceSpecificCredential { .. } => send(b, api, |iam| iam.delete_service_specific_credential().user_name(u).service_specific_credential_id(id).send()).await,
    }
}

/// Deletes a user, after removing the credentials IAM refuses to orphan.
///
/// The bulk read does not return credentials (listing them takes calls per user), so the live
/// account never shows them and the plan never contains their teardown. Instead, deleting a user
/// here first deletes its login profile, then lists its access keys, MFA devices (deactivated,
/// and deleted when virtual), SSH public keys, signing certificates and service-specific
/// credentials and removes each with the operation that removes it, then calls DeleteUser. Group
/// memberships and policies are not touched: the plan removes them before, as on every backend.
/// A user that does not exist fails with `NoSuchEntity` from the first listing.
async fn delete_user(b: &AwsBackend, name: &Name) -> Result<(), BackendError> {
    let remove = |op: UserOp| async move { Box::pin(execute(b, &op)).await };
    match remove(UserOp::DeleteLoginProfile { user: name.clone() }).await {
        // No login profile, or no user: ListAccessKeys below tells which.
        Ok(())
        | Err(BackendError::Api {
            code: ErrorCode::NoSuchEntity,
            ..
        }) => {}
        Err(e) => return Err(e),
    }
    for op in credentials(b, name).await? {
        remove(op).await?;
    }
    let user = name.as_str();
    send(b, "DeleteUser", |iam| {
        iam.delete_user().user_name(user).send()
    })
    .await
}

/// The operations that remove every credential the user has, as IAM lists them (the login
/// profile aside).
// A table: one list call and what it lists per line.
#[rustfmt::skip]
async fn credentials(b: &AwsBackend, name: &Name) -> Result<Vec<UserOp>, BackendError> {
    let user = name.as_str();
    let mut c = Credentials::default();
    let keys = ask(b, "ListAccessKeys", |iam| iam.list_access_keys().user_name(user).send()).await?;
    c.access_keys = keys.access_key_metadata().iter().filter_map(|k| k.access_key_id().map(AccessKey::from)).collect();
    let mfa = ask(b, "ListMFADevices", |iam| iam.list_mfa_devices().user_name(user).send()).await?;
    c.mfa_devices = mfa.mfa_devices().iter().map(|d| d.serial_number().to_owned()).collect();
    let ssh = ask(b, "ListSSHPublicKeys", |iam| iam.list_ssh_public_keys().user_name(user).send()).await?;
    c.ssh_public_keys = ssh.ssh_public_keys().iter().map(|k| k.ssh_public_key_id().to_owned()).collect();
    let certs = ask(b, "ListSigningCertificates", |iam| iam.list_signing_certificates().user_name(user).send()).await?;
    c.signing_certificates = certs.certificates().iter().map(|k| k.certificate_id().to_owned()).collect();
    match ask(b, "ListServiceSpecificCredentials", |iam| iam.list_service_specific_credentials().user_name(user).send()).await {
        Ok(creds) => c.service_specific_credentials = creds.service_specific_credentials().iter().map(|k| k.service_specific_credential_id().to_owned()).collect(),
        // moto does not implement this call. If the user does have such a credential, DeleteUser
        // says so (DeleteConflict), and a re-run tries again.
        Err(e) if e.code() == Some(ErrorCode::ServiceFailure) => tracing::info!(user, "could not list service-specific credentials: {e}"),
        Err(e) => return Err(e),
    }
    Ok(UserOp::credential_removals(name, &c))
}

/// Deactivates an MFA device and, when it is a virtual one (its serial number is an ARN), deletes
/// it: a virtual device left behind keeps its name taken.
async fn remove_mfa_device(b: &AwsBackend, user: &str, serial: &str) -> Result<(), BackendError> {
    send(b, "DeactivateMFADevice", |iam| {
        iam.deactivate_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .send()
    })
    .await?;
    if !serial.starts_with("arn:") {
        return Ok(());
    }
    let deleted = send(b, "DeleteVirtualMFADevice", |iam| {
        iam.delete_virtual_mfa_device().serial_number(serial).send()
    })
    .await;
    match deleted {
        Err(e) if e.code() != Some(ErrorCode::NoSuchEntity) => Err(e),
        _ => Ok(()),
    }
}
