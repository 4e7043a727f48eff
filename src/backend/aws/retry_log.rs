//! Makes the SDK's own retries (throttling, transient failures) visible with `-v`: an interceptor
//! that notes why an attempt failed and logs it when the SDK tries again.

use aws_sdk_iam::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_iam::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_iam::error::{BoxError, DisplayErrorContext};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

#[derive(Debug)]
pub struct RetryLog;

/// Why the previous attempt failed.
#[derive(Debug)]
struct LastFailure(String);

impl Storable for LastFailure {
    type Storer = StoreReplace<Self>;
}

impl Intercept for RetryLog {
    fn name(&self) -> &'static str {
        "iamform::RetryLog"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Err(error)) = context.output_or_error() {
            let why = match context.response() {
                Some(r) => describe(r.status().as_u16(), r.body().bytes()),
                None => DisplayErrorContext(error).to_string(),
            };
            cfg.interceptor_state().store_put(LastFailure(why));
        }
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        if attempt > 1 {
            let operation = cfg.load::<Metadata>().map_or("", |m| m.name());
            let why = cfg
                .load::<LastFailure>()
                .map_or("a failed attempt", |f| f.0.as_str());
            tracing::info!(operation, attempt, "retrying after {why}");
        }
        Ok(())
    }
}

/// `HTTP 400 Throttling: Rate exceeded`, from an IAM error response.
fn describe(status: u16, body: Option<&[u8]>) -> String {
    let body = body.map(String::from_utf8_lossy).unwrap_or_default();
    let element = |tag: &str| {
        let start = body.find(&format!("<{tag}>"))? + tag.len() + 2;
        let end = start + body[start..].find(&format!("</{tag}>"))?;
        Some(body[start..end].trim().to_owned())
    };
    match (element("Code"), element("Message")) {
        (Some(code), Some(message)) => format!("HTTP {status} {code}: {message}"),
        (Some(code), None) => format!("HTTP {status} {code}"),
        _ => format!("HTTP {status}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_described_by_iam_code() {
        let body = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert_eq!(
            describe(400, Some(body)),
            "HTTP 400 Throttling: Rate exceeded"
        );
        assert_eq!(describe(503, Some(b"<html>")), "HTTP 503");
        assert_eq!(describe(500, None), "HTTP 500");
        assert_eq!(describe(400, Some(b"<Code>x")), "HTTP 400");
    }
}
