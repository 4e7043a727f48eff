//! The aws backend's tag calls, for every kind IAM tags: one row per kind, with its tag and untag
//! calls.

use super::request::{sdk_tags, send};
use super::AwsBackend;
use crate::backend::BackendError;
use crate::operation::{Named as _, TagChange, TagOp, TagTarget};

/// One arm per kind and change: `$tag` / `$untag` are the kind's two IAM calls, `$by($id)` the
/// request field naming the entity.
macro_rules! tag_calls {
    ($b:expr, $api:expr, $op:expr; $($kind:ident => $tag:ident / $untag:ident, $by:ident($id:expr);)*) => {
        match (&$op.change, &$op.target) {
            $((TagChange::Set(tags), $kind(_)) => {
                let t = sdk_tags(tags)?;
                send($b, $api, |iam| iam.$tag().$by($id).set_tags(t).send()).await
            }
            (TagChange::Unset(keys), $kind(_)) => {
                let k = Some(keys.clone());
                send($b, $api, |iam| iam.$untag().$by($id).set_tag_keys(k).send()).await
            })*
        }
    };
}

pub(super) async fn execute(b: &AwsBackend, op: &TagOp) -> Result<(), BackendError> {
    use TagTarget::{InstanceProfile, OpenIdConnectProvider, Policy, Role, SamlProvider, User};
    let api = op.api_name();
    let id = op.target.id();
    let oidc = super::oidc_provider::provider_arn(b, id);
    let saml = super::saml_provider::provider_arn(b, id);
    let (oidc, saml) = (oidc.as_str(), saml.as_str());
    // A table: one row per kind IAM tags, each on one line.
    tag_calls!(b, api, op;
        User => tag_user / untag_user, user_name(id);
        Role => tag_role / untag_role, role_name(id);
        Policy => tag_policy / untag_policy, policy_arn(id);
        InstanceProfile => tag_instance_profile / untag_instance_profile, instance_profile_name(id);
        OpenIdConnectProvider => tag_open_id_connect_provider / untag_open_id_connect_provider, open_id_connect_provider_arn(oidc);
        SamlProvider => tag_saml_provider / untag_saml_provider, saml_provider_arn(saml);
    )
}
