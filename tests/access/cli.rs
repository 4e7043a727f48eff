//! `iamform can` and `iamform who-can` through the binary, on examples/access: the decisions and
//! their exit codes, statements named with file:line, the JSON reports against their schemas,
//! `--live`, and the mistakes a user makes on the command line.

use crate::harness::{assert_matches_schema, json, Test};

const ACCOUNT: &str = "111122223333";

fn example() -> Test {
    Test::new().example("access")
}

fn can(
    t: &Test,
    principal: &str,
    action: &str,
    resource: &str,
    extra: &[&str],
) -> crate::harness::Run {
    let mut args = vec![
        "can",
        "--principal",
        principal,
        "--action",
        action,
        "--resource",
        resource,
    ];
    args.extend_from_slice(extra);
    t.run(&args)
}

#[test]
fn can_answers_from_the_configuration_offline() {
    let t = example();
    let run = can(
        &t,
        "user.alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-team/home/alice/notes.txt",
        &[],
    )
    .expect(0);
    assert!(
        run.stdout
            .starts_with("ALLOWED: user.alice may s3:GetObject"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("group.developers inline_policy.home statement \"OwnHome\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("main.hcl:13:5"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("policy.developer_boundary statement[0] (permissions boundary)"),
        "{}",
        run.stdout
    );
    // Nothing was read or written: the configuration alone answered.
    assert!(!t.account().exists());

    let run = can(
        &t,
        "user.alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-team/home/bob/notes.txt",
        &[],
    )
    .expect(2);
    assert!(
        run.stdout.starts_with("DENIED (implicitly)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("no identity policy allows the action"),
        "{}",
        run.stdout
    );
}

#[test]
fn can_names_the_missing_context_keys_and_takes_them_from_the_command_line() {
    let t = example();
    let bob = &format!("arn:aws:iam::{ACCOUNT}:user/eve");
    let run = can(&t, "user.bob", "iam:CreateUser", bob, &[]).expect(2);
    assert!(
        run.stdout.starts_with("DENIED (explicitly)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\"DenyWithoutMFA\""), "{}", run.stdout);
    assert!(
        run.stdout.contains("aws:MultiFactorAuthPresent"),
        "{}",
        run.stdout
    );
    let run = can(
        &t,
        "user.bob",
        "iam:CreateUser",
        bob,
        &["--context", "aws:MultiFactorAuthPresent=true"],
    )
    .expect(0);
    assert!(
        run.stdout
            .contains("arn:aws:iam::aws:policy/AdministratorAccess"),
        "{}",
        run.stdout
    );
    // A key given twice is multivalued: a single-valued operator never matches it.
    let run = can(
        &t,
        "user.alice",
        "s3:ListBucket",
        "arn:aws:s3:::acme-team",
        &[
            "--context",
            "s3:prefix=home/alice/a",
            "--context",
            "s3:prefix=home/alice/b",
        ],
    )
    .expect(2);
    assert!(
        run.stdout.starts_with("DENIED (implicitly)"),
        "{}",
        run.stdout
    );
    can(
        &t,
        "user.alice",
        "s3:ListBucket",
        "arn:aws:s3:::acme-team",
        &["--context", "s3:prefix=home/alice/a"],
    )
    .expect(0);
}

#[test]
fn can_evaluates_trust_policies() {
    let t = example();
    let deploy = format!("arn:aws:iam::{ACCOUNT}:role/deploy");
    let auditor = format!("arn:aws:iam::{ACCOUNT}:role/auditor");
    let run = can(&t, "user.ci", "sts:AssumeRole", &deploy, &[]).expect(0);
    assert!(
        run.stdout
            .contains("role.deploy assume_role_policy statement[0] (trust policy)"),
        "{}",
        run.stdout
    );
    can(&t, "user.alice", "sts:AssumeRole", &deploy, &[]).expect(2);
    let run = can(&t, "user.alice", "sts:AssumeRole", &auditor, &[]).expect(2);
    assert!(
        run.stdout
            .contains("trusts the account: an identity policy must allow"),
        "{}",
        run.stdout
    );
    can(
        &t,
        "user.bob",
        "sts:AssumeRole",
        &auditor,
        &["--context", "aws:MultiFactorAuthPresent=true"],
    )
    .expect(0);
}

#[test]
fn can_json_follows_its_schema() {
    let t = example();
    for (principal, action, resource, code, decision) in [
        (
            "user.alice",
            "s3:PutObject",
            "arn:aws:s3:::acme-team/home/alice/x",
            0,
            "allowed",
        ),
        ("user.alice", "ec2:RunInstances", "*", 2, "implicit_deny"),
        (
            "user.bob",
            "s3:GetObject",
            "arn:aws:s3:::x/y",
            2,
            "explicit_deny",
        ),
        (
            "role.deploy",
            "s3:PutObject",
            "arn:aws:s3:::acme-releases/v1.tgz",
            0,
            "allowed",
        ),
    ] {
        let run = can(&t, principal, action, resource, &["--json"]).expect(code);
        let v = json(&run);
        assert_matches_schema("can.schema.json", &v);
        assert_eq!(v["decision"], decision, "{v}");
        assert_eq!(v["principal"], principal);
    }
    let run = can(
        &t,
        "user.bob",
        "s3:GetObject",
        "arn:aws:s3:::x/y",
        &["--json"],
    )
    .expect(2);
    let v = json(&run);
    assert_eq!(v["missing_context_keys"][0], "aws:MultiFactorAuthPresent");
    assert_eq!(v["matched"][0]["sid"], "DenyWithoutMFA");
    assert_eq!(v["matched"][0]["via"], "group.admins");
    assert!(
        v["matched"][0]["location"]
            .as_str()
            .unwrap()
            .ends_with("main.hcl:35:5"),
        "{v}"
    );
}

#[test]
fn who_can_lists_every_principal_with_its_statements() {
    let t = example();
    let auditor = format!("arn:aws:iam::{ACCOUNT}:role/auditor");
    let run = t
        .run(&[
            "who-can",
            "--action",
            "sts:AssumeRole",
            "--resource",
            &auditor,
            "--context",
            "aws:MultiFactorAuthPresent=true",
        ])
        .expect(0);
    assert!(
        run.stdout.starts_with("1 principal may sts:AssumeRole"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("user.bob"), "{}", run.stdout);
    let run = t
        .run(&[
            "who-can",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::acme-team/home/alice/x",
            "--json",
            "--context",
            "aws:MultiFactorAuthPresent=true",
        ])
        .expect(0);
    let v = json(&run);
    assert_matches_schema("who-can.schema.json", &v);
    let who: Vec<&str> = v["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["address"].as_str().unwrap())
        .collect();
    // The auditor role (SecurityAudit) reads configurations, not objects.
    assert_eq!(who, ["user.alice", "user.bob"], "{v}");
    let run = t
        .run(&[
            "who-can",
            "--action",
            "kms:Decrypt",
            "--resource",
            "arn:aws:kms:us-east-1:1:key/x",
        ])
        .expect(0);
    // bob (AdministratorAccess) only with MFA; nobody else.
    assert!(
        run.stdout.starts_with("No user or role may kms:Decrypt"),
        "{}",
        run.stdout
    );
}

#[test]
fn live_evaluates_the_account_the_backend_reads() {
    let t = example();
    t.apply();
    let run = can(
        &t,
        "user.alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-team/home/alice/x",
        &["--live"],
    )
    .expect(0);
    assert!(
        run.stdout.contains("group.developers inline_policy.home"),
        "{}",
        run.stdout
    );
    // Live statements come from the account, not from a file.
    assert!(!run.stdout.contains("main.hcl"), "{}", run.stdout);
    // Someone removes alice from the developers group by hand: the live answer changes, the
    // configuration's does not.
    t.edit_live(|live| {
        live["account"]["users"]["alice"]["groups"] = serde_json::json!([]);
    });
    can(
        &t,
        "user.alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-team/home/alice/x",
        &["--live"],
    )
    .expect(2);
    can(
        &t,
        "user.alice",
        "s3:GetObject",
        "arn:aws:s3:::acme-team/home/alice/x",
        &[],
    )
    .expect(0);
    let run = can(&t, "user.nobody", "s3:GetObject", "*", &["--live"]).expect(1);
    assert!(
        run.stderr
            .contains("user.nobody is not in the live account"),
        "{}",
        run.stderr
    );
}

#[test]
fn command_line_mistakes_are_errors() {
    let t = example();
    let run = can(&t, "user.alcie", "s3:GetObject", "*", &[]).expect(1);
    assert!(
        run.stderr
            .contains("user.alcie is not in the configuration (did you mean user.alice?)"),
        "{}",
        run.stderr
    );
    let run = can(&t, "group.developers", "s3:GetObject", "*", &[]).expect(1);
    assert!(
        run.stderr.contains("expected user.NAME or role.NAME"),
        "{}",
        run.stderr
    );
    let run = can(&t, "user.alice", "s3:Get*", "*", &[]).expect(1);
    assert!(run.stderr.contains("expected one action"), "{}", run.stderr);
    let run = can(
        &t,
        "user.alice",
        "s3:GetObject",
        "*",
        &["--context", "novalue"],
    )
    .expect(1);
    assert!(run.stderr.contains("expected KEY=VALUE"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn a_misspelt_aws_managed_policy_is_an_error_with_did_you_mean() {
    let t = Test::new().file(
        "main.hcl",
        "user \"u\" {\n  policies = [\"arn:aws:iam::aws:policy/AmazonS3FullAcess\"]\n}\n",
    );
    for cmd in ["validate", "lint"] {
        let run = t.run(&[cmd]).expect(1);
        assert!(
            run.stderr.contains(
                "`arn:aws:iam::aws:policy/AmazonS3FullAcess` is not an AWS managed policy"
            ),
            "{cmd}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("did you mean `arn:aws:iam::aws:policy/AmazonS3FullAccess`?"),
            "{cmd}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("main.hcl:2:3"), "{cmd}: {}", run.stderr);
    }
}

/// A saved plan edited by hand used to be the one way past validation to the backend (the mock
/// answered NoSuchEntity, src/backend/mock/tests.rs); now the edit itself is refused, naming
/// what was altered, and nothing is applied.
#[test]
fn a_hand_edited_policy_arn_in_a_saved_plan_is_refused_before_the_backend_sees_it() {
    let t = Test::new().file(
        "main.hcl",
        "user \"u\" {\n  policies = [\"arn:aws:iam::aws:policy/AmazonS3FullAccess\"]\n}\n",
    );
    let plan = t.path("plan.json");
    t.run(&["plan", "--out", plan.to_str().unwrap()]).expect(0);
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace("AmazonS3FullAccess", "AmazonS3FullAcess"),
    )
    .unwrap();
    let run = t.run_plain(&[
        "apply",
        plan.to_str().unwrap(),
        "--backend",
        &format!("mock:{}", t.account().display()),
    ]);
    let run = run.expect(1);
    assert!(run.stderr.contains("was altered"), "{}", run.stderr);
    assert!(run.stderr.contains("Nothing was applied"), "{}", run.stderr);
    assert!(!t.account().exists(), "the account was written");
}
