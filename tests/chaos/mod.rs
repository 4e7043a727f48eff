//! Chaos: random sequences of configuration edits, each applied to the mock under random faults
//! (throttling, failed calls, answers lost after the call took effect, a SIGKILL at a random
//! moment). After every step the account file is valid, nothing outside the scope or reserved by
//! AWS has changed, every entity the step did not touch is still there, and a fault-free apply
//! converges to an empty plan with exactly the declared entities.
//!
//! The suite runs a few seeded sequences; `scripts/chaos.sh N` runs N. A failing sequence is
//! shrunk (steps removed while it still fails) and written to tests/chaos/regressions/, whose
//! files are replayed here first.

mod concurrency;
mod model;

use crate::harness::{repo, schema_errors, Test};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One step: the whole configuration, and how its first apply is disturbed.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Step {
    config: String,
    /// `IAMFORM_MOCK_FAULTS` of the disturbed apply.
    faults: String,
    /// SIGKILL the disturbed apply this long after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kill_after_ms: Option<u64>,
}

/// Entities the configurations never own: another team's under /other/, an excluded user under
/// /team/, and a service-linked role.
const UNMANAGED: &str = r#"
settings {
  scope {
    paths = ["/other/"]
  }
}

policy "other_p" {
  path = "/other/"
  statement {
    actions   = ["dynamodb:GetItem"]
    resources = ["*"]
  }
}

group "other_g" {
  path     = "/other/"
  policies = [policy.other_p.arn]
}

user "other_a" {
  path   = "/other/"
  groups = [group.other_g.name]
}

user "keep_me" {
  path = "/team/"
}

role "other_r" {
  path = "/other/"
  assume_role_policy {
    statement {
      actions = ["sts:AssumeRole"]
      principals {
        service = ["ec2.amazonaws.com"]
      }
    }
  }
}
"#;

const RESERVED_ROLE: &str = "AWSServiceRoleForSupport";

const KEPT: [(&str, &str); 6] = [
    ("users", "other_a"),
    ("users", "keep_me"),
    ("groups", "other_g"),
    ("policies", "other_p"),
    ("roles", "other_r"),
    ("roles", RESERVED_ROLE),
];

/// A random sequence of `steps` steps from `seed`.
fn sequence(seed: u64, steps: usize) -> Vec<Step> {
    let mut rng = model::Rng::new(seed);
    let mut config = model::Config::default();
    (0..steps)
        .map(|_| {
            config.begin_step();
            for _ in 0..=rng.below(2) {
                config.edit(&mut rng);
                if config.renamed() {
                    break;
                }
            }
            let (faults, kill_after_ms) = match rng.below(6) {
                0 => (String::new(), None),
                1 => ("throttle=0.3".to_owned(), None),
                2 => (
                    format!("fail_call={}:LimitExceeded", 1 + rng.below(4)),
                    None,
                ),
                3 => ("lose_response=0.3".to_owned(), None),
                4 => ("lose_response=0.2,throttle=0.2".to_owned(), None),
                _ => ("latency_ms=25".to_owned(), Some(rng.below(300))),
            };
            Step {
                config: config.hcl(),
                faults,
                kill_after_ms,
            }
        })
        .collect()
}

/// A fresh account holding the unmanaged entities.
fn start() -> Test {
    let t = Test::new().file("main.hcl", UNMANAGED);
    t.apply();
    t.edit_live(|live| {
        let mut role = live["account"]["roles"]["other_r"].clone();
        role["name"] = RESERVED_ROLE.into();
        role["path"] = "/aws-service-role/support.amazonaws.com/".into();
        if let Some(id) = role.get("role_id").and_then(|v| v.as_str()) {
            role["role_id"] = format!("{id}X").into();
        }
        live["account"]["roles"][RESERVED_ROLE] = role;
    });
    t
}

fn entry(live: &serde_json::Value, map: &str, name: &str) -> serde_json::Value {
    live["account"][map][name].clone()
}

/// Entity blocks of a configuration by (mock-account map, name): a block's text is the whole
/// truth about its entity in these configurations.
fn blocks(config: &str) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for block in config.split("\n\n") {
        let mut words = block.split_whitespace();
        let (Some(kind), Some(name)) = (words.next(), words.next()) else {
            continue;
        };
        let map = match kind {
            "user" => "users",
            "group" => "groups",
            "role" => "roles",
            "policy" => "policies",
            _ => continue,
        };
        let name = name.trim_matches('"').to_owned();
        if map == "roles" && block.contains("instance_profile = true") {
            out.insert(
                ("instance_profiles".to_owned(), name.clone()),
                block.to_owned(),
            );
        }
        out.insert((map.to_owned(), name), block.to_owned());
    }
    out
}

/// The disturbed apply of one step: its exit code, `None` when killed.
fn disturbed_apply(t: &Test, step: &Step) -> Result<(Option<i32>, String), String> {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("iamform"));
    cmd.args(["apply", "--auto-approve"])
        .arg(t.config())
        .arg("--backend")
        .arg(format!("mock:{}", t.account().display()))
        .env("IAMFORM_MOCK_FAULTS", &step.faults)
        .env("NO_COLOR", "1")
        .env_remove("IAMFORM_BACKEND")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("start apply: {e}"))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let kill_at = step
        .kill_after_ms
        .map(|ms| std::time::Instant::now() + Duration::from_millis(ms));
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                std::io::Read::read_to_string(&mut pipe, &mut stderr).ok();
            }
            return Ok((status.code(), stderr));
        }
        let now = std::time::Instant::now();
        if kill_at.is_some_and(|k| now >= k) {
            child.kill().ok();
            child.wait().ok();
            return Ok((None, String::new()));
        }
        if now >= deadline {
            child.kill().ok();
            return Err("the apply hung for two minutes".to_owned());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// How the disturbed applies of a run ended, by outcome.
type Outcomes = BTreeMap<&'static str, usize>;

/// Runs `steps` on a fresh account; `Err` says which step broke which promise.
fn run(steps: &[Step]) -> Result<Outcomes, String> {
    let mut outcomes = Outcomes::new();
    let t = start();
    let kept_before: Vec<serde_json::Value> =
        KEPT.iter().map(|(m, n)| entry(&t.live(), m, n)).collect();
    let mut previous = String::new();
    for (n, step) in steps.iter().enumerate() {
        let fail = |what: String| Err(format!("step {n} ({}): {what}", step.faults));
        t.write("main.hcl", &step.config);
        let before = t.live();
        let (code, stderr) = disturbed_apply(&t, step)?;
        let outcome = match code {
            None => "killed",
            Some(0) => "applied",
            Some(1) if stderr.contains("Nothing was applied.") => "refused",
            Some(1) => "failed",
            _ => return fail(format!("apply exited {code:?}:\n{stderr}")),
        };
        *outcomes.entry(outcome).or_default() += 1;
        let text = std::fs::read_to_string(t.account()).map_err(|e| e.to_string())?;
        let Ok(live) = serde_json::from_str::<serde_json::Value>(&text) else {
            return fail(format!("the account file is not JSON:\n{text}"));
        };
        let errors = schema_errors("mock-account.schema.json", &live);
        if !errors.is_empty() {
            return fail(format!("the account file breaks its schema: {errors:?}"));
        }
        if code == Some(1) && stderr.contains("Nothing was applied.") && live != before {
            return fail(format!("a refused apply changed the account:\n{stderr}"));
        }
        for ((map, name), was) in KEPT.iter().zip(&kept_before) {
            if entry(&live, map, name) != *was {
                return fail(format!("{map}/{name}, not owned, changed"));
            }
        }
        let (old, new) = (blocks(&previous), blocks(&step.config));
        for (key, block) in &new {
            let untouched = old.get(key) == Some(block);
            let existed = entry(&before, &key.0, &key.1).is_object();
            if untouched && existed && !entry(&live, &key.0, &key.1).is_object() {
                return fail(format!(
                    "{}/{} was untouched by the step and is gone",
                    key.0, key.1
                ));
            }
        }
        let clean = t.run(&["apply", "--auto-approve", "--max-destroy", "1000"]);
        if clean.code != 0 {
            return fail(format!(
                "the clean apply failed:\n{}\n{}",
                clean.stdout, clean.stderr
            ));
        }
        let plan = t.run(&["plan", "--detailed-exitcode"]);
        if plan.code != 0 {
            return fail(format!(
                "no convergence after a clean apply:\n{}",
                plan.stdout
            ));
        }
        let live = t.live();
        for (map, name) in model::managed_names() {
            let declared = new.contains_key(&(map.to_owned(), name.clone()));
            if entry(&live, map, &name).is_object() != declared {
                return fail(format!("{map}/{name}: declared {declared}, live differs"));
            }
        }
        previous = step.config.clone();
    }
    Ok(outcomes)
}

/// Removes steps while the sequence still fails; the smallest failing sequence found.
fn shrink(mut steps: Vec<Step>) -> Vec<Step> {
    let mut i = steps.len();
    let mut budget = 60;
    while i > 0 && budget > 0 {
        i -= 1;
        budget -= 1;
        let mut fewer = steps.clone();
        fewer.remove(i);
        if run(&fewer).is_err() {
            steps = fewer;
            i = i.min(steps.len());
        }
    }
    steps
}

fn regressions() -> PathBuf {
    repo().join("tests/chaos/regressions")
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_edit_sequences_under_faults_keep_what_they_must_and_converge() {
    let sequences = env_number("IAMFORM_CHAOS_SEQUENCES", 3);
    let steps = env_number("IAMFORM_CHAOS_STEPS", 22) as usize;
    let first = env_number("IAMFORM_CHAOS_SEED", 1);
    let mut faults: BTreeMap<String, usize> = BTreeMap::new();
    let mut outcomes = Outcomes::new();
    for seed in first..first + sequences {
        let seq = sequence(seed, steps);
        for s in &seq {
            let kind = if s.kill_after_ms.is_some() {
                "kill -9".to_owned()
            } else if s.faults.is_empty() {
                "none".to_owned()
            } else {
                s.faults.split('=').next().unwrap_or_default().to_owned()
            };
            *faults.entry(kind).or_default() += 1;
        }
        match run(&seq) {
            Ok(o) => {
                for (k, v) in o {
                    *outcomes.entry(k).or_default() += v;
                }
            }
            Err(why) => {
                if std::env::var_os("IAMFORM_CHAOS_DUMP").is_some() {
                    eprintln!("{}", serde_json::to_string_pretty(&seq).unwrap());
                }
                let small = shrink(seq);
                let file = regressions().join(format!("seed-{seed}.json"));
                std::fs::create_dir_all(regressions()).ok();
                std::fs::write(&file, serde_json::to_string_pretty(&small).unwrap()).ok();
                panic!(
                    "seed {seed}: {why}\nshrunk to {} steps in {}",
                    small.len(),
                    file.display()
                );
            }
        }
    }
    eprintln!(
        "chaos: {sequences} sequences x {steps} steps survived (seeds {first}..{}); faults: {faults:?}; disturbed applies: {outcomes:?}",
        first + sequences - 1
    );
    // The faults must bite: some applies were killed or failed, some went through.
    assert!(outcomes.contains_key("applied"), "{outcomes:?}");
    if sequences * steps as u64 >= 40 {
        assert!(
            outcomes.contains_key("killed") && outcomes.contains_key("failed"),
            "{outcomes:?}"
        );
    }
}

#[test]
fn kept_regression_sequences_still_pass() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(regressions())
        .expect("tests/chaos/regressions exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "at least the hand-written scenario is kept"
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a regression file");
        let steps: Vec<Step> = serde_json::from_str(&text).expect("a regression file is JSON");
        if let Err(why) = run(&steps) {
            panic!("{}: {why}", file.display());
        }
    }
}

#[test]
fn the_checks_catch_a_broken_promise() {
    // The runner must be able to fail: a step whose configuration reaches outside the scope (it
    // declares the excluded user with another path) is caught as a change to an unowned entity.
    let bad = Step {
        config: "user \"keep_me\" {\n  path = \"/elsewhere/\"\n}\n".to_owned(),
        faults: String::new(),
        kill_after_ms: None,
    };
    let why = run(&[bad]).expect_err("changing keep_me breaks a promise");
    assert!(why.contains("users/keep_me, not owned, changed"), "{why}");
}
