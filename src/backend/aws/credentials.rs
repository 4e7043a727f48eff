//! Why no AWS credentials could be used, said once and plainly: which sources aws-config's default
//! chain tried and how to provide credentials through one of them. The chain's own account of
//! each source is logged at `-v`.

use crate::backend::BackendError;
use crate::settings::AwsSettings;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_iam::error::DisplayErrorContext;

/// The sources of aws-config's default chain, in the order it tries them.
const SOURCES: &str = "the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the profile \
     (AWS_PROFILE or `default` in ~/.aws/config and ~/.aws/credentials, SSO profiles included), web \
     identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, as CI's OIDC sets them), the ECS \
     container endpoint and EC2 instance metadata";

/// The error for credentials the chain could not load.
pub(super) fn error(e: &CredentialsError, settings: &AwsSettings) -> BackendError {
    tracing::info!("AWS credential chain: {}", DisplayErrorContext(e));
    let profile = settings.profile.as_deref();
    let message = match (e, profile) {
        (CredentialsError::CredentialsNotLoaded(_), None) => format!(
            "no AWS credentials were found. Tried: {SOURCES}.\n  help: set AWS_PROFILE (after \
             `aws sso login --profile NAME` for an SSO profile), or export AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY; in CI, give the job a role through OIDC (e.g. \
             aws-actions/configure-aws-credentials); run with -v to see what each source answered"
        ),
        (CredentialsError::CredentialsNotLoaded(_), Some(p)) => format!(
            "no AWS credentials were found for profile `{p}` in ~/.aws/config or ~/.aws/credentials.\n  \
             help: check the profile's name, or run `aws configure --profile {p}` (or `aws sso login \
             --profile {p}`); run with -v to see what each source answered"
        ),
        (_, p) => {
            let of = p.map(|p| format!(" of profile `{p}`")).unwrap_or_default();
            format!(
                "the AWS credentials{of} could not be loaded: {}\n  help: an expired SSO session is \
                 renewed with `aws sso login`; run with -v for details",
                cause(e)
            )
        }
    };
    BackendError::Setup(message)
}

/// The credential chain's failure inside a call's error, when the call failed for want of
/// credentials (found by type along the error's sources, not by its text).
pub(super) fn not_loaded<'e>(
    e: &'e (dyn std::error::Error + 'static),
) -> Option<&'e CredentialsError> {
    let mut next = Some(e);
    while let Some(err) = next {
        if let Some(c) = err.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        next = err.source();
    }
    None
}

/// The innermost explanation the chain gives, without its Debug dump.
fn cause(e: &CredentialsError) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = s.to_string();
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_credentials_says_how_to_provide_them_for_the_chain_or_the_profile() {
        let e = CredentialsError::not_loaded("no providers in chain provided credentials");
        let text = error(&e, &AwsSettings::default()).to_string();
        assert!(text.contains("web identity"), "{text}");
        assert!(
            text.contains("help: set AWS_PROFILE") && !text.contains('{'),
            "{text}"
        );
        let settings = AwsSettings {
            profile: Some("prod".into()),
            ..AwsSettings::default()
        };
        let text = error(&e, &settings).to_string();
        assert!(text.contains("for profile `prod`"), "{text}");
        let expired = CredentialsError::provider_error("the SSO session has expired");
        let text = error(&expired, &AwsSettings::default()).to_string();
        assert!(
            text.contains("could not be loaded: the SSO session has expired"),
            "{text}"
        );
    }
}
