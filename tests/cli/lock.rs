//! The mock account's lock (issue 23.4): a run that finds it held says so after a second, naming
//! the holder, gives up after `--lock-timeout`, and stops waiting on Ctrl-C; the account file is
//! written through an exclusively created temporary file (23.2), keeping its mode, and a symbolic
//! link at the account path is refused.

use crate::harness::Test;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Holds the account's lock as another run would, with its holder line.
fn hold_lock(t: &Test) -> std::fs::File {
    let path = t.path("account.json.lock");
    let mut lock = std::fs::File::create(path).unwrap();
    lock.write_all(b"iamform (pid 424242) since 2026-01-01T00:00:00Z\n")
        .unwrap();
    lock.lock().unwrap();
    lock
}

#[test]
fn a_held_lock_is_waited_for_named_and_given_up_on() {
    let t = Test::new().file("main.hcl", "user \"u\" {}\n");
    let lock = hold_lock(&t);
    let run = t
        .run_bounded(&["apply", "--auto-approve", "--lock-timeout", "2"], &[])
        .expect(1);
    assert!(
        run.stderr.contains(
            "held by iamform (pid 424242) since 2026-01-01T00:00:00Z… (giving up after 2 s"
        ),
        "{}",
        run.stderr
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("gave up after 2 s waiting for the lock"),
        "{all}"
    );
    assert!(all.contains("--lock-timeout"), "{all}");
    assert!(!t.account().exists(), "the account was written");

    // Released: the same apply goes through, and leaves its own holder line.
    drop(lock);
    t.apply();
    let holder = std::fs::read_to_string(t.path("account.json.lock")).unwrap();
    assert!(holder.starts_with("iamform (pid "), "{holder}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_wait_for_a_lock() {
    let t = Test::new().file("main.hcl", "user \"u\" {}\n");
    let _lock = hold_lock(&t);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("iamform"))
        .args(["apply", "--auto-approve", "--lock-timeout", "600"])
        .arg(t.config())
        .arg("--backend")
        .arg(format!("mock:{}", t.account().display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("waiting for the lock") {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // A generous bound that turns a wait that ignores Ctrl-C into a failure, not a hang.
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("still waiting for the lock after Ctrl-C: {seen}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert_eq!(status.code(), Some(1), "{seen}{rest}");
    assert!(rest.contains("Interrupt received"), "{seen}{rest}");
    assert!(!t.account().exists(), "the account was written");
}

#[cfg(unix)]
#[test]
fn the_account_file_keeps_its_mode_and_a_link_there_is_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let t = Test::new().file("main.hcl", "user \"u\" {}\n");
    t.apply();
    std::fs::set_permissions(t.account(), std::fs::Permissions::from_mode(0o600)).unwrap();
    t.write("main.hcl", "user \"u\" {}\nuser \"v\" {}\n");
    t.apply();
    let mode = std::fs::metadata(t.account()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);

    let target = t.path("elsewhere.json");
    std::fs::rename(t.account(), &target).unwrap();
    std::os::unix::fs::symlink(&target, t.account()).unwrap();
    let before = std::fs::read(&target).unwrap();
    t.write("main.hcl", "user \"u\" {}\n");
    let run = t.run(&["apply", "--auto-approve"]).expect(1);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read(&target).unwrap(), before);
}
