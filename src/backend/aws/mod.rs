//! The aws backend: a real IAM account through aws-sdk-iam.
//!
//! Credentials come from aws-config's default chain (environment, profiles, SSO, web identity for
//! CI OIDC, instance metadata), optionally through an assumed role. `account_id` is a guard:
//! [`AwsBackend::connect`] asks STS whose credentials these are and refuses another account.
//!
//! - Read: a few bulk calls whose number grows with entities / 1,000 (`read.rs`).
//! - Execute: one IAM call per operation, one file per family of operations (`user.rs`, …);
//!   DeleteUser is one call: the plan removed the credentials before (read for the users it deletes).
//! - Retries: none here. The SDK's own retries are off; apply retries each operation, and this
//!   backend each read call, with the one policy of [`crate::backend::retry`] (throttling,
//!   transient failures, IAM's eventual consistency after a create).
//! - Every call is counted per IAM action, as the mock counts them.

mod account;
mod audit;
mod boundary;
mod credential_report;
mod credentials;
mod errors;
mod group;
mod instance_profile;
mod oidc_provider;
mod permissions;
mod policy;
mod read;
mod read_federation;
mod request;
mod role;
mod saml_provider;
mod service_linked_role;
mod tags;
mod user;

#[cfg(test)]
mod tests;

use super::audit::{AuditData, AuditReadOptions};
use super::retry::{self, RetryPolicy};
use super::{lease, Backend, BackendError, CallCounter, ErrorCode};
use crate::model::{Account, Address, Arn, ManagedPolicy, Name, Tags};
use crate::operation::{CallCounts, Operation};
use crate::settings::AwsSettings;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::config::SharedCredentialsProvider;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

/// IAM is global; its API lives in us-east-1 for the `aws` partition.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Which managed policies and instance profiles `read` fetches tags for (one call each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TagReads {
    All,
    Only(BTreeSet<Address>),
}

pub struct AwsBackend {
    iam: aws_sdk_iam::Client,
    account_id: String,
    caller_arn: String,
    calls: Arc<CallCounter>,
    tag_reads: Mutex<TagReads>,
}

impl AwsBackend {
    /// Loads credentials and settings, and checks with STS GetCallerIdentity which account they
    /// belong to. Fails (`Setup`) without credentials, or when `account_id` names another account.
    pub async fn connect(settings: &AwsSettings) -> Result<AwsBackend, BackendError> {
        // One retry policy (`backend::retry`): the SDK's own retries would run inside each of its
        // attempts.
        let mut loader =
            aws_config::defaults(BehaviorVersion::latest()).retry_config(RetryConfig::disabled());
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let mut config = loader.load().await;
        if config.region().is_none() {
            config = config
                .into_builder()
                .region(Region::from_static(DEFAULT_REGION))
                .build();
        }
        if config.credentials_provider().is_none() {
            return Err(credentials::error(
                &aws_credential_types::provider::error::CredentialsError::not_loaded_no_source(),
                settings,
            ));
        }
        if let Some(role) = &settings.assume_role_arn {
            let provider = AssumeRoleProvider::builder(role)
                .session_name("iamform")
                .configure(&config)
                .build()
                .await;
            config = config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        let calls = Arc::new(CallCounter::default());
        let sts = aws_sdk_sts::Client::new(&config);
        // A first attempt by hand: when the chain has no credentials, say so plainly at once
        // instead of retrying a dispatch failure and printing the SDK's account of it.
        calls.count("GetCallerIdentity");
        let identity = match sts.get_caller_identity().send().await {
            Ok(identity) => Ok(identity),
            Err(e) => match credentials::not_loaded(&e) {
                Some(why) => return Err(credentials::error(why, settings)),
                None => {
                    read_call(&calls, "GetCallerIdentity", || {
                        sts.get_caller_identity().send()
                    })
                    .await
                }
            },
        };
        let identity = identity.map_err(|e| {
            let assumed = settings
                .assume_role_arn
                .as_deref()
                .map(|r| format!(" (assuming {r})"))
                .unwrap_or_default();
            BackendError::Setup(format!(
                "could not find out whose AWS credentials these are{assumed} (STS GetCallerIdentity): {e}"
            ))
        })?;
        let account_id = identity.account().unwrap_or_default().to_owned();
        let caller_arn = identity.arn().unwrap_or_default().to_owned();
        if account_id.is_empty() {
            return Err(BackendError::Setup(
                "STS GetCallerIdentity returned no account id".into(),
            ));
        }
        if let Some(expected) = &settings.account_id {
            if *expected != account_id {
                return Err(BackendError::Setup(format!(
                    "the credentials belong to account {account_id}, but the configuration expects account {expected} \
                     (caller {caller_arn}); use credentials for account {expected}, or fix `account_id` in the backend block"
                )));
            }
        }
        tracing::info!(account = %account_id, caller = %caller_arn, "connected to AWS");
        Ok(AwsBackend::with_config(
            &config, account_id, caller_arn, calls,
        ))
    }

    /// An IAM client on `config`, for an account already identified.
    fn with_config(
        config: &SdkConfig,
        account_id: String,
        caller_arn: String,
        calls: Arc<CallCounter>,
    ) -> AwsBackend {
        AwsBackend {
            iam: aws_sdk_iam::Client::new(config),
            account_id,
            caller_arn,
            calls,
            tag_reads: Mutex::new(TagReads::All),
        }
    }

    /// The ARN of the identity the calls are made as.
    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }

    /// Counts and sends one SDK call, once, turning its error into IAM's error code.
    async fn call<T, E>(
        &self,
        action: &str,
        request: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> Result<T, BackendError>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        call(&self.calls, action, request).await
    }

    /// Counts and sends one read call made by `make`, retried while IAM is busy.
    async fn read_call<T, E, F, Fut>(&self, action: &str, make: F) -> Result<T, BackendError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        read_call(&self.calls, action, make).await
    }

    fn handle(&self) -> Handle {
        Handle {
            iam: self.iam.clone(),
            calls: Arc::clone(&self.calls),
        }
    }

    fn tag_reads(&self) -> TagReads {
        self.tag_reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// What a spawned task needs to make calls.
struct Handle {
    iam: aws_sdk_iam::Client,
    calls: Arc<CallCounter>,
}

impl Handle {
    async fn policy_tags(&self, policy_arn: &str) -> Result<Tags, BackendError> {
        let mut out = Tags::new();
        let request = |marker| {
            let request = self.iam.list_policy_tags().policy_arn(policy_arn);
            request.set_marker(marker).send()
        };
        pages(&self.calls, "ListPolicyTags", request, |page| {
            out.extend(request::tags(page.tags()));
            read::next_marker(page.is_truncated(), page.marker())
        })
        .await?;
        Ok(out)
    }

    /// GetInstanceProfile returns the tags (ListInstanceProfiles does not).
    async fn instance_profile_tags(&self, name: &str) -> Result<Tags, BackendError> {
        let out = read_call(&self.calls, "GetInstanceProfile", || {
            self.iam
                .get_instance_profile()
                .instance_profile_name(name)
                .send()
        })
        .await?;
        Ok(out
            .instance_profile()
            .map(|p| request::tags(p.tags()))
            .unwrap_or_default())
    }
}

async fn call<T, E>(
    calls: &CallCounter,
    action: &str,
    request: impl Future<Output = Result<T, SdkError<E>>>,
) -> Result<T, BackendError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    calls.count(action);
    request.await.map_err(|e| errors::from_sdk(action, e))
}

/// Every page of a paginated read call: `request` asks for the page after a marker (none for the
/// first), `page` takes one and says the marker of the next, if any.
async fn pages<P, E, F, Fut>(
    calls: &CallCounter,
    action: &str,
    request: F,
    mut page: impl FnMut(&P) -> Option<String>,
) -> Result<(), BackendError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: Future<Output = Result<P, SdkError<E>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut marker = None;
    loop {
        let answer = read_call(calls, action, || request(marker.clone())).await?;
        match page(&answer) {
            Some(next) => marker = Some(next),
            None => return Ok(()),
        }
    }
}

/// A read call made by `make`, counted and retried with the one retry policy while IAM is busy.
async fn read_call<T, E, F, Fut>(
    calls: &CallCounter,
    action: &str,
    make: F,
) -> Result<T, BackendError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let policy = RetryPolicy::default();
    let attempt = || call(calls, action, make());
    retry::run(&policy, &action, attempt, retry::busy).await.0
}

#[async_trait::async_trait]
impl Backend for AwsBackend {
    async fn read(&self) -> Result<Account, BackendError> {
        read::read(self).await
    }

    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        audit::read(self, options).await
    }

    /// One IAM call, once; one file per family.
    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        super::by_family!(op, execute(self).await)
    }

    fn caller(&self) -> Option<Address> {
        Arn::parse(&self.caller_arn).ok()?.principal()
    }

    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn call_counts(&self) -> CallCounts {
        self.calls.counts()
    }

    /// Six calls per user, for the users a plan deletes only, one user after the other.
    async fn read_credentials_of(
        &self,
        account: &mut Account,
        users: &[Name],
    ) -> Result<(), BackendError> {
        for name in users {
            let Some(u) = account.users.get_mut(name) else {
                continue;
            };
            match user::read_credentials(self, name).await {
                Ok(c) => u.credentials = c,
                // Deleted since the read: nothing to remove.
                Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// GetPolicy of the lease's ARN, then ListPolicyTags (its holder): two calls, whatever the
    /// account's size, where the default would read the whole account.
    async fn read_lease(&self) -> Result<Option<ManagedPolicy>, BackendError> {
        let arn = lease::lease_arn(self.account_id());
        let found = self
            .read_call("GetPolicy", || {
                self.iam.get_policy().policy_arn(&arn).send()
            })
            .await;
        match found {
            Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => Ok(None),
            Err(e) => Err(e),
            Ok(_) => {
                let tags = self.handle().policy_tags(&arn).await?;
                Ok(Some(lease::lease_policy(tags)))
            }
        }
    }

    fn read_tags_only_for(&self, entities: &[Address]) {
        *self
            .tag_reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            TagReads::Only(entities.iter().cloned().collect());
    }
}
