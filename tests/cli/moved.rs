//! `moved` blocks: in-place renames of users and groups on the mock account, what the live
//! account decides (already done, nothing to rename, both exist), and every configuration error.

use crate::harness::{assert_matches_schema, json, repo, Test};

fn example(path: &str) -> String {
    std::fs::read_to_string(repo().join("examples/moved").join(path)).expect("example file")
}

/// Applies, expecting the user `from` renamed in place to `to`, the only user left.
#[track_caller]
fn apply_renaming_user(t: &Test, from: &str, to: &str) {
    let run = t.apply();
    let done = format!("UpdateUser user.{from} new name {to}: done");
    assert!(run.stderr.contains(&done), "{}", run.stderr);
    assert_eq!(t.live_names("users"), [to]);
}

/// The example's account before the renames, applied.
fn applied_before() -> Test {
    let t = Test::new().file("main.hcl", &example("before/main.hcl"));
    t.apply();
    t
}

#[test]
fn the_example_renames_in_place_keeps_memberships_and_ids_and_then_converges() {
    let t = applied_before();
    let ids_before = t.live()["unique_ids"].clone();
    t.write("main.hcl", &example("main.hcl"));

    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    let out = &plan.stdout;
    assert!(
        out.contains("# user.john.doe will be renamed in place from user.jdoe"),
        "{out}"
    );
    assert!(out.contains("~ name = \"jdoe\" -> \"john.doe\""), "{out}");
    assert!(
        out.contains("# group.developers will be renamed in place from group.devs"),
        "{out}"
    );
    assert!(
        out.contains("Plan: 0 to add, 2 to change, 0 to destroy. (2 IAM operations)"),
        "{out}"
    );

    let doc = json(&t.run(&["plan", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &doc);
    let ops: Vec<&str> = doc["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|o| o["operation"]["op"].as_str().expect("op"))
        .collect();
    assert_eq!(ops.len(), 2, "{ops:?}");
    assert!(
        ops.contains(&"RenameUser") && ops.contains(&"RenameGroup"),
        "{ops:?}"
    );
    let user_change = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["address"] == "user.john.doe")
        .expect("a change of user.john.doe");
    assert_eq!(user_change["action"], "update");
    assert_eq!(user_change["moved_from"], "user.jdoe");

    let saved = t.path("plan.json");
    let saved = saved.to_str().expect("utf-8");
    t.run(&["plan", "--out", saved]).expect(0);
    let md = t
        .run_plain(&["show", saved, "--format", "markdown"])
        .expect(0);
    assert!(
        md.stdout.contains("rename in place from user.jdoe"),
        "{}",
        md.stdout
    );

    apply_renaming_user(&t, "jdoe", "john.doe");
    assert_eq!(t.live_names("groups"), ["developers", "oncall"]);
    let live = t.live();
    let user = &live["account"]["users"]["john.doe"];
    assert_eq!(user["groups"], serde_json::json!(["developers", "oncall"]));
    assert_eq!(
        user["policies"],
        serde_json::json!(["arn:aws:iam::123456789012:policy/deploy"])
    );
    // Renamed, not re-created: the same unique ids under the new names.
    assert_eq!(
        live["unique_ids"]["users"]["john.doe"],
        ids_before["users"]["jdoe"]
    );
    assert_eq!(
        live["unique_ids"]["groups"]["developers"],
        ids_before["groups"]["devs"]
    );
    // The moved blocks stay: already done, they plan nothing.
    t.assert_converged();
}

#[test]
fn a_rename_with_other_changes_renames_first_and_changes_the_rest_on_the_new_name() {
    let t = Test::new().file(
        "main.hcl",
        "group \"ops\" {}\ngroup \"web\" {}\nuser \"old\" { groups = [group.ops.name] }\n",
    );
    t.apply();
    t.write(
        "main.hcl",
        r#"
group "ops" {}
group "web" {}
user "new" {
  path   = "/staff/"
  groups = [group.web.name]
  tags   = { team = "web" }
}
moved {
  from = user.old
  to   = user.new
}
"#,
    );
    let doc = json(&t.run(&["plan", "--json"]).expect(0));
    let ops = doc["operations"].as_array().expect("operations");
    let rename = ops
        .iter()
        .find(|o| o["operation"]["op"] == "RenameUser")
        .expect("a rename");
    let rename_id = &rename["id"];
    for o in ops {
        let op = o["operation"]["op"].as_str().expect("op");
        assert!(
            !matches!(op, "CreateUser" | "DeleteUser"),
            "no delete and create: {ops:#?}"
        );
        if op != "RenameUser" {
            assert_eq!(o["address"], "user.new", "{ops:#?}");
            assert!(
                o["depends_on"]
                    .as_array()
                    .expect("depends_on")
                    .contains(rename_id),
                "{op} must run after the rename: {ops:#?}"
            );
        }
    }
    t.apply();
    let live = t.live();
    let user = &live["account"]["users"]["new"];
    assert_eq!(user["path"], "/staff/");
    assert_eq!(user["groups"], serde_json::json!(["web"]));
    t.assert_converged();
}

#[test]
fn when_neither_name_exists_the_entity_is_created_with_a_warning() {
    let t = Test::new().file(
        "main.hcl",
        "user \"new\" {}\nmoved {\n  from = user.old\n  to   = user.new\n}\n",
    );
    let run = t.run(&["plan"]).expect(0);
    assert!(
        run.stdout.contains("# user.new will be created"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("will be renamed"), "{}", run.stdout);
    assert!(
        run.stdout.contains(
            "Warning: this moved block renames nothing: the account has no user named `old`"
        ),
        "{}",
        run.stdout
    );
    t.apply();
    assert_eq!(t.live_names("users"), ["new"]);
    t.assert_converged();
}

#[test]
fn when_both_names_exist_the_plan_fails_at_the_moved_block_and_changes_nothing() {
    let t = Test::new().file("main.hcl", "user \"old\" {}\nuser \"new\" {}\n");
    t.apply();
    let before = t.live();
    t.write(
        "main.hcl",
        "user \"new\" {}\n\nmoved {\n  from = user.old\n  to   = user.new\n}\n",
    );
    for args in [&["plan"][..], &["apply", "--auto-approve"][..]] {
        let run = t.run(args).expect(1);
        assert!(
            run.stderr
                .contains("cannot rename user.old to user.new: both exist in the account"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("main.hcl:3:1"), "{}", run.stderr);
    }
    assert_eq!(t.live(), before);
}

/// Each bad moved block: the message, the location and exit 1 from `validate` (offline).
#[test]
fn bad_moved_blocks_are_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "role \"new\" {\n  assume_role_policy {\n    statement {\n      actions = [\"sts:AssumeRole\"]\n      principals {\n        service = [\"ec2.amazonaws.com\"]\n      }\n    }\n  }\n}\nmoved {\n  from = role.old\n  to   = role.new\n}\n",
            "AWS cannot rename a role",
            "main.hcl:11:1",
        ),
        (
            "policy \"new\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n  }\n}\nmoved {\n  from = policy.old\n  to   = policy.new\n}\n",
            "AWS cannot rename a policy",
            "main.hcl:7:1",
        ),
        (
            "group \"new\" {}\nmoved {\n  from = user.old\n  to   = group.new\n}\n",
            "`from` is a user but `to` is a group",
            "main.hcl:4:3",
        ),
        (
            "user \"neww\" {}\nmoved {\n  from = user.old\n  to   = user.new\n}\n",
            "user.new is not declared",
            "main.hcl:4:3",
        ),
        (
            "user \"old\" {}\nuser \"new\" {}\nmoved {\n  from = user.old\n  to   = user.new\n}\n",
            "user.old is still declared",
            "main.hcl:4:3",
        ),
        (
            "user \"c\" {}\nmoved {\n  from = user.a\n  to   = user.b\n}\nmoved {\n  from = user.b\n  to   = user.c\n}\n",
            "moved blocks chain: user.a -> user.b -> user.c",
            "main.hcl:4:3",
        ),
        (
            "user \"b\" {}\nuser \"c\" {}\nmoved {\n  from = user.a\n  to   = user.b\n}\nmoved {\n  from = user.a\n  to   = user.c\n}\n",
            "user.a is moved twice",
            "main.hcl:8:3",
        ),
        (
            "user \"b\" {}\nmoved {\n  from = user.a\n  to   = user.b\n}\nmoved {\n  from = user.x\n  to   = user.b\n}\n",
            "two moved blocks rename to user.b",
            "main.hcl:8:3",
        ),
        (
            "user \"b\" {}\nmoved {\n  from = \"user.a\"\n  to   = user.b\n}\n",
            "`from` must be an entity address",
            "main.hcl:3:3",
        ),
        (
            "user \"b\" {}\nmoved {\n  from = user.a.arn\n  to   = user.b\n}\n",
            "`from` must be an entity address",
            "main.hcl:3:3",
        ),
        (
            "user \"b\" {}\nmoved {\n  to = user.b\n}\n",
            "this moved block has no `from`",
            "main.hcl:2:1",
        ),
        (
            "user \"b\" {}\nmoved {\n  from = usr.a\n  to   = user.b\n}\n",
            "`usr` is not an entity kind",
            "main.hcl:3:3",
        ),
        (
            "user \"web\" {\n  for_each = toset([\"a\"])\n}\nmoved {\n  from = user.a\n  to   = user.web\n}\n",
            "user.web is a for_each block",
            "main.hcl:6:3",
        ),
        (
            "user \"b\" {}\nmoved {\n  from = user.a\n  to   = user.b\n  by   = \"me\"\n}\n",
            "unknown attribute `by`",
            "main.hcl:5:3",
        ),
    ];
    for (config, message, location) in cases {
        let t = Test::new().file("main.hcl", config);
        let run = t.run_plain(&["validate", t.config().to_str().expect("utf-8")]);
        assert_eq!(run.code, 1, "{config}\n{}{}", run.stdout, run.stderr);
        assert!(
            run.stderr.contains(message),
            "{config}\nwant {message}\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(location),
            "{config}\nwant {location}\n{}",
            run.stderr
        );
        assert!(!t.account().exists());
    }
}

#[test]
fn a_trust_policy_naming_the_renamed_user_is_updated_after_the_rename() {
    let role = |user: &str| {
        format!(
            r#"
role "deploy" {{
  assume_role_policy {{
    statement {{
      actions = ["sts:AssumeRole"]
      principals {{
        aws = [user.{user}.arn]
      }}
    }}
  }}
}}
"#
        )
    };
    let t = Test::new().file("main.hcl", &format!("user \"ci\" {{}}\n{}", role("ci")));
    t.apply();
    t.write(
        "main.hcl",
        &format!(
            "user \"ci_bot\" {{}}\n{}\nmoved {{\n  from = user.ci\n  to   = user.ci_bot\n}}\n",
            role("ci_bot")
        ),
    );
    let doc = json(&t.run(&["plan", "--json"]).expect(0));
    let ops = doc["operations"].as_array().expect("operations");
    let id_of = |op: &str| {
        ops.iter()
            .find(|o| o["operation"]["op"] == op)
            .unwrap_or_else(|| panic!("no {op} in {ops:#?}"))["id"]
            .clone()
    };
    let trust = ops
        .iter()
        .find(|o| o["operation"]["op"] == "UpdateAssumeRolePolicy")
        .expect("the trust policy names the new ARN");
    assert!(
        trust["depends_on"]
            .as_array()
            .expect("depends_on")
            .contains(&id_of("RenameUser")),
        "{ops:#?}"
    );
    t.apply();
    assert_eq!(t.live_names("users"), ["ci_bot"]);
    t.assert_converged();
}

/// Regression: a name whose case alone changed (`Bob` -> `bob`) planned "No changes".
#[test]
fn a_case_only_rename_renames_users_and_groups_in_place_and_replaces_roles() {
    let config = |user: &str, group: &str, role: &str| {
        format!(
            r#"
user "{user}" {{
  groups = [group.{group}.name]
}}
group "{group}" {{}}
role "{role}" {{
  assume_role_policy {{
    statement {{
      actions = ["sts:AssumeRole"]
      principals {{ service = ["ec2.amazonaws.com"] }}
    }}
  }}
}}
"#
        )
    };
    let t = Test::new().file("main.hcl", &config("Bob", "Devs", "App"));
    t.apply();
    let ids_before = t.live()["unique_ids"].clone();
    t.write("main.hcl", &config("bob", "devs", "app"));

    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    let out = &plan.stdout;
    assert!(
        out.contains("# user.bob will be renamed in place from user.Bob"),
        "{out}"
    );
    assert!(
        out.contains("# group.devs will be renamed in place from group.Devs"),
        "{out}"
    );
    assert!(out.contains("# role.app must be replaced"), "{out}");
    assert!(out.contains("only its case"), "{out}");

    t.apply();
    assert_eq!(t.live_names("users"), ["bob"]);
    assert_eq!(t.live_names("groups"), ["devs"]);
    assert_eq!(t.live_names("roles"), ["app"]);
    let ids_after = t.live()["unique_ids"].clone();
    let id = |ids: &serde_json::Value, kind: &str, name: &str| {
        ids[kind]
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .map(|(_, v)| v.clone())
    };
    assert!(id(&ids_before, "users", "bob").is_some(), "{ids_before}");
    assert_eq!(
        id(&ids_before, "users", "bob"),
        id(&ids_after, "users", "bob"),
        "the user is the same user: {ids_before} {ids_after}"
    );
    assert_ne!(
        id(&ids_before, "roles", "app"),
        id(&ids_after, "roles", "app"),
        "the role is a new role: {ids_before} {ids_after}"
    );
    t.assert_converged();
}

/// Gives the live user `name` an access key and an MFA device, as its owner would have.
fn with_key_and_mfa(t: &Test, name: &str) -> serde_json::Value {
    t.edit_live(|a| {
        a["account"]["users"][name]["credentials"] = serde_json::json!({
            "access_keys": [{"id": "AKIALOUFINCH0001", "status": "Active", "created": "2026-01-01T00:00:00Z"}],
            "mfa_devices": ["arn:aws:iam::123456789012:mfa/lou"]
        });
    });
    t.live()["account"]["users"][name]["credentials"].clone()
}

/// The IAM calls of `plan --json`, by name.
fn planned_ops(t: &Test) -> Vec<String> {
    let doc = json(&t.run(&["plan", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &doc);
    doc["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .map(|o| o["operation"]["op"].as_str().expect("op").to_owned())
        .collect()
}

#[test]
fn an_iam_name_that_is_no_identifier_is_renamed_in_place_keeping_keys_and_mfa() {
    let t = Test::new().file(
        "main.hcl",
        "group \"staff\" {}\nuser \"lou\" {\n  name   = \"lou.finch\"\n  groups = [group.staff.name]\n}\n",
    );
    t.apply();
    let credentials = with_key_and_mfa(&t, "lou.finch");
    let id_before = t.live()["unique_ids"]["users"]["lou.finch"].clone();
    t.write(
        "main.hcl",
        "group \"staff\" {}\nuser \"lou\" {\n  name   = \"lou.finchley\"\n  groups = [group.staff.name]\n}\nmoved {\n  from = user[\"lou.finch\"]\n  to   = user[\"lou.finchley\"]\n}\n",
    );
    assert_eq!(planned_ops(&t), ["RenameUser"]);
    let plan = t.run(&["plan"]).expect(0);
    assert!(
        plan.stdout
            .contains("# user.lou.finchley will be renamed in place from user.lou.finch"),
        "{}",
        plan.stdout
    );
    apply_renaming_user(&t, "lou.finch", "lou.finchley");
    let live = t.live();
    let user = &live["account"]["users"]["lou.finchley"];
    assert_eq!(user["credentials"], credentials, "keys and MFA kept");
    assert_eq!(user["groups"], serde_json::json!(["staff"]));
    assert_eq!(live["unique_ids"]["users"]["lou.finchley"], id_before);
    t.assert_converged();
}

#[test]
fn a_for_each_instance_is_renamed_in_place_by_its_key() {
    let config = |keys: &str, moved: &str| {
        format!("user \"person\" {{\n  for_each = toset([{keys}])\n  tags     = {{ team = \"web\" }}\n}}\n{moved}")
    };
    let t = Test::new().file("main.hcl", &config("\"ann\", \"lou.finch\"", ""));
    t.apply();
    let credentials = with_key_and_mfa(&t, "lou.finch");
    t.write(
        "main.hcl",
        &config(
            "\"ann\", \"lou.finchley\"",
            "moved {\n  from = user.person[\"lou.finch\"]\n  to   = user.person[\"lou.finchley\"]\n}\n",
        ),
    );
    assert_eq!(planned_ops(&t), ["RenameUser"]);
    t.apply();
    assert_eq!(t.live_names("users"), ["ann", "lou.finchley"]);
    assert_eq!(
        t.live()["account"]["users"]["lou.finchley"]["credentials"],
        credentials
    );
    t.assert_converged();

    // Out of the for_each into a block of its own: `from` is the instance, `to` the block.
    t.write(
        "main.hcl",
        &format!(
            "{}user \"lou\" {{\n  name = \"lou.f\"\n  tags = {{ team = \"web\" }}\n}}\nmoved {{\n  from = user.person[\"lou.finchley\"]\n  to   = user.lou\n}}\n",
            config("\"ann\"", "")
        ),
    );
    assert_eq!(planned_ops(&t), ["RenameUser"]);
    t.apply();
    assert_eq!(t.live_names("users"), ["ann", "lou.f"]);
    t.assert_converged();
}

#[test]
fn a_from_that_matches_nothing_is_a_located_warning_with_a_suggestion() {
    let t = Test::new().file("main.hcl", "user \"lou\" {\n  name = \"lou.finch\"\n}\n");
    t.apply();
    t.write(
        "main.hcl",
        "settings {\n  scope {\n    paths = [\"/\"]\n  }\n}\nuser \"lou\" {\n  name = \"lou.finchley\"\n}\nmoved {\n  from = user.lou_finch\n  to   = user.lou\n}\n",
    );
    let plan = t.run(&["plan"]).expect(0);
    let out = &plan.stdout;
    assert!(
        out.contains("Warning: this moved block renames nothing: the account has no user named `lou_finch`, so user.lou.finchley is created as a new user"),
        "{out}"
    );
    assert!(out.contains("main.hcl:9:1"), "{out}");
    assert!(
        out.contains("did you mean `from = user[\"lou.finch\"]`?"),
        "{out}"
    );
    // The plan it warns about: a new user, the old one destroyed.
    assert!(out.contains("# user.lou.finch will be destroyed"), "{out}");

    let doc = json(&t.run(&["plan", "--json"]).expect(0));
    assert_matches_schema("plan.schema.json", &doc);
    let warnings = doc["warnings"].as_array().expect("a warnings list");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]["at"]
            .as_str()
            .is_some_and(|a| a.ends_with("main.hcl:9:1")),
        "{warnings:?}"
    );
    assert!(
        warnings[0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("user[\"lou.finch\"]")),
        "{warnings:?}"
    );

    let saved = t.path("plan.json");
    let saved = saved.to_str().expect("utf-8");
    t.run(&["plan", "--out", saved]).expect(0);
    let md = t
        .run_plain(&["show", saved, "--format", "markdown"])
        .expect(0);
    assert!(
        md.stdout
            .contains("> **Warning:** this moved block renames nothing"),
        "{}",
        md.stdout
    );

    // Written right, the warning goes and the plan renames.
    t.write(
        "main.hcl",
        "user \"lou\" {\n  name = \"lou.finchley\"\n}\nmoved {\n  from = user[\"lou.finch\"]\n  to   = user.lou\n}\n",
    );
    let plan = t.run(&["plan"]).expect(0);
    assert!(!plan.stdout.contains("Warning"), "{}", plan.stdout);
    assert_eq!(planned_ops(&t), ["RenameUser"]);
}
