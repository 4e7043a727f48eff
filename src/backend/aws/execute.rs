//! One IAM API call per [`Operation`] (user teardown aside, see [`delete_user`]).

use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::model::{PasswordPolicy, Tags};
use crate::plan::operation::Operation;
use aws_sdk_iam::config::retry::RetryConfig;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::Tag;
use aws_sdk_iam::Client;
use std::future::Future;
use std::pin::Pin;

type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, BackendError>> + Send + 'a>>;

/// Builds one SDK request with `make` and sends it, counted, as a boxed future.
///
/// Each request is built in this function's own frame and moved to the heap: building ~50 kinds
/// of requests inline in one `match` gives a debug build a stack frame too large for a thread.
fn run<'a, T, E, F>(
    b: &'a AwsBackend,
    action: &'a str,
    make: impl FnOnce(&'a Client) -> F,
) -> Call<'a, T>
where
    F: Future<Output = Result<T, SdkError<E>>> + Send + 'a,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    T: Send + 'a,
{
    Box::pin(b.call(action, make(&b.iam)))
}

pub async fn execute(b: &AwsBackend, op: &Operation) -> Result<(), BackendError> {
    use Operation::*;
    let api = op.api_name();
    match op {
        // ---- users
        CreateUser {
            user,
            path,
            permissions_boundary,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.create_user()
                    .user_name(user.as_str())
                    .path(path)
                    .set_permissions_boundary(permissions_boundary.clone())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UpdateUserPath { user, path } => {
            run(b, api, move |iam| {
                iam.update_user()
                    .user_name(user.as_str())
                    .new_path(path)
                    .send()
            })
            .await?;
        }
        RenameUser { user, new_name } => {
            run(b, api, move |iam| {
                iam.update_user()
                    .user_name(user.as_str())
                    .new_user_name(new_name.as_str())
                    .send()
            })
            .await?;
        }
        DeleteUser { user } => delete_user(b, user.as_str()).await?,
        TagUser { user, tags } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.tag_user()
                    .user_name(user.as_str())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UntagUser { user, keys } => {
            run(b, api, move |iam| {
                iam.untag_user()
                    .user_name(user.as_str())
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await?;
        }
        PutUserPermissionsBoundary { user, policy_arn } => {
            run(b, api, move |iam| {
                iam.put_user_permissions_boundary()
                    .user_name(user.as_str())
                    .permissions_boundary(policy_arn)
                    .send()
            })
            .await?;
        }
        DeleteUserPermissionsBoundary { user } => {
            run(b, api, move |iam| {
                iam.delete_user_permissions_boundary()
                    .user_name(user.as_str())
                    .send()
            })
            .await?;
        }
        AddUserToGroup { user, group } => {
            run(b, api, move |iam| {
                iam.add_user_to_group()
                    .user_name(user.as_str())
                    .group_name(group.as_str())
                    .send()
            })
            .await?;
        }
        RemoveUserFromGroup { user, group } => {
            run(b, api, move |iam| {
                iam.remove_user_from_group()
                    .user_name(user.as_str())
                    .group_name(group.as_str())
                    .send()
            })
            .await?;
        }
        AttachUserPolicy { user, policy_arn } => {
            run(b, api, move |iam| {
                iam.attach_user_policy()
                    .user_name(user.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        DetachUserPolicy { user, policy_arn } => {
            run(b, api, move |iam| {
                iam.detach_user_policy()
                    .user_name(user.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        PutUserPolicy {
            user,
            policy_name,
            document,
        } => {
            run(b, api, move |iam| {
                iam.put_user_policy()
                    .user_name(user.as_str())
                    .policy_name(policy_name.as_str())
                    .policy_document(document.to_minimal())
                    .send()
            })
            .await?;
        }
        DeleteUserPolicy { user, policy_name } => {
            run(b, api, move |iam| {
                iam.delete_user_policy()
                    .user_name(user.as_str())
                    .policy_name(policy_name.as_str())
                    .send()
            })
            .await?;
        }
        DeleteLoginProfile { user } => {
            run(b, api, move |iam| {
                iam.delete_login_profile().user_name(user.as_str()).send()
            })
            .await?;
        }
        DeleteAccessKey {
            user,
            access_key_id,
        } => {
            run(b, api, move |iam| {
                iam.delete_access_key()
                    .user_name(user.as_str())
                    .access_key_id(access_key_id)
                    .send()
            })
            .await?;
        }
        DeactivateMfaDevice {
            user,
            serial_number,
        } => remove_mfa_device(b, user.as_str(), serial_number).await?,
        DeleteSshPublicKey {
            user,
            ssh_public_key_id,
        } => {
            run(b, api, move |iam| {
                iam.delete_ssh_public_key()
                    .user_name(user.as_str())
                    .ssh_public_key_id(ssh_public_key_id)
                    .send()
            })
            .await?;
        }
        DeleteSigningCertificate {
            user,
            certificate_id,
        } => {
            run(b, api, move |iam| {
                iam.delete_signing_certificate()
                    .user_name(user.as_str())
                    .certificate_id(certificate_id)
                    .send()
            })
            .await?;
        }
        DeleteServiceSpecificCredential {
            user,
            credential_id,
        } => {
            run(b, api, move |iam| {
                iam.delete_service_specific_credential()
                    .user_name(user.as_str())
                    .service_specific_credential_id(credential_id)
                    .send()
            })
            .await?;
        }
        // ---- groups
        CreateGroup { group, path } => {
            run(b, api, move |iam| {
                iam.create_group()
                    .group_name(group.as_str())
                    .path(path)
                    .send()
            })
            .await?;
        }
        UpdateGroupPath { group, path } => {
            run(b, api, move |iam| {
                iam.update_group()
                    .group_name(group.as_str())
                    .new_path(path)
                    .send()
            })
            .await?;
        }
        RenameGroup { group, new_name } => {
            run(b, api, move |iam| {
                iam.update_group()
                    .group_name(group.as_str())
                    .new_group_name(new_name.as_str())
                    .send()
            })
            .await?;
        }
        DeleteGroup { group } => {
            run(b, api, move |iam| {
                iam.delete_group().group_name(group.as_str()).send()
            })
            .await?;
        }
        AttachGroupPolicy { group, policy_arn } => {
            run(b, api, move |iam| {
                iam.attach_group_policy()
                    .group_name(group.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        DetachGroupPolicy { group, policy_arn } => {
            run(b, api, move |iam| {
                iam.detach_group_policy()
                    .group_name(group.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        PutGroupPolicy {
            group,
            policy_name,
            document,
        } => {
            run(b, api, move |iam| {
                iam.put_group_policy()
                    .group_name(group.as_str())
                    .policy_name(policy_name.as_str())
                    .policy_document(document.to_minimal())
                    .send()
            })
            .await?;
        }
        DeleteGroupPolicy { group, policy_name } => {
            run(b, api, move |iam| {
                iam.delete_group_policy()
                    .group_name(group.as_str())
                    .policy_name(policy_name.as_str())
                    .send()
            })
            .await?;
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
            let max_session = int(*max_session_duration, "MaxSessionDuration")?;
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.create_role()
                    .role_name(role.as_str())
                    .path(path)
                    .assume_role_policy_document(assume_role_policy.to_minimal())
                    .set_description(description.clone())
                    .max_session_duration(max_session)
                    .set_permissions_boundary(permissions_boundary.clone())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UpdateRole {
            role,
            description,
            max_session_duration,
        } => {
            // An empty description removes the one the role has.
            let max_session = int(*max_session_duration, "MaxSessionDuration")?;
            run(b, api, move |iam| {
                iam.update_role()
                    .role_name(role.as_str())
                    .description(description.clone().unwrap_or_default())
                    .max_session_duration(max_session)
                    .send()
            })
            .await?;
        }
        UpdateAssumeRolePolicy { role, document } => {
            run(b, api, move |iam| {
                iam.update_assume_role_policy()
                    .role_name(role.as_str())
                    .policy_document(document.to_minimal())
                    .send()
            })
            .await?;
        }
        DeleteRole { role } => {
            run(b, api, move |iam| {
                iam.delete_role().role_name(role.as_str()).send()
            })
            .await?;
        }
        TagRole { role, tags } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.tag_role()
                    .role_name(role.as_str())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UntagRole { role, keys } => {
            run(b, api, move |iam| {
                iam.untag_role()
                    .role_name(role.as_str())
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await?;
        }
        PutRolePermissionsBoundary { role, policy_arn } => {
            run(b, api, move |iam| {
                iam.put_role_permissions_boundary()
                    .role_name(role.as_str())
                    .permissions_boundary(policy_arn)
                    .send()
            })
            .await?;
        }
        DeleteRolePermissionsBoundary { role } => {
            run(b, api, move |iam| {
                iam.delete_role_permissions_boundary()
                    .role_name(role.as_str())
                    .send()
            })
            .await?;
        }
        AttachRolePolicy { role, policy_arn } => {
            run(b, api, move |iam| {
                iam.attach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        DetachRolePolicy { role, policy_arn } => {
            run(b, api, move |iam| {
                iam.detach_role_policy()
                    .role_name(role.as_str())
                    .policy_arn(policy_arn)
                    .send()
            })
            .await?;
        }
        PutRolePolicy {
            role,
            policy_name,
            document,
        } => {
            run(b, api, move |iam| {
                iam.put_role_policy()
                    .role_name(role.as_str())
                    .policy_name(policy_name.as_str())
                    .policy_document(document.to_minimal())
                    .send()
            })
            .await?;
        }
        DeleteRolePolicy { role, policy_name } => {
            run(b, api, move |iam| {
                iam.delete_role_policy()
                    .role_name(role.as_str())
                    .policy_name(policy_name.as_str())
                    .send()
            })
            .await?;
        }
        // ---- managed policies
        CreatePolicy {
            policy,
            path,
            description,
            document,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.create_policy()
                    .policy_name(policy.as_str())
                    .path(path)
                    .set_description(description.clone())
                    .policy_document(document.to_minimal())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        CreatePolicyVersion {
            policy_arn,
            document,
        } => {
            run(b, api, move |iam| {
                iam.create_policy_version()
                    .policy_arn(policy_arn)
                    .policy_document(document.to_minimal())
                    .set_as_default(true)
                    .send()
            })
            .await?;
        }
        DeletePolicyVersion {
            policy_arn,
            version_id,
        } => {
            run(b, api, move |iam| {
                iam.delete_policy_version()
                    .policy_arn(policy_arn)
                    .version_id(version_id)
                    .send()
            })
            .await?;
        }
        DeletePolicy { policy_arn } => {
            run(b, api, move |iam| {
                iam.delete_policy().policy_arn(policy_arn).send()
            })
            .await?;
        }
        TagPolicy { policy_arn, tags } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.tag_policy()
                    .policy_arn(policy_arn)
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UntagPolicy { policy_arn, keys } => {
            run(b, api, move |iam| {
                iam.untag_policy()
                    .policy_arn(policy_arn)
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await?;
        }
        // ---- instance profiles
        CreateInstanceProfile {
            instance_profile,
            path,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.create_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .path(path)
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        DeleteInstanceProfile { instance_profile } => {
            run(b, api, move |iam| {
                iam.delete_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .send()
            })
            .await?;
        }
        AddRoleToInstanceProfile {
            instance_profile,
            role,
        } => {
            run(b, api, move |iam| {
                iam.add_role_to_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .role_name(role.as_str())
                    .send()
            })
            .await?;
        }
        RemoveRoleFromInstanceProfile {
            instance_profile,
            role,
        } => {
            run(b, api, move |iam| {
                iam.remove_role_from_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .role_name(role.as_str())
                    .send()
            })
            .await?;
        }
        TagInstanceProfile {
            instance_profile,
            tags,
        } => {
            let tags = sdk_tags(tags)?;
            run(b, api, move |iam| {
                iam.tag_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .set_tags(tags)
                    .send()
            })
            .await?;
        }
        UntagInstanceProfile {
            instance_profile,
            keys,
        } => {
            run(b, api, move |iam| {
                iam.untag_instance_profile()
                    .instance_profile_name(instance_profile.as_str())
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await?;
        }
        // ---- account
        UpdateAccountPasswordPolicy { policy } => update_password_policy(b, policy).await?,
        DeleteAccountPasswordPolicy => {
            run(b, api, move |iam| {
                iam.delete_account_password_policy().send()
            })
            .await?;
        }
    }
    Ok(())
}

async fn update_password_policy(b: &AwsBackend, p: &PasswordPolicy) -> Result<(), BackendError> {
    let opt_int = |v: Option<u32>, what: &str| v.map(|v| int(v, what)).transpose();
    let minimum_length = opt_int(p.minimum_length, "MinimumPasswordLength")?;
    let max_age = opt_int(p.max_age_days, "MaxPasswordAge")?;
    let reuse = opt_int(p.reuse_prevention, "PasswordReusePrevention")?;
    run(b, "UpdateAccountPasswordPolicy", move |iam| {
        iam.update_account_password_policy()
            .set_minimum_password_length(minimum_length)
            .set_require_symbols(p.require_symbols)
            .set_require_numbers(p.require_numbers)
            .set_require_uppercase_characters(p.require_uppercase)
            .set_require_lowercase_characters(p.require_lowercase)
            .set_allow_users_to_change_password(p.allow_users_to_change_password)
            .set_max_password_age(max_age)
            .set_password_reuse_prevention(reuse)
            .set_hard_expiry(p.hard_expiry)
            .send()
    })
    .await?;
    Ok(())
}

/// Deletes a user, after removing the credentials IAM refuses to orphan.
///
/// The bulk read does not return credentials (listing them takes calls per user), so the live
/// account never shows them and the plan never contains their teardown. Instead, deleting a user
/// here first lists and deletes its login profile, access keys, MFA devices (deactivated, and
/// deleted when virtual), SSH public keys, signing certificates and service-specific
/// credentials, then calls DeleteUser. Group memberships and policies are not touched: the plan
/// removes them before, as on every backend. A user that does not exist fails with
/// `NoSuchEntity` from the first listing.
pub async fn delete_user(b: &AwsBackend, user: &str) -> Result<(), BackendError> {
    match run(b, "DeleteLoginProfile", move |iam| {
        iam.delete_login_profile().user_name(user).send()
    })
    .await
    {
        Ok(_) => {}
        Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {
            // No login profile, or no user: ListAccessKeys below tells which.
        }
        Err(e) => return Err(e),
    }

    let keys = run(b, "ListAccessKeys", move |iam| {
        iam.list_access_keys().user_name(user).send()
    })
    .await?;
    for k in keys.access_key_metadata() {
        if let Some(id) = k.access_key_id() {
            run(b, "DeleteAccessKey", move |iam| {
                iam.delete_access_key()
                    .user_name(user)
                    .access_key_id(id)
                    .send()
            })
            .await?;
        }
    }

    let mfa = run(b, "ListMFADevices", move |iam| {
        iam.list_mfa_devices().user_name(user).send()
    })
    .await?;
    for d in mfa.mfa_devices() {
        remove_mfa_device(b, user, d.serial_number()).await?;
    }

    let ssh = run(b, "ListSSHPublicKeys", move |iam| {
        iam.list_ssh_public_keys().user_name(user).send()
    })
    .await?;
    for k in ssh.ssh_public_keys() {
        run(b, "DeleteSSHPublicKey", move |iam| {
            iam.delete_ssh_public_key()
                .user_name(user)
                .ssh_public_key_id(k.ssh_public_key_id())
                .send()
        })
        .await?;
    }

    let certs = run(b, "ListSigningCertificates", move |iam| {
        iam.list_signing_certificates().user_name(user).send()
    })
    .await?;
    for c in certs.certificates() {
        run(b, "DeleteSigningCertificate", move |iam| {
            iam.delete_signing_certificate()
                .user_name(user)
                .certificate_id(c.certificate_id())
                .send()
        })
        .await?;
    }

    match run(b, "ListServiceSpecificCredentials", move |iam| {
        // Not retried: some IAM emulators answer this call with HTTP 500 (see below).
        iam.list_service_specific_credentials()
            .user_name(user)
            .customize()
            .config_override(
                aws_sdk_iam::config::Builder::default().retry_config(RetryConfig::disabled()),
            )
            .send()
    })
    .await
    {
        Ok(creds) => {
            for c in creds.service_specific_credentials() {
                run(b, "DeleteServiceSpecificCredential", move |iam| {
                    iam.delete_service_specific_credential()
                        .user_name(user)
                        .service_specific_credential_id(c.service_specific_credential_id())
                        .send()
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

    run(b, "DeleteUser", move |iam| {
        iam.delete_user().user_name(user).send()
    })
    .await?;
    Ok(())
}

/// Deactivates an MFA device and, when it is a virtual one (its serial number is an ARN), deletes
/// it: a virtual device left behind keeps its name taken.
async fn remove_mfa_device(b: &AwsBackend, user: &str, serial: &str) -> Result<(), BackendError> {
    run(b, "DeactivateMFADevice", move |iam| {
        iam.deactivate_mfa_device()
            .user_name(user)
            .serial_number(serial)
            .send()
    })
    .await?;
    if serial.starts_with("arn:") {
        match run(b, "DeleteVirtualMFADevice", move |iam| {
            iam.delete_virtual_mfa_device().serial_number(serial).send()
        })
        .await
        {
            Ok(_) => {}
            Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A tag map as the SDK's list (`None` for no tags, so that nothing is sent).
fn sdk_tags(tags: &Tags) -> Result<Option<Vec<Tag>>, BackendError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| BackendError::api(ErrorCode::InvalidInput, e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// IAM's integer parameters are 32-bit signed.
fn int(v: u32, what: &str) -> Result<i32, BackendError> {
    i32::try_from(v).map_err(|_| {
        BackendError::api(
            ErrorCode::InvalidInput,
            format!("{what} {v} is out of range"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_sdk_tags() {
        assert_eq!(sdk_tags(&Tags::new()).unwrap(), None);
        let t: Tags = [("team".to_owned(), "web".to_owned())].into();
        let sdk = sdk_tags(&t).unwrap().unwrap();
        assert_eq!((sdk[0].key(), sdk[0].value()), ("team", "web"));
    }

    #[test]
    fn integers_out_of_range_are_invalid_input() {
        assert_eq!(int(3600, "x").unwrap(), 3600);
        assert_eq!(
            int(u32::MAX, "x").unwrap_err().code(),
            Some(ErrorCode::InvalidInput)
        );
    }
}
