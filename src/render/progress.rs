//! Progress on stderr. Apply: a progress bar on a terminal, one line per finished operation
//! otherwise (CI logs), nothing with `-q`; and the Access Advisor jobs of `audit --last-accessed`.

use super::printer;
use crate::apply::{Event, Outcome};
use indicatif::{ProgressBar, ProgressStyle};

pub(crate) enum Progress {
    Quiet,
    Lines,
    Bar(ProgressBar),
}

impl Progress {
    pub(crate) fn new(total: usize, quiet: bool) -> Progress {
        if quiet {
            Progress::Quiet
        } else if printer::stderr_is_terminal() {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} operations {wide_msg}")
            {
                bar.set_style(style);
            }
            Progress::Bar(bar)
        } else {
            Progress::Lines
        }
    }

    pub(crate) fn event(&mut self, event: &Event<'_>) {
        let Event::Finished {
            operation,
            outcome,
            done,
            total,
            ..
        } = event
        else {
            return;
        };
        let status = match outcome {
            Outcome::Applied { retries: 0 } => "done".to_owned(),
            Outcome::Applied { retries } => {
                format!(
                    "done after {}",
                    crate::words::count(*retries as usize, "retry")
                )
            }
            Outcome::Failed { error, .. } => format!("FAILED: {error}"),
            Outcome::Skipped { .. } | Outcome::NotStarted => "skipped".to_owned(),
        };
        match self {
            Progress::Quiet => {}
            Progress::Lines => printer::err(&format!("[{done}/{total}] {operation}: {status}\n")),
            Progress::Bar(bar) => {
                bar.set_position(*done as u64);
                if matches!(outcome, Outcome::Failed { .. }) {
                    bar.println(format!("{operation}: {status}"));
                }
                bar.set_message(operation.to_string());
            }
        }
    }

    pub(crate) fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

/// Access Advisor progress on stderr, called with (principals done, principals in all): a line
/// that updates itself on a terminal, else a line at every tenth of the way.
pub(crate) fn advisor() -> std::sync::Arc<dyn Fn(usize, usize) + Send + Sync> {
    let tty = printer::stderr_is_terminal();
    std::sync::Arc::new(move |done: usize, total: usize| {
        if tty {
            printer::err(&format!("\rAccess Advisor: {done}/{total} principals"));
            if done == total {
                printer::err("\n");
            }
        } else if done == total || (total >= 10 && done.is_multiple_of(total / 10)) {
            printer::err(&format!("Access Advisor: {done}/{total} principals\n"));
        }
    })
}
