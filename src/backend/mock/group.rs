//! The mock's group calls.

use super::find::group_mut;
use super::rules::{self, already_exists, conflict, not_found};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::{Group, Kind, Tags};
use crate::operation::GroupOp;

pub(super) fn execute(file: &mut MockFile, op: &GroupOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    match op {
        GroupOp::CreateGroup { group, path } => {
            let taken = acct.groups.contains_key(group);
            rules::new_entity(Kind::Group, group, path, &Tags::new(), taken)?;
            let entity = Group {
                name: group.clone(),
                path: path.clone(),
                policies: Default::default(),
                inline_policies: Default::default(),
            };
            acct.groups.insert(group.clone(), entity);
            file.assign_unique_id(Kind::Group, group);
        }
        GroupOp::UpdateGroupPath { group, path } => {
            rules::path(path)?;
            group_mut(acct, group)?.path = path.clone();
        }
        GroupOp::RenameGroup { group, new_name } => {
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
        GroupOp::DeleteGroup { group } => {
            let g = group_mut(acct, group)?;
            rules::holds_no_policies(&g.policies, &g.inline_policies)?;
            if acct.users.values().any(|u| u.groups.contains(group)) {
                return Err(conflict(
                    "Cannot delete entity, must remove users from group first.",
                ));
            }
            acct.groups.remove(group);
            file.unique_ids.forget(Kind::Group, group);
        }
    }
    Ok(())
}
