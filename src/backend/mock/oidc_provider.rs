//! The mock's OpenID Connect provider calls: IAM's URL, client id and thumbprint rules, 100
//! providers per account, 100 client ids and 5 thumbprints per provider. Adding a client id
//! the provider has, or removing one it does not, is no error, nor is deleting a provider that
//! does not exist (IAM documents these as idempotent).

use super::rules::{self, invalid, limit, no_such};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::{self, Quota};
use crate::model::{Account, Name, OpenIdConnectProvider};
use crate::operation::OidcProviderOp;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

pub(super) fn execute(file: &mut MockFile, op: &OidcProviderOp) -> Result<(), BackendError> {
    use OidcProviderOp::*;
    let acct = &mut file.account;
    let name = op.openid_connect_provider();
    match op {
        CreateOpenIdConnectProvider {
            client_id_list,
            thumbprint_list,
            tags,
            ..
        } => {
            iam::oidc_provider_name(&op.url()).map_err(invalid)?;
            client_ids(client_id_list)?;
            if let Some(t) = thumbprint_list {
                thumbprints(t)?;
            }
            rules::tags(&Default::default(), tags)?;
            if acct.openid_connect_providers.contains_key(name) {
                return Err(BackendError::api(
                    ErrorCode::EntityAlreadyExists,
                    format!("Provider with url {} already exists.", op.url()),
                ));
            }
            rules::room(
                Quota::OpenIdConnectProviders,
                acct.openid_connect_providers.len(),
            )?;
            let new = OpenIdConnectProvider {
                name: name.clone(),
                client_id_list: client_id_list.clone(),
                // IAM fetches the thumbprint of the provider's certificate when none is given.
                thumbprint_list: Some(thumbprint_list.clone().unwrap_or_else(|| fetched(name))),
                tags: tags.clone(),
            };
            acct.openid_connect_providers.insert(name.clone(), new);
        }
        // Idempotent in IAM: deleting a provider that does not exist is no error.
        DeleteOpenIdConnectProvider { .. } => {
            acct.openid_connect_providers.remove(name);
        }
        AddClientIdToOpenIdConnectProvider { client_id, .. } => {
            iam::check_client_id(client_id).map_err(invalid)?;
            let p = provider(acct, name)?;
            if !p.client_id_list.contains(client_id) {
                let quota = Quota::ClientIdsPerOpenIdConnectProvider;
                rules::room(quota, p.client_id_list.len())?;
                p.client_id_list.insert(client_id.clone());
            }
        }
        RemoveClientIdFromOpenIdConnectProvider { client_id, .. } => {
            provider(acct, name)?.client_id_list.remove(client_id);
        }
        UpdateOpenIdConnectProviderThumbprint {
            thumbprint_list, ..
        } => {
            thumbprints(thumbprint_list)?;
            provider(acct, name)?.thumbprint_list = Some(thumbprint_list.clone());
        }
    }
    Ok(())
}

fn provider<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut OpenIdConnectProvider, BackendError> {
    acct.openid_connect_providers.get_mut(name).ok_or_else(|| {
        no_such(format!(
            "OpenIDConnect Provider not found for url https://{}",
            name.as_str()
        ))
    })
}

fn client_ids(ids: &BTreeSet<String>) -> Result<(), BackendError> {
    for id in ids {
        iam::check_client_id(id).map_err(invalid)?;
    }
    let quota = Quota::ClientIdsPerOpenIdConnectProvider;
    if ids.len() > quota.limit() {
        return Err(limit(format!(
            "Cannot exceed quota for {}: {}",
            quota.aws_name(),
            quota.limit()
        )));
    }
    Ok(())
}

fn thumbprints(list: &BTreeSet<String>) -> Result<(), BackendError> {
    for t in list {
        if iam::check_thumbprint(t).map_err(invalid)? != *t {
            return Err(invalid(format!("thumbprint `{t}` is not in lowercase")));
        }
    }
    if list.len() > Quota::ThumbprintsPerOpenIdConnectProvider.limit() {
        return Err(invalid(
            "Thumbprint list must contain fewer than 5 entries.",
        ));
    }
    Ok(())
}

/// The thumbprint the mock "fetches" for a provider created without one: derived from its name.
fn fetched(name: &Name) -> BTreeSet<String> {
    let hash = Sha256::digest(name.as_str().to_ascii_lowercase().as_bytes());
    let hex: String = hash.iter().take(20).map(|b| format!("{b:02x}")).collect();
    BTreeSet::from([hex])
}
