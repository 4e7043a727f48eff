//! A closed stdout (`iamform plan | head -1`, `plan --json | jq` that stops reading) ends iamform
//! quietly, never with a panic (defect 19.1: exit 101 and a backtrace once the output exceeded the
//! pipe buffer); during apply it starts no operation more and reports on stderr (23.8).

use crate::harness::{closed_stdout, Run, Test};

#[track_caller]
fn quiet(run: &Run, code: i32, what: &str) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "{what}: a closed stdout must not panic:\n{}",
        run.stderr
    );
    assert_eq!(run.code, code, "{what}: exit code\n{}", run.stderr);
    assert!(
        !run.stderr.contains("Broken pipe"),
        "{what}: nothing to say about it\n{}",
        run.stderr
    );
}

#[test]
fn every_printing_command_ends_quietly_when_stdout_is_closed() {
    let t = Test::new().example("quickstart");
    for (args, code) in [
        (&["plan"][..], 0),
        (&["plan", "--json"], 0),
        (&["plan", "--detailed-exitcode"], 2),
        (&["drift"], 2),
        (&["drift", "--format", "json"], 2),
        (&["drift", "--format", "markdown"], 2),
        (&["validate"], 0),
        (&["lint"], 0),
        (&["lint", "--format", "json"], 0),
        (&["lint", "--format", "sarif"], 0),
        (
            &[
                "can",
                "--principal",
                "user.sally",
                "--action",
                "s3:GetObject",
                "--resource",
                "*",
            ],
            0,
        ),
        (
            &[
                "can",
                "--principal",
                "user.sally",
                "--action",
                "s3:GetObject",
                "--resource",
                "*",
                "--json",
            ],
            0,
        ),
        (
            &["who-can", "--action", "s3:GetObject", "--resource", "*"],
            0,
        ),
        (&["audit"], 2),
        (&["audit", "--format", "json"], 2),
        (&["audit", "--format", "markdown"], 2),
        (&["audit", "--format", "sarif"], 2),
    ] {
        let run = t.run_closed_stdout(args);
        quiet(&run, code, &args.join(" "));
    }
    let saved = t.path("plan.json");
    t.run(&["plan", "--out", saved.to_str().unwrap()]).expect(0);
    for format in ["text", "json", "markdown"] {
        let args = ["show", saved.to_str().unwrap(), "--format", format].map(str::to_owned);
        quiet(&closed_stdout(&args), 0, &format!("show --format {format}"));
    }
    quiet(&closed_stdout(&["--help".to_owned()]), 0, "--help");
    let import = [
        "import",
        "--out",
        t.path("imported").to_str().unwrap(),
        "--backend",
        &format!("mock:{}", t.account().display()),
    ]
    .map(str::to_owned);
    quiet(&closed_stdout(&import), 0, "import");
}

#[test]
fn apply_with_a_closed_stdout_starts_nothing_and_reports_on_stderr() {
    let t = Test::new().example("quickstart");
    let run = t.run_closed_stdout(&["apply", "--auto-approve"]);
    quiet(&run, 1, "apply");
    assert!(
        run.stderr.contains("stdout was closed"),
        "says why it stopped:\n{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Apply interrupted: 0 applied, 0 failed, 0 skipped"),
        "the report is on stderr:\n{}",
        run.stderr
    );
    assert!(!t.account().exists(), "nothing was applied");
    // The account converges as soon as someone reads the output.
    t.apply();
    t.assert_converged();
}
