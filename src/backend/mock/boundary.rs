//! The mock's permissions boundary calls, for users and roles.

use super::find::{get_mut, resolve_policy, role_mut};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::User;
use crate::operation::{BoundaryOp, BoundaryTarget};

pub(super) fn execute(file: &mut MockFile, op: &BoundaryOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    if let Some(policy_arn) = &op.policy_arn {
        resolve_policy(acct, &file.account_id, policy_arn)?;
    }
    let boundary = match &op.target {
        BoundaryTarget::User(n) => &mut get_mut::<User>(acct, n)?.permissions_boundary,
        BoundaryTarget::Role(n) => &mut role_mut(acct, n)?.permissions_boundary,
    };
    boundary.clone_from(&op.policy_arn);
    Ok(())
}
