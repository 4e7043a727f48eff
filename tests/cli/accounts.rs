//! `plan --all DIR` over a tree of mock accounts (examples/organization): one combined report,
//! an exit code combining every account's, saved plans per account.

use crate::harness::{assert_matches_schema, assert_says, json, Run, Test};

/// The organisation example, made a repository (modules are read only inside one).
fn organization() -> Test {
    let t = Test::new().example("organization");
    std::fs::create_dir(t.config().join(".git")).expect("a .git directory");
    t
}

fn plan_all(t: &Test, args: &[&str]) -> Run {
    run_all(t, "plan", args)
}

/// Each account's directory and status in a JSON combined report.
fn statuses(report: &serde_json::Value) -> Vec<(&str, &str)> {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| (a["dir"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect()
}

fn apply_account(t: &Test, account: &str) {
    let dir = t.config().join("accounts").join(account);
    t.run_plain(&["apply", "--auto-approve", &dir.display().to_string()])
        .expect(0);
}

#[test]
fn every_account_is_planned_and_one_failing_account_fails_the_run() {
    let t = organization();
    add_failing_sandbox(&t);
    let run = plan_all(&t, &["--detailed-exitcode"]).expect(1);
    assert_eq!(
        table(&run.stdout, 4),
        [
            vec![
                "accounts/dev",
                "111111111111",
                "7",
                "0",
                "0",
                "4",
                "0",
                "changes"
            ],
            vec![
                "accounts/prod",
                "333333333333",
                "6",
                "0",
                "0",
                "2",
                "0",
                "changes"
            ],
            vec!["accounts/sandbox", "-", "-", "-", "-", "-", "-", "error"],
            vec![
                "accounts/staging",
                "222222222222",
                "6",
                "0",
                "0",
                "3",
                "0",
                "changes"
            ],
        ],
        "{}",
        run.stdout
    );
    assert!(run.stdout.starts_with("4 accounts under"), "{}", run.stdout);
    assert!(
        run.stdout.contains("3 with changes, 1 failed; 19 to add"),
        "{}",
        run.stdout
    );
    // The failing account's errors, located in its files; the others' plans, with addresses
    // saying which module each entity comes from.
    assert!(
        run.stdout
            .contains("module `baseline` needs the input `break_glass_trusted_account`")
            && run.stdout.contains("accounts/sandbox/main.hcl:6:1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("# module.baseline.role.prod-ci-acme-deploy will be created"),
        "{}",
        run.stdout
    );

    let report = json(&plan_all(&t, &["--format", "json"]).expect(1));
    assert_matches_schema("accounts-report.schema.json", &report);
    let accounts = report["accounts"].as_array().expect("accounts");
    assert_eq!(accounts.len(), 4);
    for a in accounts {
        if a["status"] == "error" {
            assert!(a["plan"].is_null() && !a["errors"][0].as_str().unwrap().is_empty());
        } else {
            assert_matches_schema("plan.schema.json", &a["plan"]);
        }
    }
    assert_eq!(report["summary"]["failed"], 1);

    // Without the failing account: 2 with --detailed-exitcode while any account has changes,
    // 0 once every one is applied.
    t.remove("accounts/sandbox/main.hcl");
    plan_all(&t, &["--detailed-exitcode"]).expect(2);
    plan_all(&t, &[]).expect(0);
    for account in ["dev", "staging"] {
        apply_account(&t, account);
    }
    let run = plan_all(&t, &["--detailed-exitcode", "--format", "markdown"]).expect(2);
    assert!(
        run.stdout
            .contains("| `accounts/dev` | 111111111111 | 0 | 0 | 0 | 0 | 0 | no changes |"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("| `accounts/prod` | 333333333333 | 6 | 0 | 0 | 2 | 0 | changes |"),
        "{}",
        run.stdout
    );
    apply_account(&t, "prod");
    plan_all(&t, &["--detailed-exitcode"]).expect(0);
}

#[test]
fn two_directories_of_one_account_are_refused() {
    let t = organization();
    let prod = std::fs::read_to_string(t.config().join("accounts/prod/main.hcl")).unwrap();
    t.write("accounts/prod-copy/main.hcl", &prod);
    let run = plan_all(&t, &[]).expect(1);
    assert!(
        run.stdout.contains(
            "account 333333333333 is also the account of accounts/prod-copy: two configurations would undo each other's changes"
        ),
        "{}",
        run.stdout
    );
    let report = json(&plan_all(&t, &["--format", "json"]).expect(1));
    assert_eq!(
        statuses(&report),
        [
            ("accounts/dev", "changes"),
            ("accounts/prod", "error"),
            ("accounts/prod-copy", "error"),
            ("accounts/staging", "changes"),
        ]
    );
}

#[test]
fn saved_plans_per_account_apply_once_and_are_refused_when_stale() {
    let t = organization();
    let out = t.path("plans");
    let out_arg = out.display().to_string();
    let run = plan_all(&t, &["--out", &out_arg]).expect(0);
    assert!(run.stdout.contains("Saved the plan to"), "{}", run.stdout);
    for account in ["dev", "staging", "prod"] {
        assert!(
            out.join(format!("accounts/{account}.json")).is_file(),
            "{account}"
        );
    }
    let apply = |account: &str| {
        let file = out
            .join(format!("accounts/{account}.json"))
            .display()
            .to_string();
        t.run_plain(&["apply", "--auto-approve", &file])
    };
    apply("dev").expect(0);
    // Someone changes staging's account after the plan was made: its saved plan is stale.
    apply_account(&t, "staging");
    let run = apply("staging").expect(1);
    assert!(run.stderr.contains("stale"), "{}", run.stderr);
    apply("prod").expect(0);
    plan_all(&t, &["--detailed-exitcode"]).expect(0);
}

#[test]
fn a_tree_without_accounts_is_an_error() {
    let t = Test::new().file("modules/x/main.hcl", "group \"g\" {}\n");
    let run = plan_all(&t, &[]).expect(1);
    assert!(
        run.stderr.contains("no account configuration under"),
        "{}",
        run.stderr
    );
}

#[test]
fn apply_all_applies_every_saved_plan_and_a_failing_account_stops_no_other() {
    let t = organization();
    // Staging's mock refuses its second operation; dev's account changes after the plans are
    // made, so its saved plan is stale.
    let staging = std::fs::read_to_string(t.config().join("accounts/staging/main.hcl")).unwrap();
    t.write(
        "accounts/staging/main.hcl",
        &staging.replace(
            "  account_id = \"222222222222\"\n",
            "  account_id = \"222222222222\"\n  faults     = \"fail_call=2:LimitExceeded\"\n",
        ),
    );
    let plans = t.path("plans").display().to_string();
    plan_all(&t, &["--out", &plans]).expect(0);
    let refused = t.run_plain(&["apply", "--all", &plans]).expect(1);
    assert!(
        refused.stderr.contains("--auto-approve"),
        "{}",
        refused.stderr
    );
    t.write("accounts/dev/extra.hcl", "group \"late\" {}\n");
    apply_account(&t, "dev");

    let run = t
        .run_plain(&["apply", "--all", &plans, "--auto-approve", "--json"])
        .expect(1);
    let report = json(&run);
    assert_matches_schema("accounts-report.schema.json", &report);
    let by_dir = |dir: &str| {
        report["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["dir"] == dir)
            .unwrap_or_else(|| panic!("{dir} in {report}"))
            .clone()
    };
    let dev = by_dir("accounts/dev.json");
    assert_eq!(dev["status"], "error");
    assert!(
        dev["errors"][0].as_str().unwrap().contains("is stale"),
        "{dev}"
    );
    assert!(
        dev["applied"].is_null(),
        "nothing was applied in dev: {dev}"
    );
    let staging = by_dir("accounts/staging.json");
    assert_eq!(staging["status"], "error");
    assert_eq!(staging["applied"]["failed"], 1, "{staging}");
    assert!(
        staging["errors"][0]
            .as_str()
            .unwrap()
            .contains("LimitExceeded"),
        "{staging}"
    );
    let prod = by_dir("accounts/prod.json");
    assert_eq!(prod["status"], "applied");
    assert_eq!(prod["applied"]["applied"], 10, "{prod}");
    assert_eq!(report["summary"]["failed"], 2);

    // What the report says is what the accounts show: prod is done, staging is not.
    let now = json(&plan_all(&t, &["--format", "json"]).expect(0));
    assert_eq!(
        statuses(&now),
        [
            ("accounts/dev", "no_changes"),
            ("accounts/prod", "no_changes"),
            ("accounts/staging", "changes"),
        ]
    );
}

#[test]
fn apply_all_takes_each_accounts_lock_and_an_account_locked_by_another_run_is_refused() {
    let t = organization();
    let plans = t.path("plans").display().to_string();
    plan_all(&t, &["--out", &plans]).expect(0);
    // Another run holds prod's apply lock.
    let prod = t.config().join("accounts/prod/account.json");
    let lock =
        crate::cli::lease::lease_policy("alice@ci-runner-1 pid 4242", "2099-01-01T00:00:00Z");
    let account = serde_json::json!({
        "format_version": 2,
        "account_id": "333333333333",
        "account": { "policies": { "iamform-apply-lock": lock } },
    });
    std::fs::write(&prod, account.to_string()).expect("write prod's mock account");

    let run = t
        .run_plain(&[
            "apply",
            "--all",
            &plans,
            "--auto-approve",
            "--json",
            "--lock-timeout",
            "0",
        ])
        .expect(1);
    let report = json(&run);
    assert_matches_schema("accounts-report.schema.json", &report);
    let status = |dir: &str| {
        let a = (report["accounts"].as_array().unwrap().iter())
            .find(|a| a["dir"] == dir)
            .unwrap_or_else(|| panic!("{dir} in {report}"));
        (
            a["status"].as_str().unwrap().to_owned(),
            a["applied"].clone(),
        )
    };
    assert_eq!(status("accounts/dev.json").0, "applied");
    assert_eq!(status("accounts/staging.json").0, "applied");
    let (prod_status, prod_applied) = status("accounts/prod.json");
    assert_eq!(prod_status, "error");
    assert!(prod_applied.is_null(), "nothing applied in prod: {report}");
    assert_says(
        &run.stderr,
        &[
            "another apply holds the apply lock of account 333333333333",
            "alice@ci-runner-1 pid 4242",
        ],
    );
    // prod is untouched, the other run's lock left alone; the others' locks were released.
    let prod: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&prod).unwrap()).unwrap();
    assert_eq!(
        prod["account"]["policies"].as_object().unwrap().len(),
        1,
        "{prod}"
    );
    assert!(
        prod["account"]["users"]
            .as_object()
            .is_none_or(|u| u.is_empty()),
        "{prod}"
    );
    for account in ["dev", "staging"] {
        let file = t.config().join(format!("accounts/{account}/account.json"));
        let live = std::fs::read_to_string(file).unwrap();
        assert!(!live.contains("iamform-apply-lock"), "{account}: {live}");
    }
}

/// An account whose configuration misses a module input: every command fails on it, at its
/// module block.
fn add_failing_sandbox(t: &Test) {
    t.write(
        "accounts/sandbox/main.hcl",
        "backend \"mock\" {\n  path       = \"account.json\"\n  account_id = \"444444444444\"\n}\n\nmodule \"baseline\" {\n  source      = \"../../modules/baseline\"\n  environment = \"sandbox\"\n}\n",
    );
}

/// `iamform COMMAND --all ROOT ARGS...`.
fn run_all(t: &Test, command: &str, args: &[&str]) -> Run {
    let root = t.config().display().to_string();
    let mut all = vec![command, "--all", root.as_str()];
    all.extend_from_slice(args);
    t.run_plain(&all)
}

/// The summary table's rows of a text report, split into cells.
fn table(stdout: &str, accounts: usize) -> Vec<Vec<&str>> {
    stdout
        .lines()
        .skip(3)
        .take(accounts)
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// Checks each account's own report in a JSON combined report against its own schema.
#[track_caller]
fn assert_reports_match_schemas(report: &serde_json::Value, field: &str, schema: &str) {
    assert_matches_schema("accounts-report.schema.json", report);
    for a in report["accounts"].as_array().expect("accounts") {
        if a["status"] == "error" {
            assert!(a[field].is_null() && !a["errors"][0].as_str().unwrap().is_empty());
        } else {
            assert_matches_schema(schema, &a[field]);
        }
    }
}

#[test]
fn validate_all_checks_every_account_and_one_failing_account_fails_the_run() {
    let t = organization();
    add_failing_sandbox(&t);
    let run = run_all(&t, "validate", &[]).expect(1);
    assert_eq!(
        table(&run.stdout, 4),
        [
            vec!["accounts/dev", "111111111111", "7", "valid"],
            vec!["accounts/prod", "333333333333", "6", "valid"],
            vec!["accounts/sandbox", "-", "-", "error"],
            vec!["accounts/staging", "222222222222", "6", "valid"],
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("3 valid, 1 failed; 19 entities declared in all.")
            && run.stdout.contains("accounts/sandbox/main.hcl:6:1"),
        "{}",
        run.stdout
    );
    let report = json(&run_all(&t, "validate", &["--format", "json"]).expect(1));
    assert_matches_schema("accounts-report.schema.json", &report);
    assert_eq!(report["command"], "validate");
    assert_eq!(report["summary"]["entities"], 19);
    assert_eq!(report["summary"]["failed"], 1);

    t.remove("accounts/sandbox/main.hcl");
    run_all(&t, "validate", &[]).expect(0);
    // Two directories naming one account are refused without reading any account.
    let prod = std::fs::read_to_string(t.config().join("accounts/prod/main.hcl")).unwrap();
    t.write("accounts/prod-copy/main.hcl", &prod);
    let run = run_all(&t, "validate", &["--format", "markdown"]).expect(1);
    assert!(
        run.stdout
            .contains("| `accounts/prod-copy` | 333333333333 | 6 | error |")
            && run.stdout.contains("is also the account of accounts/prod"),
        "{}",
        run.stdout
    );
}

#[test]
fn drift_all_reports_each_accounts_drift_and_exits_as_drift_does() {
    let t = organization();
    add_failing_sandbox(&t);
    let report = json(&run_all(&t, "drift", &["--format", "json"]).expect(1));
    assert_reports_match_schemas(&report, "drift", "drift-report.schema.json");
    assert_eq!(
        statuses(&report),
        [
            ("accounts/dev", "drift"),
            ("accounts/prod", "drift"),
            ("accounts/sandbox", "error"),
            ("accounts/staging", "drift"),
        ]
    );
    assert_eq!(report["summary"]["drift"]["missing"], 19);

    t.remove("accounts/sandbox/main.hcl");
    run_all(&t, "drift", &[]).expect(2);
    for account in ["dev", "staging", "prod"] {
        apply_account(&t, account);
    }
    let run = run_all(&t, "drift", &[]).expect(0);
    assert!(
        run.stdout.contains("3 accounts under") && run.stdout.contains(": 0 drifted, 0 failed;"),
        "{}",
        run.stdout
    );
    // Someone deletes prod's on-call group by hand: prod drifts, the others are clean.
    let file = t.config().join("accounts/prod/account.json");
    let mut live: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let groups = live["account"]["groups"].as_object_mut().expect("groups");
    assert!(groups.remove("oncall").is_some(), "{groups:?}");
    std::fs::write(&file, serde_json::to_string(&live).unwrap()).unwrap();
    let run = run_all(&t, "drift", &["--format", "markdown"]).expect(2);
    assert!(
        run.stdout
            .contains("| `accounts/prod` | 333333333333 | 0 | 1 | 0 | drift |")
            && run
                .stdout
                .contains("| `accounts/dev` | 111111111111 | 0 | 0 | 0 | clean |")
            && run.stdout.contains("group.oncall"),
        "{}",
        run.stdout
    );
}

#[test]
fn audit_all_reports_each_accounts_findings_and_exits_as_audit_does() {
    let t = organization();
    add_failing_sandbox(&t);
    let now = ["--now", "2024-06-01T00:00:00Z"];
    let json_args = [&now[..], &["--format", "json"]].concat();
    let report = json(&run_all(&t, "audit", &json_args).expect(1));
    assert_reports_match_schemas(&report, "audit", "audit-report.schema.json");
    assert_eq!(report["summary"]["failed"], 1);
    let sarif = run_all(&t, "audit", &["--format", "sarif"]).expect(1);
    assert!(
        sarif.stderr.contains("--all prints one combined report"),
        "{}",
        sarif.stderr
    );

    t.remove("accounts/sandbox/main.hcl");
    // The mock's root user has no MFA: a finding in every account, so audit's exit 2.
    let run = run_all(&t, "audit", &now).expect(2);
    let rows = table(&run.stdout, 3);
    assert_eq!(
        rows.iter().map(|r| (r[0], r[5])).collect::<Vec<_>>(),
        [
            ("accounts/dev", "findings"),
            ("accounts/prod", "findings"),
            ("accounts/staging", "findings"),
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("critical[root-mfa-disabled]") && run.stdout.contains("0 failed;"),
        "{}",
        run.stdout
    );
}

#[test]
fn plan_all_counts_the_principals_gaining_and_losing_access() {
    let t = organization();
    apply_account(&t, "dev");
    // dev's CI roles go from PowerUserAccess to ReadOnlyAccess: both lose actions (and gain
    // the IAM reads PowerUserAccess does not give).
    let dev = std::fs::read_to_string(t.config().join("accounts/dev/main.hcl")).unwrap();
    t.write(
        "accounts/dev/main.hcl",
        &dev.replace("policy/PowerUserAccess", "policy/ReadOnlyAccess"),
    );
    let report = json(&plan_all(&t, &["--format", "json"]).expect(0));
    assert_matches_schema("accounts-report.schema.json", &report);
    let dev = &report["accounts"][0];
    assert_eq!(dev["dir"], "accounts/dev");
    let changed: Vec<&str> = dev["plan"]["access_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["principal"].as_str().unwrap())
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert_eq!(
        dev["access"],
        serde_json::json!({"principals_gaining": 2, "principals_losing": 2})
    );
    // Over every account: prod's 2 and staging's 3 new principals gain access.
    assert_eq!(
        report["summary"]["access"],
        serde_json::json!({"principals_gaining": 7, "principals_losing": 2})
    );
    let run = plan_all(&t, &[]).expect(0);
    assert!(
        run.stdout
            .contains("principals gaining access principals losing access status"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("7 principals gaining access, 2 principals losing access."),
        "{}",
        run.stdout
    );
}
