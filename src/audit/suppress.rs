//! `settings { audit { ignore = ["access-key-too-old:user/legacy-ci"] } }`: findings a team has
//! accepted. A pattern is `RULE:KIND/NAME` (or `RULE:account`), each part a glob (`*`, `?`,
//! names ignoring case). Suppressed findings are not dropped: the report counts and lists them,
//! each with the pattern that matched, so nothing is hidden silently.

use super::rules::RULES;
use super::{Finding, Suppressed};
use crate::model::scope::glob_match;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppressions {
    patterns: Vec<String>,
}

impl Suppressions {
    pub fn new(patterns: Vec<String>) -> Suppressions {
        Suppressions { patterns }
    }

    /// The pattern that suppresses `finding`, if any (the first, in the configuration's order).
    pub fn matching(&self, finding: &Finding) -> Option<&str> {
        let subject = finding.suppression_subject();
        self.patterns
            .iter()
            .find(|p| glob_match(p, &subject))
            .map(String::as_str)
    }

    /// The findings no pattern matches, and those suppressed with their pattern.
    pub fn apply(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Suppressed>) {
        let mut kept = Vec::new();
        let mut suppressed = Vec::new();
        for finding in findings {
            match self.matching(&finding) {
                Some(pattern) => suppressed.push(Suppressed {
                    pattern: pattern.to_owned(),
                    finding,
                }),
                None => kept.push(finding),
            }
        }
        (kept, suppressed)
    }
}

/// Checks that each pattern's rule part names a rule (or, as a glob, matches one): a misspelt
/// rule would otherwise suppress nothing, unnoticed. The error lists every bad pattern.
pub fn check_patterns(patterns: &[String]) -> Result<(), String> {
    let bad: Vec<String> = patterns
        .iter()
        .filter(|p| {
            let rule = p.split_once(':').map_or(p.as_str(), |(r, _)| r);
            !RULES.iter().any(|r| glob_match(rule, r.id))
        })
        .map(|p| format!("`{p}`"))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    Err(format!(
        "settings.audit.ignore: {} {} no audit rule; the rules are {}",
        bad.join(", "),
        if bad.len() == 1 { "names" } else { "name" },
        ids.join(", ")
    ))
}
