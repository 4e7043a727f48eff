//! The mock's instance profile calls: one role per profile.

use super::find::{self, get_mut, role_mut};
use super::rules::{self, conflict, no_such};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::Quota;
use crate::model::{InstanceProfile, Kind};
use crate::operation::InstanceProfileOp;

pub(super) fn execute(file: &mut MockFile, op: &InstanceProfileOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    match op {
        InstanceProfileOp::CreateInstanceProfile {
            instance_profile: name,
            path,
            tags,
        } => {
            let taken = acct.instance_profiles.contains_key(name);
            rules::new_entity(Kind::InstanceProfile, name, path, tags, taken)?;
            let (path, tags) = (path.clone(), tags.clone());
            let new = InstanceProfile {
                name: name.clone(),
                path,
                tags,
                ..Default::default()
            };
            find::add(file, name, new);
        }
        InstanceProfileOp::DeleteInstanceProfile {
            instance_profile: name,
        } => {
            if !get_mut::<InstanceProfile>(acct, name)?.roles.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must remove roles from instance profile first.",
                ));
            }
            find::remove::<InstanceProfile>(file, name);
        }
        InstanceProfileOp::AddRoleToInstanceProfile {
            instance_profile: name,
            role,
        } => {
            let role = role_mut(acct, role)?.name.clone();
            let p = get_mut::<InstanceProfile>(acct, name)?;
            if p.roles.contains(&role) {
                return Err(BackendError::api(
                    ErrorCode::EntityAlreadyExists,
                    format!(
                        "Role {} is already in instance profile {}.",
                        role.as_str(),
                        name.as_str()
                    ),
                ));
            }
            rules::room(Quota::RolesPerInstanceProfile, p.roles.len())?;
            p.roles.insert(role);
        }
        InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile: name,
            role,
        } => {
            role_mut(acct, role)?;
            if !get_mut::<InstanceProfile>(acct, name)?.roles.remove(role) {
                return Err(no_such(format!(
                    "Role {} is not in instance profile {}.",
                    role.as_str(),
                    name.as_str()
                )));
            }
        }
    }
    Ok(())
}
