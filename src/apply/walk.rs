//! The concurrent DAG walk: an operation starts once all its dependencies have been applied, at most
//! `parallelism` at a time; an operation whose dependency failed is skipped, never attempted; errors
//! are collected, not stopped at. A stop request (Ctrl-C) lets in-flight calls finish and starts no
//! new ones.

use super::report::{ApplyReport, OperationReport, Outcome};
use crate::backend::retry::{self, Creations, RetryPolicy};
use crate::backend::Backend;
use crate::plan::Plan;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::task::JoinSet;

#[derive(Clone, Debug)]
pub struct Options {
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
pub enum Event<'a> {
    Started {
        id: usize,
        operation: &'a str,
    },
    Finished {
        id: usize,
        operation: &'a str,
        outcome: &'a Outcome,
        done: usize,
        total: usize,
    },
}

pub async fn run(
    plan: &Plan,
    backend: Arc<dyn Backend>,
    options: &Options,
    stop: Arc<AtomicBool>,
    mut on_event: impl FnMut(Event<'_>),
) -> ApplyReport {
    let n = plan.operations.len();
    let labels: Vec<String> = plan
        .operations
        .iter()
        .map(|o| o.operation.to_string())
        .collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = vec![0; n];
    for op in &plan.operations {
        waiting[op.id] = op.depends_on.len();
        for &d in &op.depends_on {
            dependents[d].push(op.id);
        }
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let mut ready: VecDeque<usize> = (0..n).filter(|&i| waiting[i] == 0).collect();
    let mut running = JoinSet::new();
    let mut done = 0;
    let parallelism = options.parallelism.max(1);
    let creations = Arc::new(Creations::default());

    loop {
        while running.len() < parallelism && !stop.load(Ordering::SeqCst) {
            let Some(id) = ready.pop_front() else { break };
            on_event(Event::Started {
                id,
                operation: &labels[id],
            });
            let backend = Arc::clone(&backend);
            let op = plan.operations[id].operation.clone();
            let policy = options.retry;
            let creations = Arc::clone(&creations);
            running.spawn(async move {
                let (result, retries) =
                    retry::execute(backend.as_ref(), &op, &policy, &creations).await;
                let outcome = match result {
                    Ok(()) => Outcome::Applied { retries },
                    Err(e) => Outcome::Failed {
                        error: e.to_string(),
                        retries,
                    },
                };
                (id, outcome)
            });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (id, outcome) = match joined {
            Ok(pair) => pair,
            // A panicking backend call is a bug; report it rather than lose the walk.
            Err(e) => {
                tracing::error!("an operation task failed: {e}");
                continue;
            }
        };
        done += 1;
        on_event(Event::Finished {
            id,
            operation: &labels[id],
            outcome: &outcome,
            done,
            total: n,
        });
        let succeeded = matches!(outcome, Outcome::Applied { .. });
        outcomes[id] = Some(outcome);
        if succeeded {
            for &next in &dependents[id] {
                waiting[next] -= 1;
                if waiting[next] == 0 && outcomes[next].is_none() {
                    ready.push_back(next);
                }
            }
        } else {
            skip_dependents(id, &dependents, &mut outcomes);
        }
    }

    let interrupted = outcomes.iter().any(Option::is_none);
    let operations = plan
        .operations
        .iter()
        .map(|op| OperationReport {
            id: op.id,
            address: op.address.clone(),
            operation: labels[op.id].clone(),
            outcome: outcomes[op.id].clone().unwrap_or(Outcome::NotStarted),
        })
        .collect();
    ApplyReport {
        operations,
        interrupted,
        api_calls: backend.call_counts(),
    }
}

/// Marks everything downstream of a failed (or skipped) operation as skipped.
fn skip_dependents(failed: usize, dependents: &[Vec<usize>], outcomes: &mut [Option<Outcome>]) {
    let mut stack = vec![failed];
    while let Some(id) = stack.pop() {
        for &next in &dependents[id] {
            if outcomes[next].is_none() {
                outcomes[next] = Some(Outcome::Skipped { because: id });
                stack.push(next);
            }
        }
    }
}
