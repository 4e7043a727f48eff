//! Calls on the account itself: its password policy.

use super::{wire, Call, Effects, Family, WireError};
use crate::model::{Address, PasswordPolicy};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum AccountOp {
    UpdateAccountPasswordPolicy { policy: PasswordPolicy },
    DeleteAccountPasswordPolicy,
}

impl Call for AccountOp {
    fn api_name(&self) -> &'static str {
        match self {
            AccountOp::UpdateAccountPasswordPolicy { .. } => "UpdateAccountPasswordPolicy",
            AccountOp::DeleteAccountPasswordPolicy => "DeleteAccountPasswordPolicy",
        }
    }

    fn target(&self) -> Address {
        Address::password_policy()
    }

    fn effects(&self, _account_id: &str) -> Effects {
        Effects::default()
    }
}

impl Family for AccountOp {
    fn parse(value: &Value) -> Result<Option<Self>, WireError> {
        wire::derived(value)
    }
}
