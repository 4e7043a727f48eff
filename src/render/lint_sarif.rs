//! Lint findings as SARIF 2.1.0 for GitHub code scanning (`lint --format sarif`), through the
//! shared writer in [`super::sarif`]. Each finding is on its entity's block; rule metadata is
//! that of the rules that fired (the rule table is the README's).

use super::sarif;
use crate::lint::{Finding, Severity};
use std::collections::BTreeMap;

/// `unknown-action` -> `Unknown action`.
fn sentence(id: &str) -> String {
    let words = id.replace('-', " ");
    let mut c = words.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn level(severity: Severity) -> sarif::Level {
    match severity {
        Severity::Error => sarif::Level::Error,
        Severity::Warning => sarif::Level::Warning,
    }
}

/// The findings as a SARIF log; those without a location go on `fallback_file`'s first line.
pub(crate) fn render_sarif(
    findings: &[Finding],
    catalog_version: &str,
    fallback_file: &str,
) -> String {
    let mut rules: BTreeMap<&str, sarif::Rule> = BTreeMap::new();
    for f in findings {
        rules.entry(f.rule).or_insert_with(|| sarif::Rule {
            id: f.rule.to_owned(),
            short: sentence(f.rule),
            full: format!(
                "iamform lint rule {} (action catalog {catalog_version}).",
                f.rule
            ),
            help: format!("For example: {}", f.hint),
            level: level(f.severity),
            security_severity: None,
            tags: vec!["iam".to_owned(), "correctness".to_owned()],
        });
    }
    let rules: Vec<sarif::Rule> = rules.into_values().collect();
    let results: Vec<sarif::Finding> = findings
        .iter()
        .map(|f| {
            let message = format!("{}: {} Fix: {}", f.address, f.message, f.hint);
            sarif::Finding {
                logical: f.address.split(' ').next().map(str::to_owned),
                ..sarif::Finding::new(f.rule, level(f.severity), message, f.location.clone())
            }
        })
        .collect();
    sarif::to_string(&sarif::log(
        "iamform/lint/",
        &rules,
        &results,
        fallback_file,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_become_results_with_their_rule() {
        let mut f = Finding::new(
            Severity::Warning,
            "user-inline-policy",
            "user.ann inline_policy.x",
            "permissions on a user",
            "put them on a group",
        );
        f.location = Some("iam/users.hcl:4:1".into());
        let log: serde_json::Value =
            serde_json::from_str(&render_sarif(&[f], "test", "iam/main.hcl")).unwrap();
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["id"],
            "user-inline-policy"
        );
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
            "User inline policy"
        );
        assert_eq!(run["results"][0]["level"], "warning");
        assert_eq!(
            run["results"][0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "user.ann"
        );
        assert_eq!(run["automationDetails"]["id"], "iamform/lint/");
    }
}
