//! Snapshots of every rendering of a plan that creates, updates, replaces and deletes, and of a
//! drift report: what users read in terminals, tools read as JSON, and reviewers read in PRs.

use iamform::diff::diff;
use iamform::drift::DriftReport;
use iamform::model::{Account, Name, Scope};
use iamform::operation::CallCounts;
use iamform::plan::saved::PlanDocument;
use iamform::plan::{self, Plan};
use iamform::render::{self, Style};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";

fn account(json: serde_json::Value) -> Account {
    serde_json::from_value(json).expect("an account")
}

/// Live: a user, a group, a role at `/old/`, a policy with one statement, and a stray user.
fn live() -> Account {
    account(serde_json::json!({
        "users": {
            "john": { "name": "john", "groups": ["web", "qa"],
                      "tags": { "team": "web", "env": "prod", "retired": "yes" } },
            "stray": { "name": "stray", "credentials": {
                "access_keys": [{ "id": "AKIAEXAMPLE", "status": "Active", "created": "2024-01-01T00:00:00Z" }],
                "login_profile": { "created": "2024-01-01T00:00:00Z" } } }
        },
        "groups": { "web": { "name": "web" }, "qa": { "name": "qa" } },
        "roles": { "app": { "name": "app", "path": "/old/", "assume_role_policy": {
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": { "Service": "ec2.amazonaws.com" } }]
        } } },
        "policies": { "read": { "name": "read", "document": {
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }]
        } } }
    }))
}

/// Desired: john changes groups (one added, one removed, one kept) and tags (one added, one
/// changed, one removed, one kept), the role moves path (a replacement), the policy gains an
/// action, a new user arrives with two groups, two tags (one key not an identifier) and a
/// policy, and the stray user is not declared.
fn desired() -> Account {
    account(serde_json::json!({
        "users": {
            "john": { "name": "john", "groups": ["web", "ops"],
                      "tags": { "team": "platform", "env": "prod", "owner": "ann" } },
            "jane": { "name": "jane", "groups": ["ops", "web"],
                      "tags": { "team": "mobile", "cost-center/id": "42" },
                      "policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }
        },
        "groups": { "web": { "name": "web" }, "ops": { "name": "ops" }, "qa": { "name": "qa" } },
        "roles": { "app": { "name": "app", "path": "/new/", "assume_role_policy": {
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": { "Service": "ec2.amazonaws.com" } }]
        } } },
        "policies": { "read": { "name": "read", "document": {
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*" }]
        } } }
    }))
}

fn plan() -> Plan {
    let scope = Scope {
        paths: vec!["/".into()],
        exclude: vec![],
        kinds: None,
    };
    let (desired, live) = (desired(), live());
    let changes = diff(&desired, &live, Some(&scope));
    plan::build(changes, &desired, &live, ACCOUNT, &BTreeMap::new()).expect("no cycle")
}

fn calls() -> CallCounts {
    [("GetAccountAuthorizationDetails".to_owned(), 1)]
        .into_iter()
        .collect()
}

#[test]
fn the_plan_covers_every_action() {
    let actions: Vec<String> = plan()
        .changes
        .iter()
        .map(|c| format!("{:?}", c.action))
        .collect();
    for a in ["Create", "Update", "Replace", "Delete"] {
        assert!(
            actions.contains(&a.to_owned()),
            "{a} missing from {actions:?}"
        );
    }
}

#[test]
fn human_plan() {
    insta::assert_snapshot!(render::human::plan(&plan(), Style::PLAIN, false));
}

#[test]
fn json_plan() {
    insta::assert_json_snapshot!(PlanDocument::new(plan(), calls()));
}

#[test]
fn markdown_plan() {
    insta::assert_snapshot!(render::markdown::plan(&plan(), "iamform plan"));
}

#[test]
fn drift_text_and_markdown() {
    let report = DriftReport::new(&plan(), &live(), calls());
    insta::assert_snapshot!("drift_text", render::drift::text(&report, Style::PLAIN));
    insta::assert_snapshot!("drift_markdown", render::drift::markdown(&report));
}

/// Drift from the account's side (issue 24.5): in the account, a role with AdministratorAccess
/// attached and an inline policy added by hand, a user with a boundary the configuration does not
/// declare; declared, a group the account lacks.
#[test]
fn drift_from_the_account_side() {
    let trust = serde_json::json!({ "Version": "2012-10-17", "Statement": [{ "Effect": "Allow",
        "Action": "sts:AssumeRole", "Principal": { "Service": "ec2.amazonaws.com" } }] });
    let live = account(serde_json::json!({
        "users": { "ann": { "name": "ann",
            "permissions_boundary": "arn:aws:iam::aws:policy/ReadOnlyAccess" } },
        "roles": { "app": { "name": "app", "assume_role_policy": trust.clone(),
            "policies": ["arn:aws:iam::aws:policy/AdministratorAccess"],
            "inline_policies": { "debug": { "Version": "2012-10-17", "Statement": [
                { "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }] } } } }
    }));
    let desired = account(serde_json::json!({
        "users": { "ann": { "name": "ann" } },
        "groups": { "ops": { "name": "ops" } },
        "roles": { "app": { "name": "app", "assume_role_policy": trust } }
    }));
    let changes = diff(&desired, &live, None);
    let plan = plan::build(changes, &desired, &live, ACCOUNT, &BTreeMap::new()).expect("no cycle");
    let report = DriftReport::new(&plan, &live, calls());
    insta::assert_snapshot!(
        "drift_account_side_text",
        render::drift::text(&report, Style::PLAIN)
    );
    insta::assert_snapshot!(
        "drift_account_side_markdown",
        render::drift::markdown(&report)
    );
}

#[test]
fn an_empty_plan_says_no_changes() {
    let live = live();
    let changes = diff(&live, &live, None);
    let plan = plan::build(changes, &live, &live, ACCOUNT, &BTreeMap::new()).unwrap();
    insta::assert_snapshot!(render::human::plan(&plan, Style::PLAIN, false));
}

#[test]
fn example_github_workflows_are_valid_yaml_with_jobs() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/github-actions");
    for name in ["plan.yml", "apply.yml", "drift.yml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("workflow file");
        let docs =
            yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = &docs[0];
        assert!(
            doc["jobs"].as_hash().is_some_and(|j| !j.is_empty()),
            "{name} has no jobs"
        );
        // Least privilege: the workflow grants only `contents: read`; each job that takes AWS
        // credentials asks for an OIDC token itself.
        assert_eq!(
            doc["permissions"]["id-token"].as_str(),
            None,
            "{name}: id-token at the workflow level"
        );
        for (job, body) in doc["jobs"].as_hash().into_iter().flatten() {
            let steps = body["steps"]
                .as_vec()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let takes_credentials = steps.iter().any(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials@"))
            });
            if takes_credentials {
                assert_eq!(
                    body["permissions"]["id-token"].as_str(),
                    Some("write"),
                    "{name}: job {job:?} must use OIDC credentials"
                );
            }
        }
        assert!(text.contains("iamform "), "{name} runs iamform");
    }
}

/// `moved` blocks: user.jdoe -> user.john.doe and group.devs -> group.developers, with the user
/// also getting a tag.
fn renaming_plan() -> Plan {
    let live = account(serde_json::json!({
        "users": { "jdoe": { "name": "jdoe", "groups": ["devs"] } },
        "groups": { "devs": { "name": "devs" } }
    }));
    let desired = account(serde_json::json!({
        "users": { "john.doe": { "name": "john.doe", "groups": ["developers"], "tags": { "team": "web" } } },
        "groups": { "developers": { "name": "developers" } }
    }));
    let moves: Vec<plan::moved::Rename> = [
        ("user.jdoe", "user.john.doe"),
        ("group.devs", "group.developers"),
    ]
    .into_iter()
    .map(|(from, to)| plan::moved::Rename {
        from: from.parse().expect("address"),
        to: to.parse().expect("address"),
    })
    .collect();
    let (renamed, renames) = plan::moved::rename_live(&moves, &live).expect("no conflict");
    let mut changes = diff(&desired, &renamed, None);
    plan::moved::mark_renames(&mut changes, &renames, &desired, &renamed);
    plan::build(changes, &desired, &renamed, ACCOUNT, &BTreeMap::new()).expect("no cycle")
}

#[test]
fn renaming_plan_in_every_format() {
    let plan = renaming_plan();
    insta::assert_snapshot!(
        "renaming_human",
        render::human::plan(&plan, Style::PLAIN, false)
    );
    insta::assert_snapshot!(
        "renaming_markdown",
        render::markdown::plan(&plan, "iamform plan")
    );
    insta::assert_json_snapshot!("renaming_json", PlanDocument::new(plan, calls()));
}

#[test]
fn a_markdown_plan_of_1000_entities_fits_a_pull_request_comment_riskiest_first() {
    // 1,000 users to create, each with an inline policy, and three to destroy.
    let t = crate::harness::Test::new();
    let stray: String = (0..3).map(|i| format!("user \"old{i}\" {{}}\n")).collect();
    t.write("main.hcl", &stray);
    t.apply();
    let mut hcl = String::from("settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\n");
    for i in 0..1000 {
        hcl.push_str(&format!(
            "user \"person-{i}\" {{\n  tags = {{ team = \"t{i}\" }}\n  inline_policy \"own\" {{\n    statement {{\n      actions   = [\"s3:GetObject\"]\n      resources = [\"arn:aws:s3:::home/person-{i}/*\"]\n    }}\n  }}\n}}\n"
        ));
    }
    t.write("main.hcl", &hcl);
    let file = t.path("plan.json");
    let file = file.to_str().unwrap();
    t.run(&["plan", "--out", file]).expect(0);
    let md = t
        .run_plain(&["show", file, "--format", "markdown"])
        .expect(0)
        .stdout;
    assert!(md.len() < 65_536, "{} bytes", md.len());
    assert!(md.contains("| 1000 | 0 | 3 |"), "the summary is intact");
    assert!(
        md.contains("#### Access changes"),
        "who gains what comes first"
    );
    let (_, changes) = md.split_once("#### Changes").expect("a changes section");
    let first_row = changes.lines().find(|l| l.starts_with("| `")).unwrap();
    assert!(first_row.contains("`-`"), "destructions first: {first_row}");
    assert!(md.contains("<code>- user.old0</code>"), "their details too");
    assert!(md.contains("more not listed"), "says what is left out");
    assert!(md.contains("iamform show PLANFILE"));
}

/// A plan whose changes give and take access: a group policy change reaching its member (with a
/// condition), a role gaining iam:PassRole with ec2:RunInstances (an escalation), a new user with
/// AdministratorAccess, and a membership removed.
fn access_plan() -> Plan {
    let doc = |statements: serde_json::Value| serde_json::json!({ "Version": "2012-10-17", "Statement": statements });
    let trust = doc(
        serde_json::json!([{ "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": { "Service": "ec2.amazonaws.com" } }]),
    );
    let read = doc(
        serde_json::json!([{ "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::app", "arn:aws:s3:::app/*"] }]),
    );
    let live = account(serde_json::json!({
        "users": {
            "ann": { "name": "ann", "groups": ["dev"] },
            "bob": { "name": "bob", "groups": ["dev", "ops"] }
        },
        "groups": {
            "dev": { "name": "dev", "inline_policies": { "s3": read } },
            "ops": { "name": "ops", "inline_policies": { "logs": doc(serde_json::json!([{ "Effect": "Allow", "Action": "logs:*", "Resource": "*" }])) } }
        },
        "roles": { "ci": { "name": "ci", "assume_role_policy": trust,
            "inline_policies": { "run": doc(serde_json::json!([{ "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*" }])) } } }
    }));
    let mut desired = live.clone();
    desired.groups.get_mut(&Name::from("dev")).unwrap().inline_policies.insert(
        Name::from("s3"),
        serde_json::from_value(doc(serde_json::json!([
            { "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::app", "arn:aws:s3:::app/*"] },
            { "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::app/*",
              "Condition": { "Bool": { "aws:MultiFactorAuthPresent": "true" } } }
        ])))
        .unwrap(),
    );
    desired.users.get_mut(&Name::from("bob")).unwrap().groups = [Name::from("dev")].into();
    desired.roles.get_mut(&Name::from("ci")).unwrap().inline_policies.insert(
        Name::from("pass"),
        serde_json::from_value(doc(serde_json::json!([{ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }]))).unwrap(),
    );
    desired.users.insert(
        Name::from("root-like"),
        serde_json::from_value(serde_json::json!({ "name": "root-like", "policies": ["arn:aws:iam::aws:policy/AdministratorAccess"] })).unwrap(),
    );
    let changes = diff(&desired, &live, None);
    let mut plan =
        plan::build(changes, &desired, &live, ACCOUNT, &BTreeMap::new()).expect("no cycle");
    let after = plan::after(&live, &plan);
    plan.access_changes = iamform::access::change::access_changes(&live, &after, ACCOUNT);
    plan
}

#[test]
fn access_changes_human() {
    let plan = access_plan();
    let who: Vec<&str> = plan
        .access_changes
        .iter()
        .map(|c| c.principal.as_str())
        .collect();
    assert_eq!(who, ["user.ann", "user.bob", "user.root-like", "role.ci"]);
    let text = render::human::plan(&plan, Style::PLAIN, false);
    let section = &text[text.find("Access changes").expect("a section")..];
    insta::assert_snapshot!(section);
}

#[test]
fn access_changes_markdown() {
    let md = render::markdown::plan(&access_plan(), "iamform plan");
    let section = &md[md.find("#### Access changes").expect("a section")..];
    insta::assert_snapshot!(section);
}

#[test]
fn access_changes_json_follow_the_schema() {
    let doc = serde_json::to_value(PlanDocument::new(access_plan(), calls())).unwrap();
    crate::harness::assert_matches_schema("plan.schema.json", &doc);
    let ann = &doc["access_changes"][0];
    assert_eq!(ann["principal"], "user.ann");
    let delete = &ann["gained"][0];
    assert_eq!(delete["action"], "s3:DeleteObject");
    assert_eq!(
        delete["resources"],
        serde_json::json!(["arn:aws:s3:::app/*"])
    );
    assert_eq!(
        delete["conditions"],
        serde_json::json!({"Bool": {"aws:MultiFactorAuthPresent": ["true"]}})
    );
    assert_eq!(
        delete["via"],
        serde_json::json!(["group.dev", "group.dev inline_policy.s3"])
    );
    assert_eq!(doc["access_changes"][2]["gained_everything"], true);
}
