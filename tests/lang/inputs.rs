//! Input variables through the binary: `--var`, `--var-file` (HCL and JSON), `IAMFORM_VAR_*`,
//! their precedence, and the errors a user gets for a wrong or missing value.

use super::error_with;
use crate::harness::Test;

const CONFIG: &str = r#"
variable "environment" {
  type    = string
  default = "from-default"
}

variable "max_session" {
  type    = number
  default = 3600
}

user "u" {
  tags = { environment = var.environment, session = var.max_session }
}
"#;

/// The tag `environment` the plan would set.
fn planned_environment(t: &Test, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["plan", "--json"];
    all.extend_from_slice(args);
    let run = t.run_env(&all, env).expect(0);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON plan");
    let change = &plan["changes"][0];
    change["after"]["tags"]["environment"]
        .as_str()
        .unwrap_or_else(|| panic!("no tag in {change}"))
        .to_owned()
}

#[test]
fn precedence_is_default_then_environment_then_var_file_then_var() {
    let t = Test::new().file("main.hcl", CONFIG);
    std::fs::write(t.path("a.hcl"), "environment = \"from-file-a\"\n").unwrap();
    std::fs::write(t.path("b.json"), r#"{"environment": "from-file-b"}"#).unwrap();
    let a = t.path("a.hcl").display().to_string();
    let b = t.path("b.json").display().to_string();
    let env = [("IAMFORM_VAR_environment", "from-env")];

    assert_eq!(planned_environment(&t, &[], &[]), "from-default");
    assert_eq!(planned_environment(&t, &[], &env), "from-env");
    assert_eq!(
        planned_environment(&t, &["--var-file", &a], &env),
        "from-file-a"
    );
    // Later files win.
    assert_eq!(
        planned_environment(&t, &["--var-file", &a, "--var-file", &b], &env),
        "from-file-b"
    );
    assert_eq!(
        planned_environment(
            &t,
            &["--var-file", &a, "--var", "environment=from-flag"],
            &env
        ),
        "from-flag"
    );
}

#[test]
fn var_values_are_hcl_expressions_when_they_parse_and_strings_otherwise() {
    let t = Test::new().file(
        "main.hcl",
        r#"
variable "names" { type = list(string) }
variable "path" { type = string }
user "u" {
  for_each = toset(var.names)
  path     = var.path
}
"#,
    );
    let run = t
        .run(&[
            "plan",
            "--var",
            r#"names=["ann", "bo"]"#,
            "--var",
            "path=/x/",
        ])
        .expect(0);
    assert!(
        run.stdout.contains("# user.ann will be created"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("# user.bo will be created"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("\"/x/\""), "{}", run.stdout);
}

/// Command-line arguments, environment variables, and the origin the error must name.
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn a_value_of_the_wrong_type_names_the_variable_the_type_and_the_origin() {
    let t = Test::new().file("main.hcl", CONFIG);
    let cases: [Case; 3] = [
        (&["--var", "max_session=an hour"], &[], "--var max_session="),
        (
            &[],
            &[("IAMFORM_VAR_max_session", "[1]")],
            "IAMFORM_VAR_max_session",
        ),
        (&["--var", "environment=[1, 2]"], &[], "--var environment="),
    ];
    for (args, env, origin) in cases {
        let mut all = vec!["validate"];
        all.extend_from_slice(args);
        let run = t.run_env(&all, env).expect(1);
        let error = error_with(&run.stderr, "must be of type").unwrap_or_else(|| {
            panic!("{args:?}: {}", run.stderr);
        });
        assert!(error.contains("variable `"), "{error}");
        assert!(
            error.contains("number") || error.contains("string"),
            "{error}"
        );
        assert!(error.contains(origin), "{origin}: {error}");
        assert!(error.contains("main.hcl:"), "{error}");
    }
}

#[test]
fn values_for_undeclared_variables_are_errors_with_a_suggestion() {
    let t = Test::new().file("main.hcl", CONFIG);
    let run = t.run(&["plan", "--var", "enviroment=prod"]).expect(1);
    let error = error_with(&run.stderr, "undeclared variable `enviroment`").expect("error");
    assert!(error.contains("did you mean `environment`?"), "{error}");
    // The environment is shared with other tools: unknown IAMFORM_VAR_ names are ignored.
    t.run_env(&["validate"], &[("IAMFORM_VAR_other", "1")])
        .expect(0);
}

#[test]
fn a_variable_without_a_value_says_how_to_give_one() {
    let t = Test::new().file("main.hcl", "variable \"team\" {}\n");
    let run = t.run(&["validate"]).expect(1);
    let error = error_with(&run.stderr, "variable `team` has no value").expect("error");
    assert!(error.contains("main.hcl:1:1"), "{error}");
    assert!(error.contains("--var team="), "{error}");
    t.run(&["validate", "--var", "team=web"]).expect(0);
}

#[test]
fn bad_var_flags_and_files_are_reported() {
    let t = Test::new().file("main.hcl", CONFIG);
    let run = t.run(&["validate", "--var", "environment"]).expect(1);
    assert!(run.stderr.contains("is not NAME=VALUE"), "{}", run.stderr);
    let missing = t.path("missing.hcl").display().to_string();
    let run = t.run(&["validate", "--var-file", &missing]).expect(1);
    assert!(
        run.stderr.contains("cannot read the var file"),
        "{}",
        run.stderr
    );
    std::fs::write(t.path("bad.hcl"), "environment = \n").unwrap();
    let bad = t.path("bad.hcl").display().to_string();
    let run = t.run(&["validate", "--var-file", &bad]).expect(1);
    assert!(run.stderr.contains("bad.hcl:1:"), "{}", run.stderr);
}

#[test]
fn inputs_reach_apply_and_drift() {
    let t = Test::new().file("main.hcl", CONFIG);
    t.run(&["apply", "--auto-approve", "--var", "environment=prod"])
        .expect(0);
    assert_eq!(
        t.live()["account"]["users"]["u"]["tags"]["environment"],
        "prod"
    );
    t.run(&["drift", "--var", "environment=prod"]).expect(0);
    t.run(&["drift"]).expect(2);
}
