//! The rule table: one row per rule, with the CIS AWS Foundations Benchmark v3.0.0 item it
//! implements (section 1, Identity and Access Management). The README's rule table and the SARIF
//! rule metadata are this table.

use super::{credentials, password, policies, root, services, users};
use super::{AuditInput, Finding, Severity};

/// A rule's findings, or why it could not be evaluated on this data.
pub(super) type Check = fn(&AuditInput<'_>, &Rule) -> Result<Vec<Finding>, String>;

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// The CIS AWS Foundations Benchmark v3.0.0 item(s); `None` for practices it has no item for.
    pub cis: Option<&'static str>,
    /// One line: what a finding means.
    pub title: &'static str,
    /// What the rule checks, precisely.
    pub checks: &'static str,
    /// How to fix a finding, in general (findings say it for their entity).
    pub fix: &'static str,
    pub check: Check,
}

pub const RULES: [Rule; 14] = [
    Rule {
        id: "root-mfa-disabled",
        severity: Severity::Critical,
        cis: Some("1.5"),
        title: "The root user has no MFA device",
        checks: "GetAccountSummary's AccountMFAEnabled (else the credential report's root row) says the root user has no MFA device",
        fix: "sign in as the root user and assign an MFA device (a hardware key for CIS level 2, item 1.6); keep it apart from the root password",
        check: root::mfa_disabled,
    },
    Rule {
        id: "root-access-keys",
        severity: Severity::Critical,
        cis: Some("1.4"),
        title: "The root user has access keys",
        checks: "GetAccountSummary's AccountAccessKeysPresent (else an active key in the root row): the root user has access keys",
        fix: "delete the root user's access keys (root user > Security credentials); automation uses IAM roles",
        check: root::access_keys,
    },
    Rule {
        id: "root-recently-used",
        severity: Severity::High,
        cis: Some("1.7"),
        title: "The root user was used recently",
        checks: "the credential report's root row: password or an access key used within the last --max-unused-days days",
        fix: "do daily work as IAM users or roles (or IAM Identity Center); keep the root user for the few tasks only it can do",
        check: root::recently_used,
    },
    Rule {
        id: "console-user-without-mfa",
        severity: Severity::High,
        cis: Some("1.10"),
        title: "A user who signs in to the console has no MFA device",
        checks: "a user with a console password (password_enabled) and no active MFA device (mfa_active)",
        fix: "assign an MFA device to the user, or delete the console password if the user does not sign in",
        check: users::console_without_mfa,
    },
    Rule {
        id: "access-key-too-old",
        severity: Severity::Medium,
        cis: Some("1.14"),
        title: "An active access key has not been rotated",
        checks: "an active access key created (last rotated) more than --max-key-age-days days ago (default 90)",
        fix: "rotate it: create a second key, move every client to it, deactivate the old key, then delete it",
        check: credentials::key_too_old,
    },
    Rule {
        id: "access-key-unused",
        severity: Severity::Low,
        cis: Some("1.11"),
        title: "A console user has an access key that was never used",
        checks: "a user with a console password and an active access key that has never been used (keys created at setup)",
        fix: "delete the key; create one only when the user needs programmatic access",
        check: credentials::key_never_used,
    },
    Rule {
        id: "credentials-unused",
        severity: Severity::Medium,
        cis: Some("1.12"),
        title: "A password or access key has not been used for the period",
        checks: "a console password or an active access key not used in the last --max-unused-days days (default 45; never used: counted from its creation)",
        fix: "delete the console password or deactivate the key; delete the user when nobody uses it",
        check: credentials::unused,
    },
    Rule {
        id: "multiple-active-access-keys",
        severity: Severity::Medium,
        cis: Some("1.13"),
        title: "A user has more than one active access key",
        checks: "a user with two active access keys",
        fix: "deactivate the key not in use (a second key is for the minutes of a rotation), then delete it",
        check: credentials::multiple_active,
    },
    Rule {
        id: "user-direct-policies",
        severity: Severity::Low,
        cis: Some("1.15"),
        title: "A user has permissions of its own instead of through groups",
        checks: "a user with attached managed policies or inline policies",
        fix: "attach the policies to a group, add the user to it, and remove the user's own",
        check: users::direct_policies,
    },
    Rule {
        id: "password-policy-missing",
        severity: Severity::Medium,
        cis: Some("1.8, 1.9"),
        title: "The account has no password policy",
        checks: "GetAccountPasswordPolicy finds none (IAM's default: 8 characters, no reuse prevention)",
        fix: "declare `password_policy { minimum_length = 14  reuse_prevention = 24 }` and apply it",
        check: password::missing,
    },
    Rule {
        id: "password-policy-weak",
        severity: Severity::Medium,
        cis: Some("1.8, 1.9"),
        title: "The password policy is weaker than the CIS Benchmark's",
        checks: "a minimum length under 14 (1.8) or reuse prevention under 24 passwords (1.9)",
        fix: "set `minimum_length = 14` (or more) and `reuse_prevention = 24` in the password_policy block",
        check: password::weak,
    },
    Rule {
        id: "full-admin-policy",
        severity: Severity::High,
        cis: Some("1.16"),
        title: "An attached customer managed policy allows `*` on `*`",
        checks: "a customer managed policy whose default version has an Allow statement with Action `*` and Resource `*`, attached to a user, group or role",
        fix: "grant the actions each principal needs instead; detach the policy (AWS's AdministratorAccess, behind MFA, for the few who need everything)",
        check: policies::full_admin,
    },
    Rule {
        id: "no-support-role",
        severity: Severity::Low,
        cis: Some("1.17"),
        title: "No role can manage incidents with AWS Support",
        checks: "no role has the AWS managed policy AWSSupportAccess attached",
        fix: "declare a role your incident responders can assume, with `policies = [\"arn:aws:iam::aws:policy/AWSSupportAccess\"]`",
        check: policies::no_support_role,
    },
    Rule {
        id: "unused-services",
        severity: Severity::Low,
        cis: None,
        title: "A principal has permissions for services it does not use",
        checks: "with --last-accessed: a user or role whose policies allow services Access Advisor saw it not use in the last --max-unused-days days",
        fix: "remove those services' permissions from its policies (least privilege: review access regularly)",
        check: services::unused,
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
