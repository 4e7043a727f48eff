//! `can` and `who-can` output: text for people, JSON for tools (schemas/can.schema.json,
//! schemas/who-can.schema.json). Pure functions; `run::access` prints the result.

use super::Style;
use crate::access::{Decision, Evaluation, MatchedStatement};
use crate::model::Address;
use serde::Serialize;

/// The version of both JSON reports.
pub(crate) const FORMAT_VERSION: u32 = 1;

/// `iamform can --json`.
#[derive(Debug, Serialize)]
pub(crate) struct CanReport<'e> {
    pub format_version: u32,
    pub principal: String,
    pub action: &'e str,
    pub resource: &'e str,
    pub decision: Decision,
    pub matched: &'e [MatchedStatement],
    pub missing_context_keys: &'e [String],
    pub notes: &'e [String],
}

impl<'e> CanReport<'e> {
    pub(crate) fn new(
        principal: &Address,
        action: &'e str,
        resource: &'e str,
        ev: &'e Evaluation,
    ) -> Self {
        CanReport {
            format_version: FORMAT_VERSION,
            principal: principal.to_string(),
            action,
            resource,
            decision: ev.decision,
            matched: &ev.matched,
            missing_context_keys: &ev.missing_context_keys,
            notes: &ev.notes,
        }
    }
}

/// One principal of `who-can --json`.
#[derive(Debug, Serialize)]
pub(crate) struct WhoEntry<'e> {
    pub address: String,
    pub matched: &'e [MatchedStatement],
    pub missing_context_keys: &'e [String],
}

/// `iamform who-can --json`.
#[derive(Debug, Serialize)]
pub(crate) struct WhoCanReport<'e> {
    pub format_version: u32,
    pub action: &'e str,
    pub resource: &'e str,
    pub principals: Vec<WhoEntry<'e>>,
}

impl<'e> WhoCanReport<'e> {
    pub(crate) fn new(
        action: &'e str,
        resource: &'e str,
        found: &'e [(Address, Evaluation)],
    ) -> Self {
        WhoCanReport {
            format_version: FORMAT_VERSION,
            action,
            resource,
            principals: found
                .iter()
                .map(|(a, ev)| WhoEntry {
                    address: a.to_string(),
                    matched: &ev.matched,
                    missing_context_keys: &ev.missing_context_keys,
                })
                .collect(),
        }
    }
}

/// One line for a statement: `Allow policy.read statement "Read" (via group.dev) at main.hcl:3:3`.
pub(crate) fn statement_line(m: &MatchedStatement) -> String {
    let mut line = format!("{} {} {}", m.effect, m.policy, m.statement_label());
    let mut paren = Vec::new();
    match m.kind {
        crate::access::PolicyKind::PermissionsBoundary => {
            paren.push("permissions boundary".to_owned())
        }
        crate::access::PolicyKind::TrustPolicy => paren.push("trust policy".to_owned()),
        crate::access::PolicyKind::Identity => {}
    }
    // A group's own inline policy already names the group.
    if let Some(via) = m
        .via
        .as_ref()
        .filter(|v| !m.policy.starts_with(&format!("{v} ")))
    {
        paren.push(format!("via {via}"));
    }
    if !paren.is_empty() {
        line.push_str(&format!(" ({})", paren.join(", ")));
    }
    if let Some(loc) = &m.location {
        line.push_str(&format!(" at {loc}"));
    }
    line
}

fn missing_keys_text(keys: &[String], out: &mut String) {
    if !keys.is_empty() {
        out.push_str(&format!(
            "  context keys the conditions refer to that the request does not have: {}\n  (set them with --context KEY=VALUE)\n",
            keys.join(", ")
        ));
    }
}

/// `iamform can` as text.
pub(crate) fn can_text(
    principal: &Address,
    action: &str,
    resource: &str,
    ev: &Evaluation,
    style: Style,
) -> String {
    let (head, verb) = match ev.decision {
        Decision::Allowed => (style.green("ALLOWED"), "may"),
        Decision::ImplicitDeny => (style.red("DENIED (implicitly)"), "may not"),
        Decision::ExplicitDeny => (style.red("DENIED (explicitly)"), "may not"),
    };
    let mut out = format!("{head}: {principal} {verb} {action} on {resource}\n");
    for n in &ev.notes {
        out.push_str(&format!("  {}\n", style.dim(n)));
    }
    if !ev.matched.is_empty() {
        let title = match ev.decision {
            Decision::Allowed => "allowed by",
            Decision::ExplicitDeny => "denied by",
            Decision::ImplicitDeny => "statements that allow part of it",
        };
        out.push_str(&format!("  {title}:\n"));
        for m in &ev.matched {
            out.push_str(&format!("    {}\n", statement_line(m)));
        }
    }
    missing_keys_text(&ev.missing_context_keys, &mut out);
    out
}

/// `iamform who-can` as text.
pub(crate) fn who_can_text(
    action: &str,
    resource: &str,
    found: &[(Address, Evaluation)],
    style: Style,
) -> String {
    if found.is_empty() {
        return format!("No user or role may {action} on {resource}.\n");
    }
    let principals = crate::words::count(found.len(), "principal");
    let mut out = format!("{principals} may {action} on {resource}:\n");
    for (address, ev) in found {
        out.push_str(&format!("  {}\n", style.bold(&address.to_string())));
        for m in &ev.matched {
            out.push_str(&format!("    {}\n", statement_line(m)));
        }
        if !ev.missing_context_keys.is_empty() {
            out.push_str(&format!(
                "    {}\n",
                style.dim(&format!(
                    "with conditions on keys the request does not have: {}",
                    ev.missing_context_keys.join(", ")
                ))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::PolicyKind;

    fn statement(kind: PolicyKind, via: Option<&str>, sid: Option<&str>) -> MatchedStatement {
        MatchedStatement {
            policy: "group.dev inline_policy.s3".into(),
            kind,
            via: via.map(str::to_owned),
            effect: "Allow",
            sid: sid.map(str::to_owned),
            index: 2,
            location: Some("main.hcl:4:3".into()),
        }
    }

    #[test]
    fn statement_lines() {
        assert_eq!(
            statement_line(&statement(
                PolicyKind::Identity,
                Some("group.dev"),
                Some("S3")
            )),
            "Allow group.dev inline_policy.s3 statement \"S3\" at main.hcl:4:3"
        );
        let mut m = statement(PolicyKind::PermissionsBoundary, None, None);
        m.policy = "policy.b".into();
        assert_eq!(
            statement_line(&m),
            "Allow policy.b statement[2] (permissions boundary) at main.hcl:4:3"
        );
        m.via = Some("group.dev".into());
        m.location = None;
        assert_eq!(
            statement_line(&m),
            "Allow policy.b statement[2] (permissions boundary, via group.dev)"
        );
    }

    #[test]
    fn can_text_says_the_decision_and_what_to_set() {
        let ev = Evaluation {
            decision: Decision::ImplicitDeny,
            matched: Vec::new(),
            missing_context_keys: vec!["aws:MultiFactorAuthPresent".into()],
            notes: vec!["no identity policy allows the action".into()],
        };
        let text = can_text(
            &"user.ann".parse().unwrap(),
            "iam:CreateUser",
            "*",
            &ev,
            Style::PLAIN,
        );
        assert_eq!(
            text,
            "DENIED (implicitly): user.ann may not iam:CreateUser on *\n  no identity policy allows the action\n  context keys the conditions refer to that the request does not have: aws:MultiFactorAuthPresent\n  (set them with --context KEY=VALUE)\n"
        );
        assert_eq!(
            who_can_text("s3:GetObject", "*", &[], Style::PLAIN),
            "No user or role may s3:GetObject on *.\n"
        );
    }
}
