//! The aws backend: a real IAM account through aws-sdk-iam.
//!
//! Credentials come from aws-config's default chain (environment, profiles, SSO, web identity for
//! CI OIDC, instance metadata), optionally through an assumed role. `account_id` is a guard:
//! [`AwsBackend::connect`] asks STS whose credentials these are and refuses another account.
//!
//! - Read: a few bulk calls whose number grows with entities / 1,000 (`read.rs`).
//! - Execute: one IAM call per operation (`execute.rs`); deleting a user first removes its
//!   credentials.
//! - Retries: throttling and transient failures by the SDK's standard retry mode (exponential
//!   backoff with jitter, `max_attempts`); IAM's eventual consistency after a create by
//!   [`consistency`]; `ConcurrentModification` by `apply`'s retry, as for every backend.
//! - Every call is counted per IAM action, as the mock counts them.

mod audit;
pub mod consistency;
mod credential_report;
mod errors;
mod execute;
mod read;
mod retry_log;

#[cfg(test)]
mod tests;

use super::audit::{AuditData, AuditReadOptions};
use super::{Backend, BackendError, CallCounts};
use crate::model::{Account, Address, Tags};
use crate::plan::operation::Operation;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::config::SharedCredentialsProvider;
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use std::collections::BTreeSet;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// IAM is global; its API lives in us-east-1 for the `aws` partition.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Attempts per call for throttling and transient errors (the SDK's standard mode).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Where and as whom to connect; every field is optional (aws-config's defaults apply).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    /// Another IAM endpoint, e.g. a local moto server (`http://127.0.0.1:5000`); STS is asked
    /// there too.
    pub endpoint_url: Option<String>,
    /// The account the configuration is meant for: any other is refused.
    pub account_id: Option<String>,
    /// A role to assume with the credentials found (STS AssumeRole).
    pub assume_role_arn: Option<String>,
    /// Attempts per call for throttling and transient failures; default [`DEFAULT_MAX_ATTEMPTS`].
    pub max_attempts: Option<u32>,
}

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
    calls: Arc<Mutex<CallCounts>>,
    creations: consistency::Creations,
    tag_reads: Mutex<TagReads>,
}

impl AwsBackend {
    /// Loads credentials and settings, and checks with STS GetCallerIdentity which account they
    /// belong to. Fails (`Setup`) without credentials, or when `account_id` names another account.
    pub async fn connect(settings: &AwsSettings) -> Result<AwsBackend, BackendError> {
        let attempts = settings.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS).max(1);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(RetryConfig::standard().with_max_attempts(attempts));
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
            return Err(BackendError::Setup(
                "no AWS credentials were found: set AWS_PROFILE or AWS_ACCESS_KEY_ID, run `aws sso login`, or use an instance role".into(),
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
        let calls = Arc::new(Mutex::new(CallCounts::new()));
        count(&calls, "GetCallerIdentity");
        let identity = aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let assumed = settings
                    .assume_role_arn
                    .as_deref()
                    .map(|r| format!(" (assuming {r})"))
                    .unwrap_or_default();
                BackendError::Setup(format!(
                    "could not find out whose AWS credentials these are{assumed} (STS GetCallerIdentity): {}",
                    DisplayErrorContext(&e)
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
        calls: Arc<Mutex<CallCounts>>,
    ) -> AwsBackend {
        let iam = aws_sdk_iam::config::Builder::from(config)
            .interceptor(retry_log::RetryLog)
            .build();
        AwsBackend {
            iam: aws_sdk_iam::Client::from_conf(iam),
            account_id,
            caller_arn,
            calls,
            creations: consistency::Creations::default(),
            tag_reads: Mutex::new(TagReads::All),
        }
    }

    /// The ARN of the identity the calls are made as.
    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }

    /// Counts and sends one SDK call, turning its error into IAM's error code.
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
    calls: Arc<Mutex<CallCounts>>,
}

impl Handle {
    async fn policy_tags(&self, policy_arn: &str) -> Result<Tags, BackendError> {
        let mut out = Tags::new();
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                &self.calls,
                "ListPolicyTags",
                self.iam
                    .list_policy_tags()
                    .policy_arn(policy_arn)
                    .set_marker(marker.take())
                    .send(),
            )
            .await?;
            out.extend(read::tags(page.tags()));
            match page
                .marker()
                .filter(|m| page.is_truncated() && !m.is_empty())
            {
                Some(m) => marker = Some(m.to_owned()),
                None => return Ok(out),
            }
        }
    }

    /// GetInstanceProfile returns the tags (ListInstanceProfiles does not).
    async fn instance_profile_tags(&self, name: &str) -> Result<Tags, BackendError> {
        let out = call(
            &self.calls,
            "GetInstanceProfile",
            self.iam
                .get_instance_profile()
                .instance_profile_name(name)
                .send(),
        )
        .await?;
        Ok(out
            .instance_profile()
            .map(|p| read::tags(p.tags()))
            .unwrap_or_default())
    }
}

fn count(calls: &Mutex<CallCounts>, action: &str) {
    let mut calls = calls.lock().unwrap_or_else(PoisonError::into_inner);
    *calls.entry(action.to_owned()).or_default() += 1;
}

async fn call<T, E>(
    calls: &Mutex<CallCounts>,
    action: &str,
    request: impl Future<Output = Result<T, SdkError<E>>>,
) -> Result<T, BackendError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    count(calls, action);
    request.await.map_err(|e| errors::from_sdk(action, e))
}

#[async_trait::async_trait]
impl Backend for AwsBackend {
    async fn read(&self) -> Result<Account, BackendError> {
        read::read(self).await
    }

    async fn read_audit(&self, options: &AuditReadOptions) -> Result<AuditData, BackendError> {
        audit::read(self, options).await
    }

    /// One IAM call (a user's deletion: its credentials first), retried while IAM has not caught
    /// up with a create this backend made less than two minutes ago.
    async fn execute(&self, op: &Operation) -> Result<(), BackendError> {
        let mut attempt = 0u32;
        loop {
            let error = match execute::execute(self, op).await {
                Ok(()) => {
                    self.creations.observe(op, Instant::now());
                    return Ok(());
                }
                Err(e) => e,
            };
            let now = Instant::now();
            let Some(reason) =
                consistency::retry_reason(op, &error, &self.creations.snapshot(), now)
            else {
                return Err(error);
            };
            let entropy = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let delay = consistency::backoff(attempt, u64::from(entropy) ^ u64::from(attempt))
                .min(reason.until.saturating_duration_since(now));
            attempt += 1;
            tracing::info!(
                operation = %op,
                attempt,
                waiting_for = %reason.waiting_for,
                delay_ms = delay.as_millis() as u64,
                "IAM has not caught up with a recent create yet; retrying after {error}"
            );
            tokio::time::sleep(delay).await;
        }
    }

    fn caller(&self) -> Option<crate::model::Address> {
        crate::guard::caller_from_arn(&self.caller_arn)
    }

    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn call_counts(&self) -> CallCounts {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn read_tags_only_for(&self, entities: &[Address]) {
        *self
            .tag_reads
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            TagReads::Only(entities.iter().cloned().collect());
    }
}
