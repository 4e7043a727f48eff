//! The JSON form of every operation is the one plans have always had (`samples.txt` was written
//! by the flat `Operation` enum this module replaced), and reads back to the same operation.

use super::*;
use crate::model::{Name, PolicyDocument};

/// One line per call iamform makes: its JSON, a tab, its one-line form.
const SAMPLES: &str = include_str!("samples.txt");

#[test]
fn every_operation_keeps_its_json_and_text_form() {
    let mut names = std::collections::BTreeSet::new();
    for line in SAMPLES.lines() {
        let (json, text) = line.split_once('\t').expect("JSON<TAB>text");
        let op: Operation = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(serde_json::to_string(&op).unwrap(), json);
        assert_eq!(op.to_string(), text);
        let again: Operation = serde_json::from_str(&serde_json::to_string(&op).unwrap()).unwrap();
        assert_eq!(again, op);
        names.insert(serde_json::from_str::<Value>(json).unwrap()["op"].to_string());
    }
    assert_eq!(names.len(), 54, "one sample per kind of call");
}

#[test]
fn broken_operations_say_what_is_wrong() {
    for (json, says) in [
        (
            r#"{"op":"AttachUserPolicy","user":"u"}"#,
            "missing field `policy_arn`",
        ),
        (
            r#"{"op":"CreateGroup","path":"/"}"#,
            "missing field `group`",
        ),
        (
            r#"{"op":"LaunchRockets"}"#,
            "`LaunchRockets` is not an operation",
        ),
        (r#"{"user":"u"}"#, "needs `op`"),
        (r#"["op"]"#, "is a JSON object"),
    ] {
        let e = serde_json::from_str::<Operation>(json)
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{json}: {e}");
    }
}

#[test]
fn effects_of_a_trust_policy_name_the_trusted_principals_of_this_account() {
    let trust = PolicyDocument::from_json_str(
        r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":[
            "arn:aws:iam::123456789012:role/team/b","arn:aws:iam::111122223333:role/c",
            "arn:aws:iam::123456789012:root"]}}}"#,
    )
    .unwrap();
    let op = Operation::from(RoleOp::UpdateAssumeRolePolicy {
        role: Name::from("a"),
        document: trust,
    });
    let e = op.effects("123456789012");
    let b = Key::Entity(Kind::Role, Name::from("b"));
    assert_eq!(e.trusts, vec![b.clone()]);
    assert_eq!(e.needs, vec![Key::Entity(Kind::Role, Name::from("a")), b]);
    assert!(!e.is_removal());
}

#[test]
fn removals_release_and_dependencies_are_addresses() {
    let detach = Operation::from(PermissionOp::detach(
        Identity::Group(Name::from("g")),
        "arn:aws:iam::123456789012:policy/p".into(),
    ));
    let e = detach.effects("123456789012");
    assert!(e.is_removal());
    assert_eq!(
        e.dependencies(),
        vec![
            Address::new(Kind::Group, "g"),
            Address::new(Kind::Policy, "p")
        ]
    );
    let aws_managed = Operation::from(PermissionOp::attach(
        Identity::Role(Name::from("r")),
        "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
    ));
    assert_eq!(
        aws_managed.effects("123456789012").dependencies(),
        vec![Address::new(Kind::Role, "r")],
        "AWS managed policies always exist"
    );
}
