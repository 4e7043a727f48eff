//! The corpus in `corpus.json`: one case per rule of AWS's evaluation logic, each naming the page
//! of the IAM User Guide it follows, including the cases PMapper gets wrong (StringNotLike and
//! numeric IfExists with a missing key, ForAllValues / ForAnyValue, case of resource ARNs, policy
//! variables). Each case builds an account (user `ann` or role `me`; its inline policy, group,
//! managed policies, permissions boundary; a role `target` with the trust policy) and evaluates
//! one request through the library at a fixed time, 2024-05-01T12:00:00Z.

use iamform::access::{AccessIndex, Decision};
use iamform::model::Account;
use serde_json::{json, Value};

const ID: &str = "123456789012";
const NOW: i64 = 1_714_564_800;

fn document(case: &Value, key: &str) -> Option<Value> {
    let statements = case.get(key)?;
    let mut doc = json!({ "Statement": statements });
    let version = case
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or("2012-10-17");
    if key == "identity" {
        if version != "none" {
            doc["Version"] = json!(version);
        }
    } else {
        doc["Version"] = json!("2012-10-17");
    }
    Some(doc)
}

fn account(case: &Value) -> (Account, &'static str) {
    let role = case.get("principal").and_then(Value::as_str) == Some("role");
    let mut me = json!({ "inline_policies": {}, "policies": [] });
    if let Some(doc) = document(case, "identity") {
        me["inline_policies"]["identity"] = doc;
    }
    if let Some(m) = case.get("managed") {
        me["policies"] = m.clone();
    }
    if let Some(tags) = case.get("tags") {
        me["tags"] = tags.clone();
    }
    let mut acct = json!({ "users": {}, "groups": {}, "roles": {}, "policies": {} });
    if let Some(doc) = document(case, "boundary") {
        acct["policies"]["boundary"] = json!({ "name": "boundary", "document": doc });
        me["permissions_boundary"] = json!(format!("arn:aws:iam::{ID}:policy/boundary"));
    }
    if let Some(doc) = document(case, "group") {
        assert!(!role, "roles are in no group");
        acct["groups"]["dev"] = json!({ "name": "dev", "inline_policies": { "dev": doc } });
        me["groups"] = json!(["dev"]);
    }
    let ec2 = json!({ "Version": "2012-10-17", "Statement": { "Effect": "Allow",
        "Action": "sts:AssumeRole", "Principal": { "Service": "ec2.amazonaws.com" } } });
    let trust = document(case, "trust").unwrap_or_else(|| ec2.clone());
    acct["roles"]["target"] = json!({ "name": "target", "assume_role_policy": trust });
    let who = if role {
        me["name"] = json!("me");
        me["assume_role_policy"] = ec2;
        acct["roles"]["me"] = me;
        "role.me"
    } else {
        me["name"] = json!("ann");
        acct["users"]["ann"] = me;
        "user.ann"
    };
    (
        serde_json::from_value(acct).expect("the case makes an account"),
        who,
    )
}

fn context(case: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = case.get("context") {
        for (k, v) in m {
            match v {
                Value::Array(items) => out.extend(
                    items
                        .iter()
                        .map(|i| (k.clone(), i.as_str().unwrap().to_owned())),
                ),
                v => out.push((k.clone(), v.as_str().unwrap().to_owned())),
            }
        }
    }
    out
}

#[test]
fn corpus() {
    let text = include_str!("corpus.json");
    let cases: Vec<Value> = serde_json::from_str(text).expect("corpus.json is JSON");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let doc = case["doc"].as_str().unwrap();
        assert!(
            doc.starts_with("https://docs.aws.amazon.com/IAM/latest/UserGuide/"),
            "{name}: cite the IAM User Guide page"
        );
        let (acct, who) = account(case);
        let ev = AccessIndex::new(&acct, ID)
            .at(NOW)
            .can(
                &who.parse().unwrap(),
                case["action"].as_str().unwrap(),
                case["resource"].as_str().unwrap(),
                &context(case),
            )
            .unwrap();
        let want = match case["expect"].as_str().unwrap() {
            "allowed" => Decision::Allowed,
            "implicit_deny" => Decision::ImplicitDeny,
            "explicit_deny" => Decision::ExplicitDeny,
            other => panic!("{name}: unknown expectation {other}"),
        };
        if ev.decision != want {
            failures.push(format!(
                "{name}: {:?}, expected {want:?} ({doc})\n  {ev:?}",
                ev.decision
            ));
            continue;
        }
        if let Some(keys) = case.get("missing") {
            let keys: Vec<&str> = keys
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
                .collect();
            if ev.missing_context_keys != keys {
                failures.push(format!(
                    "{name}: missing keys {:?}, expected {keys:?}",
                    ev.missing_context_keys
                ));
            }
        }
        // A decision that allows or denies explicitly names the statements that made it.
        if want != Decision::ImplicitDeny && ev.matched.is_empty() {
            failures.push(format!("{name}: no deciding statement"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 60, "{}", cases.len());
}
