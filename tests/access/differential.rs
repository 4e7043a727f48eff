//! The evaluator against @cloud-copilot/iam-simulate: thousands of generated cases
//! ([`super::generate`]) evaluated by both, decisions compared.
//!
//! The simulator (AGPL-3.0) is installed at test time by `.ci/iam-simulate.sh install` into
//! `.build/iam-simulate` and runs as a separate node process (`iam-simulate-driver.mjs`); nothing
//! of it is vendored or linked. Without it the test fails in CI (`CI=true`) and is skipped, with a
//! message, elsewhere.
//!
//! Every disagreement must be explained by a doubtful area listed in
//! `simulator-disagreements.txt`, each with the sentence of the AWS documentation that shows
//! iamform is right; a case touching no listed area must agree. Each listed area must still explain
//! at least one disagreement, so the list cannot go stale.
//!
//! `IAMFORM_DIFF_SEED` and `IAMFORM_DIFF_CASES` change the seed and the number of cases.

use super::super::harness::repo;
use super::generate::{self, CallerKind, Case, ACCOUNT};
use iamform::access::evaluate::{evaluate, Inputs};
use iamform::access::{Caller, Context, Decision, Origin, PolicyKind, PolicyRef, Request};
use iamform::model::{Address, Kind, PolicyDocument};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const SEED: u64 = 15;
const CASES: usize = 3000;

/// The node that `.ci/iam-simulate.sh install` chose (the machine's, or one from PyPI when the
/// machine has none), else whatever `node` is on the PATH.
fn node_binary(dir: &std::path::Path) -> std::path::PathBuf {
    let chosen = dir.join("bin/node");
    if chosen.exists() {
        chosen
    } else {
        "node".into()
    }
}

/// The simulator's directory, or `None` (with a message) when it is not installed outside CI.
fn simulator() -> Option<std::path::PathBuf> {
    let dir = repo().join(".build/iam-simulate");
    let installed = dir
        .join("node_modules/@cloud-copilot/iam-simulate/package.json")
        .is_file();
    let node = Command::new(node_binary(&dir))
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if installed && node {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !ci,
        "CI=true but the IAM simulator is not available (node: {node}, installed: {installed}); .ci/run installs it with .ci/iam-simulate.sh install"
    );
    println!("skipped: the IAM simulator is not installed (run `bash .ci/iam-simulate.sh install`; needs Python 3 or node and npm)");
    None
}

fn parse(doc: &Value) -> PolicyDocument {
    PolicyDocument::from_value(doc).unwrap_or_else(|e| panic!("generated document: {e}\n{doc}"))
}

/// iamform's decision for a case.
fn iamform_decision(case: &Case) -> Decision {
    let caller = match case.caller {
        CallerKind::User => Caller::user(ACCOUNT, case.path, case.name),
        CallerKind::Role => Caller::role(ACCOUNT, case.path, case.name),
    };
    let owner = Address::new(
        match case.caller {
            CallerKind::User => Kind::User,
            CallerKind::Role => Kind::Role,
        },
        case.name,
    );
    let docs: Vec<PolicyDocument> = case.identity.iter().map(parse).collect();
    let identity: Vec<PolicyRef> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| PolicyRef {
            origin: Origin::Inline {
                owner: owner.clone(),
                name: format!("p{i}"),
            },
            kind: PolicyKind::Identity,
            via: None,
            document: Some(d),
        })
        .collect();
    let boundary_doc = case.boundary.as_ref().map(parse);
    let boundary = boundary_doc.as_ref().map(|d| PolicyRef {
        origin: Origin::Unknown {
            arn: "boundary".into(),
        },
        kind: PolicyKind::PermissionsBoundary,
        via: None,
        document: Some(d),
    });
    let trust_doc = case.trust.as_ref().map(parse);
    let trust = trust_doc.as_ref().map(|d| PolicyRef {
        origin: Origin::Trust {
            role: Address::new(Kind::Role, "target"),
        },
        kind: PolicyKind::TrustPolicy,
        via: None,
        document: Some(d),
    });
    let mut context = Context::new();
    for (k, v) in &case.context {
        match v {
            Value::Array(items) => context.set_list(
                k,
                items
                    .iter()
                    .map(|i| i.as_str().unwrap().to_owned())
                    .collect(),
            ),
            v => context.set(k, v.as_str().unwrap()),
        }
    }
    let request = Request {
        action: case.action.clone(),
        resource: case.resource.clone(),
        context,
    };
    let inputs = Inputs {
        caller: &caller,
        identity: &identity,
        boundary: boundary.as_ref(),
        resource_policy: trust.as_ref(),
        actions: None,
    };
    evaluate(&inputs, &request).decision
}

/// The case as the simulator's `Simulation`.
fn simulation(case: &Case) -> Value {
    let mut s = json!({
        "request": {
            "principal": case.principal_arn(),
            "action": case.action,
            "resource": { "resource": case.resource, "accountId": ACCOUNT },
            "contextVariables": case.context,
        },
        "identityPolicies": case.identity.iter().enumerate()
            .map(|(i, d)| json!({ "name": format!("p{i}"), "policy": d }))
            .collect::<Vec<_>>(),
        "serviceControlPolicies": [],
        "resourceControlPolicies": [],
    });
    if let Some(b) = &case.boundary {
        s["permissionBoundaryPolicies"] = json!([{ "name": "boundary", "policy": b }]);
    }
    if let Some(t) = &case.trust {
        s["resourcePolicy"] = t.clone();
    }
    s
}

/// Runs every case through the driver; the simulator's decision per case id.
fn simulate(dir: &std::path::Path, cases: &[Case]) -> BTreeMap<usize, Result<Decision, String>> {
    let mut input = String::new();
    for c in cases {
        input.push_str(&json!({ "id": c.id, "simulation": simulation(c) }).to_string());
        input.push('\n');
    }
    let mut child = Command::new(node_binary(dir))
        .arg(repo().join("tests/access/iam-simulate-driver.mjs"))
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start node");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).expect("write the cases");
    });
    let mut out = BTreeMap::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let v: Value =
            serde_json::from_str(&line.expect("a line")).expect("the driver writes JSON");
        let id = v["id"].as_u64().expect("id") as usize;
        let r = match v["result"].as_str() {
            Some("Allowed") => Ok(Decision::Allowed),
            Some("ImplicitlyDenied") => Ok(Decision::ImplicitDeny),
            Some("ExplicitlyDenied") => Ok(Decision::ExplicitDeny),
            other => Err(format!("{other:?} {}", v["error"])),
        };
        out.insert(id, r);
    }
    writer.join().expect("writer");
    assert!(
        child.wait().expect("node exits").success(),
        "the driver failed"
    );
    out
}

/// `simulator-disagreements.txt`: tag -> (URL, sentence).
fn listed() -> BTreeMap<String, (String, String)> {
    let text = include_str!("simulator-disagreements.txt");
    let mut out = BTreeMap::new();
    let mut current: Option<(String, String, String)> = None;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(tag) = line.strip_prefix("area: ") {
            if let Some((t, u, s)) = current.take() {
                out.insert(t, (u, s));
            }
            current = Some((tag.trim().to_owned(), String::new(), String::new()));
        } else if let Some(url) = line.strip_prefix("doc: ") {
            current.as_mut().expect("area first").1 = url.trim().to_owned();
        } else if let Some(s) = line.strip_prefix("aws: ") {
            current.as_mut().expect("area first").2 = s.trim().to_owned();
        }
    }
    if let Some((t, u, s)) = current.take() {
        out.insert(t, (u, s));
    }
    out
}

#[test]
fn agrees_with_iam_simulate() {
    let listed = listed();
    for (tag, (url, sentence)) in &listed {
        assert!(
            url.starts_with("https://docs.aws.amazon.com/") && !sentence.is_empty(),
            "{tag}: each listed area needs the AWS page and its sentence"
        );
    }
    let Some(dir) = simulator() else { return };
    let seed = std::env::var("IAMFORM_DIFF_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED);
    let n = std::env::var("IAMFORM_DIFF_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(CASES);
    let cases = generate::cases(seed, n);
    let theirs = simulate(&dir, &cases);
    let mut agree = 0;
    let mut by_decision: BTreeMap<String, usize> = BTreeMap::new();
    let mut explained: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for case in &cases {
        let ours = iamform_decision(case);
        *by_decision.entry(format!("{ours:?}")).or_default() += 1;
        let theirs = match &theirs[&case.id] {
            Ok(d) => *d,
            Err(e) => panic!(
                "the simulator failed on case {}: {e}\n{}",
                case.id,
                simulation(case)
            ),
        };
        if ours == theirs {
            agree += 1;
            continue;
        }
        let tags: BTreeSet<&str> = case
            .tags
            .iter()
            .copied()
            .filter(|t| listed.contains_key(*t))
            .collect();
        if tags.is_empty() {
            unexplained.push(format!(
                "case {} (seed {seed}): iamform {ours:?}, iam-simulate {theirs:?}\n{}",
                case.id,
                serde_json::to_string_pretty(&simulation(case)).unwrap()
            ));
        }
        for t in tags {
            *explained.entry(t).or_default() += 1;
        }
    }
    if let Ok(path) = std::env::var("IAMFORM_DIFF_DUMP") {
        std::fs::write(&path, unexplained.join("\n----\n")).expect("write the dump");
    }
    println!(
        "{n} cases (seed {seed}): {agree} agree; iamform decided {by_decision:?}; disagreements by listed area: {explained:?}"
    );
    assert!(
        unexplained.is_empty(),
        "{} disagreements outside the listed areas (simulator-disagreements.txt); the first:\n{}",
        unexplained.len(),
        unexplained
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The list cannot go stale: with the default seed, each listed area explains a disagreement.
    if n == CASES && seed == SEED {
        for tag in listed.keys() {
            assert!(
                explained.contains_key(tag.as_str()),
                "`{tag}` in simulator-disagreements.txt explained no disagreement: remove it, or generate cases for it"
            );
        }
    }
    if n >= CASES {
        // Both sides must see every outcome often enough for the agreement to mean something.
        for d in ["Allowed", "ImplicitDeny", "ExplicitDeny"] {
            assert!(
                by_decision.get(d).copied().unwrap_or(0) >= n / 10,
                "{d}: {by_decision:?}"
            );
        }
    }
}
