//! The unattended paths: saved plans and the stale-plan check, JSON output against the schemas,
//! and drift reports.

use crate::harness::{assert_matches_schema, json, Test};

const TEAM: &str = r#"
group "web" {}
group "ops" {}
user "john" { groups = [group.web.name] }
"#;

#[test]
fn a_saved_plan_applies_when_nothing_changed() {
    let t = Test::new().file("main.hcl", TEAM);
    let plan = t.path("plan.json");
    let plan_arg = plan.to_str().unwrap();
    t.run(&["plan", "--out", plan_arg]).expect(0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_matches_schema("plan.schema.json", &saved);
    assert!(saved["saved"]["config_digest"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));

    let show = t.run_plain(&["show", plan_arg]).expect(0);
    assert!(
        show.stdout
            .contains("Plan: 3 to add, 0 to change, 0 to destroy."),
        "{}",
        show.stdout
    );
    let shown = json(&t.run_plain(&["show", plan_arg, "--json"]).expect(0));
    assert_eq!(shown, saved);

    // The recorded backend is used: no --backend needed.
    let apply = t
        .run_plain(&["apply", plan_arg, "--auto-approve"])
        .expect(0);
    assert!(
        apply.stdout.contains("Apply complete: 4 applied"),
        "{}",
        apply.stdout
    );
    t.assert_converged();
}

/// Defect 19.12: `apply PLANFILE` asked for confirmation and refused without a terminal unless
/// `--auto-approve`. A saved plan is the reviewed plan: it applies without a prompt, while
/// `apply DIR` still asks (`apply_without_auto_approve_refuses_when_stdin_is_not_a_terminal`).
#[test]
fn a_saved_plan_applies_without_a_prompt_or_auto_approve() {
    let t = Test::new().file("main.hcl", TEAM);
    let plan = t.path("plan.json");
    let plan_arg = plan.to_str().unwrap();
    t.run(&["plan", "--out", plan_arg]).expect(0);
    let apply = t.run_plain(&["apply", plan_arg]).expect(0);
    assert!(
        apply.stdout.contains("Apply complete: 4 applied") && !apply.stderr.contains("yes"),
        "{}{}",
        apply.stdout,
        apply.stderr
    );
    t.assert_converged();
}

#[test]
fn a_saved_plan_is_refused_when_the_account_changed_and_names_the_entity() {
    let t = Test::new().file("main.hcl", TEAM);
    t.apply();
    t.write(
        "main.hcl",
        &TEAM.replace("group.web.name", "group.ops.name"),
    );
    let plan = t.path("plan.json");
    let plan_arg = plan.to_str().unwrap();
    t.run(&["plan", "--out", plan_arg]).expect(0);

    t.edit_live(|live| {
        live["account"]["users"]["john"]["tags"] = serde_json::json!({ "edited": "by hand" });
    });
    let refused = t
        .run_plain(&["apply", plan_arg, "--auto-approve"])
        .expect(1);
    assert!(refused.stderr.contains("is stale"), "{}", refused.stderr);
    assert!(
        refused
            .stderr
            .contains("user.john was changed since the plan was made"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        t.live()["account"]["users"]["john"]["groups"][0],
        "web",
        "nothing applied"
    );
}

#[test]
fn plan_json_and_apply_json_match_their_schemas() {
    let t = Test::new().example("quickstart");
    let plan = json(&t.run(&["plan", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &plan);
    assert_eq!(plan["summary"]["add"], 14);
    assert_eq!(plan["api_calls"]["GetAccountAuthorizationDetails"], 1);

    let report = json(&t.run(&["apply", "--auto-approve", "--json"]).expect(0));
    assert_matches_schema("apply-report.schema.json", &report);
    assert_eq!(report["success"], true);
    assert_eq!(report["summary"]["failed"], 0);
    assert_eq!(report["api_calls"]["CreateUser"], 5);

    // A failing apply still matches, with the error and the skipped dependents.
    t.write(
        "extra.hcl",
        "group \"broken\" {\n  policies = [\"arn:aws:iam::123456789012:policy/missing\"]\n}\n",
    );
    let report = json(&t.run(&["apply", "--auto-approve", "--json"]).expect(1));
    assert_matches_schema("apply-report.schema.json", &report);
    assert_eq!(report["summary"]["failed"], 1);
}

#[test]
fn drift_reports_a_hand_made_group_change_and_exits_2() {
    let t = Test::new().file("main.hcl", TEAM);
    t.apply();
    let clean = t.run(&["drift"]).expect(0);
    assert!(clean.stdout.contains("No drift"), "{}", clean.stdout);

    t.edit_live(|live| {
        live["account"]["users"]["john"]["groups"] = serde_json::json!(["ops", "web"]);
    });
    let md = t.run(&["drift", "--format", "markdown"]).expect(2);
    assert!(
        md.stdout
            .contains("| `user.john` | differs from the configuration | group membership in the account, not declared: ops |"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout
            .contains("`iamform apply` would bring it back to the configuration:\n\n```diff\n  ~ user \"john\" {\n      ~ groups = [\n          - \"ops\",\n"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("<details>"), "{}", md.stdout);

    let text = t.run(&["drift"]).expect(2);
    assert!(
        text.stdout.contains(
            "Drift detected in account 123456789012: 1 entity differs from the configuration."
        ),
        "{}",
        text.stdout
    );

    let report = json(&t.run(&["drift", "--format", "json"]).expect(2));
    assert_matches_schema("drift-report.schema.json", &report);
    assert_eq!(report["entities"][0]["address"], "user.john");
    assert_eq!(report["entities"][0]["drift"], "modified");
}

/// Issue 24.5: drift is told from the account's side. A policy attached in the console reads as
/// attached in the account and not declared (not as apply's `policies -=`), an inline policy added
/// there is shown with its document, a value is worded neutrally, and the access model says what
/// the drift grants.
#[test]
fn drift_says_what_the_account_has_that_the_configuration_does_not() {
    let t = Test::new().file(
        "main.hcl",
        &format!("{TEAM}\nrole \"app\" {{\n  path = \"/app/\"\n  assume_role_policy = {{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ Service = \"ec2.amazonaws.com\" }} }}] }}\n}}\n"),
    );
    t.apply();
    t.edit_live(|live| {
        let john = &mut live["account"]["users"]["john"];
        john["policies"] = serde_json::json!(["arn:aws:iam::aws:policy/AdministratorAccess"]);
        john["inline_policies"] = serde_json::json!({ "backdoor": {
            "Version": "2012-10-17",
            "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secrets/*" }]
        }});
        live["account"]["roles"]["app"]["path"] = serde_json::json!("/moved/");
    });
    let text = t.run(&["drift"]).expect(2);
    let out = &text.stdout;
    for wanted in [
        "Drift detected in account 123456789012: 2 entities differ from the configuration.",
        "# user.john differs from the configuration",
        "attached in the account, not declared: AdministratorAccess",
        "inline policy in the account, not declared: backdoor",
        "\"Resource\": \"arn:aws:s3:::secrets/*\"",
        "path differs from the configuration: \"/moved/\" in the account, \"/app/\" in the configuration",
        "What the drift grants",
        "user.john",
        "+ allowed in the account, not by the configuration: everything",
        "! escalation: all",
    ] {
        assert!(out.contains(wanted), "{wanted:?} missing from:\n{out}");
    }
    assert!(!out.contains("outside the configuration"), "{out}");

    let md = t.run(&["drift", "--format", "markdown"]).expect(2);
    assert!(
        md.stdout.contains("#### What the drift grants"),
        "{}",
        md.stdout
    );
    assert!(md.stdout.contains("```json\n{"), "{}", md.stdout);

    let report = json(&t.run(&["drift", "--format", "json"]).expect(2));
    assert_matches_schema("drift-report.schema.json", &report);
    let john = report["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["address"] == "user.john")
        .expect("user.john drifted");
    let attached = &john["differences"][0];
    assert_eq!(attached["field"], "inline_policies", "{john:#}");
    assert_eq!(attached["side"], "account_only");
    assert_eq!(
        attached["in_account"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    assert_eq!(john["differences"][1]["side"], "account_only");
    assert_eq!(
        john["differences"][1]["item"],
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    assert_eq!(report["access"][0]["principal"], "user.john");
    assert_eq!(report["access"][0]["gained_everything"], true);
}

#[test]
fn drift_counts_missing_and_undeclared_entities() {
    let t = Test::new()
        .file(
            "scope.hcl",
            "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\n",
        )
        .file("main.hcl", TEAM);
    t.apply();
    t.edit_live(|live| {
        let users = live["account"]["users"].as_object_mut().unwrap();
        users.insert("intruder".into(), serde_json::json!({ "name": "intruder" }));
        live["account"]["groups"]
            .as_object_mut()
            .unwrap()
            .remove("ops");
    });
    let report = json(&t.run(&["drift", "--format", "json"]).expect(2));
    assert_eq!(
        report["summary"],
        serde_json::json!({ "missing": 1, "modified": 0, "undeclared": 1 })
    );
}

/// Defect 19.2: a saved plan recorded only `mock:PATH` or `aws`; it now records the backend's
/// settings (no secrets), and apply refuses credentials other than those the plan was made as.
#[test]
fn a_saved_plan_records_its_backend_and_is_applied_as_its_caller() {
    let t = Test::new().file(
        "main.hcl",
        &format!("{TEAM}\nbackend \"mock\" {{\n  path = \"elsewhere.json\"\n  account_id = \"123456789012\"\n}}\n"),
    );
    let plan = t.path("plan.json");
    let plan_arg = plan.to_str().unwrap();
    let caller = [("IAMFORM_MOCK_CALLER", "user/ci")];
    t.run_env(&["plan", "--out", plan_arg], &caller).expect(0);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_matches_schema("plan.schema.json", &saved);
    let settings = &saved["saved"]["backend_settings"];
    assert_eq!(settings["kind"], "mock", "{settings}");
    assert_eq!(settings["account_id"], "123456789012", "{settings}");
    assert_eq!(saved["saved"]["caller"], "user.ci");

    let other = [("IAMFORM_MOCK_CALLER", "user/someone-else")];
    let refused = t
        .run_plain_env(&["apply", plan_arg, "--auto-approve"], &other)
        .expect(1);
    assert!(
        refused.stderr.contains("was made as user.ci")
            && refused
                .stderr
                .contains("these credentials are user.someone-else"),
        "{}",
        refused.stderr
    );
    assert!(!t.account().exists(), "nothing was applied");
    t.run_plain_env(&["apply", plan_arg, "--auto-approve"], &caller)
        .expect(0);
}
