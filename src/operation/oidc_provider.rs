//! Calls on OpenID Connect providers: create, delete, the client ids (audiences) one at a time,
//! and the thumbprint list. The API names a provider by its ARN (its URL, when created); here by
//! its name, the URL without `https://`, from which the ARN follows.

use super::{named, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name, Tags};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum OidcProviderOp {
    CreateOpenIdConnectProvider {
        openid_connect_provider: Name,
        client_id_list: BTreeSet<String>,
        /// `None`: IAM fetches the thumbprint of the provider's certificate itself.
        thumbprint_list: Option<BTreeSet<String>>,
        tags: Tags,
    },
    DeleteOpenIdConnectProvider {
        openid_connect_provider: Name,
    },
    AddClientIdToOpenIdConnectProvider {
        openid_connect_provider: Name,
        client_id: String,
    },
    RemoveClientIdFromOpenIdConnectProvider {
        openid_connect_provider: Name,
        client_id: String,
    },
    UpdateOpenIdConnectProviderThumbprint {
        openid_connect_provider: Name,
        thumbprint_list: BTreeSet<String>,
    },
}

named!(OidcProviderOp, OpenIdConnectProvider, openid_connect_provider;
    CreateOpenIdConnectProvider(Create) => "CreateOpenIDConnectProvider",
    DeleteOpenIdConnectProvider(Delete) => "DeleteOpenIDConnectProvider",
    AddClientIdToOpenIdConnectProvider(Change) => "AddClientIDToOpenIDConnectProvider",
    RemoveClientIdFromOpenIdConnectProvider(Change) => "RemoveClientIDFromOpenIDConnectProvider",
    UpdateOpenIdConnectProviderThumbprint(Change) => "UpdateOpenIDConnectProviderThumbprint");

impl OidcProviderOp {
    /// The URL CreateOpenIDConnectProvider takes.
    pub fn url(&self) -> String {
        format!("https://{}", self.openid_connect_provider().as_str())
    }
}

impl Call for OidcProviderOp {
    fn effects(&self, _account_id: &str) -> Effects {
        self.stage().effects(self.key())
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        use OidcProviderOp::*;
        let p = live
            .openid_connect_providers
            .get(self.openid_connect_provider());
        match self {
            CreateOpenIdConnectProvider { .. } => p.is_some(),
            DeleteOpenIdConnectProvider { .. } => p.is_none(),
            AddClientIdToOpenIdConnectProvider { client_id, .. } => {
                p.is_some_and(|p| p.client_id_list.contains(client_id))
            }
            RemoveClientIdFromOpenIdConnectProvider { client_id, .. } => {
                p.is_none_or(|p| !p.client_id_list.contains(client_id))
            }
            UpdateOpenIdConnectProviderThumbprint {
                thumbprint_list, ..
            } => p.is_some_and(|p| p.thumbprint_list.as_ref() == Some(thumbprint_list)),
        }
    }

    fn fmt_detail(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use OidcProviderOp::*;
        match self {
            AddClientIdToOpenIdConnectProvider { client_id, .. }
            | RemoveClientIdFromOpenIdConnectProvider { client_id, .. } => {
                write!(f, " {client_id}")
            }
            _ => Ok(()),
        }
    }
}
