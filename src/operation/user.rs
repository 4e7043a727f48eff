//! Calls on users: create, move, rename, delete, group membership, and the removal of the
//! credentials IAM refuses to orphan when a user is deleted.

use super::{named, renamed, Access, Call, Effects, Key, Secret};
use crate::model::{Account, Address, Credentials, Kind, Name, Tags};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum UserOp {
    CreateUser {
        user: Name,
        path: String,
        permissions_boundary: Option<String>,
        tags: Tags,
    },
    /// Moves a user to a new path (UpdateUser NewPath).
    UpdateUserPath {
        user: Name,
        path: String,
    },
    /// Renames a user (UpdateUser NewUserName); its groups, policies and credentials follow.
    RenameUser {
        user: Name,
        new_name: Name,
    },
    DeleteUser {
        user: Name,
    },
    AddUserToGroup {
        user: Name,
        group: Name,
    },
    RemoveUserFromGroup {
        user: Name,
        group: Name,
    },
    /// Console access, with a password apply generates: `password_length` characters of every
    /// class IAM's password policies can require. The password itself is never in a plan.
    CreateLoginProfile {
        user: Name,
        password_reset_required: bool,
        password_length: u32,
        #[serde(skip)]
        password: Secret,
    },
    DeleteLoginProfile {
        user: Name,
    },
    DeleteAccessKey {
        user: Name,
        access_key_id: String,
    },
    DeactivateMfaDevice {
        user: Name,
        serial_number: String,
    },
    DeleteSshPublicKey {
        user: Name,
        ssh_public_key_id: String,
    },
    DeleteSigningCertificate {
        user: Name,
        certificate_id: String,
    },
    DeleteServiceSpecificCredential {
        user: Name,
        credential_id: String,
    },
}

use UserOp::*;

impl UserOp {
    /// The identifier of the credential a credential removal deletes (none for a login profile).
    pub fn credential_id(&self) -> Option<&str> {
        use UserOp::*;
        match self {
            DeleteAccessKey {
                access_key_id: id, ..
            }
            | DeactivateMfaDevice {
                serial_number: id, ..
            }
            | DeleteSshPublicKey {
                ssh_public_key_id: id,
                ..
            }
            | DeleteSigningCertificate {
                certificate_id: id, ..
            }
            | DeleteServiceSpecificCredential {
                credential_id: id, ..
            } => Some(id),
            _ => None,
        }
    }

    /// The calls that remove every credential `c` lists, login profile first: IAM refuses to
    /// delete a user that still has any.
    // A table: one kind of credential per line.
    #[rustfmt::skip]
    pub fn credential_removals(user: &Name, c: &Credentials) -> Vec<UserOp> {
        let u = || user.clone();
        let mut out = Vec::new();
        if c.has_login_profile() {
            out.push(DeleteLoginProfile { user: u() });
        }
        out.extend(c.access_key_ids().map(|id| DeleteAccessKey { user: u(), access_key_id: id.to_owned() }));
        out.extend(c.mfa_devices.iter().map(|id| DeactivateMfaDevice { user: u(), serial_number: id.clone() }));
        out.extend(c.ssh_public_keys.iter().map(|id| DeleteSshPublicKey { user: u(), ssh_public_key_id: id.clone() }));
        out.extend(c.signing_certificates.iter().map(|id| DeleteSigningCertificate { user: u(), certificate_id: id.clone() }));
        out.extend(c.service_specific_credentials.iter().map(|id| DeleteServiceSpecificCredential { user: u(), credential_id: id.clone() }));
        out
    }

    /// Whether the call removes one of the user's credentials.
    pub fn removes_credential(&self) -> bool {
        matches!(self, UserOp::DeleteLoginProfile { .. }) || self.credential_id().is_some()
    }
}

named!(UserOp, User, user;
    CreateUser(Create) => "CreateUser", UpdateUserPath(Change) => "UpdateUser",
    RenameUser(Change) => "UpdateUser", DeleteUser(Delete) => "DeleteUser",
    AddUserToGroup(Change) => "AddUserToGroup",
    RemoveUserFromGroup(Change) => "RemoveUserFromGroup",
    CreateLoginProfile(Change) => "CreateLoginProfile",
    DeleteLoginProfile(Change) => "DeleteLoginProfile",
    DeleteAccessKey(Change) => "DeleteAccessKey", DeactivateMfaDevice(Change) => "DeactivateMFADevice",
    DeleteSshPublicKey(Change) => "DeleteSSHPublicKey",
    DeleteSigningCertificate(Change) => "DeleteSigningCertificate",
    DeleteServiceSpecificCredential(Change) => "DeleteServiceSpecificCredential");

impl Call for UserOp {
    fn effects(&self, _account_id: &str) -> Effects {
        use UserOp::*;
        let me = self.key();
        match self {
            CreateUser {
                permissions_boundary,
                ..
            } => Effects::default()
                .creates([me])
                .needs(permissions_boundary.clone().map(Key::Policy)),
            UpdateUserPath { .. } | CreateLoginProfile { .. } | DeleteUser { .. } => {
                self.stage().effects(me)
            }
            // The new name appears as a created user; calls on the new name wait for it.
            RenameUser { new_name, .. } => Effects::creating(Key::entity(Kind::User, new_name)),
            AddUserToGroup { group, .. } => {
                let group = Key::entity(Kind::Group, group);
                Effects::default()
                    .needs([me.clone(), group.clone()])
                    .access(Access::Grant, me, Some(group))
            }
            RemoveUserFromGroup { group, .. } => {
                let group = Key::entity(Kind::Group, group);
                Effects::default()
                    .releases([me.clone(), group.clone()])
                    .access(Access::Revoke, me, Some(group))
            }
            DeleteLoginProfile { .. }
            | DeleteAccessKey { .. }
            | DeactivateMfaDevice { .. }
            | DeleteSshPublicKey { .. }
            | DeleteSigningCertificate { .. }
            | DeleteServiceSpecificCredential { .. } => Effects::default().releases([me]),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let user = live.users.get(self.user());
        let c = user.map(|u| &u.credentials);
        let gone = |ids: Option<Vec<&str>>| {
            ids.is_none_or(|ids| !ids.iter().any(|x| Some(*x) == self.credential_id()))
        };
        fn ids(l: &[String]) -> Vec<&str> {
            l.iter().map(String::as_str).collect()
        }
        match self {
            CreateUser { path, .. } => user.is_some_and(|u| u.path == *path),
            UpdateUserPath { path, .. } => user.is_some_and(|u| u.path == *path),
            RenameUser {
                user: old,
                new_name,
            } => renamed(&live.users, old, new_name, |u| &u.name),
            DeleteUser { .. } => user.is_none(),
            AddUserToGroup { group, .. } => user.is_some_and(|u| u.groups.contains(group)),
            RemoveUserFromGroup { group, .. } => user.is_none_or(|u| !u.groups.contains(group)),
            CreateLoginProfile { .. } => c.is_some_and(|c| c.has_login_profile()),
            DeleteLoginProfile { .. } => c.is_none_or(|c| !c.has_login_profile()),
            DeleteAccessKey { .. } => gone(c.map(|c| c.access_key_ids().collect())),
            DeactivateMfaDevice { .. } => gone(c.map(|c| ids(&c.mfa_devices))),
            DeleteSshPublicKey { .. } => gone(c.map(|c| ids(&c.ssh_public_keys))),
            DeleteSigningCertificate { .. } => gone(c.map(|c| ids(&c.signing_certificates))),
            DeleteServiceSpecificCredential { .. } => {
                gone(c.map(|c| ids(&c.service_specific_credentials)))
            }
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use UserOp::*;
        match self {
            AddUserToGroup { group, .. } | RemoveUserFromGroup { group, .. } => {
                write!(f, " group.{group}")
            }
            UpdateUserPath { path, .. } => write!(f, " path {path}"),
            RenameUser { new_name, .. } => write!(f, " new name {new_name}"),
            _ => match self.credential_id() {
                Some(id) => write!(f, " {id}"),
                None => Ok(()),
            },
        }
    }
}
