//! `fmt` in a checkout an attacker prepared: planted links at temporary names, linked files and
//! directories, file modes, and nesting deep enough to overflow a recursive parser.

use super::MESSY;
use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

/// Runs `iamform ARGS`, killed after a generous minute so that a hang fails the test instead of
/// blocking the suite (not a performance bound).
fn iamform(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("iamform")
        .expect("the iamform binary")
        .args(args)
        .env_remove("IAMFORM_BACKEND")
        .env("NO_COLOR", "1")
        .write_stdin("")
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run iamform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn text(p: &Path) -> String {
    std::fs::read_to_string(p).expect("read")
}

#[cfg(unix)]
#[test]
fn fmt_does_not_write_through_a_link_planted_at_its_temporary_name() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "do not touch").expect("write");
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    std::fs::write(config.join("main.hcl"), MESSY).expect("write");
    // The name the formatter used to write to before renaming.
    std::os::unix::fs::symlink(&victim, config.join(".main.hcl.iamform-fmt.tmp")).expect("link");
    let (code, stdout, stderr) = iamform(&["fmt", config.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(text(&victim), "do not touch");
    let mode = std::fs::metadata(&victim)
        .expect("stat")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "the link's target keeps its mode");
    assert_ne!(
        text(&config.join("main.hcl")),
        MESSY,
        "the file itself is formatted"
    );
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_mode_of_the_files_it_rewrites() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("main.hcl");
    std::fs::write(&file, MESSY).expect("write");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let (code, stdout, stderr) = iamform(&["fmt", dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_ne!(text(&file), MESSY);
    let mode = std::fs::metadata(&file).expect("stat").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[cfg(unix)]
#[test]
fn a_linked_hcl_file_is_reported_and_neither_its_target_nor_the_link_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = dir.path().join("outside.hcl");
    std::fs::write(&outside, MESSY).expect("write");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("mkdir");
    let link = config.join("linked.hcl");
    std::os::unix::fs::symlink(&outside, &link).expect("link");
    for args in [vec!["fmt"], vec!["fmt", "--check"]] {
        let mut args = args;
        args.push(config.to_str().expect("utf-8"));
        let (code, stdout, stderr) = iamform(&args);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(
            stderr.contains("skipped")
                && stderr.contains("linked.hcl")
                && stderr.contains("symbolic link"),
            "{stderr}"
        );
        assert_eq!(text(&outside), MESSY);
        assert!(std::fs::symlink_metadata(&link)
            .expect("stat")
            .file_type()
            .is_symlink());
    }
}

#[cfg(unix)]
#[test]
fn fmt_recursive_does_not_follow_directory_links_even_in_a_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("real")).expect("mkdir");
    std::fs::write(config.join("real/main.hcl"), MESSY).expect("write");
    // Two links to each other's directories: following them once made the walk exponential.
    std::fs::create_dir_all(config.join("a")).expect("mkdir");
    std::fs::create_dir_all(config.join("b")).expect("mkdir");
    std::os::unix::fs::symlink(config.join("b"), config.join("a/to_b")).expect("link");
    std::os::unix::fs::symlink(config.join("a"), config.join("b/to_a")).expect("link");
    std::os::unix::fs::symlink(config.join("."), config.join("a/self")).expect("link");
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("x.hcl"), MESSY).expect("write");
    std::os::unix::fs::symlink(&outside, config.join("elsewhere")).expect("link");
    let (code, stdout, stderr) = iamform(&["fmt", "--recursive", config.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 1, "only real/main.hcl: {stdout}");
    assert!(stdout.contains("real/main.hcl"), "{stdout}");
    assert!(stderr.contains("not followed"), "{stderr}");
    assert_eq!(
        text(&outside.join("x.hcl")),
        MESSY,
        "nothing outside the tree"
    );
}

#[test]
fn fmt_of_a_file_nested_2000_deep_is_a_located_error_not_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "locals {{\n  x = {}{}\n}}\n",
        "[".repeat(2000),
        "]".repeat(2000)
    );
    let file = dir.path().join("main.hcl");
    std::fs::write(&file, &deep).expect("write");
    let (code, stdout, stderr) = iamform(&["fmt", "--check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("more than 1000 levels deep"), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:2:", file.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("overflow"), "{stderr}");
    assert_eq!(text(&file), deep);
}

#[test]
fn a_syntax_error_on_a_line_of_5_mib_is_shown_cut() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = format!("locals {{ a = \"{}\" + }}\n", "x".repeat(5 << 20));
    std::fs::write(dir.path().join("main.hcl"), &line).expect("write");
    let (code, stdout, stderr) = iamform(&["fmt", "--check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.len() < 2000, "{} bytes of stderr", stderr.len());
    assert!(stderr.contains("bytes …"), "{stderr}");
}
