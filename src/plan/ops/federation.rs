//! Step 1 of plan building for the account-level kinds (OpenID Connect and SAML providers, the
//! account alias, service-linked roles) and for console access: what each change of theirs
//! becomes. The ordering they need comes from their operations' effects: a trust policy naming a
//! provider needs it (`operation::trusted`), and a role that stops naming one, or is deleted,
//! releases it ([`released_providers`]), so a provider is created before the roles that trust it
//! and deleted after they let go of it.

use super::{tags, Context, Nodes};
use crate::model::iam::PASSWORD_MIN_LENGTH;
use crate::model::{
    Kind, OpenIdConnectProvider, PasswordPolicy, PolicyDocument, SamlProvider, ServiceLinkedRole,
    User,
};
use crate::operation::{
    trusted, AccountOp, Key, OidcProviderOp, SamlProviderOp, Secret, ServiceLinkedRoleOp,
    TagTarget, UserOp,
};

/// The shortest password iamform generates, whatever the policy allows.
const MIN_GENERATED_PASSWORD: u32 = 20;

pub(super) fn create_oidc(out: &mut Nodes, p: &OpenIdConnectProvider) {
    out.op(OidcProviderOp::CreateOpenIdConnectProvider {
        openid_connect_provider: p.name.clone(),
        client_id_list: p.client_id_list.clone(),
        thumbprint_list: p.thumbprint_list.clone(),
        tags: p.tags.clone(),
    });
}

pub(super) fn update_oidc(out: &mut Nodes, l: &OpenIdConnectProvider, d: &OpenIdConnectProvider) {
    let name = || d.name.clone();
    for id in d.client_id_list.difference(&l.client_id_list) {
        out.op(OidcProviderOp::AddClientIdToOpenIdConnectProvider {
            openid_connect_provider: name(),
            client_id: id.clone(),
        });
    }
    for id in l.client_id_list.difference(&d.client_id_list) {
        out.op(OidcProviderOp::RemoveClientIdFromOpenIdConnectProvider {
            openid_connect_provider: name(),
            client_id: id.clone(),
        });
    }
    if let Some(t) = d
        .thumbprint_list
        .as_ref()
        .filter(|t| Some(*t) != l.thumbprint_list.as_ref())
    {
        out.op(OidcProviderOp::UpdateOpenIdConnectProviderThumbprint {
            openid_connect_provider: name(),
            thumbprint_list: t.clone(),
        });
    }
    tags(
        out,
        TagTarget::OpenIdConnectProvider(name()),
        &l.tags,
        &d.tags,
    );
}

pub(super) fn delete_oidc(out: &mut Nodes, p: &OpenIdConnectProvider) {
    out.op(OidcProviderOp::DeleteOpenIdConnectProvider {
        openid_connect_provider: p.name.clone(),
    });
}

pub(super) fn create_saml(out: &mut Nodes, p: &SamlProvider) {
    out.op(SamlProviderOp::CreateSamlProvider {
        saml_provider: p.name.clone(),
        metadata: p.metadata.clone(),
        tags: p.tags.clone(),
    });
}

pub(super) fn update_saml(out: &mut Nodes, l: &SamlProvider, d: &SamlProvider) {
    if l.metadata != d.metadata {
        out.op(SamlProviderOp::UpdateSamlProvider {
            saml_provider: d.name.clone(),
            metadata: d.metadata.clone(),
        });
    }
    tags(
        out,
        TagTarget::SamlProvider(d.name.clone()),
        &l.tags,
        &d.tags,
    );
}

pub(super) fn delete_saml(out: &mut Nodes, p: &SamlProvider) {
    out.op(SamlProviderOp::DeleteSamlProvider {
        saml_provider: p.name.clone(),
    });
}

pub(super) fn create_linked_role(out: &mut Nodes, r: &ServiceLinkedRole) {
    out.op(ServiceLinkedRoleOp::CreateServiceLinkedRole {
        service_linked_role: r.name.clone(),
        aws_service_name: r.aws_service_name.clone(),
        custom_suffix: r.custom_suffix.clone(),
        description: r.description.clone(),
    });
}

pub(super) fn update_linked_role(out: &mut Nodes, l: &ServiceLinkedRole, d: &ServiceLinkedRole) {
    if let (Some(role_name), Some(description)) = (&l.role_name, &d.description) {
        out.op(ServiceLinkedRoleOp::UpdateServiceLinkedRoleDescription {
            service_linked_role: d.name.clone(),
            role_name: role_name.clone(),
            description: description.clone(),
        });
    }
}

pub(super) fn delete_linked_role(out: &mut Nodes, r: &ServiceLinkedRole) {
    if let Some(role_name) = &r.role_name {
        out.op(ServiceLinkedRoleOp::DeleteServiceLinkedRole {
            service_linked_role: r.name.clone(),
            role_name: role_name.clone(),
        });
    }
}

pub(super) fn delete_alias(out: &mut Nodes, alias: &crate::model::AccountAlias) {
    out.op(AccountOp::DeleteAccountAlias {
        account_alias: alias.alias.clone(),
    });
}

/// The login profile `d.console_access` asks for, when the live user `l` (none: a new user)
/// does not have it: created with a generated password, or deleted.
pub(super) fn console_access(out: &mut Nodes, ctx: &Context, l: Option<&User>, d: &User) {
    let Some(wanted) = d.console_access else {
        return;
    };
    let has = l.is_some_and(|u| u.credentials.has_login_profile());
    match (wanted.enabled, has) {
        (true, false) => out.op(UserOp::CreateLoginProfile {
            user: d.name.clone(),
            password_reset_required: wanted.password_reset_required,
            password_length: password_length(
                ctx.desired.password_policy.as_ref(),
                ctx.live.password_policy.as_ref(),
            ),
            password: Secret::default(),
        }),
        (false, true) => out.op(UserOp::DeleteLoginProfile {
            user: d.name.clone(),
        }),
        _ => {}
    }
}

/// A length that satisfies the password policy declared and the one the account has (IAM checks
/// the one in force when the call is made), at least [`MIN_GENERATED_PASSWORD`].
fn password_length(declared: Option<&PasswordPolicy>, live: Option<&PasswordPolicy>) -> u32 {
    [declared, live]
        .into_iter()
        .flatten()
        .filter_map(|p| p.minimum_length)
        .fold(MIN_GENERATED_PASSWORD, u32::max)
        .min(*PASSWORD_MIN_LENGTH.end())
}

/// The providers a trust policy named before and no longer names (all of them when the role is
/// deleted, `after` being `None`): the call that changes it releases them, so that a provider is
/// deleted only once no trust policy names it.
pub(super) fn released_providers(
    before: &PolicyDocument,
    after: Option<&PolicyDocument>,
    account_id: &str,
) -> Vec<Key> {
    let kept = after.map(|d| trusted(d, account_id)).unwrap_or_default();
    trusted(before, account_id)
        .into_iter()
        .filter(|k| {
            matches!(
                k,
                Key::Entity(Kind::OpenIdConnectProvider | Kind::SamlProvider, _)
            )
        })
        .filter(|k| !kept.contains(k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_satisfy_both_policies() {
        let policy = |n| PasswordPolicy {
            minimum_length: Some(n),
            ..Default::default()
        };
        assert_eq!(password_length(None, None), 20);
        assert_eq!(password_length(Some(&policy(32)), Some(&policy(24))), 32);
        assert_eq!(password_length(Some(&policy(14)), Some(&policy(40))), 40);
        assert_eq!(password_length(Some(&policy(128)), None), 128);
    }
}
