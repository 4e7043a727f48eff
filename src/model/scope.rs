//! Ownership: which live entities this configuration manages (DESIGN.md sections 2 and 3).
//!
//! Without a scope, only declared entities are managed and nothing undeclared is ever deleted.
//! With one, every live entity under one of its paths is managed (and deleted when undeclared),
//! except those matching an `exclude` pattern and those AWS reserves, which are never touched.
//! Kinds without a path (providers, service-linked roles, the account alias, the password
//! policy) are owned only when `kinds` lists them: a scope never deletes one by default.

use super::address::{Address, Kind, Shape};
use super::iam::{
    is_reserved_role_path, is_reserved_saml_provider, is_reserved_service_linked_role,
    service_of_linked_role_path, SERVICE_CREATED_ROLES,
};
use serde::{Deserialize, Serialize};

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// IAM path prefixes, e.g. `["/"]` or `["/team-a/"]`.
    pub paths: Vec<String>,
    /// Glob patterns on `kind/name`, e.g. `user/break-glass` or `role/aws-*`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// The kinds the scope owns; `None`: those with a path (users, groups, roles, policies,
    /// instance profiles).
    pub kinds: Option<Vec<Kind>>,
}

impl Scope {
    /// Whether an entity at `path` is inside this scope (so undeclared means "delete").
    pub fn owns(&self, address: &Address, path: Option<&str>) -> bool {
        if is_reserved(address, path) || self.excludes(address) || !self.covers(address.kind) {
            return false;
        }
        match (address.kind.shape(), path) {
            // Owned by kind: a service-linked role's path is AWS's, not one a scope names.
            (Shape::Pathless | Shape::Singleton, _) => true,
            (Shape::Path, None) => false,
            (Shape::Path, Some(path)) => self.paths.iter().any(|p| path.starts_with(p.as_str())),
        }
    }

    /// Whether the scope owns entities of `kind` at all.
    pub fn covers(&self, kind: Kind) -> bool {
        match &self.kinds {
            Some(kinds) => kinds.contains(&kind),
            None => kind.shape() == Shape::Path,
        }
    }

    pub fn excludes(&self, address: &Address) -> bool {
        let subject = format!("{}/{}", address.kind.keyword(), address.name.as_str());
        self.exclude
            .iter()
            .any(|pattern| glob_match(pattern, &subject))
    }
}

/// Entities AWS owns or creates for an organisation: never managed, whatever the scope says.
/// Roles under `/aws-service-role/` and `/aws-reserved/` (service-linked roles are managed as
/// `service_linked_role`, and those AWS never lets go of not even so), the roles Organizations,
/// Control Tower and StackSets create (`SERVICE_CREATED_ROLES`), and Identity Center's SAML
/// providers.
pub fn is_reserved(address: &Address, path: Option<&str>) -> bool {
    match address.kind {
        Kind::Role => {
            path.is_some_and(is_reserved_role_path)
                || SERVICE_CREATED_ROLES
                    .iter()
                    .any(|glob| glob_match(glob, address.name.as_str()))
        }
        Kind::ServiceLinkedRole => path
            .and_then(service_of_linked_role_path)
            .is_some_and(is_reserved_service_linked_role),
        Kind::SamlProvider => is_reserved_saml_provider(address.name.as_str()),
        _ => false,
    }
}

/// `*` matches any run of characters and `?` one character; IAM names compare ignoring case
/// (ASCII case: IAM names are ASCII).
pub fn glob_match(pattern: &str, subject: &str) -> bool {
    super::glob::text(
        &pattern.to_ascii_lowercase(),
        &subject.to_ascii_lowercase(),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_organizations_and_other_services_create_are_never_owned() {
        let all = Scope {
            paths: vec!["/".into()],
            exclude: Vec::new(),
            kinds: None,
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
            kinds: None,
        };
        let user = |n: &str| Address::new(Kind::User, n);
        assert!(scope.owns(&user("a"), Some("/team/")));
        assert!(scope.owns(&user("a"), Some("/team/sub/")));
        assert!(!scope.owns(&user("a"), Some("/")));
        assert!(!scope.owns(&user("keeper"), Some("/team/")));
        let all = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
            kinds: None,
        };
        let role = Address::new(Kind::Role, "AWSServiceRoleForSupport");
        assert!(!all.owns(&role, Some("/aws-service-role/support.amazonaws.com/")));
        assert!(!all.owns(&Address::password_policy(), None));
    }

    #[test]
    fn kinds_without_a_path_are_owned_only_when_listed() {
        let oidc = Address::new(
            Kind::OpenIdConnectProvider,
            "token.actions.githubusercontent.com",
        );
        let slr = Address::new(Kind::ServiceLinkedRole, "ecs.amazonaws.com");
        let ecs = Some("/aws-service-role/ecs.amazonaws.com/");
        let paths = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
            kinds: None,
        };
        assert!(!paths.owns(&oidc, None), "not by default");
        assert!(!paths.owns(&slr, ecs));
        assert!(!paths.owns(&Address::singleton(Kind::AccountAlias), None));
        let listed = Scope {
            kinds: Some(vec![
                Kind::OpenIdConnectProvider,
                Kind::ServiceLinkedRole,
                Kind::SamlProvider,
                Kind::AccountAlias,
            ]),
            ..paths.clone()
        };
        assert!(listed.owns(&oidc, None));
        assert!(listed.owns(&slr, ecs));
        assert!(listed.owns(&Address::singleton(Kind::AccountAlias), None));
        assert!(
            !listed.owns(&Address::new(Kind::User, "ann"), Some("/")),
            "listing kinds leaves out the others"
        );
        let support = Address::new(Kind::ServiceLinkedRole, "support.amazonaws.com");
        assert!(!listed.owns(&support, Some("/aws-service-role/support.amazonaws.com/")));
        let sso = Address::new(Kind::SamlProvider, "AWSSSO_1234_DO_NOT_DELETE");
        assert!(!listed.owns(&sso, None), "AWS-reserved ones never");
        let excluded = Scope {
            exclude: vec!["openid_connect_provider/*".into()],
            ..listed
        };
        assert!(!excluded.owns(&oidc, None));
    }
}
