//! A hostile repository (tests/fixtures/hostile/): configurations a pull request could bring, run
//! through `validate`, `plan` and `fmt`. Every run must end (a generous timeout turns a hang into
//! a failure), exit 1 with a located error (or format, for `fmt`), never panic or overflow its
//! stack, never print a secret it was pointed at, and write nothing but the files `fmt` formats.

mod fuzz;
mod outside;
mod plans;

use crate::harness::{repo, Run, Test};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A secret the configurations try to read; no output may contain it.
const SECRET: &str = "AKIAHOSTILE0SECRET0KEY";

/// What the test plants in a case before running it: what git cannot hold.
type Plant = fn(&Test);

struct Case {
    name: &'static str,
    plant: Plant,
    /// A fragment of the error `validate` and `plan` must report, and where (`main.hcl:L:C`, or
    /// the start of the located line for errors outside main.hcl).
    error: &'static str,
    at: &'static str,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// The case's fixture in a fresh configuration directory, with a secret file beside it (outside
/// the configuration) and its plants.
fn setup(case: &Case) -> Test {
    let t = Test::new();
    copy_dir(
        &repo().join("tests/fixtures/hostile").join(case.name),
        &t.config(),
    );
    std::fs::write(
        t.path("secret.json"),
        format!("{{\"key\": \"{SECRET}\"}}\n"),
    )
    .unwrap();
    (case.plant)(&t);
    t
}

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    if let Some(parent) = at.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::os::unix::fs::symlink(target, at).unwrap();
}

fn nothing(_: &Test) {}

#[cfg(unix)]
fn secret_link(t: &Test) {
    link(
        &t.path("secret.json"),
        &t.config().join("policies/read.json"),
    );
}

#[cfg(unix)]
fn fifo(t: &Test) {
    let path = t.config().join("policies/read.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    assert!(made.unwrap().success(), "mkfifo");
}

#[cfg(unix)]
fn dev_zero_link(t: &Test) {
    link(
        Path::new("/dev/zero"),
        &t.config().join("policies/read.json"),
    );
}

fn big_file(t: &Test) {
    let path = t.config().join("policies/read.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, vec![b' '; 2 << 20]).unwrap();
}

#[cfg(unix)]
fn hcl_link(t: &Test) {
    std::fs::write(t.path("stolen.txt"), format!("user \"{SECRET}\" {{\n")).unwrap();
    link(&t.path("stolen.txt"), &t.config().join("stolen.hcl"));
}

fn hundred_thousand_names(t: &Test) {
    let names: Vec<String> = (0..100_000).map(|i| format!("\"user-{i}\"")).collect();
    t.write(
        "names.hcl",
        &format!("locals {{\n  names = [{}]\n}}\n", names.join(", ")),
    );
}

#[cfg(unix)]
fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "file_link_out_of_tree",
            plant: secret_link,
            error: "`policies/read.json` is outside the configuration directory",
            at: "main.hcl:3:3",
        },
        Case {
            name: "file_proc_environ",
            plant: nothing,
            error: "`/proc/self/environ` is outside the configuration directory",
            at: "main.hcl:3:3",
        },
        Case {
            name: "file_fifo",
            plant: fifo,
            error: "not a regular file",
            at: "main.hcl:3:3",
        },
        Case {
            name: "file_dev_zero_link",
            plant: dev_zero_link,
            error: "is outside the configuration directory",
            at: "main.hcl:3:3",
        },
        Case {
            name: "file_too_big",
            plant: big_file,
            error: "larger than 1048576 bytes",
            at: "main.hcl:3:3",
        },
        Case {
            name: "template_includes_itself",
            plant: nothing,
            error: "a template cannot call templatefile",
            at: "main.hcl:2:3",
        },
        Case {
            name: "hcl_link_out_of_tree",
            plant: hcl_link,
            error: "stolen.hcl is a symbolic link to a file outside the configuration directory",
            at: "",
        },
        Case {
            name: "deep_nesting",
            plant: nothing,
            error: "nests more than 1000 levels deep",
            at: "main.hcl:2:",
        },
        Case {
            name: "template_directives",
            plant: nothing,
            error: "nests more than 1000 levels deep",
            at: "main.hcl:2:",
        },
        Case {
            name: "doubling_locals",
            plant: nothing,
            error: "iamform's values are limited to 16,777,216 bytes",
            at: "main.hcl:26:3",
        },
        Case {
            name: "long_operator_chain",
            plant: nothing,
            error: "nests more than 1000 levels deep",
            at: "main.hcl:2:",
        },
        Case {
            name: "json_key_written_twice",
            plant: nothing,
            error: "the key \"Action\" is written twice in one object, at policies/read.json:5:5 and at policies/read.json:7:5",
            at: "main.hcl:3:3",
        },
    ]
}

/// Every regular file under `dir` with its contents (links and FIFOs are not followed).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                out.insert(entry.path(), std::fs::read(entry.path()).unwrap());
            } else {
                out.insert(entry.path(), b"(not a regular file)".to_vec());
            }
        }
    }
    out
}

/// Checks what every run must do: end on its own, not crash, not leak the secret.
#[track_caller]
fn sane(what: &str, run: &Run) {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        run.code == 0 || run.code == 1,
        "{what}: exit code {} (killed by the timeout or a signal)\n{}",
        run.code,
        cut(&all)
    );
    for crash in ["panicked", "overflowed its stack", "internal error"] {
        assert!(!all.contains(crash), "{what}: {crash}\n{}", cut(&all));
    }
    assert!(
        !all.contains(SECRET),
        "{what}: printed the secret\n{}",
        cut(&all)
    );
}

fn cut(text: &str) -> String {
    text.chars().take(3000).collect()
}

#[cfg(unix)]
#[test]
fn every_hostile_configuration_is_refused_with_a_located_error_and_writes_nothing() {
    let env = [("AWS_SECRET_ACCESS_KEY", SECRET)];
    for case in cases() {
        let t = setup(&case);
        let root = t.path("");
        let before = snapshot(&root);
        for command in [&["validate"][..], &["plan"][..]] {
            let what = format!("{} {}", case.name, command.join(" "));
            let run = t.run_bounded(command, &env);
            sane(&what, &run);
            assert_eq!(run.code, 1, "{what}\n{}", cut(&run.stderr));
            let error = crate::lang::error_with(&run.stderr, case.error).unwrap_or_else(|| {
                panic!("{what}: no error `{}`\n{}", case.error, cut(&run.stderr))
            });
            if !case.at.is_empty() {
                let at = format!("--> {}/{}", t.config().display(), case.at);
                assert!(error.contains(&at), "{what}: not at {}\n{error}", case.at);
            }
        }
        let run = t.run_bounded(&["fmt", "--check"], &env);
        sane(&format!("{} fmt --check", case.name), &run);
        assert_eq!(before, snapshot(&root), "{}: a file was written", case.name);
    }
}

#[test]
fn a_set_of_100000_names_is_linear() {
    // 100,000 names took minutes with a quadratic toset; the timeout fails a regression.
    let case = Case {
        name: "toset_100k",
        plant: hundred_thousand_names,
        error: "",
        at: "",
    };
    let t = setup(&case);
    let run = t.run_bounded(&["validate"], &[]);
    sane("toset_100k", &run);
    assert_eq!(run.code, 0, "{}", cut(&run.stderr));
    assert!(
        run.stdout.contains("100000 entities declared"),
        "{}",
        run.stdout
    );
}

#[test]
fn values_nested_2000_deep_are_refused_by_every_command_wherever_they_come_from() {
    let case = Case {
        name: "deep_var_values",
        plant: nothing,
        error: "",
        at: "",
    };
    let t = setup(&case);
    let deep = format!("{}{}", "[".repeat(2000), "]".repeat(2000));
    let var_file = t.path("deep.hcl");
    std::fs::write(&var_file, format!("x = {deep}\n")).unwrap();
    let var_file = var_file.display().to_string();
    let flag = format!("x={deep}");
    type Env<'a> = Vec<(&'a str, &'a str)>;
    let sources: [(&str, Vec<&str>, Env); 3] = [
        ("--var x=", vec!["--var", &flag], vec![]),
        ("deep.hcl:1", vec!["--var-file", &var_file], vec![]),
        (
            "IAMFORM_VAR_x",
            vec![],
            vec![("IAMFORM_VAR_x", deep.as_str())],
        ),
    ];
    for (origin, flags, env) in sources {
        for command in ["validate", "plan", "lint"] {
            let mut args = vec![command];
            args.extend(flags.iter().copied());
            let run = t.run_bounded(&args, &env);
            let what = format!("{command} with {origin}");
            sane(&what, &run);
            assert_eq!(run.code, 1, "{what}: {}", cut(&run.stderr));
            assert!(
                run.stderr.contains("more than 1000 levels deep"),
                "{what}: {}",
                cut(&run.stderr)
            );
            assert!(run.stderr.contains(origin), "{what}: {}", cut(&run.stderr));
        }
    }
}

#[cfg(unix)]
#[test]
fn fmt_in_a_hostile_checkout_writes_only_the_files_it_formats() {
    let plant_tmp_link: Plant = |t| {
        std::fs::write(t.path("victim.txt"), "do not touch").unwrap();
        link(
            &t.path("victim.txt"),
            &t.config().join(".main.hcl.iamform-fmt.tmp"),
        );
    };
    let plant_loop: Plant = |t| {
        link(&t.config().join("b"), &t.config().join("a/to_b"));
        link(&t.config().join("a"), &t.config().join("b/to_a"));
        link(&t.path(""), &t.config().join("up"));
        std::fs::write(t.path("victim.hcl"), "user \"v\" {\n    path=\"/\"\n}\n").unwrap();
    };
    for (name, plant, formatted) in [
        ("fmt_planted_link", plant_tmp_link, vec!["main.hcl"]),
        ("fmt_link_loop", plant_loop, vec!["a/a.hcl", "main.hcl"]),
    ] {
        let case = Case {
            name,
            plant,
            error: "",
            at: "",
        };
        let t = setup(&case);
        let root = t.path("");
        let before = snapshot(&root);
        let run = t.run_bounded(&["fmt", "--recursive"], &[]);
        sane(name, &run);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let after = snapshot(&root);
        let changed: Vec<String> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .map(|p| {
                p.strip_prefix(t.config())
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(changed, formatted, "{name}: {}", run.stderr);
    }
}
