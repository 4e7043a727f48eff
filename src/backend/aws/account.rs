//! The aws backend's account calls: the password policy and the alias.

use super::request::{int, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{AccountOp, Named as _};

pub(super) async fn execute(b: &AwsBackend, op: &AccountOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let p = match op {
        AccountOp::UpdateAccountPasswordPolicy { policy } => policy,
        AccountOp::DeleteAccountPasswordPolicy => {
            return send(b, api, |iam| iam.delete_account_password_policy().send()).await
        }
        AccountOp::CreateAccountAlias { account_alias: a } => {
            return send(b, api, |iam| {
                iam.create_account_alias().account_alias(a).send()
            })
            .await
        }
        AccountOp::DeleteAccountAlias { account_alias: a } => {
            return send(b, api, |iam| {
                iam.delete_account_alias().account_alias(a).send()
            })
            .await
        }
    };
    let opt_int = |v: Option<u32>, what: &str| v.map(|v| int(v, what)).transpose();
    let minimum_length = opt_int(p.minimum_length, "MinimumPasswordLength")?;
    let max_age = opt_int(p.max_age_days, "MaxPasswordAge")?;
    let reuse = opt_int(p.reuse_prevention, "PasswordReusePrevention")?;
    send(b, api, move |iam| {
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
    .await
}
