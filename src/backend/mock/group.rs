//! The mock's group calls.

use super::find::{self, get_mut};
use super::rules::{self, conflict};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::{Group, Kind, Tags};
use crate::operation::GroupOp;

pub(super) fn execute(file: &mut MockFile, op: &GroupOp) -> Result<(), BackendError> {
    let group = op.group();
    let acct = &mut file.account;
    match op {
        GroupOp::CreateGroup { path, .. } => {
            let taken = acct.groups.contains_key(group);
            rules::new_entity(Kind::Group, group, path, &Tags::new(), taken)?;
            let (name, path) = (group.clone(), path.clone());
            find::add(
                file,
                group,
                Group {
                    name,
                    path,
                    ..Group::default()
                },
            );
        }
        GroupOp::UpdateGroupPath { path, .. } => {
            rules::path(path)?;
            get_mut::<Group>(acct, group)?.path = path.clone();
        }
        GroupOp::RenameGroup { new_name, .. } => {
            find::rename::<Group>(file, group, new_name)?;
            // The group's members follow it.
            for u in file.account.users.values_mut() {
                if u.groups.remove(group) {
                    u.groups.insert(new_name.clone());
                }
            }
        }
        GroupOp::DeleteGroup { .. } => {
            let g: &mut Group = get_mut(acct, group)?;
            rules::holds_no_policies(&g.policies, &g.inline_policies)?;
            if acct.users.values().any(|u| u.groups.contains(group)) {
                return Err(conflict(
                    "Cannot delete entity, must remove users from group first.",
                ));
            }
            find::remove::<Group>(file, group);
        }
    }
    Ok(())
}
