//! Calls on the account itself: its password policy and its alias (an account has at most one:
//! CreateAccountAlias replaces the one it has).

use super::{Call, Effects, Named};
use crate::model::{Account, AccountAlias, Address, Kind, PasswordPolicy};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum AccountOp {
    UpdateAccountPasswordPolicy { policy: PasswordPolicy },
    DeleteAccountPasswordPolicy,
    CreateAccountAlias { account_alias: String },
    DeleteAccountAlias { account_alias: String },
}

impl Named for AccountOp {
    fn api_name(&self) -> &'static str {
        match self {
            AccountOp::UpdateAccountPasswordPolicy { .. } => "UpdateAccountPasswordPolicy",
            AccountOp::DeleteAccountPasswordPolicy => "DeleteAccountPasswordPolicy",
            AccountOp::CreateAccountAlias { .. } => "CreateAccountAlias",
            AccountOp::DeleteAccountAlias { .. } => "DeleteAccountAlias",
        }
    }

    fn target(&self) -> Address {
        match self {
            AccountOp::CreateAccountAlias { .. } | AccountOp::DeleteAccountAlias { .. } => {
                Address::singleton(Kind::AccountAlias)
            }
            _ => Address::password_policy(),
        }
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
            AccountOp::CreateAccountAlias { account_alias } => {
                live.account_alias.as_ref().map(|a| &a.alias) == Some(account_alias)
            }
            AccountOp::DeleteAccountAlias { account_alias } => {
                live.account_alias.as_ref().map(|a| &a.alias) != Some(account_alias)
            }
        }
    }

    fn fmt_detail(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountOp::CreateAccountAlias { account_alias }
            | AccountOp::DeleteAccountAlias { account_alias } => write!(f, " {account_alias}"),
            _ => Ok(()),
        }
    }
}

impl AccountOp {
    /// CreateAccountAlias for `alias`.
    pub fn create_alias(alias: &AccountAlias) -> AccountOp {
        AccountOp::CreateAccountAlias {
            account_alias: alias.alias.clone(),
        }
    }
}
