//! What a configuration owns: with a scope, undeclared entities inside it are deleted — in an order
//! IAM accepts; without one, nothing undeclared is touched and the plan counts what it left alone.

use crate::harness::Test;

const KEEPER: &str = r#"
user "keeper" {}
"#;

/// Entities that depend on each other in every way IAM refuses to orphan.
const ENTANGLED: &str = r#"
policy "shared" {
  statement {
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}

group "web" {
  policies = [policy.shared.arn, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
}

group "ops" {
  policies = [policy.shared.arn]
}

user "john" {
  groups = [group.web.name, group.ops.name]
  inline_policy "own" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::john/*"]
    }
  }
}

role "app" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
  inline_policy "data" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::data/*"]
    }
  }
  instance_profile = true
}
"#;

const SCOPE_ALL: &str = r#"
settings {
  scope {
    paths = ["/"]
  }
}
"#;

#[test]
fn removing_entangled_entities_in_scope_deletes_them_all_without_delete_conflict() {
    let t = Test::new()
        .file("scope.hcl", SCOPE_ALL)
        .file("keeper.hcl", KEEPER)
        .file("entangled.hcl", ENTANGLED);
    t.apply();
    assert_eq!(t.live_names("users"), ["john", "keeper"]);

    t.remove("entangled.hcl");
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 6 to destroy."),
        "{}",
        plan.stdout
    );
    // Six of the seven owned entities: over the default blast-radius limit, so said explicitly.
    let apply = t
        .run(&[
            "apply",
            "--auto-approve",
            "--parallelism",
            "10",
            "--max-destroy",
            "6",
        ])
        .expect(0);
    assert!(!apply.stdout.contains("DeleteConflict"), "{}", apply.stdout);
    assert!(!apply.stderr.contains("DeleteConflict"), "{}", apply.stderr);

    assert_eq!(t.live_names("users"), ["keeper"]);
    for kind in ["groups", "roles", "policies", "instance_profiles"] {
        assert!(
            t.live_names(kind).is_empty(),
            "{kind} left: {:?}",
            t.live_names(kind)
        );
    }
    t.assert_converged();
}

#[test]
fn without_a_scope_nothing_undeclared_is_deleted_and_the_plan_counts_it() {
    let t = Test::new()
        .file("keeper.hcl", KEEPER)
        .file("entangled.hcl", ENTANGLED);
    t.apply();
    t.remove("entangled.hcl");

    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(0);
    assert!(plan.stdout.contains("No changes."), "{}", plan.stdout);
    assert!(
        plan.stdout.contains(
            "Not managed by this configuration (left alone): 1 user, 2 groups, 1 role, 1 policy, 1 instance profile."
        ),
        "{}",
        plan.stdout
    );
    t.run(&["apply", "--auto-approve"]).expect(0);
    assert_eq!(t.live_names("users"), ["john", "keeper"]);
    assert_eq!(t.live_names("groups"), ["ops", "web"]);
    assert_eq!(t.live_names("roles"), ["app"]);
}

#[test]
fn a_scope_path_limits_what_is_deleted() {
    let t = Test::new().file(
        "main.hcl",
        r#"
user "alice" { path = "/team-a/" }
user "bob"   { path = "/team-b/" }
"#,
    );
    t.apply();
    t.write(
        "main.hcl",
        r#"
settings {
  scope {
    paths = ["/team-a/"]
  }
}
"#,
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(plan.stdout.contains("user \"alice\""), "{}", plan.stdout);
    assert!(!plan.stdout.contains("user \"bob\""), "{}", plan.stdout);
    t.apply();
    assert_eq!(t.live_names("users"), ["bob"]);
}

#[test]
fn destroying_a_policy_held_outside_the_scope_warns_and_names_each_entity_it_changes() {
    let t = Test::new().file("main.hcl", SHARED_BY_TWO_TEAMS);
    t.apply();
    // Keeping the policy declared in team-a's scoped configuration leaves bob (team-b) alone.
    t.write(
        "main.hcl",
        &format!("{TEAM_A_SCOPE}{TEAM_A_POLICY}user \"alice\" {{ path = \"/team-a/\" }}\n"),
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(!plan.stderr.contains("warning"), "{}", plan.stderr);

    // Without it, destroying the policy must detach it from bob and remove his boundary.
    t.write(
        "main.hcl",
        &format!("{TEAM_A_SCOPE}user \"alice\" {{ path = \"/team-a/\" }}\n"),
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stderr.contains(
            "warning: 2 operations of this plan change entities the configuration does not manage"
        ),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr.contains(
            "  DetachUserPolicy user.bob arn:aws:iam::123456789012:policy/team-a/shared\n"
        ),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stderr
            .contains("  DeleteUserPermissionsBoundary user.bob\n"),
        "{}",
        plan.stderr
    );
    // alice is declared and changes herself: her detachment is in the plan, not a surprise.
    assert!(!plan.stderr.contains("user.alice"), "{}", plan.stderr);

    let apply = t.run(&["apply", "--auto-approve"]).expect(0);
    assert!(
        apply.stderr.contains("  DetachUserPolicy user.bob"),
        "{}",
        apply.stderr
    );
    let bob = &t.live()["account"]["users"]["bob"];
    assert!(bob.is_object(), "bob is still there");
    assert!(bob["permissions_boundary"].is_null(), "{bob}");
    assert_eq!(bob, &serde_json::json!({"name": "bob", "path": "/team-b/"}));
}

const TEAM_A_SCOPE: &str = "settings {\n  scope {\n    paths = [\"/team-a/\"]\n  }\n}\n";

const TEAM_A_POLICY: &str = r#"
policy "shared" {
  path = "/team-a/"
  statement {
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}
"#;

const SHARED_BY_TWO_TEAMS: &str = r#"
policy "shared" {
  path = "/team-a/"
  statement {
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}
user "alice" {
  path     = "/team-a/"
  policies = [policy.shared.arn]
}
user "bob" {
  path                 = "/team-b/"
  policies             = [policy.shared.arn]
  permissions_boundary = policy.shared.arn
}
"#;

#[test]
fn scope_slash_never_deletes_the_roles_organizations_and_stacksets_create() {
    let t = Test::new().file("keeper.hcl", KEEPER);
    t.apply();
    t.edit_live(|live| {
        let role = serde_json::json!({
            "name": "",
            "path": "/",
            "max_session_duration": 3600,
            "assume_role_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"}]},
        });
        for name in ["OrganizationAccountAccessRole", "stacksets-exec-5a1b2c", "stray"] {
            let mut r = role.clone();
            r["name"] = name.into();
            live["account"]["roles"][name] = r;
        }
    });
    t.write("scope.hcl", SCOPE_ALL);
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stdout.contains("role.stray will be destroyed"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("OrganizationAccountAccessRole will"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("stacksets-exec-5a1b2c will"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("left alone): 2 roles"),
        "{}",
        plan.stdout
    );
    t.apply();
    assert_eq!(
        t.live_names("roles"),
        ["OrganizationAccountAccessRole", "stacksets-exec-5a1b2c"]
    );
}
