//! The aws backend's user calls, and the listing of a user's credentials (for the users a plan
//! deletes).

use super::request::timestamp;
use super::request::{ask, sdk_tags, send};
use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::model::credentials::UNKNOWN_CREATION;
use crate::model::{AccessKey, Credentials, KeyStatus, LoginProfile, Name};
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

/// Deletes a user: one DeleteUser call. Its credentials are not removed here: the plan read them
/// ([`read_credentials`]) and removes each before, as on every backend, so that nothing the
/// reviewed plan did not show is deleted. A credential created since makes IAM refuse
/// (`DeleteConflict`), and the next plan shows it.
async fn delete_user(b: &AwsBackend, name: &Name) -> Result<(), BackendError> {
    let user = name.as_str();
    send(b, "DeleteUser", |iam| {
        iam.delete_user().user_name(user).send()
    })
    .await
}

/// Every credential of a user, as IAM lists them: the login profile (GetLoginProfile), access
/// keys, MFA devices, SSH public keys, signing certificates and service-specific credentials.
/// Six calls: made only for the users a plan deletes.
// A table: one call and what it gives per line.
#[rustfmt::skip]
pub(super) async fn read_credentials(b: &AwsBackend, name: &Name) -> Result<Credentials, BackendError> {
    let user = name.as_str();
    let mut c = Credentials::default();
    match ask(b, "GetLoginProfile", |iam| iam.get_login_profile().user_name(user).send()).await {
        Ok(p) => c.login_profile = Some(LoginProfile { created: p.login_profile().and_then(|p| timestamp(p.create_date())).unwrap_or(UNKNOWN_CREATION), password_last_used: None }),
        Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
        Err(e) => return Err(e),
    }
    let keys = ask(b, "ListAccessKeys", |iam| iam.list_access_keys().user_name(user).send()).await?;
    c.access_keys = keys.access_key_metadata().iter().filter_map(access_key).collect();
    let mfa = ask(b, "ListMFADevices", |iam| iam.list_mfa_devices().user_name(user).send()).await?;
    c.mfa_devices = mfa.mfa_devices().iter().map(|d| d.serial_number().to_owned()).collect();
    let ssh = ask(b, "ListSSHPublicKeys", |iam| iam.list_ssh_public_keys().user_name(user).send()).await?;
    c.ssh_public_keys = ssh.ssh_public_keys().iter().map(|k| k.ssh_public_key_id().to_owned()).collect();
    let certs = ask(b, "ListSigningCertificates", |iam| iam.list_signing_certificates().user_name(user).send()).await?;
    c.signing_certificates = certs.certificates().iter().map(|k| k.certificate_id().to_owned()).collect();
    match ask(b, "ListServiceSpecificCredentials", |iam| iam.list_service_specific_credentials().user_name(user).send()).await {
        Ok(creds) => c.service_specific_credentials = creds.service_specific_credentials().iter().map(|k| k.service_specific_credential_id().to_owned()).collect(),
        // moto does not implement this call. If the user does have such a credential, DeleteUser
        // says so (DeleteConflict), and the next plan tries again.
        Err(e) if e.code() == Some(ErrorCode::ServiceFailure) => tracing::info!(user, "could not list service-specific credentials: {e}"),
        Err(e) => return Err(e),
    }
    Ok(c)
}

/// An access key of ListAccessKeys, by id, status and creation date.
fn access_key(k: &aws_sdk_iam::types::AccessKeyMetadata) -> Option<AccessKey> {
    let mut key = AccessKey::from(k.access_key_id()?);
    if k.status() == Some(&aws_sdk_iam::types::StatusType::Inactive) {
        key.status = KeyStatus::Inactive;
    }
    key.created = k
        .create_date()
        .and_then(timestamp)
        .unwrap_or(UNKNOWN_CREATION);
    Some(key)
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
