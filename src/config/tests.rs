//! Behaviour tests of the whole loader: HCL files in a temporary directory -> `Desired` or the
//! diagnostics a user would see.

use super::*;
use crate::model::{Kind, Name, PolicyDocument};
use std::path::Path;
use tempfile::TempDir;

const ACCOUNT: &str = "111122223333";

fn write(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn desired(files: &[(&str, &str)]) -> Desired {
    let dir = write(files);
    let config = load(dir.path()).unwrap_or_else(|d| panic!("load failed:\n{d}"));
    config
        .lower(ACCOUNT)
        .unwrap_or_else(|d| panic!("lower failed:\n{d}"))
}

/// The diagnostics of load, or of lower when load succeeds, as shown to the user.
fn errors_in(dir: &Path) -> Diagnostics {
    match load(dir) {
        Err(d) => d,
        Ok(config) => match config.lower(ACCOUNT) {
            Err(d) => d,
            Ok(_) => panic!("expected errors, the configuration is valid"),
        },
    }
}

fn errors(files: &[(&str, &str)]) -> (String, Diagnostics, TempDir) {
    let dir = write(files);
    let d = errors_in(dir.path());
    (d.to_string(), d, dir)
}

/// The configuration `text` (as `main.hcl`) has exactly one error, which says `message`; the
/// errors as shown, for further checks.
fn one_error(text: &str, message: &str) -> String {
    let (shown, d, _dir) = errors(&[("main.hcl", text)]);
    assert_eq!(d.len(), 1, "{text}: {shown}");
    assert!(shown.contains(message), "{text}: {shown}");
    shown
}

pub(super) fn addr(s: &str) -> Address {
    s.parse().unwrap()
}

/// Asserts that `from` has ordering edges to exactly the entities `to`.
pub(super) fn assert_references(d: &Desired, from: &str, to: &[&str]) {
    let want: BTreeSet<Address> = to.iter().map(|a| addr(a)).collect();
    assert_eq!(d.references.get(&addr(from)), Some(&want), "{from}");
}

/// Asserts that each configuration of `table` has exactly one error, which says its message.
fn one_error_each(table: &[(&str, &str)]) {
    for (text, message) in table {
        one_error(text, message);
    }
}

#[test]
fn the_policy_document_forms_are_equal() {
    let json = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow",
        "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],
        "Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
    let d = desired(&[
        ("policies/read.json", json),
        (
            "main.hcl",
            r#"
locals { bucket = "b" }
policy "blocks" {
  statement {
    sid       = "Read"
    actions   = ["s3:ListBucket", "s3:GetObject"]
    resources = ["arn:aws:s3:::${local.bucket}", "arn:aws:s3:::${local.bucket}/*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = [true]
    }
  }
}
policy "encoded" {
  document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Read"
      Effect    = "Allow"
      Action    = ["s3:GetObject", "s3:ListBucket"]
      Resource  = ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]
      Condition = { Bool = { "aws:SecureTransport" = "true" } }
    }]
  })
}
policy "from_file" { document = file("policies/read.json") }
policy "heredoc" {
  document = <<EOT
{"Version": "2012-10-17", "Statement": {"Sid": "Read", "Effect": "allow",
 "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b"],
 "Condition": {"Bool": {"aws:SecureTransport": true}}}}
EOT
}
policy "object" {
  document = jsondecode(file("policies/read.json"))
}
"#,
        ),
    ]);
    let docs: Vec<&PolicyDocument> = ["blocks", "encoded", "from_file", "heredoc", "object"]
        .iter()
        .map(|n| &d.account.policies[&Name::from(*n)].document)
        .collect();
    let expected = PolicyDocument::from_json_str(json).unwrap();
    for (doc, name) in docs
        .iter()
        .zip(["blocks", "encoded", "from_file", "heredoc", "object"])
    {
        assert_eq!(**doc, expected, "{name}");
    }
}

#[test]
fn ampersand_policy_variables_become_variables_in_statement_blocks_only() {
    // Regression: `&{aws:username}` was sent to IAM literally.
    let d = desired(&[(
        "main.hcl",
        r#"
policy "blocks" {
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::home"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["home/&{aws:username}/*"]
    }
  }
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::home/&{aws:username}/*", "arn:aws:s3:::home/$${aws:userid}/*"]
  }
}
policy "encoded" {
  document = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "arn:aws:s3:::home/&{aws:username}/*"
    }]
  })
}
"#,
    )]);
    let text = |name: &str| d.account.policies[&Name::from(name)].document.to_minimal();
    let blocks = text("blocks");
    assert!(blocks.contains(r#""home/${aws:username}/*""#), "{blocks}");
    assert!(blocks.contains(r#"home/${aws:username}/*""#), "{blocks}");
    assert!(blocks.contains(r#"home/${aws:userid}/*""#), "{blocks}");
    assert!(!blocks.contains("&{"), "{blocks}");
    // jsonencode and file documents are sent as written.
    assert!(
        text("encoded").contains("&{aws:username}"),
        "{}",
        text("encoded")
    );
}

#[test]
fn references_become_edges_and_arns_use_the_account_id() {
    let d = desired(&[(
        "main.hcl",
        r#"
policy "billing_read" {
  path = "/finance/"
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
locals { billing = policy.billing_read.arn }
group "accountants" { policies = [policy.billing_read.arn] }
group "auditors"    { policies = [local.billing, "arn:aws:iam::aws:policy/ReadOnlyAccess"] }
user "mary" {
  groups = [group.accountants.name, "auditors"]
  tags   = { department = "finance" }
}
user "other" { name = "Bob" }
role "app" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { aws = [user.other.arn] }
    }
  }
}
"#,
    )]);
    let arn = "arn:aws:iam::111122223333:policy/finance/billing_read";
    let g = &d.account.groups[&Name::from("accountants")];
    assert_eq!(g.policies, BTreeSet::from([arn.to_owned()]));
    assert_references(&d, "group.accountants", &["policy.billing_read"]);
    assert_references(&d, "group.auditors", &["policy.billing_read"]);
    assert_references(&d, "user.mary", &["group.accountants"]);
    assert_references(&d, "role.app", &["user.Bob"]);
    assert!(!d.references.contains_key(&addr("policy.billing_read")));
    let mary = &d.account.users[&Name::from("mary")];
    let groups: Vec<&str> = mary.groups.iter().map(Name::as_str).collect();
    assert_eq!(groups, ["accountants", "auditors"]);
    assert_eq!(mary.tags["department"], "finance");
    let trust = d.account.roles[&Name::from("app")]
        .assume_role_policy
        .to_minimal();
    assert!(
        trust.contains("arn:aws:iam::111122223333:user/Bob"),
        "{trust}"
    );
    assert!(d.account.users.contains_key(&Name::from("bob")));
    let loc = &d.sources[&addr("user.mary")];
    assert_eq!((loc.line, loc.col), (12, 1));
    assert!(loc.file.ends_with("main.hcl"));
}

#[test]
fn unknown_attribute_says_did_you_mean_with_file_line_col() {
    let text = format!(
        "{}user \"a\" {{\n  grups = [\"web\"]\n}}\n",
        "\n".repeat(10)
    );
    let (shown, d, dir) = errors(&[("main.hcl", &text)]);
    let file = dir.path().join("main.hcl");
    assert_eq!(
        shown,
        format!(
            "error: unknown attribute `grups` in user block\n  --> {}:12:3\n   |\n12 |   grups = [\"web\"]\n   |   ^^^^^\n   = help: did you mean `groups`?\n",
            file.display()
        )
    );
    assert_eq!(d.len(), 1);
}

#[test]
fn misplaced_and_unknown_blocks_and_attributes() {
    // Each configuration has one error, which says the message and then any help given.
    let table: [(&str, &[&str]); 13] = [
        (
            "usr \"a\" {}",
            &["unknown block type `usr`", "did you mean `user`?"],
        ),
        (
            "group \"g\" {\n  tags = {}\n}",
            &[
                "unknown attribute `tags` in group block",
                "cannot be tagged",
            ],
        ),
        (
            "policy \"p\" {\n  statement = {}\n}",
            &[
                "unknown attribute `statement` in policy block",
                "is a block",
            ],
        ),
        (
            "user \"a\" {\n  tags {}\n}",
            &["unknown block `tags` in user block", "is an attribute"],
        ),
        ("user {}", &["a user block needs a name label"]),
        (
            "password_policy \"x\" {}",
            &["a password_policy block takes no label"],
        ),
        (
            "user \"a\" {\n  path = \"/\"\n  path = \"/\"\n}",
            &["redefined attribute"],
        ),
        ("backend \"s3\" {}", &["unknown backend `s3`"]),
        ("x = 1", &["unexpected attribute `x` at the top level"]),
        (
            "user \"a\" {\n  count = 2\n}",
            &["`count` is not supported yet", "for_each"],
        ),
        (
            "user \"a\" {\n  lifecycle { prevent_destory = true }\n}",
            &[
                "unknown attribute `prevent_destory` in lifecycle block",
                "did you mean `prevent_destroy`?",
            ],
        ),
        (
            "moved {\n  from = user.a\n  to = user.b\n}",
            &["user.b is not declared"],
        ),
        (
            "role \"r\" {\n  assume_role_policy = \"{}\"\n  assume_role_policy {}\n}",
            &["set both as an attribute and as a block"],
        ),
    ];
    for (text, fragments) in table {
        let shown = one_error(text, fragments[0]);
        assert!(shown.contains("main.hcl:"), "{text}: {shown}");
        for fragment in &fragments[1..] {
            assert!(shown.contains(fragment), "{text}: {shown}");
        }
    }
}

#[test]
fn syntax_errors_report_file_line_col() {
    let (shown, d, dir) = errors(&[("main.hcl", "user \"a\" {\n  path = \n}\n")]);
    assert_eq!(d.len(), 1);
    let loc = format!("{}:2:10", dir.path().join("main.hcl").display());
    assert!(shown.starts_with("error: syntax error"), "{shown}");
    assert!(shown.contains(&loc), "{shown}");
}

#[test]
fn every_error_of_every_file_is_reported() {
    let (shown, d, dir) = errors(&[
        ("a.hcl", "user \"a\" {\n  grups = []\n}\n"),
        ("b.hcl", "group \"g\" {\n  polices = []\n}\n"),
        ("c.hcl", "role \"r\" {\n"),
        ("d.hcl", "user \"b\" {}\n"),
    ]);
    assert_eq!(d.len(), 3, "{shown}");
    let files: Vec<String> = d
        .iter()
        .map(|x| x.location.as_ref().unwrap().file.display().to_string())
        .collect();
    let expect: Vec<String> = ["a.hcl", "b.hcl", "c.hcl"]
        .iter()
        .map(|f| dir.path().join(f).display().to_string())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(sorted, expect);
    assert!(shown.contains("did you mean `groups`?"));
    assert!(shown.contains("did you mean `policies`?"));
    assert_eq!(
        shown.lines().filter(|l| l.starts_with("error: ")).count(),
        3
    );
}

#[test]
fn duplicate_names_ignoring_case_show_both_locations() {
    let table = [
        "user \"Mary\" {}\nuser \"mary\" {}\n",
        "user \"a\" { name = \"Bob\" }\nuser \"b\" { name = \"bob\" }\n",
        "user \"a\" {}\nuser \"a\" {}\n",
    ];
    for text in table {
        let (shown, d, dir) = errors(&[("main.hcl", text)]);
        assert_eq!(d.len(), 1, "{shown}");
        let file = dir.path().join("main.hcl").display().to_string();
        assert!(shown.contains(&format!("{file}:2:1")), "{shown}");
        assert!(
            shown.contains(&format!("first declared at {file}:1:1")),
            "{shown}"
        );
    }
}

#[test]
fn reference_cycles_name_every_member() {
    let (shown, d, _dir) = errors(&[(
        "main.hcl",
        "locals {\n  a = local.b\n  b = \"${local.c}-x\"\n  c = upper(local.a)\n  ok = \"fine\"\n}\nuser \"u\" { name = local.ok }\n",
    )]);
    assert_eq!(d.len(), 1, "{shown}");
    for member in ["`local.a`", "`local.b`", "`local.c`"] {
        assert!(shown.contains(member), "{member}: {shown}");
    }
    assert!(shown.contains("reference cycle"), "{shown}");
    assert!(!shown.contains("local.ok"), "{shown}");

    let (shown, _, _dir) = errors(&[(
        "main.hcl",
        "locals { n = user.u.name }\nuser \"u\" { name = local.n }\n",
    )]);
    assert!(
        shown.contains("`local.n`") && shown.contains("`user.u`"),
        "{shown}"
    );
    let (shown, _, _dir) = errors(&[("main.hcl", "locals { a = local.a }\n")]);
    assert!(shown.contains("`local.a` references itself"), "{shown}");
}

#[test]
fn undeclared_references_are_errors_with_suggestions() {
    let table = [
        (
            "group \"accountants\" {}\nuser \"m\" { groups = [group.acountants.name] }",
            "reference to undeclared group `acountants`",
            Some("did you mean `accountants`?"),
            "2:22",
        ),
        (
            "user \"m\" { path = var.pth }\nvariable \"path\" { default = \"/\" }",
            "undeclared variable `var.pth`",
            Some("did you mean `path`?"),
            "1:19",
        ),
        (
            "user \"m\" { name = local.x }",
            "undeclared local value `local.x`",
            None,
            "1:19",
        ),
        (
            "user \"m\" { name = usr.a.name }",
            "unknown variable `usr`",
            Some("did you mean `user`?"),
            "1:19",
        ),
        (
            "user \"m\" { name = lowr(\"A\") }",
            "unknown function `lowr`",
            Some("did you mean `lower`?"),
            "1:19",
        ),
        (
            "user \"m\" {}\nuser \"n\" { name = user.m.id }",
            "a user has no attribute `id`",
            None,
            "2:19",
        ),
        (
            "variable \"x\" { default = local.y }\nlocals { y = 1 }",
            "cannot be referenced here",
            None,
            "1:26",
        ),
    ];
    for (text, message, help, at) in table {
        let shown = one_error(text, message);
        assert!(shown.contains(&format!("main.hcl:{at}")), "{text}: {shown}");
        if let Some(h) = help {
            assert!(shown.contains(h), "{text}: {shown}");
        }
    }
}

#[test]
fn type_and_iam_rule_errors_point_at_the_attribute() {
    let trust = "assume_role_policy {\n statement {\n actions = [\"sts:AssumeRole\"]\n principals { service = [\"ec2.amazonaws.com\"] }\n }\n}";
    let table = [
        ("user \"u\" {\n  groups = \"web\"\n}".to_owned(), "expected a list of strings", "2:3"),
        (format!("role \"r\" {{\n  max_session_duration = 60\n{trust}\n}}"), "`max_session_duration` is 60; IAM allows 3600 to 43200", "2:3"),
        (format!("role \"r\" {{\n  description = \"{}\"\n{trust}\n}}", "x".repeat(1001)), "IAM allows 1000", "2:3"),
        ("user \"u\" {\n  tags = { \"aws:x\" = \"1\" }\n}".to_owned(), "which AWS reserves", "2:3"),
        ("user \"u\" {\n  policies = [\"ReadOnlyAccess\"]\n}".to_owned(), "not a managed policy ARN", "2:3"),
        ("user \"u\" {\n  path = \"team\"\n}".to_owned(), "must begin and end with `/`", "2:3"),
        ("user \"bad name\" {}".to_owned(), "contains ' '", "1:1"),
        ("role \"r\" {}".to_owned(), "role `r` has no assume_role_policy", "1:1"),
        ("role \"r\" {\n  assume_role_policy {\n    statement {\n      actions = [\"sts:AssumeRole\"]\n    }\n  }\n}".to_owned(), "must name a Principal", "3:5"),
        ("policy \"p\" {\n  statement {\n    effect = \"Alow\"\n    actions = [\"s3:*\"]\n    resources = [\"*\"]\n  }\n}".to_owned(), "`Alow` is not an effect", "3:5"),
        ("policy \"p\" {\n  document = jsonencode({ Statement = [] })\n}".to_owned(), "invalid policy document in `document`", "2:3"),
        ("policy \"p\" {\n  description = \"x\"\n}".to_owned(), "policy `p` has no policy document", "1:1"),
        ("policy \"p\" {\n  document = 3\n}".to_owned(), "expected a JSON policy document", "2:3"),
        ("password_policy {\n  minimum_length = 4\n}".to_owned(), "IAM allows 6 to 128", "2:3"),
        ("password_policy {\n  require_symbols = \"yes\"\n}".to_owned(), "expected true or false", "2:3"),
        ("user \"u\" {\n  inline_policy \"p\" {\n    document = file(\"missing.json\")\n  }\n}".to_owned(), "cannot evaluate `document`", "3:5"),
        ("variable \"v\" {}\nuser \"u\" { name = var.v }".to_owned(), "variable `v` has no value", "1:1"),
        ("user \"u\" {\n  inline_policy \"p\" {\n    statement {\n      actions = [\"s3:*\"]\n      resources = [\"*\"]\n      principals { service = [\"x\"] }\n    }\n  }\n}".to_owned(), "cannot name a Principal", "3:5"),
    ];
    for (text, message, at) in table {
        let (shown, d, _dir) = errors(&[("main.hcl", &text)]);
        assert_eq!(d.len(), 1, "{text}: {shown}");
        assert!(shown.contains(message), "{text}: {shown}");
        assert!(shown.contains(&format!("main.hcl:{at}")), "{text}: {shown}");
    }
}

#[test]
fn principals_long_form_and_shorthand_are_equal() {
    let d = desired(&[(
        "main.hcl",
        r#"
role "a" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        type        = "Service"
        identifiers = ["ec2.amazonaws.com"]
      }
      principals {
        type        = "AWS"
        identifiers = ["123456789012"]
      }
    }
  }
}
role "b" {
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
        aws     = ["arn:aws:iam::123456789012:root"]
      }
    }
  }
}
role "c" {
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",
      Principal = { Service = "ec2.amazonaws.com", AWS = "123456789012" } }]
  })
}
"#,
    )]);
    let doc = |n: &str| &d.account.roles[&Name::from(n)].assume_role_policy;
    assert_eq!(doc("a"), doc("b"));
    assert_eq!(doc("a"), doc("c"));
}

#[test]
fn role_instance_profile_flag_creates_a_profile() {
    let d = desired(&[(
        "main.hcl",
        r#"
role "app" {
  path = "/apps/"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
  instance_profile = true
}
instance_profile "other" {
  role = role.app.name
  tags = { team = "web" }
}
"#,
    )]);
    let p = &d.account.instance_profiles[&Name::from("app")];
    assert_eq!(p.path, "/apps/");
    assert_eq!(p.roles, BTreeSet::from([Name::from("app")]));
    assert_references(&d, "instance_profile.app", &["role.app"]);
    assert_references(&d, "instance_profile.other", &["role.app"]);
    assert!(d.sources.contains_key(&addr("instance_profile.app")));

    let (shown, d, dir) = errors(&[(
        "main.hcl",
        "role \"app\" {\n  assume_role_policy = jsonencode({Statement = {Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = \"*\"}})\n  instance_profile = true\n}\ninstance_profile \"App\" {}\n",
    )]);
    assert_eq!(d.len(), 1, "{shown}");
    let file = dir.path().join("main.hcl").display().to_string();
    assert!(shown.contains(&format!("{file}:3:3")), "{shown}");
    assert!(shown.contains(&format!("{file}:5:1")), "{shown}");
}

/// The backend that `main.hcl` declares, with the configuration's directory (relative paths are
/// inside it).
fn backend_of(text: &str) -> (Option<BackendSpec>, TempDir) {
    let dir = write(&[("main.hcl", text)]);
    let c = load(dir.path()).unwrap();
    assert_eq!(c.dir(), dir.path());
    (c.backend().cloned(), dir)
}

#[test]
fn backend_blocks() {
    let mock = |path: PathBuf, account_id: Option<&str>| BackendSpec::Mock {
        path,
        account_id: account_id.map(str::to_owned),
        faults: None,
        caller: None,
    };
    let (backend, dir) = backend_of(
        "backend \"mock\" {\n  path = \"state/account.json\"\n  account_id = \"123456789012\"\n}\n",
    );
    let in_dir = dir.path().join("state/account.json");
    assert_eq!(backend, Some(mock(in_dir, Some("123456789012"))));
    let (backend, _dir) = backend_of("backend \"mock\" { path = \"/abs/account.json\" }\n");
    assert_eq!(
        backend,
        Some(mock(PathBuf::from("/abs/account.json"), None))
    );
    let (backend, _dir) = backend_of(
        "backend \"aws\" {\n  region = \"us-east-1\"\n  profile = \"prod\"\n  endpoint_url = \"http://127.0.0.1:5000\"\n  assume_role_arn = \"arn:aws:iam::123456789012:role/deploy\"\n}\n",
    );
    assert_eq!(
        backend,
        Some(BackendSpec::Aws(crate::settings::AwsSettings {
            region: Some("us-east-1".into()),
            profile: Some("prod".into()),
            endpoint_url: Some("http://127.0.0.1:5000".into()),
            account_id: None,
            assume_role_arn: Some("arn:aws:iam::123456789012:role/deploy".into()),
        }))
    );
    let dir = write(&[("main.hcl", "user \"u\" {}\n")]);
    assert_eq!(load(dir.path()).unwrap().backend(), None);

    one_error_each(&[
        (
            "backend \"mock\" { path = \"a\" }\nbackend \"aws\" {}\n",
            "a `backend` block is declared twice",
        ),
        ("backend \"mock\" {}\n", "backend \"mock\" needs `path`"),
        ("backend \"mock\" { path = 3 }\n", "expected a string"),
        (
            "backend \"aws\" { account_id = \"12\" }\n",
            "must be 12 digits",
        ),
        (
            "backend \"aws\" { regoin = \"x\" }\n",
            "did you mean `region`?",
        ),
        (
            "backend \"mock\" { path = local.p }\nlocals { p = \"x\" }\n",
            "cannot be referenced here",
        ),
    ]);
}

#[test]
fn scope_from_settings() {
    let d = desired(&[(
        "main.hcl",
        "settings {\n  scope {\n    paths = [\"/\", \"/team/\"]\n    exclude = [\"user/break-glass\", \"role/OrganizationAccountAccessRole\"]\n  }\n}\n",
    )]);
    assert_eq!(
        d.scope,
        Some(Scope {
            paths: vec!["/".into(), "/team/".into()],
            exclude: vec![
                "user/break-glass".into(),
                "role/OrganizationAccountAccessRole".into()
            ],
            kinds: None,
        })
    );
    assert_eq!(desired(&[("main.hcl", "settings {}\n")]).scope, None);
    assert_eq!(desired(&[("main.hcl", "user \"u\" {}\n")]).scope, None);
    one_error_each(&[
        (
            "settings {\n  scope {\n    paths = [\"team\"]\n  }\n}\n",
            "scope path",
        ),
        ("settings {\n  scope {}\n}\n", "a scope block needs `paths`"),
        (
            "settings {\n  scope {\n    paths = [\"/\"]\n    exclude = [\"nobody\"]\n  }\n}\n",
            "has no `/`",
        ),
        (
            "settings {\n  scope { paths = [\"/\"] }\n  scope { paths = [\"/\"] }\n}\n",
            "only one `scope` block",
        ),
        (
            "settings {}\nsettings {}\n",
            "a `settings` block is declared twice",
        ),
    ]);
}

#[test]
fn variables_and_locals_feed_names_paths_and_documents() {
    let d = desired(&[(
        "main.hcl",
        r#"
variable "team" { default = "web" }
variable "members" { default = ["john", "maria"] }
locals {
  path   = "/${var.team}/"
  prefix = upper(var.team)
}
group "team" {
  name = "${local.prefix}-devs"
  path = local.path
}
user "john" {
  path   = local.path
  groups = [group.team.name]
  inline_policy "self" {
    statement {
      actions   = ["iam:ChangePassword"]
      resources = [for m in var.members : "arn:aws:iam::*:user${local.path}${m}"]
    }
  }
}
"#,
    )]);
    let g = &d.account.groups[&Name::from("WEB-devs")];
    assert_eq!(g.path, "/web/");
    let john = &d.account.users[&Name::from("john")];
    assert_eq!(john.path, "/web/");
    assert_eq!(john.groups, BTreeSet::from([Name::from("WEB-devs")]));
    let doc = john.inline_policies[&Name::from("self")].to_minimal();
    assert!(doc.contains("user/web/maria"), "{doc}");
    assert_references(&d, "user.john", &["group.WEB-devs"]);
}

#[test]
fn the_design_example_loads() {
    let d = desired(&[(
        "main.hcl",
        r#"
settings {
  scope {
    paths   = ["/"]
    exclude = ["user/break-glass", "role/OrganizationAccountAccessRole"]
  }
}

backend "mock" { path = "account.json" }

variable "web_developers" { default = ["john", "maria"] }
locals { billing_bucket = "acme-billing" }

policy "billing_read" {
  description = "Read-only access to the billing bucket"
  statement {
    sid       = "ReadBilling"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::${local.billing_bucket}", "arn:aws:s3:::${local.billing_bucket}/*"]
  }
}

group "accountants"    { policies = [policy.billing_read.arn] }
group "web_developers" { policies = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }

user "mary" {
  groups = [group.accountants.name]
  tags   = { department = "finance" }
}

role "app_server" {
  description = "EC2 web app reads its data bucket"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals { service = ["ec2.amazonaws.com"] }
    }
  }
  inline_policy "read_data" {
    statement {
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::my-app-data/*"]
    }
  }
  instance_profile = true
}

password_policy {
  minimum_length    = 14
  require_symbols   = true
  require_numbers   = true
  require_uppercase = true
  require_lowercase = true
  max_age_days      = 90
  reuse_prevention  = 24
}
"#,
    )]);
    let a = &d.account;
    assert_eq!(
        (
            a.users.len(),
            a.groups.len(),
            a.roles.len(),
            a.policies.len(),
            a.instance_profiles.len()
        ),
        (1, 2, 1, 1, 1)
    );
    let pp = a.password_policy.as_ref().unwrap();
    assert_eq!(pp.minimum_length, Some(14));
    assert_eq!(pp.hard_expiry, None);
    assert_references(&d, "group.accountants", &["policy.billing_read"]);
    let role = &a.roles[&Name::from("app_server")];
    assert_eq!(role.max_session_duration, 3600);
    assert_eq!(d.sources.len(), a.len());
    assert!(d.sources.contains_key(&Address::password_policy()));
    assert_eq!(
        crate::model::arn(ACCOUNT, Kind::Policy, "/", "billing_read"),
        a.groups[&Name::from("accountants")]
            .policies
            .iter()
            .next()
            .unwrap()
            .as_str()
    );
}

#[test]
fn a_directory_without_configuration_is_an_error() {
    let dir = write(&[("notes.txt", "hello")]);
    let shown = load(dir.path()).unwrap_err().to_string();
    assert!(shown.starts_with("error: no .hcl files in"), "{shown}");
    let missing = dir.path().join("nope");
    let shown = load(&missing).unwrap_err().to_string();
    assert!(
        shown.contains("cannot read the configuration directory"),
        "{shown}"
    );
}

#[test]
fn files_load_in_name_order_and_subdirectories_are_ignored() {
    let d = desired(&[
        ("b.hcl", "\u{feff}user \"b\" {}\nlocals { count = 1 }\n"),
        ("a.hcl", "user \"a\" {}\n"),
        ("sub/c.hcl", "this is not { valid"),
    ]);
    assert_eq!(d.account.users.len(), 2);
    let (shown, _, dir) = errors(&[("b.hcl", "user \"x\" {}\n"), ("a.hcl", "user \"x\" {}\n")]);
    let first = dir.path().join("a.hcl").display().to_string();
    assert!(
        shown.contains(&format!("first declared at {first}:1:1")),
        "{shown}"
    );
}

#[test]
fn odd_inputs_are_errors_not_panics() {
    let inputs = [
        "",
        "\u{feff}",
        "user \"\" {}",
        "user \"a\" { name = null }",
        "user \"a\" { tags = { k = [1] } }",
        "user \"a\" { policies = [null] }",
        "locals { x = 1 / 0 }\nuser \"a\" { name = \"${local.x}\" }",
        "locals { x = [1][5] }\nuser \"a\" { name = local.x }",
        "user \"a\" { name = user }",
        "user \"a\" { name = local }",
        "locals { a = { for k, v in local : k => v } }",
        "policy \"p\" { document = \"{\\\"Statement\\\": 5}\" }",
        "policy \"p\" {\n statement {\n principals {}\n condition {}\n }\n}",
        "password_policy { max_age_days = 1.5 }",
        "password_policy { max_age_days = -3 }",
        "password_policy { max_age_days = 99999999999999999999 }",
        "user \"a\" { name = \"${\"",
        "role \"r\" { assume_role_policy = null }",
        "user \"a\" { groups = [for g in var : g] }",
        "locals { x = format(\"%\") }\nuser \"a\" { name = local.x }",
        "locals {\n  a = [1][-1]\n  b = \"abc\"[0]\n  c = {a = 1}[1]\n  d = null.a\n  e = 1 ? 2 : 3\n  f = { for x in [1, 1] : x => x }\n  g = \"${[1]}\"\n  h = !1\n  i = -\"a\"\n  j = 1 < \"a\"\n  k = 1e400\n  l = 9223372036854775807 * 9223372036854775807\n  m = 18446744073709551615 + 18446744073709551615\n  n = -9223372036854775808 - 1\n  o = 5 % -0\n  p = [1][*].a\n  q = null[*]\n  r = [for x in 5 : x]\n  s = var.x\n}\nvariable \"x\" { default = 1 }\nuser \"u\" { name = \"${local.a}${local.b}${local.c}${local.d}${local.e}${local.f}${local.g}${local.h}${local.i}${local.j}${local.k}${local.l}${local.m}${local.n}${local.o}${local.p}${local.q}${local.r}${local.s}\" }",
        "locals { x = 18446744073709551615 % 0 }\nuser \"u\" { name = local.x }",
        "locals { x = -9223372036854775808 % -1 }\nuser \"u\" { name = local.x }",
        "locals { x = -9223372036854775808 / -1 }\nuser \"u\" { name = local.x }",
    ];
    for text in inputs {
        let dir = write(&[("main.hcl", text)]);
        if let Ok(c) = load(dir.path()) {
            let _ = c.lower(ACCOUNT);
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]
        #[test]
        fn loading_never_panics(text in "(user|group|role|policy|locals|\"a\"|\\{|\\}|\\[|\\]|=|name|path|local\\.a|user\\.a\\.arn|statement|jsonencode\\(|\\)|,|\n| |1|\"\\$\\{|true)*") {
            let dir = write(&[("main.hcl", &text)]);
            if let Ok(c) = load(dir.path()) {
                let _ = c.lower(ACCOUNT);
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "locals {{ a = {}1{} }}\n",
        "[".repeat(1200),
        "]".repeat(1200)
    );
    let (shown, d, _dir) = errors(&[("main.hcl", &deep)]);
    assert_eq!(d.len(), 1);
    assert!(shown.contains("nests more than 1000 levels"), "{shown}");
    // Just under the limit still works, on the loader's own large stack.
    let ok = format!(
        "locals {{ a = {}\"x\"{} }}\nuser \"u\" {{ name = flatten(local.a)[0] }}\n",
        "[".repeat(900),
        "]".repeat(900)
    );
    let d = desired(&[("main.hcl", &ok)]);
    assert!(d.account.users.contains_key(&Name::from("x")));
}

#[test]
fn for_each_instances_are_named_by_key_and_referenced_by_index() {
    let d = desired(&[(
        "main.hcl",
        r#"
variable "devs" {
  type    = set(string)
  default = ["john", "maria"]
}
group "team" {
  for_each = { web = "/web/", ops = "/ops/" }
  path     = each.value
}
user "dev" {
  for_each = var.devs
  groups   = [group.team["web"].name]
  lifecycle { prevent_destroy = true }
}
user "lead" {
  name   = "boss-${length(user.dev)}"
  groups = [for g in values(group.team) : g.name]
}
"#,
    )]);
    let users: Vec<&str> = d.account.users.values().map(|u| u.name.as_str()).collect();
    assert_eq!(users, ["boss-2", "john", "maria"]);
    assert_eq!(
        d.account.groups[&Name::from("web".to_owned())].path,
        "/web/"
    );
    // Sources point at the block; every instance references the indexed group only.
    assert_eq!(d.sources[&addr("user.john")].line, 10);
    assert_eq!(d.sources[&addr("user.maria")].line, 10);
    assert_references(&d, "user.john", &["group.web"]);
    assert_references(
        &d,
        "user.boss-2",
        &["user.john", "user.maria", "group.web", "group.ops"],
    );
    assert!(d.prevent_destroy.contains_key(&addr("user.maria")));
    assert!(!d.prevent_destroy.contains_key(&addr("user.boss-2")));
}

#[test]
fn inputs_override_defaults_and_are_converted_to_the_type() {
    let dir = write(&[(
        "main.hcl",
        "variable \"n\" {\n  type = number\n  default = 1\n}\nvariable \"p\" {}\nuser \"u\" {\n  name = \"u${var.n + 1}\"\n  path = var.p\n}\n",
    )]);
    let mut config = load(dir.path()).unwrap();
    let inputs = Inputs::gather(&["n=41".to_owned(), "p=/x/".to_owned()], &[], vec![]).unwrap();
    config.set_inputs(inputs);
    let d = config.lower(ACCOUNT).unwrap();
    let u = &d.account.users[&Name::from("u42".to_owned())];
    assert_eq!(u.path, "/x/");
}

#[test]
fn account_id_is_the_backends_account_and_aws_managed_policy_names_a_policy() {
    let d = desired(&[(
        "main.hcl",
        r#"
locals {
  logs = "arn:aws:s3:::logs-${account_id}/*"
}
user "ann" {
  policies = [aws_managed_policy("ViewOnlyAccess")]
  inline_policy "logs" {
    statement {
      actions   = ["s3:GetObject"]
      resources = [local.logs, "arn:aws:sqs:us-east-1:${account_id}:jobs"]
    }
  }
}
"#,
    )]);
    let ann = &d.account.users[&Name::from("ann")];
    assert_eq!(
        ann.policies.iter().collect::<Vec<_>>(),
        ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"]
    );
    let doc = ann.inline_policies.values().next().unwrap().to_minimal();
    assert!(doc.contains("arn:aws:s3:::logs-111122223333/*"), "{doc}");
    assert!(
        doc.contains("arn:aws:sqs:us-east-1:111122223333:jobs"),
        "{doc}"
    );
}

#[test]
fn a_misspelt_account_id_or_managed_policy_name_is_a_located_error() {
    let (text, _, _) = errors(&[(
        "main.hcl",
        "user \"ann\" {\n  path = \"/${acount_id}/\"\n  policies = [aws_managed_policy(\"ReadOnlyAcess\")]\n}\n",
    )]);
    assert!(text.contains("unknown variable `acount_id`"), "{text}");
    assert!(text.contains("did you mean `account_id`"), "{text}");
    assert!(text.contains("main.hcl:2:"), "{text}");
    let (text, _, _) = errors(&[(
        "main.hcl",
        "user \"ann\" {\n  policies = [aws_managed_policy(\"ReadOnlyAcess\")]\n}\n",
    )]);
    assert!(text.contains("did you mean \"ReadOnlyAccess\"?"), "{text}");
    assert!(text.contains("main.hcl:2:"), "{text}");
}
