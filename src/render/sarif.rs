//! SARIF 2.1.0 logs, as GitHub code scanning accepts them (`github/codeql-action/upload-sarif`),
//! for `audit --format sarif` and `lint --format sarif`.
//!
//! What GitHub needs beyond the schema: every result has a location with a file (`artifactLocation.uri`,
//! relative to the repository root) and a line, or the whole upload is refused; rules carry a
//! `security-severity` for the severity GitHub shows; `automationDetails.id` keeps the audit's
//! and lint's alerts apart. A result whose entity no configuration declares is put on a fallback
//! file's first line, with the entity's address as its logical location.

use serde_json::{json, Value};

pub(crate) const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
pub(crate) const VERSION: &str = "2.1.0";
pub(crate) const INFORMATION_URI: &str = "https://github.com/iamform/iamform";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A rule's metadata (`reportingDescriptor`).
pub(crate) struct Rule {
    pub id: String,
    pub short: String,
    pub full: String,
    /// Plain-text help; also given as Markdown.
    pub help: String,
    pub level: Level,
    /// GitHub's `security-severity`: over 9.0 critical, 7.0 high, 4.0 medium, else low.
    pub security_severity: Option<&'static str>,
    pub tags: Vec<String>,
}

/// One result.
pub(crate) struct Finding {
    pub rule_id: String,
    pub level: Level,
    pub message: String,
    /// `file:line:col`, as iamform's diagnostics write it.
    pub location: Option<String>,
    /// The entity (an address such as `user.ann`, or `account`).
    pub logical: Option<String>,
    /// A stable identity across runs; GitHub otherwise derives one from the line's text, which
    /// is the same for every result put on a fallback line.
    pub fingerprint: Option<String>,
}

impl Finding {
    /// A result of `rule_id` at `location`, without a logical location or a fingerprint.
    pub(crate) fn new(
        rule_id: &str,
        level: Level,
        message: String,
        location: Option<String>,
    ) -> Finding {
        Finding {
            rule_id: rule_id.to_owned(),
            level,
            message,
            location,
            logical: None,
            fingerprint: None,
        }
    }
}

/// The log: one run of `tool` with `category` (`automationDetails.id`, e.g. `iamform/audit/`).
pub(crate) fn log(
    category: &str,
    rules: &[Rule],
    findings: &[Finding],
    fallback_file: &str,
) -> Value {
    let rules: Vec<Value> = rules.iter().map(rule).collect();
    let results: Vec<Value> = findings.iter().map(|f| result(f, fallback_file)).collect();
    json!({
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{
            "tool": { "driver": {
                "name": "iamform",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "automationDetails": { "id": category },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The log as the text iamform prints.
pub(crate) fn to_string(log: &Value) -> String {
    serde_json::to_string_pretty(log).expect("SARIF logs always serialise") + "\n"
}

fn rule(r: &Rule) -> Value {
    let mut properties = json!({ "tags": r.tags });
    if let Some(s) = r.security_severity {
        properties["security-severity"] = json!(s);
    }
    json!({
        "id": r.id,
        "name": pascal_case(&r.id),
        "shortDescription": { "text": r.short },
        "fullDescription": { "text": r.full },
        "help": { "text": r.help, "markdown": r.help },
        "defaultConfiguration": { "level": r.level.as_str() },
        "properties": properties,
    })
}

fn result(f: &Finding, fallback_file: &str) -> Value {
    let (file, line, col) =
        f.location
            .as_deref()
            .and_then(split_location)
            .unwrap_or((fallback_file, 1, 1));
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(file) },
            "region": { "startLine": line, "startColumn": col },
        }
    });
    if let Some(name) = &f.logical {
        location["logicalLocations"] = json!([{ "fullyQualifiedName": name, "kind": "resource" }]);
    }
    let mut out = json!({
        "ruleId": f.rule_id,
        "level": f.level.as_str(),
        "message": { "text": f.message },
        "locations": [location],
    });
    if let Some(print) = &f.fingerprint {
        out["partialFingerprints"] = json!({ "primaryLocationLineHash": print });
    }
    out
}

/// `path:line:col` -> its parts; `None` when it is not one.
pub(crate) fn split_location(s: &str) -> Option<(&str, u64, u64)> {
    let mut parts = s.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next().filter(|f| !f.is_empty())?;
    Some((file, line, col))
}

/// A file path as a SARIF URI: relative paths stay relative (to the repository root, which is
/// where CI runs iamform), with `/` separators and percent-encoding; absolute ones become
/// `file://` URIs.
pub(crate) fn uri(path: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b']')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let encoded = utf8_percent_encode(path, SEGMENT).to_string();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// `access-key-too-old` -> `AccessKeyTooOld` (a rule's `name`).
fn pascal_case(id: &str) -> String {
    crate::words::pascal_case(id, &['-', '_'])
}

/// A short, stable hex digest of `text` (SHA-256, first 16 bytes), for fingerprints.
pub(crate) fn digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_and_uris() {
        assert_eq!(
            split_location("iam/users.hcl:12:3"),
            Some(("iam/users.hcl", 12, 3))
        );
        assert_eq!(split_location("c:/x/a.hcl:1:2"), Some(("c:/x/a.hcl", 1, 2)));
        assert_eq!(split_location("account"), None);
        assert_eq!(uri("./iam/my users.hcl"), "iam/my%20users.hcl");
        assert_eq!(uri("/tmp/x/main.hcl"), "file:///tmp/x/main.hcl");
        assert_eq!(pascal_case("root-mfa-disabled"), "RootMfaDisabled");
    }

    #[test]
    fn every_result_has_a_file_and_a_line() {
        let finding = |location: Option<&str>| Finding {
            rule_id: "r".into(),
            level: Level::Warning,
            message: "m".into(),
            location: location.map(str::to_owned),
            logical: Some("user.ann".into()),
            fingerprint: None,
        };
        let log = log(
            "iamform/test/",
            &[],
            &[finding(Some("a.hcl:3:5")), finding(None)],
            "main.hcl",
        );
        let results = log["runs"][0]["results"].as_array().unwrap();
        let place = |i: usize| &results[i]["locations"][0]["physicalLocation"];
        assert_eq!(place(0)["artifactLocation"]["uri"], "a.hcl");
        assert_eq!(place(0)["region"]["startLine"], 3);
        assert_eq!(place(1)["artifactLocation"]["uri"], "main.hcl");
        assert_eq!(place(1)["region"]["startLine"], 1);
        assert_eq!(
            results[1]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            "user.ann"
        );
    }
}
