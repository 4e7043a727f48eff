//! What a document must satisfy where it is used: principals by kind, `NotPrincipal` only with
//! `Deny`, condition operator names, action and resource syntax, and IAM's size quotas.

use super::arn::check_resource_arn;
use super::document::{err, Effect, PolicyDocument, PolicyError, Principal, Statement};
use super::operators::check_operator;
use crate::model::iam::RuleError;
use crate::model::iam::SizeQuota;
use std::collections::{BTreeMap, BTreeSet};

/// Which grammar a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// Managed or inline policy attached to an identity: no `Principal`.
    Identity,
    /// A role's trust policy: every statement names a `Principal` or `NotPrincipal`.
    Trust,
}

impl PolicyDocument {
    /// The first problem [`PolicyDocument::problems`] finds, if any.
    pub fn validate(&self, kind: DocumentKind) -> Result<(), PolicyError> {
        match self.problems(kind).into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every problem of the document used as `kind`, statements in the order they were written;
    /// paths name that order (`Statement[0]` is the first statement written).
    pub fn problems(&self, kind: DocumentKind) -> Vec<PolicyError> {
        let mut out = self.character_problems();
        for (path, s) in self.statement_paths() {
            statement_problems(s, kind, &path, &mut out);
        }
        out
    }

    /// Each statement in the order written, with the path naming it: `Statement[N]`, N from 0.
    fn statement_paths(&self) -> impl Iterator<Item = (String, &Statement)> {
        // A one-statement document is most likely written with the statement alone, not in a
        // list; `Statement[0]` names it either way.
        let single = self.statements().len() == 1;
        self.statements_as_written().into_iter().map(move |(i, s)| {
            let i = if single { 0 } else { i };
            (format!("Statement[{i}]"), s)
        })
    }

    /// The characters IAM refuses in the document (one problem per text holding any), statements
    /// in the order written. Part of [`PolicyDocument::problems`].
    pub fn character_problems(&self) -> Vec<PolicyError> {
        let mut out = Vec::new();
        for (at, text) in [("Id", self.id()), ("Version", self.version())] {
            if let Some(text) = text {
                let allowed = crate::model::iam::policy_char_allowed;
                if let Err(m) = crate::model::iam::check_chars(at, text, allowed, POLICY_CHARS) {
                    out.push(err(at, m));
                }
            }
        }
        for (path, s) in self.statement_paths() {
            character_problems(s, &path, &mut out);
        }
        out
    }

    /// The size against `quota`, as IAM counts it.
    pub fn check_size(&self, quota: SizeQuota) -> Result<(), PolicyError> {
        let size = self.size();
        let limit = quota.limit();
        if size > limit {
            return Err(err(
                "document",
                format!(
                    "{size} characters (whitespace not counted), but IAM allows {limit} for {}: {}",
                    quota.what(),
                    quota.fix()
                ),
            ));
        }
        Ok(())
    }
}

/// What IAM accepts in a policy document, for messages.
const POLICY_CHARS: &str = "tabs, line breaks and U+0020-U+00FF in a policy";

/// The characters IAM refuses in a policy document, found in any of one statement's texts.
fn character_problems(s: &Statement, path: &str, out: &mut Vec<PolicyError>) {
    use crate::model::iam::{check_chars, policy_char_allowed};
    let mut texts: Vec<(String, &str)> = Vec::new();
    if let Some(sid) = &s.sid {
        texts.push((format!("{path}.Sid"), sid));
    }
    for (key, values) in [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ] {
        texts.extend(
            values
                .iter()
                .flatten()
                .map(|v| (format!("{path}.{key}"), v.as_str())),
        );
    }
    for (key, p) in [
        ("Principal", &s.principal),
        ("NotPrincipal", &s.not_principal),
    ] {
        if let Some(Principal::Map(m)) = p {
            keys_and_values(&mut texts, &format!("{path}.{key}"), m);
        }
    }
    for (op, keys) in &s.condition {
        texts.push((format!("{path}.Condition"), op));
        keys_and_values(&mut texts, &format!("{path}.Condition.{op}"), keys);
    }
    for (at, text) in texts {
        if let Err(m) = check_chars(
            &format!("{:?}", cut(text)),
            text,
            policy_char_allowed,
            POLICY_CHARS,
        ) {
            out.push(err(at, m));
        }
    }
}

/// A text short enough to quote in a message.
/// Each key of `map` at `at`, and each of its values at `at.KEY`.
fn keys_and_values<'a>(
    texts: &mut Vec<(String, &'a str)>,
    at: &str,
    map: &'a BTreeMap<String, BTreeSet<String>>,
) {
    for (key, values) in map {
        texts.push((at.to_owned(), key));
        texts.extend(values.iter().map(|v| (format!("{at}.{key}"), v.as_str())));
    }
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

fn statement_problems(s: &Statement, kind: DocumentKind, path: &str, out: &mut Vec<PolicyError>) {
    let has_principal = s.principal.is_some() || s.not_principal.is_some();
    match kind {
        DocumentKind::Identity if has_principal => out.push(err(
            format!("{path}.{}", if s.principal.is_some() { "Principal" } else { "NotPrincipal" }),
            "an identity policy cannot name a Principal: remove it (the policy applies to whoever it is attached to), or use this document as a role's trust policy",
        )),
        DocumentKind::Trust if !has_principal => out.push(err(
            path,
            "a trust policy statement must name a Principal: e.g. principals { service = [\"ec2.amazonaws.com\"] }, or \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}",
        )),
        _ => {}
    }
    if s.not_principal.is_some() && s.effect == Effect::Allow {
        out.push(err(
            format!("{path}.NotPrincipal"),
            "NotPrincipal is only allowed with \"Effect\": \"Deny\": name the principals to allow with Principal instead",
        ));
    }
    if s.action.is_none() && s.not_action.is_none() {
        out.push(err(
            path,
            "a statement needs Action or NotAction: e.g. \"Action\": \"s3:GetObject\"",
        ));
    }
    for (key, values) in [("Action", &s.action), ("NotAction", &s.not_action)] {
        for a in values.iter().flatten() {
            if let Err(m) = check_action_syntax(a) {
                out.push(err(format!("{path}.{key}"), m));
            }
        }
    }
    match kind {
        DocumentKind::Identity => {
            if s.resource.is_none() && s.not_resource.is_none() {
                out.push(err(
                    path,
                    "a statement needs Resource or NotResource: e.g. \"Resource\": \"arn:aws:s3:::my-bucket/*\", or \"*\"",
                ));
            }
        }
        DocumentKind::Trust => {
            for (key, v) in [("Resource", &s.resource), ("NotResource", &s.not_resource)] {
                if v.is_some() {
                    out.push(err(
                        format!("{path}.{key}"),
                        format!("a trust policy cannot have {key} (the resource is the role itself): remove it"),
                    ));
                }
            }
        }
    }
    for (key, values) in [("Resource", &s.resource), ("NotResource", &s.not_resource)] {
        for r in values.iter().flatten() {
            if let Err(m) = check_resource_arn(r) {
                out.push(err(format!("{path}.{key}"), m));
            }
        }
    }
    for op in s.condition.keys() {
        if let Err(m) = check_operator(op) {
            out.push(err(format!("{path}.Condition.{op}"), m));
        }
    }
}

/// `*` or `service:action`, where the service prefix is lowercase letters, digits and dashes and
/// either part may hold the wildcards `*` and `?`.
fn check_action_syntax(action: &str) -> Result<(), RuleError> {
    if action == "*" {
        return Ok(());
    }
    let Some((service, name)) = action.split_once(':') else {
        return Err(RuleError(format!(
            "`{action}` is not an action: write `service:Action`, e.g. \"s3:GetObject\", or \"*\""
        )));
    };
    let service_ok = !service.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?' | '.'));
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '*' | '?' | '.'));
    if !service_ok || !name_ok {
        return Err(RuleError(format!(
            "`{action}` is not an action: write `service:Action` with letters, digits, `-`, `*` or `?`, e.g. \"s3:GetObject\" or \"s3:Get*\""
        )));
    }
    Ok(())
}
