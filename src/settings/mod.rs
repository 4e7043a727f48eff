//! Settings: what a run was asked to do, as validated data between the command line (`cli`, the
//! only place that knows clap) and the pipeline (`run`) — and the settings of the backend, which
//! come from the configuration's `backend` block as well as from the command line.

pub mod backend;
pub(crate) mod faults;

pub use backend::{parse_mock_caller, AwsSettings, BackendFlags, BackendSpec};
pub use faults::Faults;

use crate::model::Address;
use std::path::PathBuf;

/// Everything a run needs to know from its command line and environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub ui: Ui,
    /// `--backend`, `--region`, `--profile`, `--endpoint-url` (and `IAMFORM_BACKEND`).
    pub backend: BackendFlags,
    /// `--var NAME=VALUE`, in order.
    pub vars: Vec<String>,
    /// `--var-file FILE`, in order.
    pub var_files: Vec<PathBuf>,
    pub command: Command,
}

/// How to talk to the person running iamform.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ui {
    /// Colour is allowed (no `--no-color`, no non-empty `NO_COLOR`); it is used only on a
    /// terminal.
    pub color: bool,
    pub verbose: u8,
    pub quiet: bool,
}

/// How a plan, a saved plan or a drift report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Validate {
        dir: PathBuf,
        /// `--all`: `dir` holds many accounts' configurations.
        all: Option<AllAccounts>,
    },
    Fmt {
        dir: PathBuf,
        check: bool,
        recursive: bool,
    },
    Plan(PlanSettings),
    Apply(ApplySettings),
    Show {
        file: PathBuf,
        format: Format,
    },
    Drift {
        dir: PathBuf,
        format: Format,
        /// `--all`: `dir` holds many accounts' configurations.
        all: Option<AllAccounts>,
    },
    Import(ImportSettings),
    /// Remove the account's apply lock; `auto_approve`: without asking.
    ForceUnlock {
        dir: PathBuf,
        auto_approve: bool,
    },
    Lint {
        dir: PathBuf,
        /// `--document`: JSON policy documents to lint instead of the configuration.
        documents: Vec<PathBuf>,
        format: LintFormat,
    },
    /// May `principal` (`user.NAME`, `role.NAME`, as written) do what `query` asks?
    Can {
        dir: PathBuf,
        principal: String,
        query: AccessQuery,
    },
    /// Everything `principal` (as written) may do.
    Access {
        principal: String,
        dir: PathBuf,
        live: bool,
        json: bool,
    },
    /// Every user and role that may do what `query` asks.
    WhoCan {
        dir: PathBuf,
        query: AccessQuery,
    },
    Audit(AuditSettings),
    Synth {
        entities: usize,
        out: PathBuf,
        user_boundaries: bool,
    },
}

/// How a lint report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintFormat {
    Text,
    /// `schemas/lint-report.schema.json`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// How an audit report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    Text,
    /// `schemas/audit-report.schema.json`.
    Json,
    /// For an issue body.
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
}

/// The request of `can` and `who-can`.
#[derive(Clone, Debug, PartialEq)]
pub struct AccessQuery {
    /// `service:Action`, as written.
    pub action: String,
    /// An ARN, or `*`.
    pub resource: String,
    /// `--context KEY=VALUE`, as written.
    pub context: Vec<String>,
    /// Question the live account (through the backend) instead of the configuration.
    pub live: bool,
    pub json: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AuditSettings {
    /// The configuration directory, if one was named.
    pub dir: Option<PathBuf>,
    pub format: AuditFormat,
    /// Also read Access Advisor's data.
    pub last_accessed: bool,
    pub max_key_age_days: u32,
    pub max_unused_days: u32,
    /// `--now` / `IAMFORM_NOW` as written (RFC 3339), instead of the clock.
    pub now: Option<String>,
    /// `--all`: `dir` holds many accounts' configurations (then `format` is not SARIF).
    pub all: Option<AllAccounts>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanSettings {
    pub dir: PathBuf,
    /// Exit 2 when there are changes.
    pub detailed_exitcode: bool,
    pub json: bool,
    /// Save the plan here, for `apply FILE`.
    pub out: Option<PathBuf>,
    /// `--target`: plan only these and what they depend on.
    pub targets: Vec<Address>,
    /// `--caller`: the principal that will apply the plan, for the self-lockout guard.
    pub caller: Option<Address>,
    /// `--all`: `dir` holds many accounts' configurations.
    pub all: Option<AllAccounts>,
    /// `--fail-on-gain`: action patterns no one may gain.
    pub fail_on_gain: Vec<String>,
    /// `--fail-on-escalation`: no one may gain a privilege-escalation action.
    pub fail_on_escalation: bool,
}

/// `plan --all DIR` (every account configuration under DIR; also `drift`, `audit`, `validate`)
/// and `apply --all DIR` (every saved plan under DIR): one combined report.
#[derive(Clone, Debug, PartialEq)]
pub struct AllAccounts {
    /// `--accounts-parallelism`: accounts planned at once.
    pub parallelism: usize,
    pub format: Format,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ApplySettings {
    /// A configuration directory, or a saved plan.
    pub target: PathBuf,
    pub auto_approve: bool,
    pub parallelism: usize,
    pub json: bool,
    /// `--target`: directory form only.
    pub targets: Vec<Address>,
    pub allow_lockout: bool,
    /// `--max-destroy N`: replaces `settings { max_destroy }` and the default limit.
    pub max_destroy: Option<usize>,
    /// `--credentials-out`: where new console passwords go (never printed).
    pub credentials_out: Option<PathBuf>,
    /// `--config-dir`: with a saved plan, the configuration it must have been made from.
    pub config_dir: Option<PathBuf>,
    /// `--lock=false`: without the account's apply lock.
    pub lock: bool,
    /// `--all`: `target` holds the saved plans of many accounts.
    pub all: Option<AllAccounts>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImportSettings {
    pub out: PathBuf,
    /// `--scope`: IAM path prefixes.
    pub paths: Vec<String>,
    /// `--exclude`: globs on KIND/NAME.
    pub exclude: Vec<String>,
    pub force: bool,
}

/// Whether colour is allowed: no `--no-color`, and `NO_COLOR` unset or empty (no-color.org: an
/// empty value does not count).
pub fn color_allowed(no_color_flag: bool, no_color_env: Option<&std::ffi::OsStr>) -> bool {
    !no_color_flag && no_color_env.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn no_color_counts_only_when_it_is_not_empty() {
        assert!(color_allowed(false, None));
        assert!(color_allowed(false, Some(OsStr::new(""))));
        assert!(!color_allowed(false, Some(OsStr::new("1"))));
        assert!(!color_allowed(true, None));
    }
}
