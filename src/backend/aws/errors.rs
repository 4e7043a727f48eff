//! SDK errors in iamform's words: IAM's error code becomes an [`ErrorCode`], its message is kept.

use crate::backend::{BackendError, ErrorCode};
use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// The [`ErrorCode`] for an IAM error code string. `ValidationError` is what IAM returns when a
/// parameter breaks a documented constraint (a name pattern, a length, a range), which the mock
/// reports as `InvalidInput`.
pub(super) fn code_of(code: &str) -> Option<ErrorCode> {
    ErrorCode::parse(code).or(match code {
        "ValidationError" => Some(ErrorCode::InvalidInput),
        "ThrottlingException" | "RequestLimitExceeded" | "TooManyRequestsException" => {
            Some(ErrorCode::Throttling)
        }
        _ => None,
    })
}

/// One failed SDK call as a [`BackendError`]. Errors without an IAM code (no connection, a
/// timeout, an answer that is not IAM's XML) are `ServiceFailure`, with what went wrong.
pub(super) fn from_sdk<E>(action: &str, e: SdkError<E>) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let message = e.message().map(str::to_owned);
    match e.code() {
        Some(code) => match code_of(code) {
            Some(c) => BackendError::api(c, message.unwrap_or_else(|| code.to_owned())),
            None => BackendError::api(
                ErrorCode::ServiceFailure,
                format!(
                    "{action}: {code}: {}",
                    message.as_deref().unwrap_or("no message")
                ),
            ),
        },
        None => {
            let detail = match &e {
                SdkError::ServiceError(s) => {
                    let body = s.raw().body().bytes().unwrap_or_default();
                    let body = String::from_utf8_lossy(&body[..body.len().min(200)]);
                    format!(
                        "HTTP {} without an IAM error code: {}",
                        s.raw().status().as_u16(),
                        body.trim()
                    )
                }
                _ => DisplayErrorContext(&e).to_string(),
            };
            BackendError::api(ErrorCode::ServiceFailure, format!("{action}: {detail}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_codes_map_to_error_codes() {
        assert_eq!(code_of("NoSuchEntity"), Some(ErrorCode::NoSuchEntity));
        assert_eq!(code_of("DeleteConflict"), Some(ErrorCode::DeleteConflict));
        assert_eq!(code_of("ValidationError"), Some(ErrorCode::InvalidInput));
        assert_eq!(code_of("Throttling"), Some(ErrorCode::Throttling));
        assert_eq!(code_of("AccessDenied"), None);
    }
}
