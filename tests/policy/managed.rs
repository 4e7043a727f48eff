//! Every AWS managed policy document moto ships (moto/iam/aws_managed_policies.py, in the venv
//! .ci/moto.sh installs): it parses, validates as an identity policy, round-trips through both
//! renderings, equals its reordered forms, and lint finds no unknown action in it except those
//! listed in absent-actions.txt (actions and condition keys AWS uses that the catalog lacks, and
//! actions of services AWS retired).

use super::mutate::{reorder, with_whitespace, Rng};
use iamform::catalog::Catalog;
use iamform::lint::lint_document;
use iamform::model::policy::{DocumentKind, PolicyDocument};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `.build/moto-venv/lib/python*/site-packages/moto/iam/aws_managed_policies.py`.
fn moto_file() -> Option<PathBuf> {
    let lib = repo().join(".build/moto-venv/lib");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("python"))
        })
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| d.join("site-packages/moto/iam/aws_managed_policies.py"))
        .find(|p| p.is_file())
}

/// Name -> document of every managed policy, or `None` (with a message) when moto is absent
/// outside CI.
fn managed_policies() -> Option<Vec<(String, Value)>> {
    let Some(path) = moto_file() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !ci,
            "CI=true but moto is not installed in .build/moto-venv (.ci/run installs it)"
        );
        println!(
            "skipped: moto is not installed in .build/moto-venv (run `bash .ci/moto.sh install`)"
        );
        return None;
    };
    let source = std::fs::read_to_string(&path).expect("read aws_managed_policies.py");
    // The file is `aws_managed_policies_data = """{…}"""`: a Python string without escapes (a
    // backslash would need Python's unescaping, which this test does not do, so it refuses).
    let start = source.find("\"\"\"").expect("opening triple quote") + 3;
    let end = source.rfind("\"\"\"").expect("closing triple quote");
    let text = &source[start..end];
    assert!(
        !text.contains('\\'),
        "{}: the JSON holds Python escapes",
        path.display()
    );
    let all: serde_json::Map<String, Value> =
        serde_json::from_str(text).expect("the managed policies are JSON");
    Some(
        all.into_iter()
            .map(|(name, p)| (name, p["Document"].clone()))
            .collect(),
    )
}

#[test]
fn every_aws_managed_policy_parses_round_trips_and_equals_its_reordered_forms() {
    let Some(policies) = managed_policies() else {
        return;
    };
    assert!(
        policies.len() > 1000,
        "only {} managed policies",
        policies.len()
    );
    let mut problems = Vec::new();
    let mut statements = 0;
    for (i, (name, json)) in policies.iter().enumerate() {
        let doc = match PolicyDocument::from_value(json) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("{name}: parse: {e}"));
                continue;
            }
        };
        statements += doc.statements().len();
        if let Err(e) = doc.validate(DocumentKind::Identity) {
            problems.push(format!("{name}: validate: {e}"));
        }
        for text in [doc.to_pretty(), doc.to_minimal()] {
            match PolicyDocument::from_json_str(&text) {
                Ok(back) if back == doc => {}
                Ok(_) => problems.push(format!("{name}: the rendering parses to another document")),
                Err(e) => problems.push(format!("{name}: the rendering does not parse: {e}")),
            }
        }
        let mut rng = Rng::new(i as u64 + 1);
        for _ in 0..3 {
            let text = with_whitespace(&reorder(json, &mut rng), &mut rng);
            match PolicyDocument::from_json_str(&text) {
                Ok(other) if other == doc => {}
                Ok(_) => problems.push(format!("{name}: a reordered form differs")),
                Err(e) => problems.push(format!("{name}: a reordered form does not parse: {e}")),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    println!("{} AWS managed policies, {statements} statements: all parse, validate, round-trip and equal their reordered forms", policies.len());
}

/// The action a catalog finding is about: the first `…` of its message.
fn quoted(message: &str) -> &str {
    message.split('`').nth(1).unwrap_or(message)
}

#[test]
fn lint_finds_no_unknown_action_in_aws_managed_policies_beyond_the_known_list() {
    let Some(policies) = managed_policies() else {
        return;
    };
    let catalog = Catalog::embedded().unwrap();
    let mut absent = BTreeSet::new();
    for (name, json) in &policies {
        let doc = PolicyDocument::from_value(json).unwrap();
        for f in lint_document(
            &doc,
            DocumentKind::Identity,
            &format!("policy.{name}"),
            catalog,
        ) {
            if matches!(
                f.rule,
                "unknown-service"
                    | "retired-service"
                    | "unknown-action"
                    | "pattern-matches-nothing"
                    | "unknown-condition-key"
            ) {
                absent.insert(format!("{} {}", f.rule, quoted(&f.message)));
            }
        }
    }
    let found: Vec<String> = absent.into_iter().collect();
    let file = repo().join("tests/policy/absent-actions.txt");
    if std::env::var_os("IAMFORM_BLESS").is_some() {
        let mut text = String::from(
            "# Actions and condition keys in moto's AWS managed policies that the embedded catalog does not have\n# (rule, action or key): unknown to it, or of a service AWS retired (src/catalog/retired.rs).\n# Regenerate with IAMFORM_BLESS=1 cargo test --test suite policy:: after reviewing the difference.\n",
        );
        for line in &found {
            text.push_str(line);
            text.push('\n');
        }
        std::fs::write(&file, text).unwrap();
    }
    let expected: Vec<String> = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        found, expected,
        "the actions of AWS managed policies absent from the catalog changed; review, then IAMFORM_BLESS=1 cargo test --test suite policy::"
    );
    println!(
        "{} actions of AWS managed policies are absent from the catalog",
        found.len()
    );
}
