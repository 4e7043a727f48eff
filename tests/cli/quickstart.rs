//! examples/quickstart on an empty mock account: everything is created, and then nothing is left.

use crate::harness::{assert_matches_schema, Test};

#[test]
fn quickstart_applies_on_an_empty_account_and_then_plans_no_changes() {
    let t = Test::new().example("quickstart");

    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 14 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        !t.account().exists(),
        "plan must not create the account file"
    );

    let apply = t.apply();
    assert!(apply.stdout.contains("Apply complete:"), "{}", apply.stdout);

    assert_eq!(
        t.live_names("users"),
        ["jane", "john", "maria", "mary", "sally"]
    );
    assert_eq!(
        t.live_names("groups"),
        [
            "accountants",
            "devops",
            "mobile_developers",
            "web_developers"
        ]
    );
    assert_eq!(t.live_names("policies"), ["billing_read", "mobile_backend"]);
    assert_eq!(t.live_names("roles"), ["web_app"]);
    assert_eq!(t.live_names("instance_profiles"), ["web_app"]);
    let live = t.live();
    assert_eq!(
        live["account"]["instance_profiles"]["web_app"]["roles"][0],
        "web_app"
    );
    assert_eq!(live["account"]["users"]["mary"]["groups"][0], "accountants");
    assert_eq!(
        live["account"]["groups"]["accountants"]["policies"][0],
        "arn:aws:iam::123456789012:policy/billing_read"
    );
    assert_eq!(live["account"]["password_policy"]["minimum_length"], 14);
    assert_matches_schema("mock-account.schema.json", &live);

    t.assert_converged();
}

/// A new user runs examples/quickstart/run.sh on a fresh machine: the first build takes minutes, so
/// the script says so before it starts and lets cargo show its progress (no `--quiet`). A `cargo`
/// on PATH that records its arguments and stops the script stands in for the real one.
#[test]
fn the_quickstart_script_says_the_first_build_is_slow_and_shows_cargos_progress() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().expect("a temporary directory");
    let args = bin.path().join("args");
    let cargo = bin.path().join("cargo");
    std::fs::write(
        &cargo,
        format!(
            "#!/bin/sh\necho \"$@\" > '{}'\necho CARGO-RAN\nexit 3\n",
            args.display()
        ),
    )
    .expect("write the stand-in cargo");
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = std::process::Command::new("bash")
        .arg(crate::harness::repo().join("examples/quickstart/run.sh"))
        .env("PATH", path)
        .output()
        .expect("run the quickstart script");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(3),
        "the script stops where cargo fails: {stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(&args)
            .expect("cargo was called")
            .trim(),
        "build",
        "cargo build without --quiet, so that its progress shows"
    );
    let notice = stdout
        .find("the first build takes a few minutes")
        .unwrap_or_else(|| panic!("no notice about the first build: {stdout}"));
    assert!(
        notice < stdout.find("CARGO-RAN").expect("cargo ran"),
        "the notice comes before the build: {stdout}"
    );
}
