//! Backends: where the live account is read from and where operations are executed.
//!
//! `config` and `plan` never talk to a backend; only `run` (read) and `apply` (execute) do.

pub mod audit;
pub mod aws;
pub mod mock;

use crate::model::{Account, Address};
use crate::plan::operation::Operation;
use audit::{AuditData, AuditReadOptions};
use std::collections::BTreeMap;

/// The error codes IAM returns (DESIGN.md section 7); the mock returns the same ones.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ErrorCode {
    NoSuchEntity,
    EntityAlreadyExists,
    DeleteConflict,
    LimitExceeded,
    MalformedPolicyDocument,
    InvalidInput,
    ConcurrentModification,
    Throttling,
    ServiceFailure,
    UnmodifiableEntity,
    EntityTemporarilyUnmodifiable,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NoSuchEntity => "NoSuchEntity",
            ErrorCode::EntityAlreadyExists => "EntityAlreadyExists",
            ErrorCode::DeleteConflict => "DeleteConflict",
            ErrorCode::LimitExceeded => "LimitExceeded",
            ErrorCode::MalformedPolicyDocument => "MalformedPolicyDocument",
            ErrorCode::InvalidInput => "InvalidInput",
            ErrorCode::ConcurrentModification => "ConcurrentModification",
            ErrorCode::Throttling => "Throttling",
            ErrorCode::ServiceFailure => "ServiceFailure",
            ErrorCode::UnmodifiableEntity => "UnmodifiableEntity",
            ErrorCode::EntityTemporarilyUnmodifiable => "EntityTemporarilyUnmodifiable",
        }
    }

    pub fn parse(s: &str) -> Option<ErrorCode> {
        use ErrorCode::*;
        [
            NoSuchEntity,
            EntityAlreadyExists,
            DeleteConflict,
            LimitExceeded,
            MalformedPolicyDocument,
            InvalidInput,
            ConcurrentModification,
            Throttling,
            ServiceFailure,
            UnmodifiableEntity,
            EntityTemporarilyUnmodifiable,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

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

/// API calls made, per IAM action name.
pub type CallCounts = BTreeMap<String, u64>;

/// A place IAM lives. Implementations must be safe to call concurrently.
///
/// Contract: `execute` is idempotent where IAM allows — a retry of an attach that already happened,
/// or of a delete of something already gone, is reported by IAM's own error, and `apply` decides.
#[async_trait::async_trait]
pub trait Backend: Send + Sync {
    /// The whole account, in as few calls as possible.
    async fn read(&self) -> Result<Account, BackendError>;
    /// What `iamform audit` judges, in a bounded number of calls (without Access Advisor: the
    /// entities, the credential report, the account summary, the password policy). Reads no
    /// secret.
    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError>;
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
    /// The principal whose credentials iamform runs with (`user.NAME` or `role.NAME`), for the
    /// self-lockout guard; `None` when unknown or not an IAM user or role (root, federated).
    fn caller(&self) -> Option<Address> {
        None
    }
}
