//! The concurrent DAG walk: an operation starts once all its dependencies have been applied, at most
//! `parallelism` at a time; an operation whose dependency failed is skipped, never attempted; errors
//! are collected, not stopped at. A stop request (Ctrl-C, a closed stdout) lets in-flight calls
//! finish and starts no new ones. A call that panics is a failed operation like any other.

use super::report::{ApplyReport, OperationReport, Outcome};
use crate::backend::retry::{self, Creations, RetryPolicy};
use crate::backend::Backend;
use crate::plan::Plan;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use tokio::task::{Id, JoinError, JoinSet};

#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub parallelism: usize,
    pub retry: RetryPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parallelism: 10,
            retry: RetryPolicy::default(),
        }
    }
}

/// Progress, for the CLI to show as it likes.
#[derive(Clone, Debug)]
pub(crate) enum Event<'a> {
    Started,
    Finished {
        operation: &'a str,
        outcome: &'a Outcome,
        done: usize,
        total: usize,
    },
}

/// What the walk knows of each operation.
struct State {
    dependents: Vec<Vec<usize>>,
    waiting: Vec<usize>,
    outcomes: Vec<Option<Outcome>>,
    ready: VecDeque<usize>,
}

impl State {
    fn new(plan: &Plan) -> State {
        let n = plan.operations.len();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut waiting: Vec<usize> = vec![0; n];
        for op in &plan.operations {
            waiting[op.id] = op.depends_on.len();
            for &d in &op.depends_on {
                dependents[d].push(op.id);
            }
        }
        let ready = (0..n).filter(|&i| waiting[i] == 0).collect();
        State {
            dependents,
            waiting,
            outcomes: vec![None; n],
            ready,
        }
    }

    /// Records how `id` ended: its dependents become ready, or are skipped.
    fn finish(&mut self, id: usize, outcome: Outcome) {
        let succeeded = matches!(outcome, Outcome::Applied { .. });
        self.outcomes[id] = Some(outcome);
        if succeeded {
            for &next in &self.dependents[id] {
                self.waiting[next] -= 1;
                if self.waiting[next] == 0 && self.outcomes[next].is_none() {
                    self.ready.push_back(next);
                }
            }
        } else {
            self.skip_dependents(id);
        }
    }

    /// Marks everything downstream of a failed (or skipped) operation as skipped.
    fn skip_dependents(&mut self, failed: usize) {
        let mut stack = vec![failed];
        while let Some(id) = stack.pop() {
            for &next in &self.dependents[id] {
                if self.outcomes[next].is_none() {
                    self.outcomes[next] = Some(Outcome::Skipped { because: id });
                    stack.push(next);
                }
            }
        }
    }
}

/// Applies `plan`. `stop` is asked before each operation starts: once it says so, no new
/// operation starts and those in flight finish.
pub(crate) async fn run(
    plan: &Plan,
    backend: Arc<dyn Backend>,
    options: &Options,
    stop: impl Fn() -> bool,
    mut on_event: impl FnMut(Event<'_>),
) -> ApplyReport {
    let n = plan.operations.len();
    let labels: Vec<String> = plan
        .operations
        .iter()
        .map(|o| o.operation.to_string())
        .collect();
    let mut state = State::new(plan);
    let mut running = JoinSet::new();
    // Which operation each task runs, to report a task that panicked.
    let mut tasks: HashMap<Id, usize> = HashMap::new();
    let mut done = 0;
    let parallelism = options.parallelism.max(1);
    let creations = Arc::new(Creations::default());

    loop {
        while running.len() < parallelism && !stop() {
            let Some(id) = state.ready.pop_front() else {
                break;
            };
            on_event(Event::Started);
            let backend = Arc::clone(&backend);
            let op = plan.operations[id].operation.clone();
            let policy = options.retry;
            let creations = Arc::clone(&creations);
            let task = running.spawn(async move {
                let (result, retries) =
                    retry::execute(backend.as_ref(), &op, &policy, &creations).await;
                match result {
                    Ok(()) => Outcome::Applied { retries },
                    Err(e) => Outcome::Failed {
                        error: e.to_string(),
                        retries,
                    },
                }
            });
            tasks.insert(task.id(), id);
        }
        let Some(joined) = running.join_next_with_id().await else {
            break;
        };
        let (task, outcome) = match joined {
            Ok((task, outcome)) => (task, outcome),
            Err(e) => (e.id(), panicked(e)),
        };
        let Some(id) = tasks.remove(&task) else {
            continue;
        };
        done += 1;
        on_event(Event::Finished {
            operation: &labels[id],
            outcome: &outcome,
            done,
            total: n,
        });
        state.finish(id, outcome);
    }

    let interrupted = state.outcomes.iter().any(Option::is_none);
    let operations = plan
        .operations
        .iter()
        .map(|op| OperationReport {
            id: op.id,
            address: op.address.clone(),
            operation: labels[op.id].clone(),
            outcome: state.outcomes[op.id].clone().unwrap_or(Outcome::NotStarted),
        })
        .collect();
    ApplyReport {
        operations,
        interrupted,
        api_calls: backend.call_counts(),
    }
}

/// A task that did not return: a bug in a backend, reported as the operation's failure.
fn panicked(e: JoinError) -> Outcome {
    let why = if e.is_panic() {
        let payload = e.into_panic();
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned())
    } else {
        "it was cancelled".to_owned()
    };
    Outcome::Failed {
        error: format!("iamform failed while making this call (a bug): {why}"),
        retries: 0,
    }
}

#[cfg(test)]
mod tests;
