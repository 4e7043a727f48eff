//! Sending one request: what every family of operations uses to make its calls.

use super::AwsBackend;
use crate::backend::{BackendError, ErrorCode};
use crate::model::Tags;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::types::Tag;
use aws_sdk_iam::Client;
use std::future::Future;
use std::pin::Pin;

type Call<'a, T> = Pin<Box<dyn Future<Output = Result<T, BackendError>> + Send + 'a>>;

/// Builds one SDK request with `make` and sends it, counted, once, as a boxed future; its output
/// is the call's answer.
///
/// Each request is built in this function's own frame and moved to the heap: building ~50 kinds
/// of requests inline in one `async fn` gives a debug build a stack frame too large for a thread.
pub(super) fn ask<'a, T, E, F>(
    b: &'a AwsBackend,
    action: &'a str,
    make: impl FnOnce(&'a Client) -> F,
) -> Call<'a, T>
where
    F: Future<Output = Result<T, SdkError<E>>> + Send + 'a,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    T: Send + 'a,
{
    Box::pin(b.call(action, make(&b.iam)))
}

/// [`ask`], for a call whose answer says nothing more than that it succeeded.
pub(super) async fn send<'a, T, E, F>(
    b: &'a AwsBackend,
    action: &'a str,
    make: impl FnOnce(&'a Client) -> F,
) -> Result<(), BackendError>
where
    F: Future<Output = Result<T, SdkError<E>>> + Send + 'a,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    T: Send + 'a,
{
    ask(b, action, make).await.map(drop)
}

/// A tag map as the SDK's list (`None` for no tags, so that nothing is sent).
pub(super) fn sdk_tags(tags: &Tags) -> Result<Option<Vec<Tag>>, BackendError> {
    if tags.is_empty() {
        return Ok(None);
    }
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| BackendError::api(ErrorCode::InvalidInput, e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// IAM's integer parameters are 32-bit signed.
pub(super) fn int(v: u32, what: &str) -> Result<i32, BackendError> {
    i32::try_from(v).map_err(|_| {
        BackendError::api(
            ErrorCode::InvalidInput,
            format!("{what} {v} is out of range"),
        )
    })
}

/// SDK tags as the model's.
pub(super) fn tags(list: &[Tag]) -> Tags {
    list.iter()
        .map(|t| (t.key().to_owned(), t.value().to_owned()))
        .collect()
}

/// An SDK time as a timestamp (`None` when it is out of range).
pub(super) fn timestamp(t: &aws_sdk_iam::primitives::DateTime) -> Option<crate::model::Timestamp> {
    let nanos = i32::try_from(t.subsec_nanos()).ok()?;
    crate::model::Timestamp::new(t.secs(), nanos).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_sdk_tags() {
        assert_eq!(sdk_tags(&Tags::new()).unwrap(), None);
        let t: Tags = [("team".to_owned(), "web".to_owned())].into();
        let sdk = sdk_tags(&t).unwrap().unwrap();
        assert_eq!((sdk[0].key(), sdk[0].value()), ("team", "web"));
    }

    #[test]
    fn integers_out_of_range_are_invalid_input() {
        assert_eq!(int(3600, "x").unwrap(), 3600);
        assert_eq!(
            int(u32::MAX, "x").unwrap_err().code(),
            Some(ErrorCode::InvalidInput)
        );
    }
}
