//! Console access: `console_access { … }` creates a login profile with a generated password that
//! only the `--credentials-out` file receives; `console_access = false` removes it; a user that
//! does not mention it keeps what it has.

use crate::harness::{json, Test};

const POLICY: &str = r#"
password_policy {
  minimum_length    = 24
  require_symbols   = true
  require_numbers   = true
  require_uppercase = true
  require_lowercase = true
}
"#;

const MARIA: &str = r#"
user "maria" {
  console_access {
    password_reset_required = true
  }
}
"#;

fn console_passwords(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("the credentials file");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    doc["console_passwords"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn apply_refuses_a_new_login_profile_without_a_new_credentials_file() {
    let t = Test::new().file("main.hcl", MARIA);
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(
        run.stderr.contains("pass --credentials-out FILE"),
        "{}",
        run.stderr
    );
    assert!(!t.account().exists() || t.live_names("users").is_empty());

    let existing = t.path("creds.json");
    std::fs::write(&existing, "keep me").unwrap();
    let path = existing.display().to_string();
    let run = t
        .run(&["apply", "--auto-approve", "--credentials-out", &path])
        .expect(1);
    assert!(run.stderr.contains("the file exists"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    assert!(!t.account().exists() || t.live_names("users").is_empty());
}

#[test]
fn the_password_goes_to_the_private_file_only_and_meets_the_policy() {
    let t = Test::new()
        .file("main.hcl", MARIA)
        .file("policy.hcl", POLICY);
    let plan = t.run(&["plan", "--json"]).expect(0);
    let plan_text = plan.stdout.clone();
    assert!(json(&plan)["operations"]
        .to_string()
        .contains("CreateLoginProfile"));
    let saved = t.path("plan.json");
    let saved_text = saved.display().to_string();
    t.run(&["plan", "--out", &saved_text]).expect(0);

    let creds = t.path("creds.json");
    let creds_text = creds.display().to_string();
    let run = t
        .run_plain(&[
            "apply",
            &saved_text,
            "--auto-approve",
            "-vv",
            "--credentials-out",
            &creds_text,
        ])
        .expect(0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&creds).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let passwords = console_passwords(&creds);
    assert_eq!(passwords.len(), 1, "{passwords:?}");
    assert_eq!(passwords[0]["user"], "maria");
    assert_eq!(passwords[0]["password_reset_required"], true);
    let password = passwords[0]["password"].as_str().unwrap().to_owned();
    assert!(password.len() >= 24, "{password}");
    for class in [
        |c: char| c.is_ascii_uppercase(),
        |c: char| c.is_ascii_lowercase(),
        |c: char| c.is_ascii_digit(),
        |c: char| c.is_ascii_punctuation(),
    ] {
        assert!(password.chars().any(class), "{password}");
    }
    let account = std::fs::read_to_string(t.account()).unwrap();
    let saved_plan = std::fs::read_to_string(&saved).unwrap();
    for (what, text) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("the plan JSON", &plan_text),
        ("the saved plan", &saved_plan),
        ("the mock file", &account),
    ] {
        assert!(!text.contains(&password), "the password is in {what}");
    }
    assert!(t.live()["account"]["users"]["maria"]["credentials"]["login_profile"].is_object());
    t.assert_converged();
}

#[test]
fn console_access_false_removes_the_login_profile_and_silence_keeps_it() {
    let t = Test::new().file("main.hcl", MARIA);
    let creds = t.path("creds.json").display().to_string();
    t.run(&["apply", "--auto-approve", "--credentials-out", &creds])
        .expect(0);
    // Not mentioned: left alone.
    t.write("main.hcl", "user \"maria\" {}\n");
    t.assert_converged();
    t.write(
        "main.hcl",
        "user \"maria\" {\n  console_access = false\n}\n",
    );
    let plan = t.run(&["plan", "--detailed-exitcode"]).expect(2);
    assert!(plan.stdout.contains("console_access"), "{}", plan.stdout);
    let run = t.apply();
    assert!(run.stderr.contains("DeleteLoginProfile"), "{}", run.stderr);
    assert!(t.live()["account"]["users"]["maria"]["credentials"]
        .get("login_profile")
        .is_none());
    t.assert_converged();
}
