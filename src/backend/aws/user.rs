//! The aws backend's user calls. Deleting a user first removes its credentials.

use super::request::{ask, sdk_tags, send};
use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::model::Name;
use crate::operation::{Call as _, UserOp};

pub(super) async fn execute(b: &AwsBackend, op: &UserOp) -> Result<(), BackendError> {
    let api = op.api_name();
    match op {
        UserOp::CreateUser {
            user,
            path,
            permissions_boundary,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            send(b, api, move |iam| {
                iam.create_user()
                    .user_name(user.as_str())
                    .path(path)
                    .set_permissions_boundary(permissions_boundary.clone())
                    .set_tags(tags)
                    .send()
            })
            .await
        }
        UserOp::UpdateUserPath { user, path } => {
            let path = path.as_str();
            send(b, api, move |iam| {
                iam.update_user()
                    .user_name(user.as_str())
                    .new_path(path)
                    .send()
            })
            .await
        }
        UserOp::RenameUser { user, new_name } => {
            let (user, new_name) = (user.as_str(), new_name.as_str());
            send(b, api, move |iam| {
                iam.update_user()
                    .user_name(user)
                    .new_user_name(new_name)
                    .send()
            })
            .await
        }
        UserOp::DeleteUser { user } => delete_user(b, user).await,
        UserOp::AddUserToGroup { user, group } => {
            let (user, group) = (user.as_str(), group.as_str());
            send(b, api, move |iam| {
                iam.add_user_to_group()
                    .user_name(user)
                    .group_name(group)
                    .send()
            })
            .await
        }
        UserOp::RemoveUserFromGroup { user, group } => {
            let (user, group) = (user.as_str(), group.as_str());
            send(b, api, move |iam| {
                iam.remove_user_from_group()
                    .user_name(user)
                    .group_name(group)
                    .send()
            })
            .await
        }
        UserOp::DeleteLoginProfile { user } => {
            send(b, api, move |iam| {
                iam.delete_login_profile().user_name(user.as_str()).send()
            })
            .await
        }
        UserOp::DeleteAccessKey {
            user,
            access_key_id: id,
        } => {
            send(b, api, move |iam| {
                iam.delete_access_key()
                    .user_name(user.as_str())
                    .access_key_id(id)
                    .send()
            })
            .await
        }
        UserOp::DeactivateMfaDevice {
            user,
            serial_number,
        } => remove_mfa_device(b, user.as_str(), serial_number).await,
        UserOp::DeleteSshPublicKey {
            user,
            ssh_public_key_id: id,
        } => {
            send(b, api, move |iam| {
                iam.delete_ssh_public_key()
                    .user_name(user.as_str())
                    .ssh_public_key_id(id)
                    .send()
            })
            .await
        }
        UserOp::DeleteSigningCertificate {
            user,
            certificate_id: id,
        } => {
            send(b, api, move |iam| {
                iam.delete_signing_certificate()
                    .user_name(user.as_str())
                    .certificate_id(id)
                    .send()
            })
            .await
        }
        UserOp::DeleteServiceSpecificCredential {
            user,
            credential_id: id,
        } => {
            send(b, api, move |iam| {
                iam.delete_service_specific_credential()
                    .user_name(user.as_str())
                    .service_specific_credential_id(id)
                    .send()
            })
            .await
        }
    }
}

/// Deletes a user, after removing the credentials IAM refuses to orphan.
///
/// The bulk read does not return credentials (listing them takes calls per user), so the live
/// account never shows them and the plan never contains their teardown. Instead, deleting a user
/// here first lists and deletes its login profile, access keys, MFA devices (deactivated, and
/// deleted when virtual), SSH public keys, signing certificates and service-specific
/// credentials — each with the operation that removes it — then calls DeleteUser. Group
/// memberships and policies are not touched: the plan removes them before, as on every backend.
/// A user that does not exist fails with `NoSuchEntity` from the first listing.
async fn delete_user(b: &AwsBackend, name: &Name) -> Result<(), BackendError> {
    let user = name.as_str();
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
    let keys = ask(b, "ListAccessKeys", move |iam| {
        iam.list_access_keys().user_name(user).send()
    })
    .await?;
    for id in keys
        .access_key_metadata()
        .iter()
        .filter_map(|k| k.access_key_id())
    {
        let user = name.clone();
        let access_key_id = id.to_owned();
        remove(UserOp::DeleteAccessKey {
            user,
            access_key_id,
        })
        .await?;
    }
    let mfa = ask(b, "ListMFADevices", move |iam| {
        iam.list_mfa_devices().user_name(user).send()
    })
    .await?;
    for d in mfa.mfa_devices() {
        remove_mfa_device(b, user, d.serial_number()).await?;
    }
    let ssh = ask(b, "ListSSHPublicKeys", move |iam| {
        iam.list_ssh_public_keys().user_name(user).send()
    })
    .await?;
    for k in ssh.ssh_public_keys() {
        let (user, ssh_public_key_id) = (name.clone(), k.ssh_public_key_id().to_owned());
        remove(UserOp::DeleteSshPublicKey {
            user,
            ssh_public_key_id,
        })
        .await?;
    }
    let certs = ask(b, "ListSigningCertificates", move |iam| {
        iam.list_signing_certificates().user_name(user).send()
    })
    .await?;
    for c in certs.certificates() {
        let (user, certificate_id) = (name.clone(), c.certificate_id().to_owned());
        remove(UserOp::DeleteSigningCertificate {
            user,
            certificate_id,
        })
        .await?;
    }
    let listed = ask(b, "ListServiceSpecificCredentials", move |iam| {
        iam.list_service_specific_credentials()
            .user_name(user)
            .send()
    })
    .await;
    match listed {
        Ok(creds) => {
            for c in creds.service_specific_credentials() {
                let user = name.clone();
                let credential_id = c.service_specific_credential_id().to_owned();
                remove(UserOp::DeleteServiceSpecificCredential {
                    user,
                    credential_id,
                })
                .await?;
            }
        }
        Err(e) if e.code() == Some(ErrorCode::ServiceFailure) => {
            // moto does not implement this call. If the user does have such a credential,
            // DeleteUser says so (DeleteConflict), and a re-run tries again.
            tracing::info!(user, "could not list service-specific credentials: {e}");
        }
        Err(e) => return Err(e),
    }
    send(b, "DeleteUser", move |iam| {
        iam.delete_user().user_name(user).send()
    })
    .await
}

/// Deactivates an MFA device and, when it is a virtual one (its serial number is an ARN), deletes
/// it: a virtual device left behind keeps its name taken.
async fn remove_mfa_device(b: &AwsBackend, user: &str, serial: &str) -> Result<(), BackendError> {
    send(b, "DeactivateMFADevice", move |iam| {
        iam.deactivate_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .send()
    })
    .await?;
    if serial.starts_with("arn:") {
        let deleted = send(b, "DeleteVirtualMFADevice", move |iam| {
            iam.delete_virtual_mfa_device().serial_number(serial).send()
        })
        .await;
        match deleted {
            Ok(()) => {}
            Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
