//! `for_each` at scale and the expressions that go with it, planned and applied on a mock account.

use crate::harness::Test;

/// 200 users from one block (a map built by a `for` expression with a conditional), each in the
/// group its value names, with a templated tag.
const TWO_HUNDRED: &str = r#"
locals {
  # user name => team, alternating
  developers = { for i in range(200) : "dev-${i}" => i % 2 == 0 ? "even" : "odd" }
}

group "team" {
  for_each = { even = "/even/", odd = "/odd/" }
  path     = each.value
}

user "dev" {
  for_each = local.developers
  path     = "/developers/"
  groups   = [group.team[each.value].name]
  tags     = { email = "${each.key}@example.com" }
}
"#;

#[test]
fn two_hundred_users_from_for_each_apply_and_then_plan_no_changes() {
    let t = Test::new().file("main.hcl", TWO_HUNDRED);
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(
        plan.stdout
            .contains("Plan: 202 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    // Plans keep IAM addresses, not block labels.
    assert!(plan.stdout.contains("# user.dev-7 will be created"));
    t.apply();
    let users = t.live_names("users");
    assert_eq!(users.len(), 200);
    let live = t.live();
    assert_eq!(live["account"]["users"]["dev-7"]["groups"][0], "odd");
    assert_eq!(live["account"]["users"]["dev-8"]["groups"][0], "even");
    assert_eq!(live["account"]["users"]["dev-199"]["path"], "/developers/");
    t.assert_converged();
}
