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
    CreateSamlProvider(Create) => "CreateSAMLProvider",
    UpdateSamlProvider(Change) => "UpdateSAMLProvider",
    DeleteSamlProvider(Delete) => "DeleteSAMLProvider");

impl Call for SamlProviderOp {
    fn effects(&self, _account_id: &str) -> Effects {
        self.stage().effects(self.key())
    }

    fn achieved(&self, live: &Account, _account_id: &str) -> bool {
        let p = live.saml_providers.get(self.saml_provider());
        self.stage().reached(p, |p| match self {
            SamlProviderOp::UpdateSamlProvider { metadata, .. } => p.metadata == *metadata,
            _ => true,
        })
    }
}
