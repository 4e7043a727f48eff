//! Backends: where the live account is read from and where operations are executed.
//!
//! `config` and `plan` never talk to a backend; only `run` (read) and `apply` (execute) do.
//! Each backend executes an operation with one file per family of operations
//! (`mock/user.rs`, `aws/user.rs`, …), and makes a single attempt per call: retries are the one
//! policy of [`retry`].

/// Sends `$op` (an [`Operation`]) to the file of the calling backend that executes its family:
/// `by_family!(op, execute(file))` calls `user::execute(file, op)` for a user operation, and so
/// on; tokens after the arguments (`.await`) follow each call. Both backends name their family
/// files alike, so this is the one place that says which file runs which family.
macro_rules! by_family {
    ($op:expr, $function:ident($($arg:expr),*) $($then:tt)*) => {
        match $op {
            Operation::User(op) => user::$function($($arg,)* op) $($then)*,
            Operation::Group(op) => group::$function($($arg,)* op) $($then)*,
            Operation::Role(op) => role::$function($($arg,)* op) $($then)*,
            Operation::Policy(op) => policy::$function($($arg,)* op) $($then)*,
            Operation::InstanceProfile(op) => instance_profile::$function($($arg,)* op) $($then)*,
            Operation::Account(op) => account::$function($($arg,)* op) $($then)*,
            Operation::Permission(op) => permissions::$function($($arg,)* op) $($then)*,
            Operation::Boundary(op) => boundary::$function($($arg,)* op) $($then)*,
            Operation::Tag(op) => tags::$function($($arg,)* op) $($then)*,
            Operation::OpenIdConnectProvider(op) => oidc_provider::$function($($arg,)* op) $($then)*,
            Operation::SamlProvider(op) => saml_provider::$function($($arg,)* op) $($then)*,
            Operation::ServiceLinkedRole(op) => {
                service_linked_role::$function($($arg,)* op) $($then)*
            }
        }
    };
}
use by_family;

pub mod audit;
pub mod aws;
pub mod lease;
pub mod mock;
pub mod retry;

pub use crate::model::iam::ErrorCode;
use crate::model::{Account, Address, ManagedPolicy, Name};
use crate::operation::{CallCounts, Operation};
use audit::{AuditData, AuditReadOptions};
use std::sync::{Mutex, PoisonError};

#[derive(Clone, Debug, thiserror::Error)]
pub enum BackendError {
    /// An error IAM (or the mock, in IAM's words) returned for one call.
    #[error("{code}: {message}", code = .code.as_str())]
    Api { code: ErrorCode, message: String },
    /// The backend itself could not be used: unreadable file, no credentials, wrong account.
    #[error("{0}")]
    Setup(String),
}

impl BackendError {
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        BackendError::Api {
            code,
            message: message.into(),
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            BackendError::Api { code, .. } => Some(*code),
            BackendError::Setup(_) => None,
        }
    }
}

/// Counts a backend's API calls, per IAM action name; safe to share between tasks.
#[derive(Debug, Default)]
pub struct CallCounter(Mutex<CallCounts>);

impl CallCounter {
    pub fn count(&self, action: &str) {
        let mut calls = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *calls.entry(action.to_owned()).or_default() += 1;
    }

    pub fn counts(&self) -> CallCounts {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A place IAM lives. Implementations must be safe to call concurrently.
///
/// Contract: `execute` makes one attempt (retries are [`retry`]'s), and is idempotent where IAM
/// allows — a retry of an attach that already happened, or of a delete of something already
/// gone, is reported by IAM's own error, and `apply` decides.
#[async_trait::async_trait]
pub trait Backend: Send + Sync {
    /// The whole account, in as few calls as possible.
    async fn read(&self) -> Result<Account, BackendError>;
    /// What `iamform audit` judges, in a bounded number of calls (without Access Advisor: the
    /// entities, the credential report, the account summary, the password policy). Reads no
    /// secret. A backend that cannot (a test's fake) says so: the default.
    async fn read_audit(&self, _options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        Err(BackendError::Setup(
            "this backend cannot read what an audit needs".to_owned(),
        ))
    }
    /// One IAM API call.
    async fn execute(&self, op: &Operation) -> Result<(), BackendError>;
    /// The 12-digit account id; ARNs are computed from it.
    fn account_id(&self) -> &str;
    /// Calls made so far, per action.
    fn call_counts(&self) -> CallCounts;
    /// Before `read`: the managed policies and instance profiles whose tags will be compared
    /// (those a configuration declares tags for). No bulk AWS call returns their tags, so the aws
    /// backend reads them one call per entity, only for these; never called, it reads them all.
    /// Other backends read every tag anyway and ignore this.
    fn read_tags_only_for(&self, _entities: &[Address]) {}
    /// After `read`: fills in the credentials (login profile, access keys, MFA devices, SSH keys,
    /// signing certificates, service-specific credentials) of `users`, the ones a plan deletes,
    /// so that the plan shows their removal. No bulk AWS call returns them, so the aws backend
    /// lists them per user, only for these; backends whose `read` has them all do nothing.
    async fn read_credentials_of(
        &self,
        _account: &mut Account,
        _users: &[Name],
    ) -> Result<(), BackendError> {
        Ok(())
    }
    /// The principal whose credentials iamform runs with (`user.NAME` or `role.NAME`), for the
    /// self-lockout guard; `None` when unknown or not an IAM user or role (root, federated).
    fn caller(&self) -> Option<Address> {
        None
    }
    /// The run was interrupted (Ctrl-C): stop waiting for anything that may take long (the
    /// mock's wait for another run's lock); calls in flight fail rather than wait.
    fn interrupt(&self) {}
    /// The apply lease's policy ([`lease`]), which [`lease::Hiding`] removes from `read`.
    /// By default the whole account is read for it (the mock reads its file, uncounted).
    async fn read_lease(&self) -> Result<Option<ManagedPolicy>, BackendError> {
        self.read_tags_only_for(&[Address::new(crate::model::Kind::Policy, lease::LEASE_NAME)]);
        let account = self.read().await?;
        Ok(account.policies.into_values().find(lease::is_lease))
    }
    /// One call on the apply lease's policy (create or delete). The mock makes it outside the
    /// faults it injects and the calls it counts, which are those of plans' operations.
    async fn lease_call(&self, op: &Operation) -> Result<(), BackendError> {
        self.execute(op).await
    }
}
