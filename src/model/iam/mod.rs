//! IAM's own facts, each written once (DESIGN.md section 7): name, path and account-id rules, the
//! ARN shapes iamform reads and writes, quotas and size limits, the error codes, the rules of
//! providers, account aliases and service-linked roles, and what AWS reserves.
//!
//! Everything that checks or builds one of these asks here: the configuration's checks, the
//! mock's enforcement, policy validation, lint, plan ordering, the aws backend's retries and the
//! lockout guard. Nothing here depends on any other part of iamform but [`Kind`] and [`Name`].

mod arn;
mod errors;
mod federation;
mod limits;
mod names;

pub use arn::{arn, is_aws_managed_policy_arn, Arn, ArnError, Resource, Service};
pub use errors::ErrorCode;
pub use federation::{
    check_account_alias, check_client_id, check_custom_suffix, check_saml_metadata_size,
    check_saml_provider_name, check_service_name, check_thumbprint, custom_suffix_of,
    is_reserved_saml_provider, is_reserved_service_linked_role, oidc_provider_name,
    service_linked_role_name, service_of_linked_role_path, SERVICE_ROLE_PATH,
};
pub use limits::{
    Quota, Quotas, SizeQuota, MAX_DESCRIPTION, MAX_SESSION_DURATION, MAX_TRUST_POLICY_SIZE,
    PASSWORD_MAX_AGE_DAYS, PASSWORD_MIN_LENGTH, PASSWORD_REUSE_PREVENTION, RAISABLE_QUOTAS,
    TAG_KEY_MAX, TAG_VALUE_MAX,
};
pub use names::{
    check_chars, check_name, check_not_lock, check_path, check_tag, description_char_allowed,
    max_name_len, policy_char_allowed, tag_char_allowed, LOCK_PATH, LOCK_POLICY_NAME,
};

/// A value IAM refuses, in words that say what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub(crate) String);

impl RuleError {
    /// `Ok` when `ok`; otherwise the error `message` makes.
    pub(crate) fn ensure(ok: bool, message: impl FnOnce() -> String) -> Result<(), RuleError> {
        if ok {
            Ok(())
        } else {
            Err(RuleError(message()))
        }
    }
}

impl From<RuleError> for String {
    fn from(e: RuleError) -> String {
        e.0
    }
}

/// The account id used where no account is known: `validate`, the mock's default account, the
/// examples. ARNs computed for it are shown but never sent anywhere.
pub const PLACEHOLDER_ACCOUNT_ID: &str = "123456789012";

/// The pseudo-account of AWS managed policies (`arn:aws:iam::aws:policy/…`).
pub const AWS_ACCOUNT: &str = "aws";

/// An AWS account id: exactly 12 ASCII digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// [`is_account_id`], with a message that says what is expected.
pub fn check_account_id(s: &str) -> Result<(), RuleError> {
    RuleError::ensure(is_account_id(s), || {
        format!("`account_id` must be 12 digits, e.g. \"{PLACEHOLDER_ACCOUNT_ID}\"; got `{s}`")
    })
}

/// Roles AWS creates and owns (service-linked and SSO roles): never managed, never modifiable.
pub fn is_reserved_role_path(path: &str) -> bool {
    path.starts_with("/aws-service-role/") || path.starts_with("/aws-reserved/")
}

/// Roles that AWS Organizations, Control Tower, Account Factory for Terraform, CloudFormation
/// StackSets and IAM Identity Center create in member accounts, most at the root path where a
/// `scope { paths = ["/"] }` would own them: deleting `OrganizationAccountAccessRole` cuts the
/// organisation's administrators out of the account. A scope never owns a role whose name matches
/// one of these globs (compared ignoring case); declaring it manages it like any other role.
pub const SERVICE_CREATED_ROLES: &[&str] = &[
    "OrganizationAccountAccessRole",
    "AWSControlTowerExecution",
    "aws-controltower-*",
    "AWSAFTExecution",
    "AWSAFTService",
    "AWSAFTAdmin",
    "AWSCloudFormationStackSetExecutionRole",
    "AWSCloudFormationStackSetAdministrationRole",
    "stacksets-exec-*",
    "AWSReservedSSO_*",
    "AWSServiceRoleFor*",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids() {
        for (s, ok) in [
            ("123456789012", true),
            ("000000000000", true),
            ("12345678901", false),
            ("1234567890123", false),
            ("12345678901a", false),
            ("aws", false),
        ] {
            assert_eq!(is_account_id(s), ok, "{s}");
            assert_eq!(check_account_id(s).is_ok(), ok, "{s}");
        }
        assert!(check_account_id("x")
            .unwrap_err()
            .to_string()
            .contains("12 digits"));
    }

    #[test]
    fn reserved_paths() {
        assert!(is_reserved_role_path(
            "/aws-service-role/ecs.amazonaws.com/"
        ));
        assert!(is_reserved_role_path("/aws-reserved/sso.amazonaws.com/"));
        assert!(!is_reserved_role_path("/"));
        assert!(!is_reserved_role_path("/aws/"));
    }
}
