//! Findings in one policy document: actions the catalog does not know (or whose service AWS
//! retired), patterns that match nothing, wildcard grants, `iam:PassRole` on every resource,
//! `Allow` with `NotAction` / `NotResource`, and trust policies open to anyone or to a whole
//! account; resources ([`super::resources`]) and condition keys ([`super::conditions`]) that do
//! not fit the actions.

use super::federation::federated_trust;
use super::place::{sid, Place};
use super::{conditions, resources, Finding, Severity};
use crate::catalog::{Catalog, Lookup};
use crate::model::policy::{DocumentKind, Effect, PolicyDocument, Principal, Statement};

/// The findings of `doc` used as `kind`; `address` names the document (`policy.read`,
/// `role.app assume_role_policy`), each finding adds `statement[N]` (N as written, from 0) and
/// the JSON path of the key it is about.
pub fn lint_document(
    doc: &PolicyDocument,
    kind: DocumentKind,
    address: &str,
    catalog: &Catalog,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, s) in doc.statements_as_written() {
        let at = Place {
            address: format!("{address} statement[{i}]"),
            statement: i,
        };
        actions(s, &at, catalog, &mut out);
        conditions::condition_keys(s, &at, catalog, &mut out);
        unsubstituted_policy_variables(s, &at, &mut out);
        if s.effect == Effect::Allow {
            grants(s, &at, catalog, &mut out);
            resources::resource_mismatch(s, &at, catalog, &mut out);
            if kind == DocumentKind::Trust {
                trust(s, &at, &mut out);
                federated_trust(s, &at, &mut out);
            }
        }
    }
    out
}

/// Every Action / NotAction value must name something the catalog knows.
fn actions(s: &Statement, at: &Place, catalog: &Catalog, out: &mut Vec<Finding>) {
    for (key, values) in [("Action", &s.action), ("NotAction", &s.not_action)] {
        for action in values.iter().flatten() {
            let f = |rule, message: String, hint: String| {
                at.finding(Severity::Error, rule, key, message, hint)
            };
            match catalog.lookup(action) {
                Lookup::Everything
                | Lookup::Action(..)
                | Lookup::Pattern(_)
                | Lookup::Malformed => {}
                Lookup::RetiredService(r) => {
                    let effect = if key == "Action" {
                        "it grants nothing"
                    } else {
                        "it excludes nothing"
                    };
                    out.push(at.finding(
                        Severity::Warning,
                        "retired-service",
                        key,
                        format!(
                            "{key} `{action}`{}: `{}` was the prefix of {}, a service AWS has retired (the action catalog lost it on {}): IAM still accepts the action, but {effect}",
                            sid(s),
                            r.prefix,
                            r.name,
                            r.lost
                        ),
                        format!("remove the actions of `{}`", r.prefix),
                    ));
                }
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
fn grants(s: &Statement, at: &Place, catalog: &Catalog, out: &mut Vec<Finding>) {
    let warn = |rule, key, message: String, hint: &str| {
        at.finding(Severity::Warning, rule, key, message, hint)
    };
    // Allow with a negated list grants everything the list leaves out.
    for (list, rule, key, grants, hint) in [
        (
            &s.not_action,
            "allow-not-action",
            "NotAction",
            "every action not listed, including services and actions AWS adds later",
            "list the allowed actions in Action instead, or make this a Deny statement",
        ),
        (
            &s.not_resource,
            "allow-not-resource",
            "NotResource",
            "access to every resource not listed, including ones created later",
            "list the allowed resources in Resource instead",
        ),
    ] {
        if list.is_some() {
            let message = format!("Allow with {key}{} grants {grants}", sid(s));
            out.push(warn(rule, key, message, hint));
        }
    }
    let actions = s.action.iter().flatten();
    // A retired service's wildcard grants nothing (retired-service says so).
    let wildcards: Vec<&str> = actions
        .clone()
        .filter(|a| *a == "*" || a.ends_with(":*"))
        .filter(|a| !matches!(catalog.lookup(a), Lookup::RetiredService(_)))
        .map(String::as_str)
        .collect();
    if all_resources(s) && !wildcards.is_empty() {
        let list = crate::words::backquoted(&wildcards, ", ");
        out.push(warn(
            "wildcard-action-on-all-resources",
            "Action",
            format!("Allow {list} on Resource `*`{}: every action of {} on every resource", sid(s), if wildcards.contains(&"*") { "every service" } else if wildcards.len() > 1 { "these services" } else { "the service" }),
            "grant the actions the principal needs (e.g. s3:GetObject) on the resources it needs (their ARNs)",
        ));
    } else {
        for a in wildcards.iter().filter(|a| **a != "*") {
            out.push(warn(
                "service-wildcard-action",
                "Action",
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
                "Resource",
                format!("`{a}` on Resource `*`{} without a condition lets the principal hand any role, administrators' included, to a service", sid(s)),
                "restrict Resource to the role ARNs to pass (e.g. arn:aws:iam::ACCOUNT:role/app-*), or add a condition on iam:PassedToService",
            ));
        }
    }
}

/// Trust policies: who may assume the role.
fn trust(s: &Statement, at: &Place, out: &mut Vec<Finding>) {
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
        out.push(at.finding(severity, "trust-anyone", "Principal", message, hint));
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
                out.push(at.finding(
                    Severity::Warning,
                    "trust-whole-account",
                    "Principal",
                    format!("the role trusts the whole account {account}{} without a condition: every user and role there that may call sts:AssumeRole can assume it", sid(s)),
                    "trust specific roles (arn:aws:iam::ACCOUNT:role/NAME), or add a condition such as aws:PrincipalArn or aws:MultiFactorAuthPresent",
                ));
            }
        }
    }
}

/// Text that looks like an IAM policy variable but is not one, so IAM matches it literally:
/// `&{aws:username}` left in a `jsonencode` or `file` document (only statement blocks turn `&{`
/// into `${`), or `{aws:username}` without its `$`.
fn principal_texts(p: &Option<Principal>) -> Vec<&String> {
    match p {
        Some(Principal::Map(m)) => m.values().flatten().collect(),
        _ => Vec::new(),
    }
}

fn unsubstituted_policy_variables(s: &Statement, at: &Place, out: &mut Vec<Finding>) {
    static LOOKALIKE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = LOOKALIKE.get_or_init(|| {
        regex::Regex::new(r"(?:^|[^$&])(&?\{[A-Za-z0-9-]+:[^{}]*\})").expect("the pattern compiles")
    });
    let keyed: [(&str, Vec<&String>); 5] = [
        ("Resource", s.resource.iter().flatten().collect()),
        ("NotResource", s.not_resource.iter().flatten().collect()),
        ("Principal", principal_texts(&s.principal)),
        ("NotPrincipal", principal_texts(&s.not_principal)),
        (
            "Condition",
            s.condition
                .values()
                .flat_map(|k| k.values().flatten())
                .collect(),
        ),
    ];
    for (key, texts) in keyed {
        for text in texts {
            let Some(found) = re.captures(text).and_then(|c| c.get(1)) else {
                continue;
            };
            let found = found.as_str();
            let variable = format!(
                "${{{}",
                found.trim_start_matches('&').trim_start_matches('{')
            );
            out.push(at.finding(
                Severity::Warning,
                "unsubstituted-policy-variable",
                key,
                format!("`{found}` in `{text}` is not a policy variable: IAM matches it literally"),
                format!(
                    "write the policy variable `{variable}` (`${variable}` in an HCL string); `&{{…}}` becomes `${{…}}` only in statement blocks"
                ),
            ));
        }
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
