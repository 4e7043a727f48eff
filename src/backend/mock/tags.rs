//! The mock's tag calls, for every kind IAM tags.

use super::find::{get_mut, policy_mut, role_mut};
use super::rules;
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::{InstanceProfile, User};
use crate::operation::{TagChange, TagOp, TagTarget};

pub(super) fn execute(file: &mut MockFile, op: &TagOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    let tags = match &op.target {
        TagTarget::User(n) => &mut get_mut::<User>(acct, n)?.tags,
        TagTarget::Role(n) => &mut role_mut(acct, n)?.tags,
        TagTarget::Policy(arn) => &mut policy_mut(acct, &file.account_id, arn)?.tags,
        TagTarget::InstanceProfile(n) => &mut get_mut::<InstanceProfile>(acct, n)?.tags,
        TagTarget::OpenIdConnectProvider(n) => {
            &mut acct
                .openid_connect_providers
                .get_mut(n)
                .ok_or_else(|| {
                    rules::no_such(format!(
                        "OpenIDConnect Provider not found for url https://{}",
                        n.as_str()
                    ))
                })?
                .tags
        }
        TagTarget::SamlProvider(n) => &mut super::saml_provider::provider(acct, n)?.tags,
    };
    match &op.change {
        TagChange::Set(new) => {
            rules::tags(tags, new)?;
            tags.extend(new.clone());
        }
        TagChange::Unset(keys) => {
            for k in keys {
                tags.remove(k);
            }
        }
    }
    Ok(())
}
