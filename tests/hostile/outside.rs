//! Fuzzing the inputs that come from outside the repository: policy JSON (from files, the account
//! and AWS), the mock account file, and a live account full of strange but valid names, paths,
//! tags, descriptions and documents that `import` must write back as HCL meaning the same thing.
//!
//! Each target runs `IAMFORM_FUZZ_CASES` cases (default 48; `scripts/fuzz.sh` runs many more).
//! Every case must end without a panic; every rejection must say what and where.

use crate::harness::Test;
use iamform::catalog::Catalog;
use iamform::lint::lint_document;
use iamform::model::{Account, Address, DocumentKind, Kind, PolicyDocument, User};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

pub(super) fn cases() -> u32 {
    std::env::var("IAMFORM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Strings that broke parsers, renderers and matchers elsewhere: wildcards, policy variables in
/// both spellings, template markers, quotes, escapes, control and bidirectional characters.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("s3"),
        Just(":"),
        Just("*"),
        Just("?"),
        Just("${aws:username}"),
        Just("${*}"),
        Just("&{aws:username}"),
        Just("%{ if true }"),
        Just("$${"),
        Just("\""),
        Just("\\"),
        Just("\n"),
        Just("\t"),
        Just("\u{202e}"),
        Just("\u{0}"),
        Just("é"),
        Just("日本"),
        Just("🙂"),
        Just("arn:aws:s3:::b/"),
        Just("/"),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.concat())
}

/// A JSON value shaped like a policy in places, wrong in others.
fn policy_json() -> impl Strategy<Value = String> {
    let text = hostile_text()
        .prop_map(|s| serde_json::Value::String(s).to_string())
        .boxed();
    let scalar = prop_oneof![
        text.clone(),
        Just("null".to_owned()),
        Just("true".to_owned()),
        "-?[0-9]{1,30}(\\.[0-9]{1,5})?(e[+-]?[0-9]{1,4})?",
    ];
    let key = prop_oneof![
        Just("Version"),
        Just("Statement"),
        Just("Effect"),
        Just("Action"),
        Just("NotAction"),
        Just("Resource"),
        Just("NotResource"),
        Just("Principal"),
        Just("NotPrincipal"),
        Just("Condition"),
        Just("StringLike"),
        Just("ForAllValues:StringEqualsIfExists"),
        Just("Null"),
        Just("AWS"),
        Just("Sid"),
        Just("aws:SourceIp"),
    ];
    let value = scalar.prop_recursive(5, 40, 5, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key.clone(), inner), 0..5).prop_map(|kv| {
                let items: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", items.join(","))
            }),
        ]
    });
    let plausible = prop_oneof![
        Just("\"s3:GetObject\"".to_owned()),
        Just("[\"s3:*\",\"iam:Get*\"]".to_owned()),
        Just("\"*\"".to_owned()),
        hostile_text()
            .prop_map(|s| serde_json::Value::String(format!("arn:aws:s3:::{s}")).to_string()),
    ];
    let condition = prop_oneof![
        Just("{}".to_owned()),
        (hostile_text(), hostile_text()).prop_map(|(k, v)| {
            format!(
                "{{\"StringLike\":{{{}:[{}]}}}}",
                serde_json::Value::String(format!("aws:{k}")),
                serde_json::Value::String(v)
            )
        }),
    ];
    let statement = (
        prop_oneof![4 => Just("Allow"), 3 => Just("Deny"), 1 => Just("allow"), 1 => Just("Maybe")],
        prop_oneof![4 => plausible.clone(), 1 => value.clone()],
        prop_oneof![4 => plausible, 1 => value.clone()],
        prop_oneof![4 => condition, 1 => value],
    )
        .prop_map(|(effect, action, resource, condition)| {
            format!(
                "{{\"Effect\":\"{effect}\",\"Action\":{action},\"Resource\":{resource},\"Condition\":{condition}}}"
            )
        });
    prop::collection::vec(statement, 0..3).prop_map(|s| {
        format!(
            "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
            s.join(",")
        )
    })
}

#[test]
fn policy_documents_parse_validate_lint_evaluate_and_round_trip_without_a_panic() {
    let catalog = Catalog::embedded().expect("the embedded catalog loads");
    let parsed = Cell::new(0usize);
    runner()
        .run(&policy_json(), |text| {
            let doc = match PolicyDocument::from_json_str(&text) {
                Ok(doc) => doc,
                Err(e) => {
                    prop_assert!(!e.to_string().trim().is_empty());
                    return Ok(());
                }
            };
            parsed.set(parsed.get() + 1);
            for kind in [DocumentKind::Identity, DocumentKind::Trust] {
                if let Err(e) = doc.validate(kind) {
                    prop_assert!(!e.message.is_empty(), "an error without a message");
                }
                let _ = lint_document(&doc, kind, "policy.fuzz", catalog);
            }
            // What iamform writes reads back as the same document.
            let again = PolicyDocument::from_json_str(&doc.to_minimal())
                .map_err(|e| TestCaseError::fail(format!("its own JSON: {e}")))?;
            prop_assert_eq!(&again, &doc);
            // And the evaluator takes it as a user's inline policy.
            let mut account = Account::default();
            let mut user = User {
                name: "fuzz".into(),
                path: "/".to_owned(),
                ..User::default()
            };
            user.inline_policies.insert("p".into(), doc);
            account.users.insert("fuzz".into(), user);
            let who = Address::new(Kind::User, iamform::model::Name::from("fuzz"));
            let _ = iamform::access::would_allow(
                &account,
                "123456789012",
                &who,
                "s3:GetObject",
                "arn:aws:s3:::b/fuzz",
            );
            Ok(())
        })
        .unwrap();
    eprintln!(
        "policy JSON: {} cases, {} parsed as documents",
        cases(),
        parsed.get()
    );
}

/// One JSON mutation of a valid account file: a node replaced, removed or duplicated.
fn mutate(value: &mut serde_json::Value, path: &[usize], replacement: &serde_json::Value) {
    let Some((&first, rest)) = path.split_first() else {
        *value = replacement.clone();
        return;
    };
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            let key = map
                .keys()
                .nth(first % map.len())
                .cloned()
                .unwrap_or_default();
            if rest.is_empty() && first % 3 == 0 {
                map.remove(&key);
            } else if let Some(v) = map.get_mut(&key) {
                mutate(v, rest, replacement);
            }
        }
        serde_json::Value::Array(items) if !items.is_empty() => {
            let n = items.len();
            mutate(&mut items[first % n], rest, replacement);
        }
        _ => *value = replacement.clone(),
    }
}

#[test]
fn a_damaged_mock_account_file_is_refused_naming_the_file_never_a_panic() {
    let t = Test::new().example("quickstart");
    t.apply();
    let valid = t.live();
    let replacement = prop_oneof![
        Just(serde_json::Value::Null),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!("")),
        Just(serde_json::json!({})),
        Just(serde_json::json!([[[]]])),
        hostile_text().prop_map(serde_json::Value::String),
    ];
    let outcomes: RefCell<BTreeMap<i32, usize>> = RefCell::default();
    runner()
        .run(
            &(prop::collection::vec(0usize..64, 1..6), replacement),
            |(path, replacement)| {
                let mut damaged = valid.clone();
                mutate(&mut damaged, &path, &replacement);
                std::fs::write(t.account(), damaged.to_string()).unwrap();
                let run = t.run_bounded(&["plan"], &[]);
                *outcomes.borrow_mut().entry(run.code).or_default() += 1;
                prop_assert!(
                    run.code == 0 || run.code == 1,
                    "exit {} for {path:?} -> {replacement}\n{}",
                    run.code,
                    run.stderr
                );
                prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
                if run.code == 1 {
                    prop_assert!(
                        run.stderr.contains("account.json"),
                        "the error does not name the file:\n{}",
                        run.stderr
                    );
                }
                Ok(())
            },
        )
        .unwrap();
    eprintln!(
        "mock account file: {} cases, exit codes {:?}",
        cases(),
        outcomes.borrow()
    );
}

/// IAM name characters, at IAM's lengths.
fn iam_name(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Za-z0-9+=,.@_-]{{1,{max}}}")).unwrap()
}

/// An IAM path: `/`, or printable ASCII segments between slashes (quotes, `$`, `{`, `%` and `\`
/// included), up to 512 characters.
fn iam_path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_owned()),
        proptest::string::string_regex("/[!-.0-~]{1,40}(/[!-.0-~]{1,40}){0,3}/").unwrap(),
        proptest::string::string_regex("/[a-z]{510}/").unwrap(),
    ]
}

/// Tag keys and values: Unicode letters, digits, spaces and `_.:/=+-@`.
fn tag_text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Zéß日本語 0-9_.:/=+@-]{{1,{max}}}")).unwrap()
}

/// A role description: IAM allows tabs, newlines and all of Latin-1, so `${`, `%{`, quotes and
/// backslashes too.
fn description() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_text().prop_map(|s| s
            .chars()
            .filter(|c| matches!(*c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a1}'..='\u{ff}'))
            .collect()),
        proptest::string::string_regex("[ -~\u{a1}-\u{ff}]{0,1000}").unwrap(),
    ]
}

/// What IAM accepts in a policy document: tabs, line breaks and U+0020-U+00FF.
fn policy_chars(text: String) -> String {
    text.chars()
        .filter(|c| matches!(*c, '\t' | '\n' | '\r' | ' '..='\u{ff}'))
        .collect()
}

/// A policy document with hostile strings where IAM takes any: resources, condition values, Sids.
fn strange_document() -> impl Strategy<Value = serde_json::Value> {
    (
        hostile_text().prop_map(policy_chars),
        hostile_text().prop_map(policy_chars),
        "[A-Za-z0-9]{0,20}",
    )
        .prop_map(|(resource, value, sid)| {
            let mut statement = serde_json::json!({
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": format!("arn:aws:s3:::b/{resource}"),
                "Condition": {"StringLike": {"aws:PrincipalTag/team": [value]}}
            });
            if !sid.is_empty() {
                statement["Sid"] = sid.into();
            }
            serde_json::json!({"Version": "2012-10-17", "Statement": [statement]})
        })
}

/// A user: name, path, tags and an inline policy.
type StrangeUser = (String, String, Vec<(String, String)>, serde_json::Value);

#[derive(Debug)]
struct Strange {
    users: Vec<StrangeUser>,
    role_description: String,
    role_path: String,
    policy: serde_json::Value,
}

fn strange_account() -> impl Strategy<Value = Strange> {
    let user = (
        iam_name(60),
        iam_path(),
        prop::collection::vec((tag_text(120), tag_text(250)), 0..4),
        strange_document(),
    );
    (
        prop::collection::vec(user, 1..4),
        description(),
        iam_path(),
        strange_document(),
    )
        .prop_map(|(users, role_description, role_path, policy)| Strange {
            users,
            role_description,
            role_path,
            policy,
        })
}

/// Writes `strange` into the (empty) mock account of `t`, through the account file.
fn plant(t: &Test, strange: &Strange) {
    t.edit_live(|live| {
        let account = &mut live["account"];
        for (i, (name, path, tags, doc)) in strange.users.iter().enumerate() {
            // A suffix keeps names unique, ignoring case, as IAM requires.
            let name = format!("{}{i}", &name[..name.len().min(60)]);
            let mut tag_map = serde_json::Map::new();
            for (k, v) in tags {
                let k = k.trim().to_owned();
                if !k.is_empty() && !k.to_ascii_lowercase().starts_with("aws:") {
                    tag_map.insert(k, v.clone().into());
                }
            }
            account["users"][&name] = serde_json::json!({
                "name": name,
                "path": path,
                "tags": tag_map,
                "inline_policies": {"strange": doc},
            });
        }
        account["roles"]["strange"] = serde_json::json!({
            "name": "strange",
            "path": strange.role_path,
            "description": strange.role_description,
            "max_session_duration": 3600,
            "assume_role_policy": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole"}]},
        });
        account["policies"]["strange"] = serde_json::json!({
            "name": "strange",
            "path": "/",
            "document": strange.policy,
            "versions": [{"id": "v1", "is_default": true, "document": strange.policy}],
        });
    });
}

#[test]
fn import_of_an_account_full_of_strange_valid_values_round_trips() {
    let imported = Cell::new(0usize);
    let refused = Cell::new(0usize);
    runner()
        .run(&strange_account(), |strange| {
            let t = Test::new().file("empty.hcl", "");
            // An account file with nothing in it, then the strange entities.
            t.run(&["apply", "--auto-approve"]).expect(0);
            if !t.account().exists() {
                std::fs::write(
                    t.account(),
                    r#"{"format_version":2,"account_id":"123456789012","account":{}}"#,
                )
                .unwrap();
            }
            plant(&t, &strange);
            let out = t.path("imported");
            let account = format!("mock:{}", t.account().display());
            let out_text = out.display().to_string();
            let run = t.run_plain(&["import", "--backend", &account, "--out", &out_text]);
            prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            if run.code != 0 {
                // The account itself was refused (a value IAM would not hold): say where.
                prop_assert_eq!(run.code, 1);
                prop_assert!(run.stderr.contains("account.json"), "{}", run.stderr);
                refused.set(refused.get() + 1);
                return Ok(());
            }
            let plan = t.run_plain(&[
                "plan",
                &out_text,
                "--backend",
                &account,
                "--detailed-exitcode",
            ]);
            prop_assert_eq!(
                plan.code,
                0,
                "the imported configuration does not match the account:\n{}\n{}",
                plan.stdout,
                plan.stderr
            );
            imported.set(imported.get() + 1);
            Ok(())
        })
        .unwrap();
    eprintln!(
        "strange accounts: {} cases, {} imported and re-planned with no changes, {} refused",
        cases(),
        imported.get(),
        refused.get()
    );
    assert!(imported.get() > 0, "no strange account was importable");
}
