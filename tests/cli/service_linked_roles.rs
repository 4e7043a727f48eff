//! Service-linked roles on the mock: created with the name AWS gives them, an existing one
//! adopted, the description updated in place, deleted only when a scope lists the kind (and
//! AWS's refusal reported when resources still use the role), AWS-reserved ones never.

use crate::harness::{assert_matches_schema, json, Test};

const LINKED: &str = r#"
service_linked_role "autoscaling.amazonaws.com" {
  custom_suffix = "ci"
  description   = "Auto Scaling for the CI fleet"
}

service_linked_role "ecs.amazonaws.com" {}
"#;

const OWN_LINKED_ROLES: &str = r#"
settings {
  scope {
    paths = ["/"]
    kinds = ["user", "group", "role", "policy", "instance_profile", "service_linked_role"]
  }
}
"#;

fn roles(t: &Test) -> Vec<String> {
    t.live_names("roles")
}

#[test]
fn created_adopted_described_and_deleted_only_when_owned() {
    let t = Test::new().file("main.hcl", LINKED);
    let plan = t.run(&["plan", "--json"]).expect(0);
    assert_matches_schema("plan.schema.json", &json(&plan));
    t.apply();
    assert_eq!(
        roles(&t),
        ["AWSServiceRoleForAutoScaling_ci", "AWSServiceRoleForECS"]
    );
    let live = t.live();
    let role = &live["account"]["roles"]["AWSServiceRoleForAutoScaling_ci"];
    assert_eq!(role["path"], "/aws-service-role/autoscaling.amazonaws.com/");
    assert_eq!(role["description"], "Auto Scaling for the CI fleet");
    t.assert_converged();

    // Declared by another configuration: the existing role is adopted, nothing is created.
    let other = Test::new().file("main.hcl", LINKED);
    std::fs::copy(t.account(), other.account()).unwrap();
    other.assert_converged();

    t.write("main.hcl", &LINKED.replace("for the CI fleet", "for CI"));
    let run = t.apply();
    assert!(run.stderr.contains("UpdateRole"), "{}", run.stderr);
    t.assert_converged();

    // Undeclared without a scope listing the kind: left alone, even under a scope of paths.
    t.write("main.hcl", "user \"keeper\" {}\n");
    t.write(
        "scope.hcl",
        "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\n",
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stdout
            .contains("(left alone): 2 service-linked roles."),
        "{}",
        plan.stdout
    );
    t.apply();
    t.assert_converged();
    assert_eq!(roles(&t).len(), 2);

    // Resources still use the ECS role: AWS refuses, and says which.
    t.edit_live(|live| {
        live["service_linked_roles_in_use"]["AWSServiceRoleForECS"] =
            serde_json::json!(["arn:aws:ecs:eu-west-1:123456789012:cluster/web"]);
    });
    t.write("scope.hcl", OWN_LINKED_ROLES);
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 2 to destroy."),
        "{}",
        plan.stdout
    );
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    let out = format!("{}{}", run.stdout, run.stderr);
    assert!(out.contains("cluster/web"), "{out}");
    assert_eq!(roles(&t), ["AWSServiceRoleForECS"]);
    t.edit_live(|live| {
        live.as_object_mut()
            .unwrap()
            .remove("service_linked_roles_in_use");
    });
    t.apply();
    assert!(roles(&t).is_empty());
    t.assert_converged();
}

#[test]
fn reserved_service_linked_roles_are_never_deleted() {
    let t = Test::new().file(
        "main.hcl",
        "service_linked_role \"support.amazonaws.com\" {}\n",
    );
    t.apply();
    assert_eq!(roles(&t), ["AWSServiceRoleForSupport"]);
    t.write("main.hcl", "user \"keeper\" {}\n");
    t.write("scope.hcl", OWN_LINKED_ROLES);
    t.apply();
    t.assert_converged();
    assert_eq!(roles(&t), ["AWSServiceRoleForSupport"]);
}
