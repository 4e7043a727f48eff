//! The aws backend's SAML provider calls; the API names a provider by its ARN once created.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::model::{arn, Kind};
use crate::operation::{Named as _, SamlProviderOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &SamlProviderOp) -> Result<(), BackendError> {
    let api = op.api_name();
    let name = op.saml_provider().as_str();
    let a = provider_arn(b, name);
    let a = a.as_str();
    match op {
        SamlProviderOp::CreateSamlProvider { metadata, tags, .. } => {
            let tags = sdk_tags(tags)?;
            send(b, api, |iam| iam.create_saml_provider().name(name).saml_metadata_document(&metadata.0).set_tags(tags).send()).await
        }
        SamlProviderOp::UpdateSamlProvider { metadata, .. } => send(b, api, |iam| iam.update_saml_provider().saml_provider_arn(a).saml_metadata_document(&metadata.0).send()).await,
        SamlProviderOp::DeleteSamlProvider { .. } => send(b, api, |iam| iam.delete_saml_provider().saml_provider_arn(a).send()).await,
    }
}

/// `arn:aws:iam::ACCOUNT:saml-provider/NAME`.
pub(super) fn provider_arn(b: &AwsBackend, name: &str) -> String {
    arn(&b.account_id, Kind::SamlProvider, "/", name)
}
