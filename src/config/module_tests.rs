//! Behaviour tests of modules through the whole loader: a configuration and its module
//! directories in a temporary repository -> `Desired`, or the diagnostics a user would see.

use super::tests::{addr, assert_references};
use super::*;
use crate::model::Name;
use tempfile::TempDir;

const ACCOUNT: &str = "111122223333";

/// A repository (it has a `.git`) holding `files`; the configuration is `account/`.
fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn lowered(dir: &TempDir) -> Result<Desired, String> {
    let config = load(&dir.path().join("account")).map_err(|d| d.to_string())?;
    config.lower(ACCOUNT).map_err(|d| d.to_string())
}

fn desired(files: &[(&str, &str)]) -> Desired {
    let dir = repo(files);
    lowered(&dir).unwrap_or_else(|e| panic!("{e}"))
}

fn errors(files: &[(&str, &str)]) -> String {
    let dir = repo(files);
    match lowered(&dir) {
        Ok(_) => panic!("expected errors, the configuration is valid"),
        Err(e) => e,
    }
}

const TRUST: &str = "assume_role_policy {\n    statement {\n      actions = [\"sts:AssumeRole\"]\n      principals { service = [\"ec2.amazonaws.com\"] }\n    }\n  }";

/// A module naming a role, a group and a policy from its `prefix` input; the role attaches the
/// policies it is given as an input too.
fn baseline() -> String {
    format!(
        "variable \"prefix\" {{ type = string }}\n\
         variable \"policies\" {{\n  type    = list(string)\n  default = []\n}}\n\
         locals {{ role = \"${{var.prefix}}-ci\" }}\n\
         role \"ci\" {{\n  name     = local.role\n  policies = var.policies\n  {TRUST}\n}}\n\
         group \"auditors\" {{\n  name     = \"${{var.prefix}}-auditors\"\n  policies = [\"arn:aws:iam::aws:policy/SecurityAudit\"]\n}}\n\
         output \"role_arn\" {{ value = role.ci.arn }}\n\
         output \"auditors\" {{ value = group.auditors.name }}\n"
    )
}

/// The configuration of a repository whose `modules/baseline` is [`baseline`] and whose
/// `account/main.hcl` is `main`.
fn desired_with_baseline(main: &str) -> Desired {
    desired(&[
        ("modules/baseline/main.hcl", &baseline()),
        ("account/main.hcl", main),
    ])
}

/// The errors of that repository.
fn errors_with_baseline(main: &str) -> String {
    errors(&[
        ("modules/baseline/main.hcl", &baseline()),
        ("account/main.hcl", main),
    ])
}

#[test]
fn inputs_name_the_entities_and_outputs_reach_the_caller() {
    let d = desired_with_baseline(
        "policy \"deploy\" {\n  statement {\n    actions   = [\"s3:PutObject\"]\n    resources = [\"*\"]\n  }\n}\n\
         module \"baseline\" {\n  source   = \"../modules/baseline\"\n  prefix   = \"prod\"\n  policies = [policy.deploy.arn]\n}\n\
         user \"ann\" {\n  groups = [module.baseline.auditors]\n  tags   = { ci = module.baseline.role_arn }\n}\n",
    );
    let role = &d.account.roles[&Name::from("prod-ci")];
    assert_eq!(
        role.policies.iter().collect::<Vec<_>>(),
        ["arn:aws:iam::111122223333:policy/deploy"]
    );
    let ann = &d.account.users[&Name::from("ann")];
    assert!(ann.groups.contains(&Name::from("prod-auditors")));
    assert_eq!(
        ann.tags.get("ci").map(String::as_str),
        Some("arn:aws:iam::111122223333:role/prod-ci")
    );
    // Where each entity comes from, for the plan.
    assert_eq!(d.modules[&addr("role.prod-ci")], "module.baseline");
    assert_eq!(d.modules[&addr("group.prod-auditors")], "module.baseline");
    assert!(!d.modules.contains_key(&addr("user.ann")));
    // Declared in the module's file.
    let at = &d.sources[&addr("role.prod-ci")];
    assert!(at.file.ends_with("modules/baseline/main.hcl"), "{at}");
    assert!(!at.file.to_string_lossy().contains(".."), "{at}");
    // Ordering edges cross the module boundary both ways: through the output the user reads,
    // and through the input the role's policies come from.
    assert_references(&d, "user.ann", &["group.prod-auditors", "role.prod-ci"]);
    assert_references(&d, "role.prod-ci", &["policy.deploy"]);
}

#[test]
fn for_each_makes_one_instance_per_key() {
    let d = desired_with_baseline(
        "module \"team\" {\n  source   = \"../modules/baseline\"\n  for_each = { web = \"w\", data = \"d\" }\n  prefix   = \"team-${each.value}\"\n}\n\
         group \"all\" {\n  name = \"all-${length(values(module.team))}\"\n}\n\
         user \"lead\" {\n  groups = [module.team[\"web\"].auditors]\n}\n",
    );
    let roles: Vec<&str> = d.account.roles.keys().map(Name::as_str).collect();
    assert_eq!(roles, ["team-d-ci", "team-w-ci"]);
    assert_eq!(d.modules[&addr("role.team-w-ci")], "module.team[\"web\"]");
    assert_eq!(d.modules[&addr("role.team-d-ci")], "module.team[\"data\"]");
    assert!(d.account.groups.contains_key(&Name::from("all-2")));
    // The indexed reference names that instance's output only.
    assert_references(&d, "user.lead", &["group.team-w-auditors"]);
}

#[test]
fn modules_nest_and_name_their_path() {
    let base = baseline();
    let d = desired(&[
        ("modules/baseline/main.hcl", &base),
        (
            "modules/org/main.hcl",
            "variable \"env\" {}\nmodule \"inner\" {\n  source = \"../baseline\"\n  prefix = \"${var.env}-inner\"\n}\noutput \"role\" { value = module.inner.role_arn }\n",
        ),
        (
            "account/main.hcl",
            "module \"org\" {\n  source = \"../modules/org\"\n  env    = \"dev\"\n}\nuser \"u\" { tags = { r = module.org.role } }\n",
        ),
    ]);
    assert_eq!(
        d.modules[&addr("role.dev-inner-ci")],
        "module.org.module.inner"
    );
    assert_references(&d, "user.u", &["role.dev-inner-ci"]);
}

#[test]
fn moving_an_entity_into_a_module_keeps_its_iam_name() {
    let inline = desired(&[(
        "account/main.hcl",
        &format!(
            "role \"ci\" {{\n  name = \"prod-ci\"\n  {TRUST}\n}}\ngroup \"auditors\" {{\n  name     = \"prod-auditors\"\n  policies = [\"arn:aws:iam::aws:policy/SecurityAudit\"]\n}}\n"
        ),
    )]);
    let moved = desired_with_baseline(
        "module \"baseline\" {\n  source = \"../modules/baseline\"\n  prefix = \"prod\"\n}\n",
    );
    assert_eq!(inline.account, moved.account);
    // A Terraform habit: a moved block into a module. Not needed, and said so.
    let e = errors_with_baseline(
        "module \"baseline\" {\n  source = \"../modules/baseline\"\n  prefix = \"prod\"\n}\nmoved {\n  from = role.ci\n  to   = module.baseline.role.ci\n}\n",
    );
    assert!(e.contains("needs no moved block"), "{e}");
    assert!(e.contains("main.hcl:7:3"), "{e}");
}

#[test]
fn files_are_read_only_inside_the_module() {
    let text = "variable \"name\" {}\npolicy \"p\" {\n  name     = var.name\n  document = file(\"policy.json\")\n}\n";
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let d = desired(&[
        ("modules/p/main.hcl", text),
        ("modules/p/policy.json", policy),
        (
            "account/main.hcl",
            "module \"p\" {\n  source = \"../modules/p\"\n  name   = \"read\"\n}\n",
        ),
    ]);
    assert!(d.account.policies.contains_key(&Name::from("read")));
    // The caller's files are outside the module's tree.
    let e = errors(&[
        (
            "modules/p/main.hcl",
            &text.replace("\"policy.json\"", "\"../../account/policy.json\""),
        ),
        ("account/policy.json", policy),
        (
            "account/main.hcl",
            "module \"p\" {\n  source = \"../modules/p\"\n  name   = \"read\"\n}\n",
        ),
    ]);
    assert!(e.contains("is outside the configuration directory"), "{e}");
    assert!(e.contains("modules/p/main.hcl:4:"), "{e}");
}

#[cfg(unix)]
#[test]
fn a_module_source_cannot_leave_the_repository_through_a_link() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("main.hcl"), "group \"g\" {}\n").unwrap();
    let dir = repo(&[(
        "account/main.hcl",
        "module \"m\" {\n  source = \"../modules/link\"\n}\n",
    )]);
    std::fs::create_dir(dir.path().join("modules")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("modules/link")).unwrap();
    let e = lowered(&dir).unwrap_err();
    assert!(
        e.contains("`../modules/link` is outside the repository"),
        "{e}"
    );
    assert!(e.contains("account/main.hcl:2:3"), "{e}");
    // Without a repository, the configuration directory is the limit.
    std::fs::remove_dir(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("modules/real")).unwrap();
    std::fs::write(dir.path().join("modules/real/main.hcl"), "group \"g\" {}\n").unwrap();
    std::fs::write(
        dir.path().join("account/main.hcl"),
        "module \"m\" {\n  source = \"../modules/real\"\n}\n",
    )
    .unwrap();
    let e = lowered(&dir).unwrap_err();
    assert!(e.contains("is outside the repository"), "{e}");
    let within = load_within(&dir.path().join("account"), dir.path()).unwrap();
    assert_eq!(within.lower(ACCOUNT).unwrap().account.groups.len(), 1);
}

#[test]
fn module_calls_are_checked_like_every_block() {
    for (main, want) in [
        (
            "module \"m\" {\n  source = \"../modules/baseline\"\n  prefix = \"p\"\n  count  = 2\n}\n",
            "`count` is not supported yet",
        ),
        (
            "module \"m\" {\n  source = \"git::https://example.com/x.git\"\n}\n",
            "is not a local path",
        ),
        (
            "module \"m\" {\n  source = \"../modules/${var.x}\"\n}\nvariable \"x\" { default = \"baseline\" }\n",
            "`source` must be a literal path",
        ),
        ("module \"m\" {\n  prefix = \"p\"\n}\n", "module `m` has no `source`"),
        (
            "module \"m\" {\n  source = \"../modules/nothing\"\n}\n",
            "module directory",
        ),
        (
            "module \"m\" {\n  source   = \"../modules/baseline\"\n  for_each = toset([\"a\"])\n  prefix   = each.key\n}\nuser \"u\" { tags = { r = module.m.role_arn } }\n",
            "needs an instance key",
        ),
        (
            "module \"m\" {\n  source = \"../modules/baseline\"\n  prefix = \"p\"\n}\nuser \"u\" { tags = { r = module.m[\"a\"].role_arn } }\n",
            "has no for_each: it cannot be indexed",
        ),
        (
            "module \"m\" {\n  source   = \"../modules/baseline\"\n  for_each = toset([\"a\"])\n  prefix   = each.key\n}\nuser \"u\" { tags = { r = module.m[\"b\"].role_arn } }\n",
            "cannot evaluate",
        ),
    ] {
        let e = errors_with_baseline(main);
        assert!(e.contains(want), "{main}\n---\n{e}");
    }
}

#[test]
fn module_instances_are_bounded() {
    let e = errors(&[
        (
            "modules/leaf/main.hcl",
            "variable \"k\" {}\noutput \"k\" { value = var.k }\n",
        ),
        (
            "modules/fan/main.hcl",
            "variable \"k\" {}\nmodule \"leaf\" {\n  source   = \"../leaf\"\n  for_each = toset([for i in range(1000) : \"${var.k}-${i}\"])\n  k        = each.key\n}\n",
        ),
        (
            "account/main.hcl",
            "module \"fan\" {\n  source   = \"../modules/fan\"\n  for_each = toset([for i in range(1000) : tostring(i)])\n  k        = each.key\n}\n",
        ),
    ]);
    assert!(e.contains("more than 10000 module instances"), "{e}");
}

#[test]
fn modules_nest_at_most_sixteen_levels() {
    // m0 calls m1 … calls m16: the configuration's call is the first level, m16's the 17th.
    let calls: Vec<(String, String)> = (0..=17)
        .map(|i| {
            let text = if i < 17 {
                format!(
                    "module \"m{}\" {{\n  source = \"../m{}\"\n}}\n",
                    i + 1,
                    i + 1
                )
            } else {
                "group \"deep\" {}\n".to_owned()
            };
            (format!("modules/m{i}/main.hcl"), text)
        })
        .collect();
    let mut files: Vec<(&str, &str)> = calls
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    files.push((
        "account/main.hcl",
        "module \"m0\" {\n  source = \"../modules/m0\"\n}\n",
    ));
    let e = errors(&files);
    assert!(
        e.contains("modules nest more than 16 levels deep here"),
        "{e}"
    );
    assert!(e.contains("modules/m15/main.hcl:1:1"), "{e}");
    // Sixteen levels are allowed: the deepest module's group is declared.
    files[15].1 = "group \"deep\" {}\n";
    let d = desired(&files);
    assert!(d.account.groups.contains_key(&Name::from("deep")));
}
