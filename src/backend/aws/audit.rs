//! [`Backend::read_audit`](crate::backend::Backend::read_audit) on AWS: five calls, plus polling.
//!
//! | call | gives |
//! |---|---|
//! | `GetAccountAuthorizationDetails` (1,000 a page) | users, groups, roles, customer managed policies, attachments (`read.rs`) |
//! | `GetAccountPasswordPolicy` | the password policy |
//! | `GenerateCredentialReport`, repeated until IAM says `COMPLETE` | a report at most four hours old |
//! | `GetCredentialReport` | the report: CSV, one row per user and one for the root user (`credential_report.rs`) |
//! | `GetAccountSummary` | `AccountMFAEnabled`, `AccountAccessKeysPresent` (the root user), counters |
//!
//! With `last_accessed`, Access Advisor runs one job per user and role (service roles AWS owns
//! excepted): `GenerateServiceLastAccessedDetails`, then `GetServiceLastAccessedDetails` until the
//! job is done, [`ADVISOR_CONCURRENCY`] principals at a time, reporting progress as each ends.
//! The role descriptions, session durations and instance profiles that `read` adds (ListRoles,
//! ListInstanceProfiles) are not read: no rule looks at them.

use super::credential_report;
use super::read::{self, RoleSettings};
use super::request::timestamp;
use super::{errors, read_call, AwsBackend, Handle};
use crate::backend::audit::{
    AccountSummary, AuditData, AuditReadOptions, CredentialReport, Progress, ServiceAccess,
};
use crate::backend::retry;
use crate::backend::{Backend, BackendError, ErrorCode};
use crate::model::{self, is_reserved_role_path, Account, Address, Kind};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::{AccessAdvisorUsageGranularityType, JobStatusType, ReportStateType};
use std::collections::BTreeMap;
use std::time::Duration;

/// Access Advisor jobs running at once.
pub(super) const ADVISOR_CONCURRENCY: usize = 5;

/// How long to wait for IAM to finish a report or an Access Advisor job: the first poll after
/// [`FIRST_POLL`], each next one up to twice as late, never more than [`MAX_POLL`] apart.
const FIRST_POLL: Duration = Duration::from_millis(200);
const MAX_POLL: Duration = Duration::from_secs(5);
/// About five minutes of polling before giving up.
const MAX_POLLS: u32 = 70;

pub(super) async fn read(
    b: &AwsBackend,
    options: &AuditReadOptions,
) -> Result<AuditData, BackendError> {
    let (account, credential_report, summary) =
        tokio::try_join!(entities(b), credential_report(b), account_summary(b))?;
    let last_accessed = if options.last_accessed {
        Some(last_accessed(b, &account, options.progress.clone()).await?)
    } else {
        None
    };
    Ok(AuditData {
        account,
        credential_report,
        summary,
        last_accessed,
    })
}

async fn entities(b: &AwsBackend) -> Result<Account, BackendError> {
    let (details, password_policy) =
        tokio::try_join!(read::authorization_details(b), read::password_policy(b))?;
    let mut account = read::entities(&details, &RoleSettings::new())?;
    account.password_policy = password_policy;
    Ok(account)
}

fn poll_delay(attempt: u32) -> Duration {
    FIRST_POLL
        .saturating_mul(2u32.saturating_pow(attempt.min(16)))
        .min(MAX_POLL)
}

/// Generates the report (IAM reuses one less than four hours old) and reads it.
async fn credential_report(b: &AwsBackend) -> Result<CredentialReport, BackendError> {
    for attempt in 0..MAX_POLLS {
        let state = b
            .read_call("GenerateCredentialReport", || {
                b.iam.generate_credential_report().send()
            })
            .await?;
        if state.state() == Some(&ReportStateType::Complete) {
            b.calls.count("GetCredentialReport");
            match b.iam.get_credential_report().send().await {
                Ok(out) => {
                    let csv = out.content().map(|c| c.as_ref()).unwrap_or_default();
                    let rows = credential_report::parse(csv)
                        .map_err(|e| BackendError::api(ErrorCode::ServiceFailure, e))?;
                    return Ok(CredentialReport {
                        generated: out.generated_time().and_then(timestamp),
                        rows,
                    });
                }
                // Expired or not yet readable after all: generate again.
                Err(e)
                    if matches!(
                        e.code(),
                        Some("ReportInProgress" | "ReportNotPresent" | "ReportExpired")
                    ) => {}
                // A busy IAM: the next poll is the retry.
                Err(e) => {
                    let error = errors::from_sdk("GetCredentialReport", e);
                    if !retry::is_busy(&error) {
                        return Err(error);
                    }
                    tracing::info!("GetCredentialReport: retrying at the next poll after {error}");
                }
            }
        }
        tokio::time::sleep(poll_delay(attempt)).await;
    }
    Err(BackendError::api(
        ErrorCode::ServiceFailure,
        "IAM did not finish the credential report within five minutes; run the audit again later",
    ))
}

async fn account_summary(b: &AwsBackend) -> Result<AccountSummary, BackendError> {
    let out = b
        .read_call("GetAccountSummary", || b.iam.get_account_summary().send())
        .await?;
    Ok(AccountSummary(
        out.summary_map()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str().to_owned(), i64::from(*v)))
            .collect(),
    ))
}

/// The users and roles Access Advisor is asked about, with their ARNs: every user, and every role
/// but those AWS owns (their permissions cannot be changed).
fn principals(account_id: &str, account: &Account) -> Vec<(Address, String)> {
    let users = account.users.values().map(|u| {
        (
            Address::new(Kind::User, u.name.clone()),
            model::arn(account_id, Kind::User, &u.path, u.name.as_str()),
        )
    });
    let roles = account
        .roles
        .values()
        .filter(|r| !is_reserved_role_path(&r.path))
        .map(|r| {
            (
                Address::new(Kind::Role, r.name.clone()),
                model::arn(account_id, Kind::Role, &r.path, r.name.as_str()),
            )
        });
    users.chain(roles).collect()
}

async fn last_accessed(
    b: &AwsBackend,
    account: &Account,
    progress: Option<Progress>,
) -> Result<BTreeMap<Address, Vec<ServiceAccess>>, BackendError> {
    let principals = principals(b.account_id(), account);
    let total = principals.len();
    let mut pending = principals.into_iter();
    let mut jobs = tokio::task::JoinSet::new();
    let mut out = BTreeMap::new();
    loop {
        while jobs.len() < ADVISOR_CONCURRENCY {
            let Some((address, arn)) = pending.next() else {
                break;
            };
            let handle = b.handle();
            jobs.spawn(async move {
                advisor(&handle, &arn)
                    .await
                    .map(|services| (address, services))
            });
        }
        match jobs.join_next().await {
            None => break,
            Some(Ok(Ok((address, services)))) => {
                out.insert(address, services);
                if let Some(progress) = &progress {
                    progress(out.len(), total);
                }
            }
            Some(Ok(Err(e))) => return Err(e),
            Some(Err(join)) => {
                return Err(BackendError::api(
                    ErrorCode::ServiceFailure,
                    format!("an Access Advisor job failed: {join}"),
                ))
            }
        }
    }
    Ok(out)
}

/// One principal's Access Advisor report, service level.
async fn advisor(h: &Handle, arn: &str) -> Result<Vec<ServiceAccess>, BackendError> {
    let job = read_call(&h.calls, "GenerateServiceLastAccessedDetails", || {
        h.iam
            .generate_service_last_accessed_details()
            .arn(arn)
            .granularity(AccessAdvisorUsageGranularityType::ServiceLevel)
            .send()
    })
    .await?;
    let job_id = job.job_id().unwrap_or_default().to_owned();
    let mut services = Vec::new();
    let mut marker: Option<String> = None;
    let mut attempt = 0;
    loop {
        let page = read_call(&h.calls, "GetServiceLastAccessedDetails", || {
            h.iam
                .get_service_last_accessed_details()
                .job_id(&job_id)
                .set_marker(marker.clone())
                .send()
        })
        .await?;
        match page.job_status() {
            JobStatusType::InProgress if attempt < MAX_POLLS => {
                tokio::time::sleep(poll_delay(attempt)).await;
                attempt += 1;
                continue;
            }
            JobStatusType::Completed => {}
            other => {
                let why = page
                    .error()
                    .map(|e| format!("{}: {}", e.code(), e.message()))
                    .unwrap_or_else(|| format!("the job is {}", other.as_str()));
                return Err(BackendError::api(
                    ErrorCode::ServiceFailure,
                    format!("Access Advisor for {arn}: {why}"),
                ));
            }
        }
        services.extend(page.services_last_accessed().iter().map(|s| ServiceAccess {
            namespace: s.service_namespace().to_owned(),
            name: s.service_name().to_owned(),
            last_authenticated: s.last_authenticated().and_then(timestamp),
        }));
        match page
            .marker()
            .filter(|m| page.is_truncated() && !m.is_empty())
        {
            Some(m) => marker = Some(m.to_owned()),
            None => return Ok(services),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_back_off_to_a_ceiling() {
        assert_eq!(poll_delay(0), FIRST_POLL);
        assert_eq!(poll_delay(1), FIRST_POLL * 2);
        assert_eq!(poll_delay(40), MAX_POLL);
        let total: Duration = (0..MAX_POLLS).map(poll_delay).sum();
        assert!(
            total > Duration::from_secs(300) && total < Duration::from_secs(400),
            "{total:?}"
        );
    }

    #[test]
    fn sdk_dates_become_timestamps() {
        let t = aws_sdk_iam::primitives::DateTime::from_secs_and_nanos(1_700_000_000, 5);
        assert_eq!(
            timestamp(&t).unwrap(),
            model::Timestamp::new(1_700_000_000, 5).unwrap()
        );
    }
}
