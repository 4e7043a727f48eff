//! The mock backend: a whole fake IAM account in one JSON file (`schemas/mock-account.schema.json`).
//!
//! It is what newcomers try first and what most tests run on, so it behaves like IAM where a plan
//! could go wrong: the same error codes, DeleteConflict for everything AWS refuses to orphan,
//! names unique ignoring case, quotas and policy sizes. The file is created on the first write
//! (never by a read or a plan), written atomically and locked for each call, so a crash or a second
//! run never corrupts it or loses an update.

mod account;
mod audit;
mod boundary;
mod faults;
mod find;
mod group;
mod instance_profile;
mod oidc_provider;
mod permissions;
mod policy;
mod role;
mod rules;
mod saml_provider;
mod service_linked_role;
mod store;
mod tags;
#[cfg(test)]
mod tests;
mod upgrade;
mod user;

use super::audit::{AuditData, AuditReadOptions};
use super::{Backend, BackendError, CallCounter};
use crate::model::{Account, Address, ManagedPolicy};
use crate::operation::{CallCounts, Operation};
use crate::settings::Faults;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
pub use store::{MockFile, Notice, FORMAT_VERSION};

pub struct MockBackend {
    store: std::sync::Arc<store::Store>,
    calls: CallCounter,
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
            calls: CallCounter::default(),
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

    /// Waits at most `timeout` for the account file's lock when another run holds it, telling
    /// `notice` after a second.
    pub fn with_lock_wait(self, timeout: std::time::Duration, notice: Notice) -> MockBackend {
        self.store.wait.set(timeout, notice);
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
}

/// Applies `op` to `file`: the account changes and `Ok`, or IAM's error and the account as it was
/// (the store writes the file only on `Ok`). One file per family of operations.
fn execute(file: &mut MockFile, op: &Operation) -> Result<(), BackendError> {
    super::by_family!(op, execute(file))
}

/// The mock's IAM in memory: operations applied to an account as the mock backend applies them
/// (IAM's checks, then the change, or IAM's error and nothing changed), with no file. The
/// self-lockout guard reads from it the account as each operation of a plan leaves it.
pub struct Simulation {
    file: MockFile,
}

impl Simulation {
    pub fn new(live: &Account, account_id: &str) -> Simulation {
        let mut file = MockFile::empty(account_id);
        file.account = live.clone();
        Simulation { file }
    }

    /// Applies `op`, or leaves the account as it was and returns IAM's error.
    pub fn apply(&mut self, op: &Operation) -> Result<(), BackendError> {
        execute(&mut self.file, op)
    }

    pub fn account(&self) -> &Account {
        &self.file.account
    }
}

#[async_trait::async_trait]
impl Backend for MockBackend {
    /// Counted as the aws backend reads: one bulk call, the role list, the password policy, and
    /// the lists of providers and aliases (the per-provider and per-user reads are not counted).
    async fn read(&self) -> Result<Account, BackendError> {
        for api in [
            "GetAccountAuthorizationDetails",
            "ListRoles",
            "GetAccountPasswordPolicy",
            "ListOpenIDConnectProviders",
            "ListSAMLProviders",
            "ListAccountAliases",
        ] {
            self.calls.count(api);
        }
        self.store.read().map(Account::with_service_linked_roles)
    }

    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        audit::read(self, options)
    }

    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        self.calls.count(op.api_name());
        self.delay().await;
        let n = self.operations.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(error) = faults::injected(&self.faults, n) {
            tracing::info!(call = n, operation = %op, "mock: injecting {error}");
            return Err(error);
        }
        // The file lock and the group commit block: keep them off the async workers.
        let store = std::sync::Arc::clone(&self.store);
        let call = op.clone();
        tokio::task::spawn_blocking(move || {
            store.apply(Box::new(move |file: &mut MockFile| execute(file, &call)))
        })
        .await
        .map_err(|e| BackendError::Setup(format!("the mock's writer thread failed: {e}")))??;
        match faults::answer_lost(&self.faults, n) {
            Some(error) => {
                tracing::info!(call = n, operation = %op, "mock: {error}");
                Err(error)
            }
            None => Ok(()),
        }
    }

    fn account_id(&self) -> &str {
        self.store.account_id()
    }

    fn caller(&self) -> Option<Address> {
        self.caller.clone()
    }

    fn interrupt(&self) {
        self.store.wait.interrupt();
    }

    fn call_counts(&self) -> CallCounts {
        self.calls.counts()
    }

    async fn read_lease(&self) -> Result<Option<ManagedPolicy>, BackendError> {
        let account = self.store.read()?;
        Ok(account.policies.into_values().find(super::lease::is_lease))
    }

    /// An account file that does not exist yet is an empty account nobody applies to: its
    /// lease is granted without writing it (then the file lock alone orders two first runs).
    async fn lease_call(&self, op: &Operation) -> Result<(), BackendError> {
        if std::fs::symlink_metadata(self.store.path()).is_err() {
            return Ok(());
        }
        let store = std::sync::Arc::clone(&self.store);
        let call = op.clone();
        tokio::task::spawn_blocking(move || {
            store.apply(Box::new(move |file: &mut MockFile| lease_call(file, &call)))
        })
        .await
        .map_err(|e| BackendError::Setup(format!("the mock's writer thread failed: {e}")))?
    }
}

/// The lease's create or delete (`super::lease`), with IAM's checks and answers, but leaving no
/// trace once deleted: the unique id its create draws is given back, so that an apply refused
/// under the lock leaves the account file as it was.
fn lease_call(file: &mut MockFile, op: &Operation) -> Result<(), BackendError> {
    let next_id = file.next_id;
    execute(file, op)?;
    file.next_id = next_id;
    let name = crate::model::Name::from(super::lease::LEASE_NAME);
    file.unique_ids.forget(crate::model::Kind::Policy, &name);
    Ok(())
}
