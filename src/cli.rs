//! The command line: clap-derive arguments, turned once into [`Settings`]. Nothing else knows
//! clap. Usage errors exit 1 (clap's own 2 would read as "changes" or "drift").

use crate::model::Address;
use crate::settings::{self, ApplySettings, BackendFlags, ImportSettings, PlanSettings, Settings};
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "iamform",
    version,
    about = "Declarative AWS IAM: plan and apply HCL against a live account, no state file."
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,

    /// Never colour the output (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    pub no_color: bool,

    /// More detail on stderr: retries, API call counts, the operations graph (-vv: debug logs).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// Where the live account is: for the commands that read one.
#[derive(Debug, Default, clap::Args)]
pub struct AccountArgs {
    /// Where the live account is: `mock:PATH` (a local JSON account) or `aws`. Overrides the
    /// configuration's backend block.
    #[arg(long, env = "IAMFORM_BACKEND", value_name = "mock:PATH|aws")]
    pub backend: Option<String>,

    /// AWS region for `--backend aws` (IAM is global; this picks the STS endpoint).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// AWS profile for `--backend aws`.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Another IAM endpoint for `--backend aws`, e.g. a local moto server.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// Input variable values: for the commands that evaluate a configuration.
#[derive(Debug, Default, clap::Args)]
pub struct InputArgs {
    /// Set an input variable (repeatable): `--var env=prod`, `--var 'users=["john"]'`. The value
    /// is read as an HCL expression when it is one, else as a string. Overrides --var-file and
    /// IAMFORM_VAR_NAME.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// Read input variables from a file of `name = value` lines (or a JSON object for *.json);
    /// repeatable, later files win. Overrides IAMFORM_VAR_NAME.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the configuration without reading any account.
    Validate {
        /// Directory holding the *.hcl files.
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        all: AllArgs,
        /// With --all: text, json (schemas/accounts-report.schema.json) or markdown.
        #[arg(long, value_enum, requires = "all")]
        format: Option<Format>,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Rewrite the *.hcl files of DIR in the canonical layout.
    Fmt {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write nothing: list the files that are not formatted and exit 1 if there are any.
        #[arg(long)]
        check: bool,
        /// Also the files of DIR's subdirectories.
        #[arg(long, short = 'r')]
        recursive: bool,
    },
    /// Show what apply would change in the live account.
    Plan {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Exit 0 when there are no changes, 2 when there are, 1 on error.
        #[arg(long)]
        detailed_exitcode: bool,
        /// Print the plan as JSON instead of text (schemas/plan.schema.json).
        #[arg(long)]
        json: bool,
        /// Also save the plan to FILE, for `iamform apply FILE` later.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Plan only this entity (e.g. user.john) and what it depends on; repeatable.
        #[arg(long = "target", value_name = "ADDRESS", conflicts_with = "all")]
        targets: Vec<String>,
        /// The principal that will apply the plan, `role/NAME` or `user/NAME`: the self-lockout
        /// guard is evaluated for it (a saved plan records it as the principal to apply it).
        #[arg(long, value_name = "role/NAME|user/NAME")]
        caller: Option<String>,
        /// Plan every account configuration under DIR (each directory with a backend block) and
        /// print one combined report; with --out, DIR is where one saved plan per account goes.
        #[arg(long)]
        all: bool,
        /// With --all: how many accounts are planned at once.
        #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
        accounts_parallelism: u16,
        /// With --all: text, json (schemas/accounts-report.schema.json) or markdown.
        #[arg(long, value_enum, conflicts_with = "json", requires = "all")]
        format: Option<Format>,
        /// Exit 1 when the plan gives anyone an action PATTERN names (e.g. `iam:*`,
        /// `s3:Delete*`); repeatable. For CI gates.
        #[arg(long = "fail-on-gain", value_name = "PATTERN")]
        fail_on_gain: Vec<String>,
        /// Exit 1 when the plan gives anyone a privilege-escalation action (iam:PassRole with a
        /// service that runs code, iam:CreatePolicyVersion, iam:Put*Policy, ...).
        #[arg(long)]
        fail_on_escalation: bool,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Change the live account to match the configuration, or apply a saved plan.
    Apply(ApplyArgs),
    /// Print a plan saved with `plan --out`.
    Show {
        file: PathBuf,
        /// Print it as JSON (schemas/plan.schema.json); same as --format json.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        /// text, json, or markdown (for a pull-request comment).
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Report how the account differs from the configuration, from the account's side: exit 0 clean, 2 drift, 1 error.
    Drift {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// text, json (schemas/drift-report.schema.json; with --all
        /// schemas/accounts-report.schema.json) or markdown.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        all: AllArgs,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Write HCL declaring the live account (or the part of it in --scope): one file per kind.
    Import {
        /// Directory to write the *.hcl files into (created if missing; must be empty unless --force).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Import only entities under this IAM path prefix (e.g. /team-a/); repeatable. Also
        /// written as the configuration's `settings { scope { … } }`.
        #[arg(long = "scope", value_name = "PATH")]
        scope: Vec<String>,
        /// Leave out entities matching this glob on KIND/NAME (e.g. user/break-glass, role/aws-*);
        /// repeatable.
        #[arg(long = "exclude", value_name = "PATTERN")]
        exclude: Vec<String>,
        /// Write into DIR even when it is not empty (files of the same names are overwritten).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        account: AccountArgs,
    },
    /// Remove the apply lock of DIR's account (held by an apply that died), saying who held it.
    ForceUnlock {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Remove it without asking for confirmation.
        #[arg(long, visible_alias = "force")]
        auto_approve: bool,
        #[command(flatten)]
        account: AccountArgs,
    },
    /// Check policies and entities for mistakes and least-privilege problems, offline (no
    /// backend): exit 1 when there is an error, 0 otherwise (warnings included).
    Lint {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// text, json (schemas/lint-report.schema.json), or sarif (SARIF 2.1.0, for GitHub code
        /// scanning).
        #[arg(long, value_enum, default_value_t = LintFormat::Text)]
        format: LintFormat,
        /// Lint this JSON identity policy document instead of a configuration (repeatable).
        #[arg(long = "document", value_name = "FILE", conflicts_with = "dir")]
        documents: Vec<PathBuf>,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// May a user or role do ACTION on RESOURCE? Evaluates the configuration offline (with --live,
    /// the account the backend reads): exit 0 allowed, 2 denied, 1 error.
    Can {
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// `user.NAME` or `role.NAME` (a role acts as a session of itself).
        #[arg(long, value_name = "ADDRESS")]
        principal: String,
        #[command(flatten)]
        query: AccessQuery,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Everything a user or role may do, by service and access level, for access reviews: the
    /// configuration offline, or with --live the account the backend reads.
    Access(AccessArgs),
    /// Every user and role that may do ACTION on RESOURCE, with the statements that allow it.
    WhoCan {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[command(flatten)]
        query: AccessQuery,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Check the live account against IAM security practices (the CIS AWS Foundations Benchmark's
    /// IAM items): exit 0 clean, 2 findings, 1 error.
    Audit {
        /// A configuration directory: its backend block is used, findings point at where entities
        /// are declared, and its `settings { audit { ignore } }` applies. Without it, the current
        /// directory when it holds *.hcl files, else no configuration (then --backend is needed).
        dir: Option<PathBuf>,
        /// text, json (schemas/audit-report.schema.json), markdown (for an issue body), or sarif
        /// (SARIF 2.1.0, for GitHub code scanning).
        #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
        format: AuditFormat,
        /// Also read Access Advisor's data for every user and role (one job each) and report
        /// permissions for services they do not use.
        #[arg(long)]
        last_accessed: bool,
        /// An active access key older than this must be rotated.
        #[arg(long, default_value_t = 90, value_name = "DAYS")]
        max_key_age_days: u32,
        /// A password or key unused this long must be removed; also the window for recent root
        /// use and for unused services.
        #[arg(long, default_value_t = 45, value_name = "DAYS")]
        max_unused_days: u32,
        /// The instant ages are measured at (RFC 3339), instead of the clock: for tests and
        /// reproducible reports.
        #[arg(long, env = "IAMFORM_NOW", hide = true, value_name = "RFC3339")]
        now: Option<String>,
        #[command(flatten)]
        all: AllArgs,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Write a synthetic configuration and the matching mock account (benchmarks, demos).
    #[command(hide = true)]
    Synth {
        /// About how many entities.
        #[arg(long, default_value_t = 1000)]
        entities: usize,
        /// Directory to write `main.hcl` and `account.json` into (created if missing).
        out: PathBuf,
        /// Leave out user permissions boundaries (moto 5.2.5 does not implement them).
        #[arg(long)]
        no_user_boundaries: bool,
    },
}

/// `--all` and `--accounts-parallelism` of `drift`, `audit` and `validate`.
#[derive(Debug, clap::Args)]
pub struct AllArgs {
    /// Run on every account configuration under DIR (each directory with a backend block) and
    /// print one combined report (schemas/accounts-report.schema.json with --format json).
    #[arg(long)]
    pub all: bool,
    /// With --all: how many accounts are run at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256), requires = "all")]
    pub accounts_parallelism: u16,
}

impl AllArgs {
    fn into_settings(self, format: settings::Format) -> Option<settings::AllAccounts> {
        all_accounts(self.all, self.accounts_parallelism, format)
    }

    /// `validate`, over every account with `--all`.
    fn validate(self, dir: PathBuf, format: Option<Format>) -> settings::Command {
        settings::Command::Validate {
            dir,
            all: self.into_settings(Format::chosen(false, format)),
        }
    }

    /// `audit --all`: its report as text, JSON or Markdown, never SARIF.
    fn for_audit(self, format: AuditFormat) -> Result<Option<settings::AllAccounts>, UsageError> {
        match (self.all, format.all_format()) {
            (false, _) => Ok(None),
            (true, Some(f)) => Ok(self.into_settings(f)),
            (true, None) => Err(UsageError::AllSarif),
        }
    }
}

/// `iamform apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A configuration directory, or a plan file saved with `plan --out`.
    #[arg(default_value = ".", value_name = "DIR|PLANFILE")]
    pub target: PathBuf,
    /// Apply a directory's plan without asking for confirmation (required when stdin is not a
    /// terminal). A saved plan is applied without asking: it is the plan that was reviewed.
    #[arg(long)]
    pub auto_approve: bool,
    /// How many IAM calls may run at once.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,
    /// Print the apply report as JSON (schemas/apply-report.schema.json); a directory's apply
    /// needs --auto-approve.
    #[arg(long)]
    pub json: bool,
    /// Apply only this entity (e.g. user.john) and what it depends on; repeatable. Directory
    /// form only: a saved plan applies exactly the operations it holds.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Apply even when the plan takes from the calling principal the IAM permissions iamform
    /// needs (deletes it, removes its IAM-granting policies or groups, changes its trust policy
    /// or puts a permissions boundary on it).
    #[arg(long)]
    pub allow_lockout: bool,
    /// Apply even when the plan destroys up to N entities (replaces `settings { max_destroy }`;
    /// without either, a plan destroying at least 5 entities and more than half of those the
    /// configuration owns is refused).
    #[arg(long, value_name = "N")]
    pub max_destroy: Option<usize>,
    /// Write the console passwords apply generates (users given `console_access`) to FILE,
    /// created with mode 0600; refused if FILE exists. Required when the plan creates a login
    /// profile: passwords are never printed.
    #[arg(long, value_name = "FILE")]
    pub credentials_out: Option<PathBuf>,
    /// With a saved plan: the configuration directory it must have been made from (the
    /// checkout of the merged commit, in CI); a plan whose embedded configuration differs
    /// from it is refused.
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// How long to wait for the account's apply lock, and for the lock of a mock account file,
    /// while another run holds it.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub lock_timeout: u64,
    /// `--lock=false`: apply without taking the account's apply lock (see the README).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub lock: bool,
    /// Apply every saved plan under DIR (written by `plan --all --out DIR`), each checked for
    /// staleness; needs --auto-approve. One combined report; a failing account does not stop
    /// the others.
    #[arg(long, conflicts_with = "targets", requires = "auto_approve")]
    pub all: bool,
    /// With --all: how many accounts are applied at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub accounts_parallelism: u16,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub inputs: InputArgs,
}

impl ApplyArgs {
    fn into_settings(self) -> Result<settings::Command, UsageError> {
        Ok(settings::Command::Apply(ApplySettings {
            target: self.target,
            auto_approve: self.auto_approve,
            parallelism: usize::from(self.parallelism),
            json: self.json,
            targets: addresses(self.targets)?,
            allow_lockout: self.allow_lockout,
            max_destroy: self.max_destroy,
            credentials_out: self.credentials_out,
            config_dir: self.config_dir,
            lock: self.lock,
            all: all_accounts(
                self.all,
                self.accounts_parallelism,
                Format::chosen(self.json, None),
            ),
        }))
    }
}

/// `iamform access`.
#[derive(Debug, clap::Args)]
pub struct AccessArgs {
    /// `user.NAME` or `role.NAME`.
    #[arg(value_name = "ADDRESS")]
    pub principal: String,
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The live account (read through the backend) instead of the configuration.
    #[arg(long)]
    pub live: bool,
    /// Print JSON: `principal`, `everything` and `allowed` (grants as in a plan's
    /// access_changes).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(flatten)]
    pub inputs: InputArgs,
}

impl AccessArgs {
    fn into_settings(self) -> settings::Command {
        settings::Command::Access {
            principal: self.principal,
            dir: self.dir,
            live: self.live,
            json: self.json,
        }
    }
}

/// The request of `can` and `who-can`.
#[derive(Debug, clap::Args)]
pub struct AccessQuery {
    /// The action, `service:Action` (e.g. s3:GetObject).
    #[arg(long, value_name = "ACTION")]
    pub action: String,
    /// The resource ARN (or `*` for actions that take none).
    #[arg(long, value_name = "ARN")]
    pub resource: String,
    /// A request context key (repeatable; a key given twice is multivalued), e.g.
    /// `--context aws:MultiFactorAuthPresent=true`. Overrides what is filled from the principal.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub context: Vec<String>,
    /// Evaluate the live account (read through the backend) instead of the configuration.
    #[arg(long)]
    pub live: bool,
    /// Print JSON (schemas/can.schema.json, schemas/who-can.schema.json).
    #[arg(long)]
    pub json: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Text,
    Json,
    Markdown,
    Sarif,
}

/// What the command line asks for: a run, or only a text to print (help, version, a usage error).
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Settings>),
    Print {
        text: String,
        /// Help and version go to stdout; errors to stderr.
        to_stdout: bool,
        exit: u8,
    },
}

/// Reads the command line (`args` holds the program name first) and the environment.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Parsed {
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let shown = e.use_stderr();
            return Parsed::Print {
                text: e.render().to_string(),
                to_stdout: !shown,
                exit: u8::from(shown),
            };
        }
    };
    match args.into_settings(std::env::var_os("NO_COLOR").as_deref()) {
        Ok(s) => Parsed::Run(Box::new(s)),
        Err(e) => Parsed::Print {
            text: format!("error: {e}\n"),
            to_stdout: false,
            exit: 1,
        },
    }
}

/// A value clap accepted that is not a valid setting.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    #[error("--target {text}: {error}")]
    Target {
        text: String,
        error: crate::model::address::AddressError,
    },
    #[error("--caller {0}")]
    Caller(settings::backend::CallerError),
    #[error("--all prints one combined report, as text, json or markdown: SARIF has no place for many accounts; run `iamform audit DIR --format sarif` in each account's directory")]
    AllSarif,
    #[error("--fail-on-gain {0}: not an action pattern: write `*` or SERVICE:ACTION, with `*` and `?` as wildcards (e.g. `iam:*`, `s3:Delete*`)")]
    ActionPattern(String),
}

impl Args {
    /// The settings these arguments ask for; `no_color` is the `NO_COLOR` environment variable.
    pub fn into_settings(
        mut self,
        no_color: Option<&std::ffi::OsStr>,
    ) -> Result<Settings, UsageError> {
        let (account, inputs) = self.command.take_shared();
        let ui = settings::Ui {
            color: settings::color_allowed(self.no_color, no_color),
            verbose: self.verbose,
            quiet: self.quiet,
        };
        let aws = settings::AwsSettings {
            region: account.region,
            profile: account.profile,
            endpoint_url: account.endpoint_url,
            ..settings::AwsSettings::default()
        };
        let lock_timeout = match &self.command {
            Command::Apply(a) => Some(std::time::Duration::from_secs(a.lock_timeout)),
            _ => None,
        };
        let backend = BackendFlags {
            backend: account.backend,
            aws,
            lock_timeout,
        };
        Ok(Settings {
            ui,
            backend,
            vars: inputs.vars,
            var_files: inputs.var_files,
            command: self.command.into_settings()?,
        })
    }
}

impl Command {
    /// Takes out the account and input flags of the commands that have them.
    fn take_shared(&mut self) -> (AccountArgs, InputArgs) {
        use std::mem::take;
        match self {
            Command::Plan {
                account, inputs, ..
            }
            | Command::Drift {
                account, inputs, ..
            }
            | Command::Can {
                account, inputs, ..
            }
            | Command::WhoCan {
                account, inputs, ..
            }
            | Command::Audit {
                account, inputs, ..
            } => (take(account), take(inputs)),
            Command::Access(a) => (take(&mut a.account), take(&mut a.inputs)),
            Command::Apply(a) => (take(&mut a.account), take(&mut a.inputs)),
            Command::Import { account, .. } | Command::ForceUnlock { account, .. } => {
                (take(account), InputArgs::default())
            }
            Command::Validate { inputs, .. } | Command::Lint { inputs, .. } => {
                (AccountArgs::default(), take(inputs))
            }
            _ => (AccountArgs::default(), InputArgs::default()),
        }
    }

    fn into_settings(self) -> Result<settings::Command, UsageError> {
        use settings::Command as C;
        Ok(match self {
            Command::Validate {
                dir, all, format, ..
            } => all.validate(dir, format),
            Command::Fmt {
                dir,
                check,
                recursive,
            } => C::Fmt {
                dir,
                check,
                recursive,
            },
            Command::Plan {
                dir,
                detailed_exitcode,
                json,
                out,
                targets,
                caller,
                all,
                accounts_parallelism,
                format,
                fail_on_gain,
                fail_on_escalation,
                ..
            } => C::Plan(PlanSettings {
                dir,
                detailed_exitcode,
                json,
                out,
                targets: addresses(targets)?,
                caller: caller_address(caller)?,
                all: all_accounts(all, accounts_parallelism, Format::chosen(json, format)),
                fail_on_gain: action_patterns(fail_on_gain)?,
                fail_on_escalation,
            }),
            Command::Apply(a) => a.into_settings()?,
            Command::Show { file, json, format } => C::Show {
                file,
                format: Format::chosen(json, format),
            },
            Command::Drift {
                dir, format, all, ..
            } => C::Drift {
                dir,
                format: format.into_settings(),
                all: all.into_settings(format.into_settings()),
            },
            Command::Import {
                out,
                scope,
                exclude,
                force,
                ..
            } => C::Import(ImportSettings {
                out,
                paths: scope,
                exclude,
                force,
            }),
            Command::ForceUnlock {
                dir, auto_approve, ..
            } => C::ForceUnlock { dir, auto_approve },
            Command::Lint {
                dir,
                format,
                documents,
                ..
            } => C::Lint {
                dir,
                documents,
                format: format.into_settings(),
            },
            Command::Can {
                dir,
                principal,
                query,
                ..
            } => C::Can {
                dir,
                principal,
                query: query.into_settings(),
            },
            Command::Access(args) => args.into_settings(),
            Command::WhoCan { dir, query, .. } => C::WhoCan {
                dir,
                query: query.into_settings(),
            },
            Command::Audit {
                dir,
                format,
                last_accessed,
                max_key_age_days,
                max_unused_days,
                now,
                all,
                ..
            } => C::Audit(settings::AuditSettings {
                dir,
                format: format.into_settings(),
                last_accessed,
                max_key_age_days,
                max_unused_days,
                now,
                all: all.for_audit(format)?,
            }),
            Command::Synth {
                entities,
                out,
                no_user_boundaries,
            } => C::Synth {
                entities,
                out,
                user_boundaries: !no_user_boundaries,
            },
        })
    }
}

/// `--all` and `--accounts-parallelism`.
fn all_accounts(
    all: bool,
    parallelism: u16,
    format: settings::Format,
) -> Option<settings::AllAccounts> {
    all.then(|| settings::AllAccounts {
        parallelism: usize::from(parallelism),
        format,
    })
}

impl Format {
    /// `--json` or `--format`, text when neither is given.
    fn chosen(json: bool, format: Option<Format>) -> settings::Format {
        if json {
            settings::Format::Json
        } else {
            format.map_or(settings::Format::Text, Format::into_settings)
        }
    }
}

impl LintFormat {
    fn into_settings(self) -> settings::LintFormat {
        match self {
            LintFormat::Text => settings::LintFormat::Text,
            LintFormat::Json => settings::LintFormat::Json,
            LintFormat::Sarif => settings::LintFormat::Sarif,
        }
    }
}

impl AuditFormat {
    /// The format of the combined report of `audit --all`: none for SARIF.
    fn all_format(self) -> Option<settings::Format> {
        match self {
            AuditFormat::Text => Some(settings::Format::Text),
            AuditFormat::Json => Some(settings::Format::Json),
            AuditFormat::Markdown => Some(settings::Format::Markdown),
            AuditFormat::Sarif => None,
        }
    }

    fn into_settings(self) -> settings::AuditFormat {
        match self {
            AuditFormat::Text => settings::AuditFormat::Text,
            AuditFormat::Json => settings::AuditFormat::Json,
            AuditFormat::Markdown => settings::AuditFormat::Markdown,
            AuditFormat::Sarif => settings::AuditFormat::Sarif,
        }
    }
}

impl AccessQuery {
    fn into_settings(self) -> settings::AccessQuery {
        settings::AccessQuery {
            action: self.action,
            resource: self.resource,
            context: self.context,
            live: self.live,
            json: self.json,
        }
    }
}

impl Format {
    fn into_settings(self) -> settings::Format {
        match self {
            Format::Text => settings::Format::Text,
            Format::Json => settings::Format::Json,
            Format::Markdown => settings::Format::Markdown,
        }
    }
}

/// `--target` values as addresses (KIND.IAM_NAME).
/// `--fail-on-gain` patterns: `*`, or `service:action` with wildcards.
fn action_patterns(texts: Vec<String>) -> Result<Vec<String>, UsageError> {
    texts
        .into_iter()
        .map(|text| {
            let valid = text == "*"
                || text.split_once(':').is_some_and(|(service, action)| {
                    let word = |w: &str| {
                        !w.is_empty()
                            && w.chars()
                                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '?'))
                    };
                    word(service) && word(action)
                });
            if valid {
                Ok(text)
            } else {
                Err(UsageError::ActionPattern(text))
            }
        })
        .collect()
}

/// `--caller role/NAME` or `user/NAME`.
fn caller_address(caller: Option<String>) -> Result<Option<Address>, UsageError> {
    (caller.map(|c| settings::parse_mock_caller(&c)))
        .transpose()
        .map_err(UsageError::Caller)
}

fn addresses(texts: Vec<String>) -> Result<Vec<Address>, UsageError> {
    texts
        .into_iter()
        .map(|text| {
            text.parse::<Address>()
                .map_err(|error| UsageError::Target { text, error })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Parsed {
        parse(
            std::iter::once("iamform")
                .chain(args.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn usage_errors_exit_1_and_help_exits_0_on_stdout() {
        let Parsed::Print {
            exit, to_stdout, ..
        } = parse_args(&["plan", "--no-such-flag"])
        else {
            panic!("a usage error");
        };
        assert_eq!((exit, to_stdout), (1, false));
        let Parsed::Print {
            exit,
            to_stdout,
            text,
        } = parse_args(&["--help"])
        else {
            panic!("help");
        };
        assert_eq!((exit, to_stdout), (0, true));
        assert!(text.contains("Usage:"), "{text}");
        let Parsed::Print { exit, text, .. } = parse_args(&["plan", "--target", "nonsense"]) else {
            panic!("a bad target");
        };
        assert_eq!(exit, 1);
        assert!(text.starts_with("error: --target nonsense:"), "{text}");
    }

    #[test]
    fn arguments_become_settings() {
        let Parsed::Run(s) = parse_args(&[
            "apply",
            "plan.json",
            "--parallelism",
            "3",
            "--backend",
            "aws",
            "--region",
            "eu-west-1",
        ]) else {
            panic!("a run");
        };
        let settings::Command::Apply(apply) = &s.command else {
            panic!("apply");
        };
        assert_eq!(
            (apply.parallelism, apply.target.as_os_str()),
            (3, "plan.json".as_ref())
        );
        assert_eq!(s.backend.aws.region.as_deref(), Some("eu-west-1"));
    }
}
