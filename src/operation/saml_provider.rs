//! Calls on SAML providers: create, new metadata, delete. The API names a provider by its ARN
//! (`saml-provider/NAME`); here by its name.

use super::{named, Call, Effects, Key};
use crate::model::{Account, Address, Kind, Name, SamlMetadata, Tags};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op")]
pub enum SamlProviderOp {
    CreateSamlProvider {
        saml_provider: Name,
        metadata: SamlMetadata,
        tags: Tags,
    },
    UpdateSamlProvider {
        saml_provider: Name,
        metadata: SamlMetadata,
    },
    DeleteSamlProvider {
        saml_provider: Name,
    },
}

named!(SamlProviderOp, SamlProvider, saml_provider;
    CreateSamlProvider => "CreateSAMLProvider", UpdateSamlProvider => "UpdateSAMLProvider",
    DeleteSamlProvider => "DeleteSAMLProvider");

impl Call for SamlProviderOp {
    fn effects(&self, _account_id: &str) -> Effects {
        let me = self.key();
        match self {
            SamlProviderOp::CreateSamlProvider { .. } => Effects::creating(me),
            SamlProviderOp::UpdateSamlProvider { .. } => Effects::changing(me),
            SamlProviderOp::DeleteSamlProvider { .. } => Effects::deleting(me),
        }
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let p = live.saml_providers.get(self.saml_provider());
        match self {
            SamlProviderOp::CreateSamlProvider { .. } => p.is_some(),
            SamlProviderOp::UpdateSamlProvider { metadata, .. } => {
                p.is_some_and(|p| p.metadata == *metadata)
            }
            SamlProviderOp::DeleteSamlProvider { .. } => p.is_none(),
        }
    }
}
