//! The aws backend's OpenID Connect provider calls; the API names a provider by its ARN.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::model::{arn, Kind};
use crate::operation::{Named as _, OidcProviderOp};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &OidcProviderOp) -> Result<(), BackendError> {
    use OidcProviderOp::*;
    let api = op.api_name();
    let a = provider_arn(b, op.openid_connect_provider().as_str());
    let a = a.as_str();
    match op {
        CreateOpenIdConnectProvider { client_id_list, thumbprint_list, tags, .. } => {
            let (url, ids, prints) = (op.url(), Some(client_id_list.iter().cloned().collect()), thumbprint_list.as_ref().map(|t| t.iter().cloned().collect()));
            let tags = sdk_tags(tags)?;
            send(b, api, |iam| iam.create_open_id_connect_provider().url(url).set_client_id_list(ids).set_thumbprint_list(prints).set_tags(tags).send()).await
        }
        DeleteOpenIdConnectProvider { .. } => send(b, api, |iam| iam.delete_open_id_connect_provider().open_id_connect_provider_arn(a).send()).await,
        AddClientIdToOpenIdConnectProvider { client_id, .. } => send(b, api, |iam| iam.add_client_id_to_open_id_connect_provider().open_id_connect_provider_arn(a).client_id(client_id).send()).await,
        RemoveClientIdFromOpenIdConnectProvider { client_id, .. } => send(b, api, |iam| iam.remove_client_id_from_open_id_connect_provider().open_id_connect_provider_arn(a).client_id(client_id).send()).await,
        UpdateOpenIdConnectProviderThumbprint { thumbprint_list, .. } => {
            let prints = Some(thumbprint_list.iter().cloned().collect());
            send(b, api, |iam| iam.update_open_id_connect_provider_thumbprint().open_id_connect_provider_arn(a).set_thumbprint_list(prints).send()).await
        }
    }
}

/// `arn:aws:iam::ACCOUNT:oidc-provider/NAME`.
pub(super) fn provider_arn(b: &AwsBackend, name: &str) -> String {
    arn(&b.account_id, Kind::OpenIdConnectProvider, "/", name)
}
