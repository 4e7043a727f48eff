//! The aws backend's tag calls, for every kind IAM tags; each row is one of IAM's calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Named as _, TagChange, TagOp, TagTarget};

// A table: one row per IAM call, each on one line.
#[rustfmt::skip]
pub(super) async fn execute(b: &AwsBackend, op: &TagOp) -> Result<(), BackendError> {
    use TagTarget::{InstanceProfile, OpenIdConnectProvider, Policy, Role, SamlProvider, User};
    let api = op.api_name();
    let id = op.target.id();
    let oidc = super::oidc_provider::provider_arn(b, id);
    let saml = super::saml_provider::provider_arn(b, id);
    let (oidc, saml) = (oidc.as_str(), saml.as_str());
    match &op.change {
        TagChange::Set(tags) => {
            let t = sdk_tags(tags)?;
            match op.target {
                User(_) => send(b, api, |iam| iam.tag_user().user_name(id).set_tags(t).send()).await,
                Role(_) => send(b, api, |iam| iam.tag_role().role_name(id).set_tags(t).send()).await,
                Policy(_) => send(b, api, |iam| iam.tag_policy().policy_arn(id).set_tags(t).send()).await,
                InstanceProfile(_) => send(b, api, |iam| iam.tag_instance_profile().instance_profile_name(id).set_tags(t).send()).await,
                OpenIdConnectProvider(_) => send(b, api, |iam| iam.tag_open_id_connect_provider().open_id_connect_provider_arn(oidc).set_tags(t).send()).await,
                SamlProvider(_) => send(b, api, |iam| iam.tag_saml_provider().saml_provider_arn(saml).set_tags(t).send()).await,
            }
        }
        TagChange::Unset(keys) => {
            let k = Some(keys.clone());
            match op.target {
                User(_) => send(b, api, |iam| iam.untag_user().user_name(id).set_tag_keys(k).send()).await,
                Role(_) => send(b, api, |iam| iam.untag_role().role_name(id).set_tag_keys(k).send()).await,
                Policy(_) => send(b, api, |iam| iam.untag_policy().policy_arn(id).set_tag_keys(k).send()).await,
                InstanceProfile(_) => send(b, api, |iam| iam.untag_instance_profile().instance_profile_name(id).set_tag_keys(k).send()).await,
                OpenIdConnectProvider(_) => send(b, api, |iam| iam.untag_open_id_connect_provider().open_id_connect_provider_arn(oidc).set_tag_keys(k).send()).await,
                SamlProvider(_) => send(b, api, |iam| iam.untag_saml_provider().saml_provider_arn(saml).set_tag_keys(k).send()).await,
            }
        }
    }
}
