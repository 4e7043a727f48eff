//! Unit tests of the policy model: equivalence, parse errors, validation by kind, sizes.

use super::*;
use crate::model::iam::SizeQuota;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn doc(s: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(s).unwrap()
}

#[test]
fn equivalent_documents_compare_equal() {
    let a = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::b"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
    );
    let b = doc(
        r#"{ "Statement": [ {"Resource":"*","Action":["iam:*"],"Effect":"deny"},
                    {"Resource":["arn:aws:s3:::b"],"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"]} ],
                    "Version": "2012-10-17" }"#,
    );
    assert_eq!(a, b);
    assert_eq!(a.to_pretty(), b.to_pretty());
}

#[test]
fn account_id_principal_equals_root_arn() {
    let a = doc(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#,
    );
    let b = doc(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":"sts:AssumeRole"}]}"#,
    );
    assert_eq!(a, b);
}

#[test]
fn condition_scalars_compare_as_strings() {
    let a = doc(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}}"#,
    );
    let b = doc(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":["true"]}}}}"#,
    );
    assert_eq!(a, b);
}

#[test]
fn real_changes_are_not_equal() {
    let a = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#);
    let b = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}"#);
    assert_ne!(a, b);
}

#[test]
fn parse_render_round_trip() {
    let a = doc(
        r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","NotAction":["a:b","c:d"],"NotResource":"r","Condition":{"StringEquals":{"k":["1","2"]}}}]}"#,
    );
    assert_eq!(doc(&a.to_minimal()), a);
    assert_eq!(doc(&a.to_pretty()), a);
}

#[test]
fn errors_name_the_place() {
    let cases = [
        (
            r#"{"Statement":{"Effect":"Alow","Action":"a:b","Resource":"*"}}"#,
            "Statement.Effect",
        ),
        (
            r#"{"Statement":[{"Action":"a:b","Resource":"*"}]}"#,
            "Statement[0]",
        ),
        (r#"{"Version":"2020-01-01","Statement":[]}"#, "Version"),
        (
            r#"{"Statement":[{"Effect":"Allow","Actions":"a:b"}]}"#,
            "Statement[0].Actions",
        ),
        (r#"[1]"#, "document"),
        (r#"{"#, "document"),
    ];
    for (text, path) in cases {
        let e = PolicyDocument::from_json_str(text).unwrap_err();
        assert_eq!(e.path, path, "{text}: {e}");
    }
}

#[test]
fn validate_checks_principal_by_kind() {
    let trust = doc(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
    );
    assert!(trust.validate(DocumentKind::Trust).is_ok());
    assert!(trust.validate(DocumentKind::Identity).is_err());
    let identity = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    assert!(identity.validate(DocumentKind::Identity).is_ok());
    assert!(identity.validate(DocumentKind::Trust).is_err());
}

#[test]
fn size_ignores_whitespace() {
    let a = doc(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my bucket"}}"#,
    );
    assert_eq!(a.size(), a.to_minimal().len() - 1);
}

fn hash_of(d: &PolicyDocument) -> u64 {
    let mut h = DefaultHasher::new();
    d.hash(&mut h);
    h.finish()
}

#[test]
fn equal_documents_hash_equal() {
    let a = doc(
        r#"{"Statement":[{"Effect":"allow","Action":["b:c","a:b"],"Resource":"*"},{"Effect":"Deny","Action":"x:y","Resource":"*"}]}"#,
    );
    let b = doc(
        r#"{"Statement":[{"Effect":"Deny","Action":["x:y"],"Resource":["*"]},{"Resource":"*","Action":["a:b","b:c"],"Effect":"Allow"}]}"#,
    );
    assert_eq!(a, b);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert_eq!(a.clone(), a);
}

#[test]
fn version_and_id_are_meaningful() {
    let a = doc(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}"#,
    );
    let b = doc(r#"{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}"#);
    let c = doc(
        r#"{"Version":"2012-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}"#,
    );
    assert_ne!(a, b);
    assert_ne!(a, c);
    assert_eq!(c.version(), Some("2012-10-17"));
    assert_eq!(c.id(), Some("x"));
}

#[test]
fn statements_keep_their_written_position() {
    let d = doc(
        r#"{"Statement":[{"Sid":"Z","Effect":"Allow","Action":"a:b","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"a:b","Resource":"*"}]}"#,
    );
    assert_eq!(d.statements()[0].sid.as_deref(), Some("A"));
    let written: Vec<(usize, Option<&str>)> = d
        .statements_as_written()
        .into_iter()
        .map(|(i, s)| (i, s.sid.as_deref()))
        .collect();
    assert_eq!(written, [(0, Some("Z")), (1, Some("A"))]);
}

/// (document, kind, expected path, words the message must contain)
const INVALID: &[(&str, DocumentKind, &str, &str)] = &[
    (
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":"*"}}"#,
        DocumentKind::Identity,
        "Statement[0].Principal",
        "cannot name a Principal",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#,
        DocumentKind::Trust,
        "Statement[0]",
        "must name a Principal",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","NotPrincipal":{"AWS":"111122223333"}}}"#,
        DocumentKind::Trust,
        "Statement[0].NotPrincipal",
        "only allowed with \"Effect\": \"Deny\"",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqual":{"aws:username":"x"}}}}"#,
        DocumentKind::Identity,
        "Statement[0].Condition.StringEqual",
        "did you mean `StringEquals`?",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket"}}"#,
        DocumentKind::Identity,
        "Statement[0].Resource",
        "is not an ARN",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3"}}"#,
        DocumentKind::Identity,
        "Statement[0].NotResource",
        "of the 6 ARN parts",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#,
        DocumentKind::Identity,
        "Statement[0].Action",
        "write `service:Action`",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#,
        DocumentKind::Identity,
        "Statement[0]",
        "needs Resource or NotResource",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#,
        DocumentKind::Identity,
        "Statement[0]",
        "needs Action or NotAction",
    ),
    (
        r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"*","Resource":"*"}}"#,
        DocumentKind::Trust,
        "Statement[0].Resource",
        "cannot have Resource",
    ),
];

#[test]
fn validation_errors_name_the_path_and_the_fix() {
    for (text, kind, path, says) in INVALID {
        let e = doc(text).validate(*kind).unwrap_err();
        assert_eq!(e.path, *path, "{text}: {e}");
        assert!(e.message.contains(says), "{text}: {e}");
    }
}

#[test]
fn valid_documents_pass() {
    for (text, kind) in [
        (
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List?ucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/${aws:username}/*"],"Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":"team*"},"Bool":{"aws:SecureTransport":true}}}}"#,
            DocumentKind::Identity,
        ),
        (
            r#"{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#,
            DocumentKind::Trust,
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}}"#,
            DocumentKind::Trust,
        ),
    ] {
        assert_eq!(doc(text).validate(kind), Ok(()), "{text}");
    }
}

#[test]
fn problems_lists_every_problem_in_written_order() {
    let d = doc(
        r#"{"Statement":[{"Sid":"B","Effect":"Allow","Action":"x","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"bucket"}]}"#,
    );
    let paths: Vec<String> = d
        .problems(DocumentKind::Identity)
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(paths, ["Statement[0].Action", "Statement[1].Resource"]);
}

#[test]
fn parse_errors_suggest_fixes() {
    for (text, path, says) in [
        (
            r#"{"Statement":{"Effect":"Allow","Actions":"a:b","Resource":"*"}}"#,
            "Statement.Actions",
            "did you mean `Action`?",
        ),
        (
            r#"{"Statement":{"Effect":"Alow","Action":"a:b","Resource":"*"}}"#,
            "Statement.Effect",
            "did you mean `Allow`?",
        ),
        (
            r#"{"Statment":[]}"#,
            "Statment",
            "did you mean `Statement`?",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"Servce":"x"},"Action":"a:b"}}"#,
            "Statement.Principal.Servce",
            "did you mean `Service`?",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{},"Action":"a:b"}}"#,
            "Statement.Principal",
            "names no principal",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"a:b"}}"#,
            "Statement",
            "both Principal and NotPrincipal",
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Action":["a:b",null],"Resource":"*"}}"#,
            "Statement.Action[1]",
            "must be a string",
        ),
        (
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}"#,
            "Version",
            "use \"2012-10-17\"",
        ),
        (
            r#"{"Version":"2012-10-17"}"#,
            "Statement",
            "has no Statement",
        ),
    ] {
        let e = PolicyDocument::from_json_str(text).unwrap_err();
        assert_eq!(e.path, path, "{text}: {e}");
        assert!(e.message.contains(says), "{text}: {e}");
    }
}

#[test]
fn size_quotas_per_kind() {
    let long = "a".repeat(2_100);
    let d = doc(&format!(
        r#"{{"Statement":{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{long}"}}}}"#
    ));
    assert!(d.check_size(SizeQuota::Managed).is_ok());
    assert!(d.check_size(SizeQuota::InlineGroup).is_ok());
    let e = d.check_size(SizeQuota::InlineUser).unwrap_err();
    assert!(
        e.message
            .contains("IAM allows 2048 for the inline policies of a user"),
        "{e}"
    );
    assert!(d.check_size(SizeQuota::Trust).is_err());
    assert_eq!(SizeQuota::InlineRole.limit(), 10_240);
}

#[test]
fn a_key_written_twice_is_refused_naming_both_places() {
    // Regression: serde_json kept the second `Action`, so a reviewer reading the first approved
    // `s3:*`.
    let text = "{\"Statement\": {\"Effect\": \"Allow\",\n  \"Action\": \"s3:GetObject\",\n  \"Action\": \"s3:*\", \"Resource\": \"*\"}}";
    let e = PolicyDocument::from_json_str(text).unwrap_err();
    assert!(e.message.contains("\"Action\" is written twice"), "{e}");
    assert!(
        e.message
            .contains("line 2, column 3 and at line 3, column 3"),
        "{e}"
    );
    let d = crate::model::policy::duplicate_key(text).unwrap();
    assert!(d
        .message(Some("p.json"))
        .contains("p.json:2:3 and at p.json:3:3"));
    // Escapes are decoded before comparing; the same key in different objects is fine.
    assert!(crate::model::policy::duplicate_key(r#"{"a": 1, "\u0061": 2}"#).is_some());
    assert!(
        crate::model::policy::duplicate_key(r#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#)
            .is_none()
    );
    assert!(crate::model::policy::duplicate_key(r#"{"a": "x,\"a\":", "b": 1}"#).is_none());
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(crate::model::policy::duplicate_key(&deep).is_none());
}

#[test]
fn characters_iam_refuses_in_a_document_are_problems() {
    for (text, at) in [
        ("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/\u{202e}txt.exe\"}}", "Statement[0].Resource"),
        ("{\"Statement\": {\"Sid\": \"A\\u001b[8m\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}", "Statement[0].Sid"),
        ("{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:username\": \"bob\u{2028}\"}}}}", "Statement[0].Condition.StringEquals.aws:username"),
    ] {
        let doc = PolicyDocument::from_json_str(text).unwrap();
        let problems = doc.problems(DocumentKind::Identity);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, at);
        assert!(problems[0].message.contains("IAM accepts only"), "{}", problems[0]);
    }
    let latin1 = doc(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::café/*"}}"#,
    );
    assert!(latin1.problems(DocumentKind::Identity).is_empty());
}
