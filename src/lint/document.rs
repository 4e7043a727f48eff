//! Findings in one policy document: actions the catalog does not know, patterns that match
//! nothing, wildcard grants, `iam:PassRole` on every resource, `Allow` with `NotAction` /
//! `NotResource`, and trust policies open to anyone or to a whole account.

use super::{Finding, Severity};
use crate::catalog::{Catalog, Lookup};
use crate::policy::{DocumentKind, Effect, PolicyDocument, Principal, Statement};

/// The findings of `doc` used as `kind`; `address` names the document (`policy.read`,
/// `role.app assume_role_policy`), each finding adds `statement[N]` (N as written, from 0).
pub fn lint_document(
    doc: &PolicyDocument,
    kind: DocumentKind,
    address: &str,
    catalog: &Catalog,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in doc.statements_as_written() {
        let at = format!("{address} statement[{i}]");
        actions(s, &at, catalog, &mut out);
        condition_keys(s, &at, catalog, &mut out);
        unsubstituted_policy_variables(s, &at, &mut out);
        if s.effect == Effect::Allow {
            grants(s, &at, catalog, &mut out);
            if kind == DocumentKind::Trust {
                trust(s, &at, &mut out);
            }
        }
    }
    out
}

fn sid(s: &Statement) -> String {
    s.sid
        .as_deref()
        .map(|sid| format!(" (Sid `{sid}`)"))
        .unwrap_or_default()
}

/// Every Action / NotAction value must name something the catalog knows.
fn actions(s: &Statement, at: &str, catalog: &Catalog, out: &mut Vec<Finding>) {
    for (key, values) in [("Action", &s.action), ("NotAction", &s.not_action)] {
        for action in values.iter().flatten() {
            let f = |rule, message: String, hint: String| {
                Finding::new(Severity::Error, rule, at, message, hint)
            };
            match catalog.lookup(action) {
                Lookup::Everything
                | Lookup::Action(..)
                | Lookup::Pattern(_)
                | Lookup::Malformed => {}
                Lookup::UnknownService(suggestion) => {
                    let prefix = action.split(':').next().unwrap_or(action);
                    let hint = match suggestion {
                        Some(p) => format!("did you mean `{p}:{}`?", action.split_once(':').map_or("", |x| x.1)),
                        None => "check the service prefix in the Service Authorization Reference (e.g. `s3`, `ec2`, `iam`)".to_owned(),
                    };
                    out.push(f(
                        "unknown-service",
                        format!(
                            "{key} `{action}`{}: `{prefix}` is not an AWS service prefix",
                            sid(s)
                        ),
                        hint,
                    ));
                }
                Lookup::UnknownAction(service) => {
                    let name = action.split_once(':').map_or("", |x| x.1);
                    let hint = match service.suggest(name) {
                        Some(a) => format!("did you mean `{}:{a}`?", service.prefix),
                        None => format!(
                            "see the actions of {} (`{}:`) in the Service Authorization Reference",
                            service.name, service.prefix
                        ),
                    };
                    out.push(f(
                        "unknown-action",
                        format!(
                            "{key} `{action}`{}: {} has no action `{name}`",
                            sid(s),
                            service.name
                        ),
                        hint,
                    ));
                }
                Lookup::PatternMatchesNothing(service) => {
                    let whose = service
                        .map(|sv| format!("no action of {} matches it", sv.name))
                        .unwrap_or_else(|| "no AWS action matches it".to_owned());
                    out.push(f(
                        "pattern-matches-nothing",
                        format!(
                            "{key} `{action}`{}: {whose}, so the statement does nothing",
                            sid(s)
                        ),
                        "fix the pattern (wildcards: `*` any characters, `?` one character)"
                            .to_owned(),
                    ));
                }
            }
        }
    }
}

fn all_resources(s: &Statement) -> bool {
    s.resource.as_ref().is_some_and(|r| r.contains("*"))
}

/// Full-service or full-account grants, and `iam:PassRole` on every role.
fn grants(s: &Statement, at: &str, catalog: &Catalog, out: &mut Vec<Finding>) {
    let warn = |rule, message: String, hint: &str| {
        Finding::new(Severity::Warning, rule, at, message, hint)
    };
    if s.not_action.is_some() {
        out.push(warn(
            "allow-not-action",
            format!("Allow with NotAction{} grants every action not listed, including services and actions AWS adds later", sid(s)),
            "list the allowed actions in Action instead, or make this a Deny statement",
        ));
    }
    if s.not_resource.is_some() {
        out.push(warn(
            "allow-not-resource",
            format!("Allow with NotResource{} grants access to every resource not listed, including ones created later", sid(s)),
            "list the allowed resources in Resource instead",
        ));
    }
    let actions = s.action.iter().flatten();
    let wildcards: Vec<&str> = actions
        .clone()
        .filter(|a| *a == "*" || a.ends_with(":*"))
        .map(String::as_str)
        .collect();
    if all_resources(s) && !wildcards.is_empty() {
        let list = wildcards
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(warn(
            "wildcard-action-on-all-resources",
            format!("Allow {list} on Resource `*`{}: every action of {} on every resource", sid(s), if wildcards.contains(&"*") { "every service" } else if wildcards.len() > 1 { "these services" } else { "the service" }),
            "grant the actions the principal needs (e.g. s3:GetObject) on the resources it needs (their ARNs)",
        ));
    } else {
        for a in wildcards.iter().filter(|a| **a != "*") {
            out.push(warn(
                "service-wildcard-action",
                format!("Allow `{a}`{}: every action of the service, including deleting resources and changing their permissions", sid(s)),
                "list the actions needed (e.g. s3:GetObject, s3:PutObject) instead of the whole service",
            ));
        }
    }
    // PassRole through a narrower pattern than the ones reported above.
    let passrole = actions.clone().find(|a| {
        *a != "*"
            && *a != "iam:*"
            && matches!(catalog.lookup(a), Lookup::Pattern(_) | Lookup::Action(..))
            && {
                a.split_once(':').is_some_and(|(p, n)| {
                    crate::catalog::matches(p, "iam") && crate::catalog::matches(n, "PassRole")
                })
            }
    });
    if let Some(a) = passrole {
        if all_resources(s) && s.condition.is_empty() {
            out.push(warn(
                "passrole-on-all-resources",
                format!("`{a}` on Resource `*`{} without a condition lets the principal hand any role, administrators' included, to a service", sid(s)),
                "restrict Resource to the role ARNs to pass (e.g. arn:aws:iam::ACCOUNT:role/app-*), or add a condition on iam:PassedToService",
            ));
        }
    }
}

/// Trust policies: who may assume the role.
fn trust(s: &Statement, at: &str, out: &mut Vec<Finding>) {
    let Some(p) = &s.principal else { return };
    if p.is_anyone() {
        let (severity, message, hint) = if s.condition.is_empty() {
            (
                Severity::Error,
                format!(
                    "the role trusts `*`{}: anyone with an AWS account can assume it",
                    sid(s)
                ),
                "name the principals (accounts, roles, services) that may assume the role",
            )
        } else {
            (
                Severity::Warning,
                format!("the role trusts `*`{}, limited only by its conditions", sid(s)),
                "name the principals instead, or make sure the conditions pin the caller (e.g. aws:PrincipalOrgID)",
            )
        };
        out.push(Finding::new(severity, "trust-anyone", at, message, hint));
        return;
    }
    if !s.condition.is_empty() {
        return;
    }
    if let Principal::Map(m) = p {
        for v in m.get("AWS").into_iter().flatten() {
            if let Some(account) = v
                .strip_prefix("arn:aws:iam::")
                .and_then(|r| r.strip_suffix(":root"))
            {
                out.push(Finding::new(
                    Severity::Warning,
                    "trust-whole-account",
                    at,
                    format!("the role trusts the whole account {account}{} without a condition: every user and role there that may call sts:AssumeRole can assume it", sid(s)),
                    "trust specific roles (arn:aws:iam::ACCOUNT:role/NAME), or add a condition such as aws:PrincipalArn or aws:MultiFactorAuthPresent",
                ));
            }
        }
    }
}

/// A condition key of a known service (`s3:prefix`) must be one of that service's keys; a typo
/// makes the condition never match. Global keys (`aws:…`) and keys of other issuers (an OIDC
/// provider's `…:sub`) are not in the catalog and are not checked.
fn condition_keys(s: &Statement, at: &str, catalog: &Catalog, out: &mut Vec<Finding>) {
    for (op, keys) in &s.condition {
        for key in keys.keys() {
            let Some((prefix, _)) = key.split_once(':') else {
                continue;
            };
            if prefix.eq_ignore_ascii_case("aws") {
                continue;
            }
            let Some(service) = catalog.service(prefix) else {
                continue;
            };
            // `SERVICE:ResourceTag/…` and `SERVICE:RequestTag/…` are the service-specific tag keys
            // that came before the global ones; AWS still honours them (its own managed policies
            // use iam:, ecr: and secretsmanager:ResourceTag/…) though the catalog rarely lists them.
            let name = &key[prefix.len() + 1..];
            let tag_key = ["ResourceTag/", "RequestTag/"].iter().any(|t| {
                name.get(..t.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(t))
            });
            if tag_key || service.has_condition_key(key) {
                continue;
            }
            let keys = service.all_condition_keys();
            let hint = match crate::policy::suggest::closest(key, keys.iter().map(String::as_str)) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!(
                    "see the condition keys of {} in the Service Authorization Reference",
                    service.name
                ),
            };
            out.push(Finding::new(
                Severity::Warning,
                "unknown-condition-key",
                at,
                format!(
                    "condition key `{key}` (under {op}){} is not a condition key of {}: the condition never matches",
                    sid(s),
                    service.name
                ),
                hint,
            ));
        }
    }
}

/// Text that looks like an IAM policy variable but is not one, so IAM matches it literally:
/// `&{aws:username}` left in a `jsonencode` or `file` document (only statement blocks turn `&{`
/// into `${`), or `{aws:username}` without its `$`.
fn unsubstituted_policy_variables(s: &Statement, at: &str, out: &mut Vec<Finding>) {
    static LOOKALIKE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = LOOKALIKE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[^$&])(&?\{[A-Za-z0-9-]+:[^{}]*\})").expect("the pattern compiles")
    });
    let principals = [&s.principal, &s.not_principal]
        .into_iter()
        .flatten()
        .filter_map(|p| match p {
            crate::policy::Principal::Map(m) => Some(m.values().flatten()),
            crate::policy::Principal::Any => None,
        })
        .flatten();
    let texts = [&s.resource, &s.not_resource]
        .into_iter()
        .flatten()
        .flatten()
        .chain(principals)
        .chain(s.condition.values().flat_map(|k| k.values().flatten()));
    for text in texts {
        let Some(found) = re.captures(text).and_then(|c| c.get(1)) else {
            continue;
        };
        let found = found.as_str();
        let variable = format!(
            "${{{}",
            found.trim_start_matches('&').trim_start_matches('{')
        );
        out.push(Finding::new(
            Severity::Warning,
            "unsubstituted-policy-variable",
            at,
            format!("`{found}` in `{text}` is not a policy variable: IAM matches it literally"),
            format!(
                "write the policy variable `{variable}` (`${variable}` in an HCL string); `&{{…}}` becomes `${{…}}` only in statement blocks"
            ),
        ));
    }
}

#[cfg(test)]
mod unsubstituted_policy_variable_tests {
    use super::*;

    fn found(json: &str) -> Vec<String> {
        let doc = PolicyDocument::from_json_str(json).unwrap();
        let catalog = Catalog::embedded().unwrap();
        lint_document(&doc, DocumentKind::Identity, "policy.p", catalog)
            .into_iter()
            .filter(|f| f.rule == "unsubstituted-policy-variable")
            .map(|f| format!("{} | {}", f.message, f.hint))
            .collect()
    }

    #[test]
    fn text_that_looks_like_a_policy_variable_but_is_not_one_is_a_warning() {
        let doc = |resource: &str| {
            format!(
                r#"{{"Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"{resource}"}}}}"#
            )
        };
        let amp = found(&doc("arn:aws:s3:::home/&{aws:username}/*"));
        assert_eq!(amp.len(), 1, "{amp:?}");
        assert!(amp[0].contains("`&{aws:username}`"), "{amp:?}");
        assert!(amp[0].contains("`${aws:username}`"), "{amp:?}");
        assert!(amp[0].contains("`$${aws:username}`"), "{amp:?}");
        assert_eq!(found(&doc("arn:aws:s3:::home/{aws:userid}/*")).len(), 1);
        assert!(found(&doc("arn:aws:s3:::home/${aws:username}/*")).is_empty());
        assert!(found(&doc("arn:aws:s3:::home/*")).is_empty());
        let condition = r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
            "Condition":{"StringLike":{"s3:prefix":"home/&{aws:username}/*"}}}}"#;
        assert_eq!(found(condition).len(), 1);
    }
}
