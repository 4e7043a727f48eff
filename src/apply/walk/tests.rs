//! The walk against a scripted fake backend: order, parallelism, failures, panics, stops.

use super::*;
use crate::backend::{BackendError, ErrorCode};
use crate::model::{Account, Address, Name};
use crate::operation::{CallCounts, GroupOp, Operation};
use crate::plan::{PlannedOperation, FORMAT_VERSION};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What the fake does when asked to run an operation (by its group name).
#[derive(Clone, Copy)]
enum Script {
    Succeed,
    Fail(ErrorCode),
    /// Fails with this code this many times, then succeeds.
    FailTimes(ErrorCode, usize),
    Panic,
}

/// A backend that runs each call as scripted, records the order calls finish in and the most
/// calls ever in flight at once.
#[derive(Default)]
struct Fake {
    script: HashMap<String, Script>,
    attempts: Mutex<HashMap<String, usize>>,
    finished: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    delay: Duration,
}

impl Fake {
    fn with(script: &[(&str, Script)]) -> Fake {
        Fake {
            script: script.iter().map(|(k, s)| ((*k).to_owned(), *s)).collect(),
            delay: Duration::from_millis(5),
            ..Fake::default()
        }
    }

    fn finished(&self) -> Vec<String> {
        self.finished.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl Backend for Fake {
    async fn read(&self) -> Result<Account, BackendError> {
        Ok(Account::default())
    }

    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        let name = op.target().name.as_str().to_owned();
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let attempt = {
            let mut attempts = self.attempts.lock().unwrap();
            let n = attempts.entry(name.clone()).or_default();
            *n += 1;
            *n
        };
        let result = match self.script.get(&name).copied().unwrap_or(Script::Succeed) {
            Script::Succeed => Ok(()),
            Script::Fail(code) => Err(BackendError::api(code, "scripted")),
            Script::FailTimes(code, times) if attempt <= times => {
                Err(BackendError::api(code, "scripted"))
            }
            Script::FailTimes(..) => Ok(()),
            Script::Panic => panic!("scripted panic in {name}"),
        };
        if result.is_ok() {
            self.finished.lock().unwrap().push(name);
        }
        result
    }

    fn account_id(&self) -> &str {
        "123456789012"
    }

    fn call_counts(&self) -> CallCounts {
        CallCounts::new()
    }
}

/// A plan of `CreateGroup NAME` operations with these dependencies (by index).
fn plan(ops: &[(&str, &[usize])]) -> Plan {
    let operations = ops
        .iter()
        .enumerate()
        .map(|(id, (name, deps))| {
            let operation = Operation::from(GroupOp::CreateGroup {
                group: Name::from(*name),
                path: "/".into(),
            });
            PlannedOperation {
                id,
                address: operation.target(),
                operation,
                depends_on: deps.to_vec(),
            }
        })
        .collect();
    Plan {
        format_version: FORMAT_VERSION,
        account_id: "123456789012".into(),
        changes: Vec::new(),
        operations,
        unmanaged: BTreeMap::new(),
        targets: Vec::new(),
        max_destroy: None,
        access_changes: Vec::new(),
        warnings: Vec::new(),
    }
}

fn options(parallelism: usize) -> Options {
    Options {
        parallelism,
        retry: RetryPolicy {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(1),
            ..RetryPolicy::default()
        },
    }
}

async fn walk(plan: &Plan, fake: Arc<Fake>, parallelism: usize) -> ApplyReport {
    run(plan, fake, &options(parallelism), || false, |_| {}).await
}

fn outcome<'a>(report: &'a ApplyReport, name: &str) -> &'a Outcome {
    let address = Address::new(crate::model::Kind::Group, name);
    &report
        .operations
        .iter()
        .find(|o| o.address == address)
        .unwrap_or_else(|| panic!("{name} is in the report"))
        .outcome
}

#[tokio::test]
async fn dependencies_finish_first_and_parallelism_is_a_ceiling() {
    // a -> b -> d, a -> c -> d, and e, f, g independent.
    let p = plan(&[
        ("a", &[]),
        ("b", &[0]),
        ("c", &[0]),
        ("d", &[1, 2]),
        ("e", &[]),
        ("f", &[]),
        ("g", &[]),
    ]);
    let fake = Arc::new(Fake::with(&[]));
    let report = walk(&p, Arc::clone(&fake), 2).await;
    assert!(report.is_success(), "{report:?}");
    let order = fake.finished();
    let at = |n: &str| order.iter().position(|x| x == n).unwrap();
    assert!(at("a") < at("b") && at("a") < at("c"), "{order:?}");
    assert!(at("b") < at("d") && at("c") < at("d"), "{order:?}");
    assert_eq!(fake.most_in_flight.load(Ordering::SeqCst), 2);
    assert!(!report.interrupted);
}

#[tokio::test]
async fn a_failure_skips_its_dependents_transitively_and_nothing_else() {
    let p = plan(&[("a", &[]), ("b", &[0]), ("c", &[1]), ("d", &[])]);
    let fake = Arc::new(Fake::with(&[(
        "a",
        Script::Fail(ErrorCode::DeleteConflict),
    )]));
    let report = walk(&p, Arc::clone(&fake), 4).await;
    assert!(
        matches!(outcome(&report, "a"), Outcome::Failed { error, .. } if error.contains("DeleteConflict"))
    );
    assert_eq!(outcome(&report, "b"), &Outcome::Skipped { because: 0 });
    assert_eq!(outcome(&report, "c"), &Outcome::Skipped { because: 1 });
    assert_eq!(outcome(&report, "d"), &Outcome::Applied { retries: 0 });
    assert_eq!(fake.finished(), ["d"], "b and c are never attempted");
    assert!(!report.interrupted);
}

/// Defect 19.7: a panicking call used to be lost — reported as not started, its dependents
/// neither run nor skipped, and the report said "interrupted".
#[tokio::test]
async fn a_panicking_call_is_a_failed_operation_and_its_dependents_are_skipped() {
    let p = plan(&[("a", &[]), ("b", &[0]), ("c", &[])]);
    let fake = Arc::new(Fake::with(&[("a", Script::Panic)]));
    let report = walk(&p, fake, 4).await;
    match outcome(&report, "a") {
        Outcome::Failed { error, .. } => {
            assert!(error.contains("scripted panic in a"), "{error}")
        }
        other => panic!("a panic is a failure, not {other:?}"),
    }
    assert_eq!(outcome(&report, "b"), &Outcome::Skipped { because: 0 });
    assert_eq!(outcome(&report, "c"), &Outcome::Applied { retries: 0 });
    assert!(!report.interrupted, "every operation has an outcome");
    assert_eq!(
        (report.failed(), report.skipped(), report.not_started()),
        (1, 1, 0)
    );
}

#[tokio::test]
async fn a_busy_iam_is_retried_and_the_retries_are_counted() {
    let p = plan(&[("a", &[])]);
    let fake = Arc::new(Fake::with(&[(
        "a",
        Script::FailTimes(ErrorCode::Throttling, 2),
    )]));
    let report = walk(&p, fake, 1).await;
    assert_eq!(outcome(&report, "a"), &Outcome::Applied { retries: 2 });
}

#[tokio::test]
async fn a_stop_starts_nothing_new_and_lets_calls_in_flight_finish() {
    let p = plan(&[("a", &[]), ("b", &[]), ("c", &[0]), ("d", &[])]);
    let fake = Arc::new(Fake::with(&[]));
    let started = AtomicUsize::new(0);
    let report = run(
        &p,
        Arc::clone(&fake) as Arc<dyn Backend>,
        &options(2),
        || started.load(Ordering::SeqCst) >= 2,
        |e| {
            if let Event::Started = e {
                started.fetch_add(1, Ordering::SeqCst);
            }
        },
    )
    .await;
    assert_eq!(outcome(&report, "a"), &Outcome::Applied { retries: 0 });
    assert_eq!(outcome(&report, "b"), &Outcome::Applied { retries: 0 });
    assert_eq!(outcome(&report, "c"), &Outcome::NotStarted);
    assert_eq!(outcome(&report, "d"), &Outcome::NotStarted);
    assert!(report.interrupted);
}
