//! The mock's account calls: the password policy, within UpdateAccountPasswordPolicy's ranges,
//! and the alias (IAM's alias rule; a new alias replaces the one the account has).

use super::rules::{invalid, no_such};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::iam::{
    check_account_alias, PASSWORD_MAX_AGE_DAYS, PASSWORD_MIN_LENGTH, PASSWORD_REUSE_PREVENTION,
};
use crate::model::AccountAlias;
use crate::operation::AccountOp;
use std::ops::RangeInclusive;

pub(super) fn execute(file: &mut MockFile, op: &AccountOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    match op {
        AccountOp::UpdateAccountPasswordPolicy { policy } => {
            let ranges: [(Option<u32>, RangeInclusive<u32>, &str); 3] = [
                (
                    policy.minimum_length,
                    PASSWORD_MIN_LENGTH,
                    "MinimumPasswordLength",
                ),
                (policy.max_age_days, PASSWORD_MAX_AGE_DAYS, "MaxPasswordAge"),
                (
                    policy.reuse_prevention,
                    PASSWORD_REUSE_PREVENTION,
                    "PasswordReusePrevention",
                ),
            ];
            for (value, range, what) in ranges {
                if let Some(n) = value.filter(|n| !range.contains(n)) {
                    return Err(invalid(format!(
                        "{what} {n} is outside {}..={}",
                        range.start(),
                        range.end()
                    )));
                }
            }
            acct.password_policy = Some(policy.clone());
        }
        AccountOp::DeleteAccountPasswordPolicy => {
            if acct.password_policy.take().is_none() {
                return Err(no_such(
                    "The Password Policy with domain name ACCOUNT cannot be found.",
                ));
            }
        }
        AccountOp::CreateAccountAlias { account_alias } => {
            check_account_alias(account_alias).map_err(invalid)?;
            acct.account_alias = Some(AccountAlias {
                alias: account_alias.clone(),
            });
        }
        AccountOp::DeleteAccountAlias { account_alias } => {
            if acct.account_alias.as_ref().map(|a| &a.alias) != Some(account_alias) {
                return Err(no_such(format!(
                    "The account alias {account_alias} cannot be found."
                )));
            }
            acct.account_alias = None;
        }
    }
    Ok(())
}
