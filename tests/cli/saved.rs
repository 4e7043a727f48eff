//! Saved plans read as hostile input (issue 23.1): `apply PLANFILE` runs only what the embedded
//! configuration plans against the live account, refuses altered, stale, malformed and (with
//! `IAMFORM_PLAN_KEY`) unsigned plans with a clear message and nothing changed, and applies a
//! good plan without a prompt (19.12). Also `plan --caller` (24.3).

use crate::harness::{assert_matches_schema, Run, Test};
use serde_json::{json, Value};

const TEAM: &str = r#"
group "web" {}
user "john" { groups = [group.web.name] }
"#;

/// A test with TEAM applied, and a saved plan (`plan.json`) adding user `jane`.
fn with_saved_plan(env: &[(&str, &str)]) -> (Test, String) {
    let t = Test::new().file("main.hcl", TEAM);
    t.apply();
    t.write("jane.hcl", "user \"jane\" {}\n");
    let plan = t.path("plan.json").to_str().unwrap().to_owned();
    t.run_env(&["plan", "--out", &plan], env).expect(0);
    (t, plan)
}

fn read(plan: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap()
}

fn write(plan: &str, doc: &Value) {
    std::fs::write(plan, serde_json::to_string_pretty(doc).unwrap()).unwrap();
}

/// `apply PLANFILE` with stdin closed (no terminal) and no `--auto-approve`.
fn apply_saved(t: &Test, plan: &str, env: &[(&str, &str)]) -> Run {
    t.run_plain_env(&["apply", plan], env)
}

#[track_caller]
fn assert_refused(run: &Run, what: &str) {
    assert!(
        run.stderr.contains(what),
        "want {what:?} in:\n{}",
        run.stderr
    );
    assert!(run.stdout.is_empty() || !run.stdout.contains("Apply complete"));
}

fn users(t: &Test) -> Vec<String> {
    t.live_names("users")
}

/// Issue 19.12: a saved plan is the plan that was reviewed; it is applied without a prompt, as
/// Terraform does, while `apply DIR` still asks.
#[test]
fn a_saved_plan_applies_without_a_prompt_and_a_directory_still_asks() {
    let (t, plan) = with_saved_plan(&[]);
    let asked = t.run(&["apply"]).expect(1);
    assert!(
        asked.stderr.contains("stdin is not a terminal"),
        "{}",
        asked.stderr
    );
    let run = apply_saved(&t, &plan, &[]).expect(0);
    assert!(
        run.stdout.contains("Apply complete: 1 applied"),
        "{}",
        run.stdout
    );
    assert_eq!(users(&t), ["jane", "john"]);
    t.assert_converged();
}

/// The attack of issue 23.1: operations added to the file's JSON, which `show` does not print.
#[test]
fn operations_added_to_a_saved_plan_are_refused_by_show_and_apply() {
    let (t, plan) = with_saved_plan(&[]);
    let mut doc = read(&plan);
    let ops = doc["operations"].as_array_mut().unwrap();
    let n = ops.len();
    ops.push(json!({
        "id": n,
        "address": "user.john",
        "operation": {
            "op": "AttachUserPolicy",
            "user": "john",
            "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"
        },
        "depends_on": []
    }));
    ops.push(json!({
        "id": n + 1,
        "address": "user.john",
        "operation": { "op": "RemoveUserFromGroup", "user": "john", "group": "web" },
        "depends_on": []
    }));
    write(&plan, &doc);

    let show = t.run_plain(&["show", &plan]).expect(1);
    assert_refused(&show, "is not what any of its changes does");
    let run = apply_saved(&t, &plan, &[]).expect(1);
    assert_refused(&run, "was altered");
    assert_refused(&run, "AttachUserPolicy user.john");
    assert_refused(&run, "Nothing was applied");
    assert_eq!(users(&t), ["john"]);
    assert_eq!(
        t.live()["account"]["users"]["john"]["policies"],
        Value::Null
    );
}

/// Changing a document inside an operation (same call, other JSON) is caught too.
#[test]
fn a_document_changed_inside_a_saved_operation_is_refused() {
    let t = Test::new().file(
        "main.hcl",
        "user \"u\" {\n  inline_policy \"read\" {\n    statement {\n      actions   = [\"s3:GetObject\"]\n      resources = [\"*\"]\n    }\n  }\n}\n",
    );
    let plan = t.path("plan.json").to_str().unwrap().to_owned();
    t.run(&["plan", "--out", &plan]).expect(0);
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("s3:GetObject"));
    std::fs::write(&plan, text.replace("s3:GetObject", "*")).unwrap();
    let run = apply_saved(&t, &plan, &[]).expect(1);
    // Both the change and its operation were edited, consistently: the file alone cannot tell;
    // planning the embedded configuration again does.
    assert_refused(&run, "was altered");
    assert!(!t.account().exists(), "the account was written");
}

/// The embedded configuration is the plan's source of truth; editing it is seen.
#[test]
fn an_edited_embedded_configuration_is_refused() {
    let (t, plan) = with_saved_plan(&[]);
    let mut doc = read(&plan);
    let files = doc["saved"]["configuration"]["files"]
        .as_array_mut()
        .unwrap();
    let jane = files.iter_mut().find(|f| f["path"] == "jane.hcl").unwrap();
    jane["content"] = json!("user \"jane\" {}\nuser \"mallory\" {}\n");
    write(&plan, &doc);
    let run = apply_saved(&t, &plan, &[]).expect(1);
    assert_refused(&run, "was altered");
    assert_refused(&run, "config_digest");
    assert_eq!(users(&t), ["john"]);

    // A path out of the configuration directory is refused before anything is written.
    let mut doc = read(&plan);
    doc["saved"]["configuration"]["files"][0]["path"] = json!("../../escape.hcl");
    write(&plan, &doc);
    let run = apply_saved(&t, &plan, &[]).expect(1);
    assert_refused(&run, "is not a plain relative path");
    assert!(!t.path("escape.hcl").exists());
}

/// A whole plan made from another configuration is a valid plan of that configuration: the
/// checkout of the reviewed commit (`--config-dir`) tells it apart.
#[test]
fn config_dir_refuses_a_plan_made_from_another_configuration() {
    let (t, plan) = with_saved_plan(&[]);
    let config = t.config();
    let config = config.to_str().unwrap();
    // The plan was made from the configuration as it is now: accepted.
    let ok = t.path("ok.json").to_str().unwrap().to_owned();
    std::fs::copy(&plan, &ok).unwrap();

    t.write("jane.hcl", "user \"jane\" {}\nuser \"mallory\" {}\n");
    let forged = t.path("forged.json").to_str().unwrap().to_owned();
    t.run(&["plan", "--out", &forged]).expect(0);
    t.write("jane.hcl", "user \"jane\" {}\n");

    let run = t
        .run_plain(&["apply", &forged, "--config-dir", config])
        .expect(1);
    assert_refused(&run, "was not made from the configuration in");
    assert_refused(&run, "jane.hcl differs");
    assert_eq!(users(&t), ["john"]);

    t.run_plain(&["apply", &ok, "--config-dir", config])
        .expect(0);
    assert_eq!(users(&t), ["jane", "john"]);
}

/// Stale: the account changed since the plan, and the configuration now plans something else.
#[test]
fn a_stale_plan_is_refused_and_says_so() {
    let (t, plan) = with_saved_plan(&[]);
    t.edit_live(|live| {
        live["account"]["users"]["jane"] = json!({ "name": "jane", "path": "/" });
    });
    let run = apply_saved(&t, &plan, &[]).expect(1);
    assert_refused(&run, "stale");
    assert_refused(&run, "user.jane was created since the plan was made");
}

/// Malformed plans get a sentence, never a panic (the walk used to index out of range).
#[test]
fn malformed_plans_are_refused_with_a_clear_error() {
    let (t, plan) = with_saved_plan(&[]);
    let good = read(&plan);
    type Edit = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        (
            "depends on 99, which is not an operation of this plan",
            Box::new(|d| d["operations"][0]["depends_on"] = json!([99])),
        ),
        (
            "operation 0 depends on itself",
            Box::new(|d| d["operations"][0]["depends_on"] = json!([0])),
        ),
        (
            "operation id 7 is out of range",
            Box::new(|d| d["operations"][0]["id"] = json!(7)),
        ),
        (
            "format_version 9",
            Box::new(|d| d["format_version"] = json!(9)),
        ),
        (
            "summary does not count its changes",
            Box::new(|d| d["summary"]["add"] = json!(0)),
        ),
        (
            "is not an iamform plan file",
            Box::new(|d| d["operations"][0]["operation"] = json!({ "op": "FormatDisk" })),
        ),
    ];
    for (want, edit) in cases {
        let mut doc = good.clone();
        edit(&mut doc);
        write(&plan, &doc);
        for args in [vec!["show", &plan], vec!["apply", &plan]] {
            let run = t.run_plain(&args).expect(1);
            assert_refused(&run, want);
            assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        }
    }
    std::fs::write(&plan, "{ not json").unwrap();
    let run = t.run_plain(&["apply", &plan]).expect(1);
    assert_refused(&run, "is not an iamform plan file");
    assert_eq!(users(&t), ["john"]);
}

/// A saved plan keeps the variable values it was made with.
#[test]
fn a_saved_plan_keeps_its_variables_and_refuses_new_ones() {
    let t = Test::new().file(
        "main.hcl",
        "variable \"who\" { type = string }\nuser \"u\" { name = var.who }\n",
    );
    let plan = t.path("plan.json").to_str().unwrap().to_owned();
    t.run(&["plan", "--out", &plan, "--var", "who=alice"])
        .expect(0);
    let run = t
        .run_plain(&["apply", &plan, "--var", "who=mallory"])
        .expect(1);
    assert_refused(&run, "made with its own variable values");
    let show = t.run_plain(&["show", &plan]).expect(0);
    assert!(
        show.stdout.contains("var.who = \"alice\""),
        "{}",
        show.stdout
    );
    t.run_plain(&["apply", &plan]).expect(0);
    assert_eq!(users(&t), ["alice"]);
}

const KEY: (&str, &str) = ("IAMFORM_PLAN_KEY", "0123456789abcdef0123456789abcdef");

/// With IAMFORM_PLAN_KEY, plans are signed and only a plan signed with that key is applied.
#[test]
fn with_a_plan_key_only_signed_plans_apply() {
    let (t, signed) = with_saved_plan(&[KEY]);
    let doc = read(&signed);
    assert_matches_schema("plan.schema.json", &doc);
    assert!(doc["signature"]
        .as_str()
        .unwrap()
        .starts_with("hmac-sha256:"));

    let unsigned = t.path("unsigned.json").to_str().unwrap().to_owned();
    t.run(&["plan", "--out", &unsigned]).expect(0);
    let run = apply_saved(&t, &unsigned, &[KEY]).expect(1);
    assert_refused(&run, "it is not signed, but IAMFORM_PLAN_KEY is set");

    let run = apply_saved(&t, &signed, &[("IAMFORM_PLAN_KEY", "another key")]).expect(1);
    assert_refused(&run, "signature does not match");

    // Any change, even one the other checks would let through (the recorded config_dir), breaks
    // the signature.
    let mut edited = doc.clone();
    edited["saved"]["config_dir"] = json!("/elsewhere");
    let tampered = t.path("tampered.json").to_str().unwrap().to_owned();
    write(&tampered, &edited);
    let run = apply_saved(&t, &tampered, &[KEY]).expect(1);
    assert_refused(&run, "signature does not match");
    let run = t.run_plain_env(&["show", &tampered], &[KEY]).expect(1);
    assert_refused(&run, "signature does not match");
    assert_eq!(users(&t), ["john"]);

    // Reformatting the JSON does not matter; the key does.
    write(&signed, &doc);
    apply_saved(&t, &signed, &[KEY]).expect(0);
    assert_eq!(users(&t), ["jane", "john"]);
}

/// Issue 24.3: `plan --caller` evaluates the guard for the principal that will apply, records it
/// in the saved plan, and the apply of that plan is refused for it.
#[test]
fn plan_caller_previews_the_lockout_of_the_principal_that_applies() {
    let admin = "user \"ci\" {\n  inline_policy \"admin\" {\n    statement {\n      actions   = [\"iam:*\"]\n      resources = [\"*\"]\n    }\n  }\n}\n";
    let t = Test::new().file("main.hcl", admin);
    t.apply();
    t.write("main.hcl", "user \"ci\" {}\n");
    // Planned as nobody in particular: no warning.
    let plain = t.run(&["plan"]).expect(0);
    assert!(
        !plain.stderr.contains("will be refused"),
        "{}",
        plain.stderr
    );

    let preview = t.run(&["plan", "--caller", "user/ci"]).expect(0);
    assert!(
        preview
            .stderr
            .contains("apply of this plan will be refused: it takes from the caller (user.ci)"),
        "{}",
        preview.stderr
    );
    assert!(
        preview.stderr.contains("DeleteUserPolicy user.ci"),
        "{}",
        preview.stderr
    );
    let json = crate::harness::json(&t.run(&["plan", "--caller", "user/ci", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &json);
    assert_eq!(json["lockout"]["caller"], "user.ci");
    assert!(json["lockout"]["findings"][0]["operation"]
        .as_str()
        .unwrap()
        .starts_with("DeleteUserPolicy user.ci"));

    let plan = t.path("plan.json").to_str().unwrap().to_owned();
    t.run(&["plan", "--caller", "user/ci", "--out", &plan])
        .expect(0);
    assert_eq!(read(&plan)["saved"]["caller"], "user.ci");
    let run = apply_saved(&t, &plan, &[]).expect(1);
    assert_refused(&run, "would take from the caller (user.ci)");

    let bad = t.run(&["plan", "--caller", "ci"]).expect(1);
    assert!(bad.stderr.contains("--caller"), "{}", bad.stderr);
}

const ADMIN: &str = r#"
role "admin" {
  policies = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
}
user "auditor" { policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }
"#;

/// A plan against an empty account lists every action its principals gain (thousands for an
/// administrator): the plan file holds them packed, and `show --json` gives back exactly the
/// entries `plan --json` printed. A pack whose places do not add up is refused; apply shows the
/// access changes it derives again, not the file's.
#[test]
fn a_saved_plans_access_changes_are_packed_in_the_file_and_shown_in_full() {
    let t = Test::new().file("main.hcl", ADMIN);
    let plan = t.path("plan.json").to_str().unwrap().to_owned();
    let printed = t.run(&["plan", "--out", &plan, "--json"]).expect(0);
    let printed_json: Value = serde_json::from_str(&printed.stdout).unwrap();
    let entries: usize = (printed_json["access_changes"].as_array().unwrap().iter())
        .map(|c| c["gained"].as_array().unwrap().len())
        .sum();
    assert!(entries > 10_000, "{entries} entries");

    let text = std::fs::read_to_string(&plan).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    assert_matches_schema("plan.schema.json", &file);
    assert_eq!(file["access_changes"], json!([]));
    assert_eq!(file["saved"]["access_changes"].as_array().unwrap().len(), 2);
    assert!(
        text.len() * 5 < printed.stdout.len(),
        "the file ({} bytes) is not much smaller than the plan ({} bytes)",
        text.len(),
        printed.stdout.len()
    );

    let shown = t.run_plain(&["show", &plan, "--json"]).expect(0);
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_matches_schema("plan.schema.json", &shown);
    assert_eq!(shown["access_changes"], printed_json["access_changes"]);

    let mut broken = file.clone();
    // The first principal's (user.auditor's) first group holds place 0; another claims it too.
    let groups = broken["saved"]["access_changes"][0]["gained"]
        .as_array_mut()
        .unwrap();
    assert!(groups.len() >= 2, "{groups:?}");
    let first = groups[0]["at"][0][0].clone();
    groups[1]["at"][0] = json!([first, 1]);
    write(&plan, &broken);
    for args in [vec!["show", &plan], vec!["apply", &plan]] {
        let run = t.run_plain(&args).expect(1);
        assert_refused(
            &run,
            "its packed access changes: user.auditor gained: place 0 is given twice",
        );
    }
    assert!(
        !t.account().exists(),
        "the refused plans changed the account"
    );

    // A pack that adds up but names another action: show prints the file; apply prints the
    // access changes derived again from the verified configuration.
    let mut forged = file.clone();
    let group = &mut forged["saved"]["access_changes"][0]["gained"][0];
    let actions = group["actions"].as_str().unwrap().to_owned();
    let (_, rest) = actions.split_once(' ').unwrap();
    group["actions"] = json!(format!("iam:ForgedAction {rest}"));
    write(&plan, &forged);
    let shown = t.run_plain(&["show", &plan, "-v"]).expect(0);
    assert!(
        shown.stdout.contains("iam:ForgedAction"),
        "{}",
        shown.stdout
    );
    let applied = t.run_plain(&["apply", &plan, "-v"]).expect(0);
    assert!(
        applied.stdout.contains("Access changes (2 principals)")
            && !applied.stdout.contains("iam:ForgedAction"),
        "{}",
        applied.stdout
    );
    assert_eq!(t.live_names("roles"), ["admin"]);
    t.assert_converged();
}
