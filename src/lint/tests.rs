//! Each lint rule, positive and negative, on documents and accounts built in memory.

use super::*;
use crate::catalog::Catalog;
use crate::model::policy::{DocumentKind, PolicyDocument};
use crate::model::{Account, Name, PasswordPolicy, User};

fn catalog() -> &'static Catalog {
    Catalog::embedded().unwrap()
}

fn rules(json: &str, kind: DocumentKind) -> Vec<(&'static str, Severity, String)> {
    let doc = PolicyDocument::from_json_str(json).unwrap();
    lint_document(&doc, kind, "policy.p", catalog())
        .into_iter()
        .map(|f| (f.rule, f.severity, f.hint))
        .collect()
}

fn identity(statement: &str) -> Vec<(&'static str, Severity, String)> {
    rules(
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
        DocumentKind::Identity,
    )
}

fn trust(statement: &str) -> Vec<(&'static str, Severity, String)> {
    rules(
        &format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#),
        DocumentKind::Trust,
    )
}

fn only(found: &[(&'static str, Severity, String)]) -> Vec<&'static str> {
    found.iter().map(|f| f.0).collect()
}

#[test]
fn clean_statements_have_no_findings() {
    for s in [
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:List*"],"Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}"#,
        r#"{"Effect":"Deny","NotAction":"iam:ChangePassword","NotResource":"arn:aws:iam::*:user/x"}"#,
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/app-*"}"#,
        r#"{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}"#,
        r#"{"Effect":"Allow","Action":"EC2:describeinstances","Resource":"*"}"#,
    ] {
        assert_eq!(identity(s), [], "{s}");
    }
}

#[test]
fn unknown_service_and_action_suggest_the_closest() {
    let found = identity(
        r#"{"Effect":"Allow","Action":["s3:GetObjekt","s4:PutObject","zzzzzzzz:Get"],"Resource":"*"}"#,
    );
    assert_eq!(
        only(&found),
        ["unknown-action", "unknown-service", "unknown-service"]
    );
    assert!(found.iter().all(|f| f.1 == Severity::Error));
    assert_eq!(found[0].2, "did you mean `s3:GetObject`?");
    assert_eq!(found[1].2, "did you mean `s3:PutObject`?");
    assert!(found[2].2.contains("check the service prefix"));
    // A typo in a Deny is as bad: it silently denies nothing.
    let deny = identity(r#"{"Effect":"Deny","NotAction":"iam:ChangePasword","Resource":"*"}"#);
    assert_eq!(only(&deny), ["unknown-action"]);
}

#[test]
fn patterns_that_match_nothing() {
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"s3:Frob*","Resource":"*"}"#
        )),
        ["pattern-matches-nothing"]
    );
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"qq*:Get*","Resource":"*"}"#
        )),
        ["pattern-matches-nothing"]
    );
    assert_eq!(
        identity(r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}"#),
        []
    );
}

#[test]
fn wildcard_actions() {
    let all = identity(r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#);
    assert_eq!(only(&all), ["wildcard-action-on-all-resources"]);
    assert_eq!(all[0].1, Severity::Warning);
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":["*"]}"#
        )),
        ["wildcard-action-on-all-resources"]
    );
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}"#
        )),
        ["service-wildcard-action"]
    );
    assert_eq!(
        identity(r#"{"Effect":"Deny","Action":"s3:*","Resource":"*"}"#),
        []
    );
}

#[test]
fn passrole_on_every_resource() {
    for a in [
        r#""iam:PassRole""#,
        r#""iam:Pass*""#,
        r#"["iam:passrole","s3:GetObject"]"#,
    ] {
        let s = format!(r#"{{"Effect":"Allow","Action":{a},"Resource":"*"}}"#);
        assert_eq!(only(&identity(&s)), ["passrole-on-all-resources"], "{s}");
    }
    // Reported once, as the wildcard grant it is part of.
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"iam:*","Resource":"*"}"#
        )),
        ["wildcard-action-on-all-resources"]
    );
    assert_eq!(
        identity(r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"*"}"#),
        []
    );
}

#[test]
fn allow_with_not_action_or_not_resource() {
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"#
        )),
        ["allow-not-action"]
    );
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}"#
        )),
        ["allow-not-resource"]
    );
}

#[test]
fn trust_policies() {
    let anyone = trust(r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}"#);
    assert_eq!(only(&anyone), ["trust-anyone"]);
    assert_eq!(anyone[0].1, Severity::Error);
    let aws_star = trust(r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}"#);
    assert_eq!(only(&aws_star), ["trust-anyone"]);
    let limited = trust(
        r#"{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}"#,
    );
    assert_eq!(only(&limited), ["trust-anyone"]);
    assert_eq!(limited[0].1, Severity::Warning);
    for p in [r#""111122223333""#, r#""arn:aws:iam::111122223333:root""#] {
        let s =
            format!(r#"{{"Effect":"Allow","Principal":{{"AWS":{p}}},"Action":"sts:AssumeRole"}}"#);
        assert_eq!(only(&trust(&s)), ["trust-whole-account"], "{s}");
    }
    for s in [
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"sts:AssumeRole"}"#,
        r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}"#,
        r#"{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}"#,
    ] {
        assert_eq!(trust(s), [], "{s}");
    }
}

#[test]
fn statement_numbers_are_as_written() {
    let doc = PolicyDocument::from_json_str(
        r#"{"Statement":[{"Sid":"Z","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:Nope","Resource":"*"}]}"#,
    )
    .unwrap();
    let found = lint_document(&doc, DocumentKind::Identity, "policy.p", catalog());
    assert_eq!(found[0].address, "policy.p statement[1]");
    assert!(
        found[0].message.contains("(Sid `A`)"),
        "{}",
        found[0].message
    );
}

fn user(name: &str) -> User {
    serde_json::from_value(serde_json::json!({ "name": name })).unwrap()
}

fn account_rules(account: &Account) -> Vec<(&'static str, String)> {
    lint_account(account, Sources::none(), catalog())
        .into_iter()
        .map(|f| (f.rule, f.address))
        .collect()
}

fn strong() -> PasswordPolicy {
    PasswordPolicy {
        minimum_length: Some(14),
        require_symbols: Some(true),
        require_numbers: Some(true),
        require_uppercase: Some(true),
        require_lowercase: Some(true),
        allow_users_to_change_password: Some(true),
        max_age_days: Some(90),
        reuse_prevention: Some(24),
        hard_expiry: None,
    }
}

#[test]
fn users_get_permissions_through_groups() {
    let mut a = Account {
        password_policy: Some(strong()),
        ..Account::default()
    };
    a.users.insert(Name::from("ok"), user("ok"));
    assert_eq!(account_rules(&a), []);
    let mut direct = user("direct");
    direct
        .policies
        .insert("arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned());
    direct.inline_policies.insert(
        Name::from("own"),
        PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )
        .unwrap(),
    );
    a.users.insert(Name::from("direct"), direct);
    assert_eq!(
        account_rules(&a),
        [
            ("user-attached-policy", "user.direct".to_owned()),
            (
                "user-inline-policy",
                "user.direct inline_policy.own".to_owned()
            ),
        ]
    );
}

#[test]
fn password_policy_rules() {
    let mut a = Account::default();
    assert_eq!(account_rules(&a), [], "no users, no password policy needed");
    a.users.insert(Name::from("u"), user("u"));
    assert_eq!(
        account_rules(&a),
        [("no-password-policy", "password_policy".to_owned())]
    );
    a.password_policy = Some(strong());
    assert_eq!(account_rules(&a), []);
    a.password_policy = Some(PasswordPolicy {
        minimum_length: Some(8),
        require_symbols: Some(false),
        max_age_days: Some(365),
        reuse_prevention: None,
        ..strong()
    });
    let found = lint_account(&a, Sources::none(), catalog());
    let what: Vec<&str> = found.iter().map(|f| f.hint.as_str()).collect();
    assert_eq!(
        what,
        [
            "minimum_length = 14",
            "require_symbols = true",
            "max_age_days = 90 (or fewer)",
            "reuse_prevention = 24"
        ]
    );
    assert!(found
        .iter()
        .all(|f| f.rule == "weak-password-policy" && f.severity == Severity::Warning));
}

#[test]
fn text_and_json_reports() {
    let doc = PolicyDocument::from_json_str(
        r#"{"Statement":{"Effect":"Allow","Action":["s3:Nope","s3:*"],"Resource":"*"}}"#,
    )
    .unwrap();
    let mut findings = lint_document(&doc, DocumentKind::Identity, "policy.p", catalog());
    findings[0].location = Some("main.hcl:1:1".to_owned());
    let text = crate::render::lint::text(&findings, crate::render::Style::PLAIN);
    assert!(
        text.contains(
            "error[unknown-action]: policy.p statement[0]\n  --> main.hcl:1:1 (Statement[0].Action)\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("Lint: 1 error, 1 warning.\n"), "{text}");
    assert_eq!(
        crate::render::lint::text(&[], crate::render::Style::PLAIN),
        "Lint: No findings.\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&crate::render::lint::json(&findings, "v")).unwrap();
    assert_eq!(
        json["summary"],
        serde_json::json!({"errors": 1, "warnings": 1})
    );
    assert_eq!(
        json["findings"][1]["rule"],
        "wildcard-action-on-all-resources"
    );
    assert!(json["findings"][1].get("location").is_none());
    assert_eq!(json["findings"][1]["path"], "Statement[0].Action");
}

#[test]
fn condition_keys_of_known_services() {
    let found = identity(
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefx":"home/*"}}}"#,
    );
    assert_eq!(only(&found), ["unknown-condition-key"]);
    assert_eq!(found[0].1, Severity::Warning);
    assert_eq!(found[0].2, "did you mean `s3:prefix`?");
    for c in [
        r#"{"StringLike":{"s3:prefix":"home/*"}}"#,
        r#"{"StringEquals":{"s3:ExistingObjectTag/team":"a"}}"#,
        r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:a/*"}}"#,
        r#"{"StringEquals":{"aws:ResourceTag/team":"a"}}"#,
        r#"{"StringEquals":{"iam:ResourceTag/team":"a"}}"#,
        r#"{"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"a"}}"#,
    ] {
        let s = format!(
            r#"{{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{c}}}"#
        );
        let found = identity(&s);
        assert!(
            !found.iter().any(|f| f.0 == "unknown-condition-key"),
            "{s}: {found:?}"
        );
    }
}

#[test]
fn condition_keys_that_no_action_of_the_statement_has() {
    let with = |actions: &str, c: &str| {
        identity(&format!(
            r#"{{"Effect":"Allow","Action":{actions},"Resource":"*","Condition":{c}}}"#
        ))
    };
    let prefix = r#"{"StringLike":{"s3:prefix":"home/*"}}"#;
    // The issue's example: s3:prefix is a key of the list actions only.
    let found = with(r#""s3:GetObject""#, prefix);
    assert_eq!(only(&found), ["condition-key-not-applicable"]);
    assert_eq!(found[0].1, Severity::Warning);
    assert!(
        found[0].2.contains("e.g. `s3:ListBucket`"),
        "{}",
        found[0].2
    );
    let doc = PolicyDocument::from_json_str(&format!(
        r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{prefix}}}]}}"#
    ))
    .unwrap();
    let f = &lint_document(&doc, DocumentKind::Identity, "policy.p", catalog())[0];
    assert!(
        f.message
            .contains("so StringLike never matches: the statement grants nothing"),
        "{}",
        f.message
    );
    assert_eq!(f.actions, ["s3:GetObject"]);
    assert_eq!(
        f.path.as_ref().unwrap().to_string(),
        r#"Statement[0].Condition.StringLike["s3:prefix"]"#
    );
    // Negated and IfExists operators make the condition hold instead; a Deny denies nothing.
    for (op, effect, says) in [
        (
            "StringNotLike",
            "Allow",
            "always matches: the condition restricts nothing",
        ),
        (
            "StringLikeIfExists",
            "Allow",
            "always matches: the condition restricts nothing",
        ),
        ("ForAllValues:StringLike", "Allow", "always matches"),
        (
            "ForAnyValue:StringLike",
            "Allow",
            "never matches: the statement grants nothing",
        ),
        (
            "StringLike",
            "Deny",
            "never matches: the statement denies nothing",
        ),
    ] {
        let doc = PolicyDocument::from_json_str(&format!(
            r#"{{"Statement":[{{"Effect":"{effect}","Action":"s3:GetObject","Resource":"*","Condition":{{"{op}":{{"s3:prefix":"a"}}}}}}]}}"#
        ))
        .unwrap();
        let found = lint_document(&doc, DocumentKind::Identity, "policy.p", catalog());
        assert_eq!(found.len(), 1, "{op} {effect}: {found:?}");
        assert!(
            found[0].message.contains(says),
            "{op} {effect}: {}",
            found[0].message
        );
    }
    // Negative: one action that has the key is enough; patterns are expanded; global keys,
    // role-session keys, other issuers' keys and unknown actions are not judged.
    for (actions, c) in [
        (r#"["s3:GetObject","s3:ListBucket"]"#, prefix),
        (r#""s3:List*""#, prefix),
        (r#""s3:*""#, prefix),
        (r#""*""#, prefix),
        (r#"["s3:GetObject","s3:GetObjekt"]"#, prefix),
        (
            r#""s3:GetObject""#,
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        ),
        (
            r#""s3:GetObject""#,
            r#"{"StringEquals":{"ec2:SourceInstanceARN":"x"}}"#,
        ),
        (
            r#""s3:GetObject""#,
            r#"{"StringEquals":{"accounts.google.com:aud":"x"}}"#,
        ),
        (
            r#""s3:GetObject""#,
            r#"{"StringEquals":{"s3:ExistingObjectTag/team":"a"}}"#,
        ),
        (
            r#""iam:GetRole""#,
            r#"{"StringEquals":{"iam:ResourceTag/team":"a"}}"#,
        ),
        (
            r#""kms:Decrypt""#,
            r#"{"StringEquals":{"kms:EncryptionContext:aws:s3:arn":"a"}}"#,
        ),
    ] {
        let found = with(actions, c);
        assert!(
            !found.iter().any(|f| f.0 == "condition-key-not-applicable"),
            "{actions} {c}: {found:?}"
        );
    }
    // NotAction: the statement's actions are not a list to judge.
    let found = identity(
        r#"{"Effect":"Deny","NotAction":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a"}}}"#,
    );
    assert_eq!(only(&found), Vec::<&str>::new());
}

#[test]
fn trust_policies_over_the_default_quota() {
    let mut a = Account::default();
    let mut role = crate::synth::account(20, "123456789012")
        .roles
        .into_values()
        .next()
        .unwrap();
    a.roles.insert(role.name.clone(), role.clone());
    let size_rules = |a: &Account| -> Vec<String> {
        account_rules(a)
            .into_iter()
            .filter(|(rule, _)| *rule == "trust-policy-size")
            .map(|(_, address)| address)
            .collect()
    };
    assert_eq!(size_rules(&a), Vec::<String>::new(), "a small trust policy");
    let principals: Vec<String> = (0..60)
        .map(|i| format!("arn:aws:iam::123456789012:role/deploy-{i}"))
        .collect();
    role.assume_role_policy = PolicyDocument::from_value(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": { "AWS": principals } }]
    }))
    .unwrap();
    assert!(role.assume_role_policy.size() > 2048);
    a.roles.insert(role.name.clone(), role.clone());
    assert_eq!(
        size_rules(&a),
        [format!("role.{} assume_role_policy", role.name)]
    );
}

fn findings_of(statement: &str) -> Vec<Finding> {
    let doc = PolicyDocument::from_json_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
    ))
    .unwrap();
    lint_document(&doc, DocumentKind::Identity, "policy.p", catalog())
}

#[test]
fn resources_that_the_actions_cannot_use() {
    // The statement grants nothing: an error, pointing at Resource, naming the action.
    let found =
        findings_of(r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}"#);
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!((f.rule, f.severity), ("resource-mismatch", Severity::Error));
    assert_eq!(
        f.path.as_ref().unwrap().to_string(),
        "Statement[0].Resource"
    );
    assert_eq!(f.actions, ["s3:ListBucket"]);
    assert_eq!(f.resources, ["arn:aws:s3:::b/*"]);
    assert!(
        f.message
            .contains("bucket (`arn:${Partition}:s3:::${BucketName}`)"),
        "{}",
        f.message
    );
    assert!(
        f.hint
            .contains("`arn:${Partition}:s3:::${BucketName}` for `s3:ListBucket`"),
        "{}",
        f.hint
    );

    // An action that takes only `*`, given a named resource.
    let found = findings_of(
        r#"{"Effect":"Allow","Action":"logs:DescribeLogGroups","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:app"}"#,
    );
    assert_eq!(
        only(
            &found
                .iter()
                .map(|f| (f.rule, f.severity, f.hint.clone()))
                .collect::<Vec<_>>()
        ),
        ["resource-mismatch"]
    );
    assert!(
        found[0].message.contains("takes only Resource `*`"),
        "{}",
        found[0].message
    );

    // Some actions fit, one does not: a warning naming only that one.
    let found = findings_of(
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","logs:DescribeLogGroups"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].actions, ["logs:DescribeLogGroups"]);
    assert!(found[0].resources.is_empty());

    // A resource no action can use.
    let found = findings_of(
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:sqs:us-east-1:111122223333:q"]}"#,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].resources, ["arn:aws:sqs:us-east-1:111122223333:q"]);
    assert!(found[0].actions.is_empty());

    // A pattern none of whose actions fits is reported with all of them.
    let found = findings_of(
        r#"{"Effect":"Allow","Action":"s3:ListBucket*","Resource":"arn:aws:s3:::b/*"}"#,
    );
    assert_eq!(found[0].severity, Severity::Error);
    assert!(found[0].actions.len() > 1, "{:?}", found[0].actions);
    assert!(found[0]
        .actions
        .contains(&"s3:ListBucketVersions".to_owned()));
}

#[test]
fn resources_that_fit_are_not_reported() {
    for s in [
        // Every action has a resource, every resource an action.
        r#"{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
        // Wildcard resources that can be buckets.
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b*"}"#,
        r#"{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::*"}"#,
        r#"{"Effect":"Allow","Action":["s3:ListBucket","logs:DescribeLogGroups"],"Resource":"*"}"#,
        // A pattern is reported only when none of its actions fits.
        r#"{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}"#,
        // Log groups are written with a trailing `:*`; IAM paths hold slashes; variables.
        r#"{"Effect":"Allow","Action":"logs:CreateLogStream","Resource":"arn:aws:logs:*:*:log-group:/aws/lambda/x:*"}"#,
        r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::111122223333:role/a/b/c"}"#,
        r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}"#,
        // Prefixes documented on several pages (ELB Classic and v2): any type of the service.
        r#"{"Effect":"Allow","Action":"elasticloadbalancing:AddTags","Resource":"arn:aws:elasticloadbalancing:*:*:targetgroup/*/*"}"#,
        r#"{"Effect":"Allow","Action":"kinesisanalytics:CreateApplication","Resource":"arn:aws:kinesisanalytics:*:*:application/a"}"#,
        // Deny, NotResource and `*` actions are not judged.
        r#"{"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b/*"}"#,
        r#"{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b/*"}"#,
    ] {
        let found: Vec<&str> = findings_of(s)
            .iter()
            .map(|f| f.rule)
            .filter(|r| *r == "resource-mismatch")
            .collect();
        assert_eq!(found, Vec::<&str>::new(), "{s}");
    }
    // An action the catalog does not know may use any resource: no error, no unused resource.
    let found = findings_of(
        r#"{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObjekt"],"Resource":"arn:aws:s3:::b/*"}"#,
    );
    let rm: Vec<&Finding> = found
        .iter()
        .filter(|f| f.rule == "resource-mismatch")
        .collect();
    assert_eq!(rm.len(), 1);
    assert_eq!(rm[0].severity, Severity::Warning);
    assert!(rm[0].resources.is_empty());
}

#[test]
fn retired_services_are_warnings_not_unknown() {
    let found = identity(
        r#"{"Effect":"Allow","Action":["deepracer:*","mobilehub:ListProjects"],"Resource":"*"}"#,
    );
    assert_eq!(only(&found), ["retired-service", "retired-service"]);
    assert!(found.iter().all(|f| f.1 == Severity::Warning));
    let f = &findings_of(r#"{"Effect":"Allow","Action":"deepracer:ListModels","Resource":"*"}"#)[0];
    assert!(f.message.contains("AWS DeepRacer"), "{}", f.message);
    assert!(f.message.contains("2026-08-25"), "{}", f.message);
    assert_eq!(f.path.as_ref().unwrap().to_string(), "Statement[0].Action");
    // An unknown prefix stays an error.
    assert_eq!(
        only(&identity(
            r#"{"Effect":"Allow","Action":"deepracerz:ListModels","Resource":"*"}"#
        )),
        ["unknown-service"]
    );
}
