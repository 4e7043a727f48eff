//! Trust policies of federated principals: who, among everyone the identity provider vouches
//! for, may assume the role. GitHub's OIDC provider issues tokens to every workflow of every
//! repository on GitHub: a trust without a condition on the token's `sub` lets anyone's
//! workflow assume the role. Without `aud` (OIDC) or `SAML:aud` (SAML), a token or assertion
//! meant for another audience is accepted.

use super::place::{sid, Place};
use super::{Finding, Severity};
use crate::model::policy::{Principal, Statement};

const GITHUB: &str = "token.actions.githubusercontent.com";

/// Findings on one Allow statement of a trust policy.
pub(super) fn federated_trust(s: &Statement, at: &Place, out: &mut Vec<Finding>) {
    let Some(Principal::Map(m)) = &s.principal else {
        return;
    };
    for arn in m.get("Federated").into_iter().flatten() {
        if let Some((_, host)) = arn.split_once(":oidc-provider/") {
            oidc(s, at, host, out);
        } else if arn.contains(":saml-provider/") && !has_key(s, "SAML:aud") {
            let message = format!("the role trusts the SAML provider `{arn}`{} without a condition on SAML:aud: an assertion meant for another service provider is accepted", sid(s));
            let hint = add_condition(
                "StringEquals",
                "SAML:aud",
                "https://signin.aws.amazon.com/saml",
            );
            out.push(at.no_condition(Severity::Warning, "saml-trust-without-aud", message, hint));
        }
    }
}

fn oidc(s: &Statement, at: &Place, host: &str, out: &mut Vec<Finding>) {
    let sub = format!("{host}:sub");
    if host.eq_ignore_ascii_case(GITHUB) && !pins(s, &sub) {
        let message = format!("the role trusts GitHub Actions' OIDC provider{} without a condition on {sub} naming a repository: any workflow of any GitHub repository can assume it", sid(s));
        let hint = add_condition("StringLike", &sub, "repo:OWNER/REPO:ref:refs/heads/main");
        out.push(at.no_condition(Severity::Error, "oidc-trust-without-sub", message, hint));
    }
    let aud = format!("{host}:aud");
    if !has_key(s, &aud) {
        let message = format!("the role trusts the OIDC provider `{host}`{} without a condition on {aud}: a token issued for another audience is accepted", sid(s));
        let hint = add_condition("StringEquals", &aud, "sts.amazonaws.com");
        out.push(at.no_condition(Severity::Warning, "oidc-trust-without-aud", message, hint));
    }
}

/// The hint of a trust that lacks a condition on `variable`: the condition block to add, with
/// an example value.
fn add_condition(test: &str, variable: &str, example: &str) -> String {
    format!(
        "add condition {{ test = \"{test}\" variable = \"{variable}\" values = [\"{example}\"] }}"
    )
}

/// The values the statement's conditions give `key` (IAM compares keys ignoring case).
fn values<'s>(s: &'s Statement, key: &str) -> Option<Vec<&'s String>> {
    let found: Vec<_> = s
        .condition
        .values()
        .flat_map(|keys| keys.iter())
        .filter(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
        .collect();
    (!found.is_empty()).then(|| found.into_iter().flatten().collect())
}

fn has_key(s: &Statement, key: &str) -> bool {
    values(s, key).is_some()
}

/// Whether a condition on `key` narrows it to something: a value other than wildcards alone
/// (`*`, `repo:*`).
fn pins(s: &Statement, key: &str) -> bool {
    values(s, key).is_some_and(|values| {
        values.iter().all(|v| {
            let rest = v.strip_prefix("repo:").unwrap_or(v);
            !rest.is_empty() && rest.chars().any(|c| c != '*' && c != '?')
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::lint_document;
    use crate::model::policy::{DocumentKind, PolicyDocument};

    fn rules(condition: &str, federated: &str) -> Vec<&'static str> {
        let doc = PolicyDocument::from_json_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{{"Federated":"{federated}"}},"Condition":{condition}}}]}}"#
        ))
        .unwrap();
        let catalog = crate::catalog::Catalog::embedded().unwrap();
        lint_document(&doc, DocumentKind::Trust, "role.ci", catalog)
            .into_iter()
            .map(|f| f.rule)
            .filter(|r| r.contains("-trust-without-"))
            .collect()
    }

    const GITHUB: &str =
        "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

    #[test]
    fn github_trust_needs_a_sub_naming_a_repository_and_an_aud() {
        assert_eq!(
            rules("{}", GITHUB),
            ["oidc-trust-without-sub", "oidc-trust-without-aud"]
        );
        let sub =
            r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/infra:*"}}"#;
        assert_eq!(rules(sub, GITHUB), ["oidc-trust-without-aud"]);
        let any = r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}"#;
        assert!(rules(any, GITHUB).contains(&"oidc-trust-without-sub"));
        let both = r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/infra:*"},"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}"#;
        assert!(rules(both, GITHUB).is_empty());
    }

    #[test]
    fn saml_trust_wants_an_audience() {
        let saml = "arn:aws:iam::123456789012:saml-provider/okta";
        assert_eq!(rules("{}", saml), ["saml-trust-without-aud"]);
        let aud = r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}"#;
        assert!(rules(aud, saml).is_empty());
    }
}
