//! Ownership: which live entities this configuration manages (DESIGN.md sections 2 and 3).
//!
//! Without a scope, only declared entities are managed and nothing undeclared is ever deleted.
//! With one, every live entity under one of its paths is managed (and deleted when undeclared),
//! except those matching an `exclude` pattern and those AWS reserves, which are never touched.

use super::address::{Address, Kind};
use super::glob::Wild;
use super::iam::{is_reserved_role_path, SERVICE_CREATED_ROLES};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// IAM path prefixes, e.g. `["/"]` or `["/team-a/"]`.
    pub paths: Vec<String>,
    /// Glob patterns on `kind/name`, e.g. `user/break-glass` or `role/aws-*`.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl Scope {
    /// Whether an entity at `path` is inside this scope (so undeclared means "delete").
    pub fn owns(&self, address: &Address, path: Option<&str>) -> bool {
        if is_reserved(address, path) || self.excludes(address) {
            return false;
        }
        match (address.kind, path) {
            // The account password policy has no path; it is managed only when declared.
            (Kind::PasswordPolicy, _) | (_, None) => false,
            (_, Some(path)) => self.paths.iter().any(|p| path.starts_with(p.as_str())),
        }
    }

    pub fn excludes(&self, address: &Address) -> bool {
        let subject = format!("{}/{}", address.kind.keyword(), address.name.as_str());
        self.exclude
            .iter()
            .any(|pattern| glob_match(pattern, &subject))
    }
}

/// Entities AWS owns or creates for an organisation: never owned by a scope, whatever its paths.
pub fn is_reserved(address: &Address, path: Option<&str>) -> bool {
    address.kind == Kind::Role
        && (path.is_some_and(is_reserved_role_path)
            || SERVICE_CREATED_ROLES
                .iter()
                .any(|glob| glob_match(glob, address.name.as_str())))
}

/// `*` matches any run of characters and `?` one character; IAM names compare ignoring case.
pub fn glob_match(pattern: &str, subject: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let s: Vec<char> = subject.to_ascii_lowercase().chars().collect();
    let kind = |c: &char| match c {
        '*' => Wild::Any,
        '?' => Wild::One,
        _ => Wild::Literal,
    };
    super::glob::matches(&p, &s, kind, |a, b| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_organizations_and_other_services_create_are_never_owned() {
        let all = Scope {
            paths: vec!["/".into()],
            exclude: Vec::new(),
        };
        let role = |name: &str| Address::new(Kind::Role, crate::model::Name::from(name));
        for name in [
            "OrganizationAccountAccessRole",
            "organizationaccountaccessrole",
            "AWSControlTowerExecution",
            "stacksets-exec-0123456789abcdef",
            "AWSCloudFormationStackSetExecutionRole",
            "AWSReservedSSO_Admin_0123",
            "aws-controltower-AdministratorExecutionRole",
        ] {
            assert!(!all.owns(&role(name), Some("/")), "{name}");
        }
        assert!(all.owns(&role("OrganizationAccountAccessRoleCopy"), Some("/")));
        assert!(all.owns(&role("app"), Some("/")));
        let user = Address::new(
            Kind::User,
            crate::model::Name::from("OrganizationAccountAccessRole"),
        );
        assert!(
            all.owns(&user, Some("/")),
            "only roles are reserved by name"
        );
    }

    #[test]
    fn globs() {
        for (p, s, ok) in [
            ("user/break-glass", "user/break-glass", true),
            ("user/break-glass", "user/Break-Glass", true),
            ("role/aws-*", "role/aws-foo", true),
            ("role/aws-*", "user/aws-foo", false),
            ("*/admin?", "group/admins", true),
            ("*/admin?", "group/admin", false),
            ("*", "policy/x", true),
        ] {
            assert_eq!(glob_match(p, s), ok, "{p} {s}");
        }
    }

    #[test]
    fn scope_owns_by_path_and_never_reserved_or_excluded() {
        let scope = Scope {
            paths: vec!["/team/".into()],
            exclude: vec!["user/keep*".into()],
        };
        let user = |n: &str| Address::new(Kind::User, n);
        assert!(scope.owns(&user("a"), Some("/team/")));
        assert!(scope.owns(&user("a"), Some("/team/sub/")));
        assert!(!scope.owns(&user("a"), Some("/")));
        assert!(!scope.owns(&user("keeper"), Some("/team/")));
        let all = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
        };
        let role = Address::new(Kind::Role, "AWSServiceRoleForSupport");
        assert!(!all.owns(&role, Some("/aws-service-role/support.amazonaws.com/")));
        assert!(!all.owns(&Address::password_policy(), None));
    }
}
