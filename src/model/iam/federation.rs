//! IAM's rules for the account-level entities that are not users, groups, roles or policies:
//! OpenID Connect and SAML providers, the account alias, and service-linked roles (the names AWS
//! gives them, and the ones AWS keeps for itself).

use super::names::first_char_outside;
use super::RuleError;

/// `CreateOpenIDConnectProvider`'s URL: `https://HOST[/PATH]`, at most 255 characters, no port,
/// query or fragment. Returns the provider's name (the URL without `https://`, no trailing `/`).
pub fn oidc_provider_name(url: &str) -> Result<String, RuleError> {
    let bad = |why: &str| {
        Err(RuleError(format!(
            "OpenID Connect provider URL `{url}` {why}, e.g. \"https://token.actions.githubusercontent.com\""
        )))
    };
    if url.chars().count() > 255 {
        return bad("is longer than IAM's 255 characters");
    }
    let Some(rest) = url.strip_prefix("https://") else {
        return bad("must begin with https://");
    };
    let rest = rest.trim_end_matches('/');
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return bad("has no host");
    }
    if rest.contains(['?', '#']) {
        return bad("cannot have a query or a fragment");
    }
    if host.contains(':') {
        return bad("cannot have a port");
    }
    if let Some(c) = rest.chars().find(|c| !('!'..='~').contains(c)) {
        return bad(&format!("contains {c:?}"));
    }
    Ok(rest.to_owned())
}

/// A thumbprint: the hex SHA-1 of a certificate, 40 characters; returned in lowercase.
pub fn check_thumbprint(t: &str) -> Result<String, RuleError> {
    let hex = t.len() == 40 && t.bytes().all(|b| b.is_ascii_hexdigit());
    RuleError::ensure(hex, || {
        format!(
            "thumbprint `{t}` is not 40 hexadecimal characters (the SHA-1 fingerprint of the \
             provider's top intermediate certificate)"
        )
    })?;
    Ok(t.to_ascii_lowercase())
}

/// A client id (audience): 1 to 255 characters.
pub fn check_client_id(id: &str) -> Result<(), RuleError> {
    let n = id.chars().count();
    RuleError::ensure((1..=255).contains(&n), || {
        format!("client id `{id}` is {n} characters; IAM allows 1 to 255")
    })
}

/// A SAML provider name: 1 to 128 of `[\w._-]`.
pub fn check_saml_provider_name(name: &str) -> Result<(), RuleError> {
    let n = name.chars().count();
    if !(1..=128).contains(&n) {
        return Err(RuleError(format!(
            "SAML provider name `{name}` is {n} characters; IAM allows 1 to 128"
        )));
    }
    if let Some(c) = first_char_outside(name, "_.-") {
        return Err(RuleError(format!(
            "SAML provider name `{name}` contains {c:?}; IAM allows letters, digits and _.-"
        )));
    }
    Ok(())
}

/// SAML metadata documents are 1,000 to 10,000,000 characters.
pub fn check_saml_metadata_size(text: &str) -> Result<(), RuleError> {
    let n = text.chars().count();
    RuleError::ensure((1_000..=10_000_000).contains(&n), || {
        format!(
            "SAML metadata is {n} characters; IAM takes 1,000 to 10,000,000 (the identity \
             provider's whole metadata document, with its signing certificate)"
        )
    })
}

/// An account alias: 3 to 63 lowercase letters, digits and hyphens, not starting or ending with a
/// hyphen, no two hyphens in a row.
pub fn check_account_alias(alias: &str) -> Result<(), RuleError> {
    let bad = |why: &str| {
        Err(RuleError(format!(
            "account alias `{alias}` {why}; an alias is 3 to 63 lowercase letters, digits and \
             single hyphens, e.g. \"acme-prod\""
        )))
    };
    let n = alias.chars().count();
    if !(3..=63).contains(&n) {
        return bad(&format!("is {n} characters"));
    }
    if let Some(c) = alias
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return bad(&format!("contains {c:?}"));
    }
    if alias.starts_with('-') || alias.ends_with('-') {
        return bad("starts or ends with a hyphen");
    }
    if alias.contains("--") {
        return bad("has two hyphens in a row");
    }
    Ok(())
}

/// A service principal such as `ecs.amazonaws.com` (what CreateServiceLinkedRole takes).
pub fn check_service_name(service: &str) -> Result<(), RuleError> {
    let labels: Vec<&str> = service.split('.').collect();
    let ok = labels.len() >= 3
        && service.ends_with(".amazonaws.com")
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
    RuleError::ensure(ok, || {
        format!("`{service}` is not an AWS service principal such as \"ecs.amazonaws.com\"")
    })
}

/// A custom suffix: 1 to 64 of `[\w+=,.@-]`.
pub fn check_custom_suffix(suffix: &str) -> Result<(), RuleError> {
    let n = suffix.chars().count();
    let chars_ok = first_char_outside(suffix, "_+=,.@-").is_none();
    RuleError::ensure((1..=64).contains(&n) && chars_ok, || {
        format!("custom suffix `{suffix}` must be 1 to 64 letters, digits and _+=,.@-")
    })
}

/// The path prefix of service-linked roles.
pub const SERVICE_ROLE_PATH: &str = "/aws-service-role/";

/// The service of a role at `/aws-service-role/SERVICE/`.
pub fn service_of_linked_role_path(path: &str) -> Option<&str> {
    let service = path.strip_prefix(SERVICE_ROLE_PATH)?.strip_suffix('/')?;
    (!service.is_empty() && !service.contains('/')).then_some(service)
}

/// The custom suffix a service-linked role's name carries: what follows its `_`. Application
/// Auto Scaling's roles take none, and AWS's own names for them hold a `_`
/// (`AWSServiceRoleForApplicationAutoScaling_DynamoDBTable`).
pub fn custom_suffix_of<'a>(service: &str, role_name: &'a str) -> Option<&'a str> {
    if service.ends_with(".application-autoscaling.amazonaws.com") {
        return None;
    }
    role_name.split_once('_').map(|(_, s)| s)
}

/// The name IAM gives the service-linked role of `service`: `AWSServiceRoleFor` and the service
/// in PascalCase (as AWS and moto name the common ones), then `_SUFFIX`. AWS decides the real
/// name; only the mock uses this.
pub fn service_linked_role_name(service: &str, suffix: Option<&str>) -> String {
    const KNOWN: [(&str, &str); 8] = [
        ("autoscaling", "AutoScaling"),
        ("application-autoscaling", "ApplicationAutoScaling"),
        ("elasticbeanstalk", "ElasticBeanstalk"),
        ("elasticloadbalancing", "ElasticLoadBalancing"),
        ("ecs", "ECS"),
        ("rds", "RDS"),
        ("eks", "AmazonEKS"),
        ("sso", "SSO"),
    ];
    let labels: Vec<&str> = service.split('.').collect();
    let pascal = |s: &str| -> String {
        KNOWN
            .iter()
            .find(|(k, _)| *k == s)
            .map(|(_, v)| (*v).to_owned())
            .unwrap_or_else(|| crate::words::pascal_case(s, &['-']))
    };
    let main = labels.len().checked_sub(3).map_or(service, |i| labels[i]);
    let mut name = format!("AWSServiceRoleFor{}", pascal(main));
    if labels.len() > 3 {
        name.push('_');
        name.push_str(&pascal(labels[0]));
    }
    if let Some(s) = suffix {
        name.push('_');
        name.push_str(s);
    }
    name
}

/// Services whose linked role AWS never lets go of (DeleteServiceLinkedRole fails): whatever a
/// scope says, iamform never plans their deletion.
const UNDELETABLE_SERVICES: [&str; 4] = [
    "support.amazonaws.com",
    "trustedadvisor.amazonaws.com",
    "organizations.amazonaws.com",
    "sso.amazonaws.com",
];

pub fn is_reserved_service_linked_role(service: &str) -> bool {
    UNDELETABLE_SERVICES.contains(&service)
}

/// SAML providers IAM Identity Center creates for itself (`AWSSSO_…_DO_NOT_DELETE`).
pub fn is_reserved_saml_provider(name: &str) -> bool {
    name.starts_with("AWSSSO_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oidc_urls() {
        for (url, name) in [
            (
                "https://token.actions.githubusercontent.com",
                Some("token.actions.githubusercontent.com"),
            ),
            (
                "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/",
                Some("oidc.eks.eu-west-1.amazonaws.com/id/ABC"),
            ),
            ("http://example.com", None),
            ("https://", None),
            ("https://example.com:8443", None),
            ("https://example.com/?a=b", None),
            ("https://exa mple.com", None),
        ] {
            assert_eq!(oidc_provider_name(url).ok().as_deref(), name, "{url}");
        }
    }

    #[test]
    fn aliases() {
        for (alias, ok) in [
            ("acme-prod", true),
            ("abc", true),
            ("a1-b2-c3", true),
            ("ab", false),
            (&"a".repeat(64), false),
            ("Acme", false),
            ("-acme", false),
            ("acme-", false),
            ("ac--me", false),
            ("ac_me", false),
        ] {
            assert_eq!(check_account_alias(alias).is_ok(), ok, "{alias}");
        }
    }

    #[test]
    fn service_linked_roles() {
        assert_eq!(
            service_of_linked_role_path("/aws-service-role/ecs.amazonaws.com/"),
            Some("ecs.amazonaws.com")
        );
        assert_eq!(
            service_of_linked_role_path("/aws-reserved/sso.amazonaws.com/"),
            None
        );
        assert_eq!(
            service_linked_role_name("autoscaling.amazonaws.com", Some("ci")),
            "AWSServiceRoleForAutoScaling_ci"
        );
        assert_eq!(
            service_linked_role_name("dynamodb.application-autoscaling.amazonaws.com", None),
            "AWSServiceRoleForApplicationAutoScaling_Dynamodb"
        );
        assert_eq!(
            service_linked_role_name("access-analyzer.amazonaws.com", None),
            "AWSServiceRoleForAccessAnalyzer"
        );
        assert_eq!(
            custom_suffix_of(
                "autoscaling.amazonaws.com",
                "AWSServiceRoleForAutoScaling_ci"
            ),
            Some("ci")
        );
        assert_eq!(
            custom_suffix_of(
                "dynamodb.application-autoscaling.amazonaws.com",
                "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable"
            ),
            None
        );
        assert!(check_service_name("ecs.amazonaws.com").is_ok());
        assert!(check_service_name("ecs").is_err());
        assert!(check_service_name("Ecs.amazonaws.com").is_err());
    }

    #[test]
    fn provider_rules() {
        assert!(check_saml_provider_name("okta-prod_1.x").is_ok());
        assert!(check_saml_provider_name("okta prod").is_err());
        assert_eq!(
            check_thumbprint("6938FD4D98BAB03FAADB97B34396831E3780AEA1").unwrap(),
            "6938fd4d98bab03faadb97b34396831e3780aea1"
        );
        assert!(check_thumbprint("6938fd4d").is_err());
        assert!(check_client_id("sts.amazonaws.com").is_ok());
        assert!(check_client_id("").is_err());
        assert!(is_reserved_saml_provider("AWSSSO_0123_DO_NOT_DELETE"));
        assert!(is_reserved_service_linked_role("support.amazonaws.com"));
    }
}
