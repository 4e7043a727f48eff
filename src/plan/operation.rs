//! Operations: one IAM API call each. A plan is a DAG of these; a backend executes them.
//!
//! Operations carry everything the call needs (names, ARNs, documents), so that applying a plan
//! needs only the plan and a backend. Policies are addressed by ARN, as the API does.

use crate::model::{Address, Kind, Name, PasswordPolicy, PolicyDocument, Tags};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum Operation {
    // users
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
    TagUser {
        user: Name,
        tags: Tags,
    },
    UntagUser {
        user: Name,
        keys: Vec<String>,
    },
    PutUserPermissionsBoundary {
        user: Name,
        policy_arn: String,
    },
    DeleteUserPermissionsBoundary {
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
    AttachUserPolicy {
        user: Name,
        policy_arn: String,
    },
    DetachUserPolicy {
        user: Name,
        policy_arn: String,
    },
    PutUserPolicy {
        user: Name,
        policy_name: Name,
        document: PolicyDocument,
    },
    DeleteUserPolicy {
        user: Name,
        policy_name: Name,
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
    // groups
    CreateGroup {
        group: Name,
        path: String,
    },
    UpdateGroupPath {
        group: Name,
        path: String,
    },
    /// Renames a group (UpdateGroup NewGroupName); its members and policies follow.
    RenameGroup {
        group: Name,
        new_name: Name,
    },
    DeleteGroup {
        group: Name,
    },
    AttachGroupPolicy {
        group: Name,
        policy_arn: String,
    },
    DetachGroupPolicy {
        group: Name,
        policy_arn: String,
    },
    PutGroupPolicy {
        group: Name,
        policy_name: Name,
        document: PolicyDocument,
    },
    DeleteGroupPolicy {
        group: Name,
        policy_name: Name,
    },
    // roles
    CreateRole {
        role: Name,
        path: String,
        assume_role_policy: PolicyDocument,
        description: Option<String>,
        max_session_duration: u32,
        permissions_boundary: Option<String>,
        tags: Tags,
    },
    UpdateRole {
        role: Name,
        description: Option<String>,
        max_session_duration: u32,
    },
    UpdateAssumeRolePolicy {
        role: Name,
        document: PolicyDocument,
    },
    DeleteRole {
        role: Name,
    },
    TagRole {
        role: Name,
        tags: Tags,
    },
    UntagRole {
        role: Name,
        keys: Vec<String>,
    },
    PutRolePermissionsBoundary {
        role: Name,
        policy_arn: String,
    },
    DeleteRolePermissionsBoundary {
        role: Name,
    },
    AttachRolePolicy {
        role: Name,
        policy_arn: String,
    },
    DetachRolePolicy {
        role: Name,
        policy_arn: String,
    },
    PutRolePolicy {
        role: Name,
        policy_name: Name,
        document: PolicyDocument,
    },
    DeleteRolePolicy {
        role: Name,
        policy_name: Name,
    },
    // managed policies
    CreatePolicy {
        policy: Name,
        path: String,
        description: Option<String>,
        document: PolicyDocument,
        tags: Tags,
    },
    /// Always created as the default version.
    CreatePolicyVersion {
        policy_arn: String,
        document: PolicyDocument,
    },
    DeletePolicyVersion {
        policy_arn: String,
        version_id: String,
    },
    DeletePolicy {
        policy_arn: String,
    },
    TagPolicy {
        policy_arn: String,
        tags: Tags,
    },
    UntagPolicy {
        policy_arn: String,
        keys: Vec<String>,
    },
    // instance profiles
    CreateInstanceProfile {
        instance_profile: Name,
        path: String,
        tags: Tags,
    },
    DeleteInstanceProfile {
        instance_profile: Name,
    },
    AddRoleToInstanceProfile {
        instance_profile: Name,
        role: Name,
    },
    RemoveRoleFromInstanceProfile {
        instance_profile: Name,
        role: Name,
    },
    TagInstanceProfile {
        instance_profile: Name,
        tags: Tags,
    },
    UntagInstanceProfile {
        instance_profile: Name,
        keys: Vec<String>,
    },
    // account
    UpdateAccountPasswordPolicy {
        policy: PasswordPolicy,
    },
    DeleteAccountPasswordPolicy,
}

impl Operation {
    /// The IAM API action name, e.g. `AttachGroupPolicy`; used for call counts and messages.
    pub fn api_name(&self) -> &'static str {
        use Operation::*;
        match self {
            CreateUser { .. } => "CreateUser",
            UpdateUserPath { .. } | RenameUser { .. } => "UpdateUser",
            DeleteUser { .. } => "DeleteUser",
            TagUser { .. } => "TagUser",
            UntagUser { .. } => "UntagUser",
            PutUserPermissionsBoundary { .. } => "PutUserPermissionsBoundary",
            DeleteUserPermissionsBoundary { .. } => "DeleteUserPermissionsBoundary",
            AddUserToGroup { .. } => "AddUserToGroup",
            RemoveUserFromGroup { .. } => "RemoveUserFromGroup",
            AttachUserPolicy { .. } => "AttachUserPolicy",
            DetachUserPolicy { .. } => "DetachUserPolicy",
            PutUserPolicy { .. } => "PutUserPolicy",
            DeleteUserPolicy { .. } => "DeleteUserPolicy",
            DeleteLoginProfile { .. } => "DeleteLoginProfile",
            DeleteAccessKey { .. } => "DeleteAccessKey",
            DeactivateMfaDevice { .. } => "DeactivateMFADevice",
            DeleteSshPublicKey { .. } => "DeleteSSHPublicKey",
            DeleteSigningCertificate { .. } => "DeleteSigningCertificate",
            DeleteServiceSpecificCredential { .. } => "DeleteServiceSpecificCredential",
            CreateGroup { .. } => "CreateGroup",
            UpdateGroupPath { .. } | RenameGroup { .. } => "UpdateGroup",
            DeleteGroup { .. } => "DeleteGroup",
            AttachGroupPolicy { .. } => "AttachGroupPolicy",
            DetachGroupPolicy { .. } => "DetachGroupPolicy",
            PutGroupPolicy { .. } => "PutGroupPolicy",
            DeleteGroupPolicy { .. } => "DeleteGroupPolicy",
            CreateRole { .. } => "CreateRole",
            UpdateRole { .. } => "UpdateRole",
            UpdateAssumeRolePolicy { .. } => "UpdateAssumeRolePolicy",
            DeleteRole { .. } => "DeleteRole",
            TagRole { .. } => "TagRole",
            UntagRole { .. } => "UntagRole",
            PutRolePermissionsBoundary { .. } => "PutRolePermissionsBoundary",
            DeleteRolePermissionsBoundary { .. } => "DeleteRolePermissionsBoundary",
            AttachRolePolicy { .. } => "AttachRolePolicy",
            DetachRolePolicy { .. } => "DetachRolePolicy",
            PutRolePolicy { .. } => "PutRolePolicy",
            DeleteRolePolicy { .. } => "DeleteRolePolicy",
            CreatePolicy { .. } => "CreatePolicy",
            CreatePolicyVersion { .. } => "CreatePolicyVersion",
            DeletePolicyVersion { .. } => "DeletePolicyVersion",
            DeletePolicy { .. } => "DeletePolicy",
            TagPolicy { .. } => "TagPolicy",
            UntagPolicy { .. } => "UntagPolicy",
            CreateInstanceProfile { .. } => "CreateInstanceProfile",
            DeleteInstanceProfile { .. } => "DeleteInstanceProfile",
            AddRoleToInstanceProfile { .. } => "AddRoleToInstanceProfile",
            RemoveRoleFromInstanceProfile { .. } => "RemoveRoleFromInstanceProfile",
            TagInstanceProfile { .. } => "TagInstanceProfile",
            UntagInstanceProfile { .. } => "UntagInstanceProfile",
            UpdateAccountPasswordPolicy { .. } => "UpdateAccountPasswordPolicy",
            DeleteAccountPasswordPolicy => "DeleteAccountPasswordPolicy",
        }
    }

    /// The entity this call acts on (for a policy: its name, taken from the ARN).
    pub fn target(&self) -> Address {
        use Operation::*;
        let policy = |arn: &str| Address::new(Kind::Policy, arn.rsplit('/').next().unwrap_or(arn));
        match self {
            CreateUser { user, .. }
            | UpdateUserPath { user, .. }
            | RenameUser { user, .. }
            | DeleteUser { user }
            | TagUser { user, .. }
            | UntagUser { user, .. }
            | PutUserPermissionsBoundary { user, .. }
            | DeleteUserPermissionsBoundary { user }
            | AddUserToGroup { user, .. }
            | RemoveUserFromGroup { user, .. }
            | AttachUserPolicy { user, .. }
            | DetachUserPolicy { user, .. }
            | PutUserPolicy { user, .. }
            | DeleteUserPolicy { user, .. }
            | DeleteLoginProfile { user }
            | DeleteAccessKey { user, .. }
            | DeactivateMfaDevice { user, .. }
            | DeleteSshPublicKey { user, .. }
            | DeleteSigningCertificate { user, .. }
            | DeleteServiceSpecificCredential { user, .. } => {
                Address::new(Kind::User, user.clone())
            }
            CreateGroup { group, .. }
            | UpdateGroupPath { group, .. }
            | RenameGroup { group, .. }
            | DeleteGroup { group }
            | AttachGroupPolicy { group, .. }
            | DetachGroupPolicy { group, .. }
            | PutGroupPolicy { group, .. }
            | DeleteGroupPolicy { group, .. } => Address::new(Kind::Group, group.clone()),
            CreateRole { role, .. }
            | UpdateRole { role, .. }
            | UpdateAssumeRolePolicy { role, .. }
            | DeleteRole { role }
            | TagRole { role, .. }
            | UntagRole { role, .. }
            | PutRolePermissionsBoundary { role, .. }
            | DeleteRolePermissionsBoundary { role }
            | AttachRolePolicy { role, .. }
            | DetachRolePolicy { role, .. }
            | PutRolePolicy { role, .. }
            | DeleteRolePolicy { role, .. } => Address::new(Kind::Role, role.clone()),
            CreatePolicy { policy, .. } => Address::new(Kind::Policy, policy.clone()),
            CreatePolicyVersion { policy_arn, .. }
            | DeletePolicyVersion { policy_arn, .. }
            | DeletePolicy { policy_arn }
            | TagPolicy { policy_arn, .. }
            | UntagPolicy { policy_arn, .. } => policy(policy_arn),
            CreateInstanceProfile {
                instance_profile, ..
            }
            | DeleteInstanceProfile { instance_profile }
            | AddRoleToInstanceProfile {
                instance_profile, ..
            }
            | RemoveRoleFromInstanceProfile {
                instance_profile, ..
            }
            | TagInstanceProfile {
                instance_profile, ..
            }
            | UntagInstanceProfile {
                instance_profile, ..
            } => Address::new(Kind::InstanceProfile, instance_profile.clone()),
            UpdateAccountPasswordPolicy { .. } | DeleteAccountPasswordPolicy => {
                Address::password_policy()
            }
        }
    }
}

/// One line per operation, e.g. `AttachGroupPolicy group.web arn:aws:iam::aws:policy/ReadOnlyAccess`.
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Operation::*;
        write!(f, "{} {}", self.api_name(), self.target())?;
        match self {
            AddUserToGroup { group, .. } | RemoveUserFromGroup { group, .. } => {
                write!(f, " group.{group}")
            }
            AttachUserPolicy { policy_arn, .. }
            | DetachUserPolicy { policy_arn, .. }
            | AttachGroupPolicy { policy_arn, .. }
            | DetachGroupPolicy { policy_arn, .. }
            | AttachRolePolicy { policy_arn, .. }
            | DetachRolePolicy { policy_arn, .. }
            | PutUserPermissionsBoundary { policy_arn, .. }
            | PutRolePermissionsBoundary { policy_arn, .. } => write!(f, " {policy_arn}"),
            PutUserPolicy { policy_name, .. }
            | DeleteUserPolicy { policy_name, .. }
            | PutGroupPolicy { policy_name, .. }
            | DeleteGroupPolicy { policy_name, .. }
            | PutRolePolicy { policy_name, .. }
            | DeleteRolePolicy { policy_name, .. } => write!(f, " inline {policy_name}"),
            DeletePolicyVersion { version_id, .. } => write!(f, " {version_id}"),
            AddRoleToInstanceProfile { role, .. } | RemoveRoleFromInstanceProfile { role, .. } => {
                write!(f, " role.{role}")
            }
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
            } => write!(f, " {id}"),
            UpdateUserPath { path, .. } | UpdateGroupPath { path, .. } => write!(f, " path {path}"),
            RenameUser { new_name, .. } | RenameGroup { new_name, .. } => {
                write!(f, " new name {new_name}")
            }
            TagUser { tags, .. }
            | TagRole { tags, .. }
            | TagPolicy { tags, .. }
            | TagInstanceProfile { tags, .. } => {
                write!(f, " {}", tags.keys().cloned().collect::<Vec<_>>().join(","))
            }
            UntagUser { keys, .. }
            | UntagRole { keys, .. }
            | UntagPolicy { keys, .. }
            | UntagInstanceProfile { keys, .. } => {
                write!(f, " {}", keys.join(","))
            }
            _ => Ok(()),
        }
    }
}
