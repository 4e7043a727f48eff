//! The language examples: each validates, applies on a temporary mock account, and then plans no
//! changes; what each demonstrates is checked too.

use super::error_with;
use crate::harness::Test;

const EXAMPLES: [&str; 7] = [
    "variables-and-for-each",
    "account-id",
    "lifecycle",
    "json-policies",
    "multi-file",
    "access",
    "audit",
];

#[test]
fn every_language_example_validates_applies_and_converges() {
    for name in EXAMPLES {
        let t = Test::new().example(name);
        t.run(&["validate"]).expect(0);
        let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
        assert!(plan.stdout.contains("to add"), "{name}: {}", plan.stdout);
        t.apply();
        t.assert_converged();
    }
}

#[test]
fn variables_example_takes_another_environment_from_its_var_file() {
    let t = Test::new().example("variables-and-for-each");
    t.apply();
    assert_eq!(t.live_names("users"), ["john", "maria"]);
    let file = t.config().join("vars/prod.hcl").display().to_string();
    let run = t
        .run(&["apply", "--auto-approve", "--var-file", &file])
        .expect(0);
    assert!(run.stdout.contains("Apply complete"), "{}", run.stdout);
    assert_eq!(t.live_names("users"), ["ana", "john", "maria"]);
    let live = t.live();
    assert_eq!(live["account"]["users"]["ana"]["tags"]["on_call"], "yes");
    assert_eq!(live["account"]["users"]["ana"]["groups"][0], "web");
    let policy = &live["account"]["policies"]["read_own_user"];
    let text = policy.to_string();
    assert!(text.contains("user/ana"), "{text}");
    let run = t.run(&["plan", "--var", "environment=qa"]).expect(1);
    assert!(
        error_with(&run.stderr, "environment must be dev, staging or prod").is_some(),
        "{}",
        run.stderr
    );
}

#[test]
fn lifecycle_example_refuses_to_replace_a_protected_role() {
    let t = Test::new().example("lifecycle");
    t.apply();
    let main = t.config().join("main.hcl");
    let text = std::fs::read_to_string(&main).unwrap();
    t.write("main.hcl", &text.replace("\"/emergency/\"", "\"/sos/\""));
    let before = t.live();
    for cmd in [&["plan"][..], &["apply", "--auto-approve"]] {
        let run = t.run(cmd).expect(1);
        let error = error_with(
            &run.stderr,
            "would replace role.break_glass, which has lifecycle { prevent_destroy = true }",
        )
        .unwrap_or_else(|| panic!("{}", run.stderr));
        assert!(error.contains("main.hcl:27:5"), "{error}");
        assert!(error.contains("declared at"), "{error}");
        assert!(error.contains("remove prevent_destroy"), "{error}");
    }
    assert_eq!(t.live(), before, "nothing changed in the account");

    // Without the flag the replacement is planned.
    let text = std::fs::read_to_string(&main).unwrap();
    let unprotected = text.replacen(
        "\n    prevent_destroy = true",
        "\n    prevent_destroy = false",
        1,
    );
    t.write("main.hcl", &unprotected);
    let run = t.run(&["plan"]).expect(0);
    assert!(run.stdout.contains("must be replaced"), "{}", run.stdout);
}

#[test]
fn lifecycle_protects_against_deletion_by_scope() {
    // With a scope, an entity that exists live but is not declared is deleted; a protected one that
    // is declared under another path is replaced, which the flag refuses.
    let t = Test::new().file(
        "main.hcl",
        r#"
settings {
  scope {
    paths = ["/"]
  }
}
policy "audit" {
  statement {
    actions   = ["iam:List*"]
    resources = ["*"]
  }
  lifecycle {
    prevent_destroy = true
  }
}
"#,
    );
    t.apply();
    t.edit_live(|live| {
        live["account"]["policies"]["audit"]["path"] = "/old/".into();
    });
    let run = t.run(&["plan"]).expect(1);
    assert!(run.stderr.contains("policy.audit"), "{}", run.stderr);
}

#[test]
fn account_id_example_uses_the_backends_account() {
    let t = Test::new().example("account-id");
    let plan = t.run(&["plan", "--json"]).expect(0);
    assert!(
        plan.stdout
            .contains("arn:aws:s3:::logs-210987654321/deploy/*"),
        "{}",
        plan.stdout
    );
    assert!(plan
        .stdout
        .contains("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"));
}
