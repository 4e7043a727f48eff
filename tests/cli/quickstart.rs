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
