//! The account-level entities the bulk call leaves out, read in few calls:
//!
//! | call | gives |
//! |---|---|
//! | `ListOpenIDConnectProviders`, then `GetOpenIDConnectProvider` each | OIDC providers: client ids, thumbprints, tags |
//! | `ListSAMLProviders`, then `GetSAMLProvider` each | SAML providers: metadata, tags |
//! | `ListAccountAliases` | the alias |
//! | `GetLoginProfile`, for the users a configuration gives `console_access` | whether they have one |
//!
//! Accounts hold a handful of providers (IAM allows 100 of each), so one call each is cheap; the
//! per-provider reads run [`CONCURRENCY`] at a time. Service-linked roles are among the roles
//! the bulk call returns.

use super::{read_call, AwsBackend, Handle, TagReads};
use crate::backend::{BackendError, ErrorCode};
use crate::model::{
    Account, AccountAlias, Kind, LoginProfile, Name, OpenIdConnectProvider, SamlMetadata,
    SamlProvider,
};
use std::future::Future;

/// How many per-entity reads run at once.
const CONCURRENCY: usize = 8;

/// The providers and the alias of the account.
pub(super) struct Federation {
    oidc: Vec<OpenIdConnectProvider>,
    saml: Vec<SamlProvider>,
    alias: Option<AccountAlias>,
}

impl Federation {
    pub(super) fn into(self, account: &mut Account) {
        for p in self.oidc {
            account.openid_connect_providers.insert(p.name.clone(), p);
        }
        for p in self.saml {
            account.saml_providers.insert(p.name.clone(), p);
        }
        account.account_alias = self.alias;
    }
}

pub(super) async fn read(b: &AwsBackend) -> Result<Federation, BackendError> {
    let (oidc, saml, alias) = tokio::try_join!(oidc_providers(b), saml_providers(b), alias(b))?;
    Ok(Federation { oidc, saml, alias })
}

/// The name of a provider: its ARN after `oidc-provider/` or `saml-provider/`.
fn name_of(arn: &str) -> Option<String> {
    let (_, rest) = arn
        .split_once(":oidc-provider/")
        .or_else(|| arn.split_once(":saml-provider/"))?;
    Some(rest.to_owned())
}

/// The ARNs a listing of providers gives.
fn arns<'a>(listed: impl Iterator<Item = Option<&'a str>>) -> Vec<String> {
    listed.flatten().map(str::to_owned).collect()
}

async fn oidc_providers(b: &AwsBackend) -> Result<Vec<OpenIdConnectProvider>, BackendError> {
    let list = b
        .read_call("ListOpenIDConnectProviders", || {
            b.iam.list_open_id_connect_providers().send()
        })
        .await?;
    let arns = arns(list.open_id_connect_provider_list().iter().map(|p| p.arn()));
    each(b, arns, |h, arn| async move {
        let out = read_call(&h.calls, "GetOpenIDConnectProvider", || {
            h.iam
                .get_open_id_connect_provider()
                .open_id_connect_provider_arn(&arn)
                .send()
        })
        .await?;
        Ok(name_of(&arn).map(|name| OpenIdConnectProvider {
            name: Name::from(name),
            client_id_list: out.client_id_list().iter().cloned().collect(),
            thumbprint_list: Some(
                out.thumbprint_list()
                    .iter()
                    .map(|t| t.to_ascii_lowercase())
                    .collect(),
            ),
            tags: super::request::tags(out.tags()),
        }))
    })
    .await
}

async fn saml_providers(b: &AwsBackend) -> Result<Vec<SamlProvider>, BackendError> {
    let list = b
        .read_call("ListSAMLProviders", || b.iam.list_saml_providers().send())
        .await?;
    let arns = arns(list.saml_provider_list().iter().map(|p| p.arn()));
    each(b, arns, |h, arn| async move {
        let out = read_call(&h.calls, "GetSAMLProvider", || {
            h.iam.get_saml_provider().saml_provider_arn(&arn).send()
        })
        .await?;
        Ok(name_of(&arn).map(|name| SamlProvider {
            name: Name::from(name),
            metadata: SamlMetadata(out.saml_metadata_document().unwrap_or_default().to_owned()),
            tags: super::request::tags(out.tags()),
        }))
    })
    .await
}

async fn alias(b: &AwsBackend) -> Result<Option<AccountAlias>, BackendError> {
    let out = b
        .read_call("ListAccountAliases", || b.iam.list_account_aliases().send())
        .await?;
    Ok(out
        .account_aliases()
        .first()
        .map(|a| AccountAlias { alias: a.clone() }))
}

/// The login profiles of the users `read_tags_only_for` named (those a configuration gives
/// `console_access`); no user's when it was never called (`import` and the access questions
/// need none, and it is one call per user).
pub(super) async fn login_profiles(
    b: &AwsBackend,
    account: &mut Account,
) -> Result<(), BackendError> {
    let TagReads::Only(wanted) = b.tag_reads() else {
        return Ok(());
    };
    let users: Vec<String> = wanted
        .iter()
        .filter(|a| a.kind == Kind::User && account.users.contains_key(&a.name))
        .map(|a| a.name.as_str().to_owned())
        .collect();
    let found = each(b, users, |h, user| async move {
        let profile = read_call(&h.calls, "GetLoginProfile", || {
            h.iam.get_login_profile().user_name(&user).send()
        })
        .await;
        match profile {
            Ok(out) => {
                let created = out
                    .login_profile()
                    .and_then(|p| super::request::timestamp(p.create_date()));
                let profile = created.map_or_else(LoginProfile::default, |created| LoginProfile {
                    created,
                    password_last_used: None,
                });
                Ok(Some((user, profile)))
            }
            // No login profile (or no user any more): no console access.
            Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => Ok(None),
            Err(e) => Err(e),
        }
    })
    .await?;
    for (user, profile) in found {
        if let Some(u) = account.users.get_mut(&Name::from(user)) {
            u.credentials.login_profile = Some(profile);
        }
    }
    Ok(())
}

/// Runs `read` for each key, [`CONCURRENCY`] at a time; the `Some` answers, in no set order.
async fn each<K, T, F, Fut>(b: &AwsBackend, keys: Vec<K>, read: F) -> Result<Vec<T>, BackendError>
where
    K: Send + 'static,
    T: Send + 'static,
    F: Fn(Handle, K) -> Fut,
    Fut: Future<Output = Result<Option<T>, BackendError>> + Send + 'static,
{
    let mut jobs = tokio::task::JoinSet::new();
    let mut keys = keys.into_iter();
    let mut out = Vec::new();
    loop {
        while jobs.len() < CONCURRENCY {
            let Some(k) = keys.next() else { break };
            jobs.spawn(read(b.handle(), k));
        }
        match jobs.join_next().await {
            None => return Ok(out),
            Some(Ok(Ok(found))) => out.extend(found),
            // Deleted between the listing and now.
            Some(Ok(Err(e))) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
            Some(Ok(Err(e))) => return Err(e),
            Some(Err(join)) => {
                return Err(BackendError::api(
                    ErrorCode::ServiceFailure,
                    format!("a read failed: {join}"),
                ))
            }
        }
    }
}
