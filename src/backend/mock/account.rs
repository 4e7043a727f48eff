//! The mock's account calls: the password policy, within UpdateAccountPasswordPolicy's ranges.

use super::rules::{invalid, no_such};
use super::store::MockFile;
use crate::backend::BackendError;
use crate::model::iam::{PASSWORD_MAX_AGE_DAYS, PASSWORD_MIN_LENGTH, PASSWORD_REUSE_PREVENTION};
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
    }
    Ok(())
}
