//! Calls on the account itself: its password policy.

use super::{wire, Call, Effects, Family, Named, WireError};
use crate::model::{Account, Address, PasswordPolicy};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum AccountOp {
    UpdateAccountPasswordPolicy { policy: PasswordPolicy },
    DeleteAccountPasswordPolicy,
}

impl Named for AccountOp {
    fn api_name(&self) -> &'static str {
        match self {
            AccountOp::UpdateAccountPasswordPolicy { .. } => "UpdateAccountPasswordPolicy",
            AccountOp::DeleteAccountPasswordPolicy => "DeleteAccountPasswordPolicy",
        }
    }

    fn target(&self) -> Address {
        Address::password_policy()
    }
}

impl Call for AccountOp {
    fn effects(&self, _account_id: &str) -> Effects {
        Effects::default()
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let now = live
            .password_policy
            .as_ref()
            .map(PasswordPolicy::without_defaults);
        match self {
            AccountOp::UpdateAccountPasswordPolicy { policy } => {
                now == Some(policy.without_defaults())
            }
            AccountOp::DeleteAccountPasswordPolicy => now.is_none(),
        }
    }
}

impl Family for AccountOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        wire::derived(value)
    }
}
