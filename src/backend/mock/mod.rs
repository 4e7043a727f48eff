//! The mock backend: a whole fake IAM account in one JSON file (`schemas/mock-account.schema.json`).
//!
//! It is what newcomers try first and what most tests run on, so it behaves like IAM where a plan
//! could go wrong: the same error codes, DeleteConflict for everything AWS refuses to orphan,
//! names unique ignoring case, quotas and policy sizes. The file is created on the first write
//! (never by a read or a plan), written atomically and locked for each call, so a crash or a second
//! run never corrupts it or loses an update.

mod audit;
pub mod faults;
mod iam;
pub mod rules;
pub mod store;
#[cfg(test)]
mod tests;
mod upgrade;

use super::audit::{AuditData, AuditReadOptions};
use super::{Backend, BackendError, CallCounts};
use crate::model::{Account, Address};
use crate::plan::operation::Operation;
pub use faults::Faults;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
pub use store::{MockFile, DEFAULT_ACCOUNT_ID, FORMAT_VERSION};

pub struct MockBackend {
    store: std::sync::Arc<store::Store>,
    calls: Mutex<CallCounts>,
    faults: Faults,
    /// Operations received so far, for `fail_call` and throttling.
    operations: AtomicU64,
    /// Who the mock pretends runs iamform (`caller` in the backend block, `IAMFORM_MOCK_CALLER`).
    caller: Option<Address>,
}

impl MockBackend {
    /// Opens the account file at `path` (which need not exist yet). When both the file and the
    /// caller name an account id they must agree: planning against the wrong account is an error.
    pub fn open(path: &Path, account_id: Option<&str>) -> Result<MockBackend, BackendError> {
        let store = store::Store::open(path, account_id)?;
        if let Some(wanted) = account_id {
            if store.account_id() != wanted {
                return Err(BackendError::Setup(format!(
                    "mock account file {} holds account {}, but the configuration expects account {wanted}; \
                     fix `account_id` in the backend block or point the backend at the right file",
                    path.display(),
                    store.account_id()
                )));
            }
        }
        Ok(MockBackend {
            store: std::sync::Arc::new(store),
            calls: Mutex::new(CallCounts::new()),
            faults: Faults::default(),
            operations: AtomicU64::new(0),
            caller: None,
        })
    }

    /// Injects these faults and latency from now on.
    pub fn with_faults(mut self, faults: Faults) -> MockBackend {
        self.faults = faults;
        self
    }

    /// Pretends these are `caller`'s credentials (for the self-lockout guard).
    pub fn with_caller(mut self, caller: Option<Address>) -> MockBackend {
        self.caller = caller;
        self
    }

    async fn delay(&self) {
        if !self.faults.latency.is_zero() {
            tokio::time::sleep(self.faults.latency).await;
        }
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    fn count(&self, api: &str) {
        let mut calls = self.calls.lock().unwrap_or_else(PoisonError::into_inner);
        *calls.entry(api.to_owned()).or_default() += 1;
    }
}

#[async_trait::async_trait]
impl Backend for MockBackend {
    /// Counted as the aws backend reads: one bulk call, the role list and the password policy.
    async fn read(&self) -> Result<Account, BackendError> {
        for api in [
            "GetAccountAuthorizationDetails",
            "ListRoles",
            "GetAccountPasswordPolicy",
        ] {
            self.count(api);
        }
        self.store.read()
    }

    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        audit::read(self, options)
    }

    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        self.count(op.api_name());
        self.delay().await;
        let n = self.operations.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(error) = self.faults.injected(n) {
            tracing::info!(call = n, operation = %op, "mock: injecting {error}");
            return Err(error);
        }
        // The file lock and the group commit block: keep them off the async workers.
        let store = std::sync::Arc::clone(&self.store);
        let op = op.clone();
        tokio::task::spawn_blocking(move || {
            store.apply(Box::new(move |file: &mut MockFile| iam::execute(file, &op)))
        })
        .await
        .map_err(|e| BackendError::Setup(format!("the mock's writer thread failed: {e}")))?
    }

    fn account_id(&self) -> &str {
        self.store.account_id()
    }

    fn caller(&self) -> Option<Address> {
        self.caller.clone()
    }

    fn call_counts(&self) -> CallCounts {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
