//! The mock's SAML provider calls: IAM's name rule, well-formed metadata of 1,000 to 10,000,000
//! characters with an EntityDescriptor, 100 providers per account.

use super::rules::{self, invalid, no_such};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::{self, Quota};
use crate::model::{Account, Name, SamlProvider};
use crate::operation::SamlProviderOp;

pub(super) fn execute(file: &mut MockFile, op: &SamlProviderOp) -> Result<(), BackendError> {
    let acct = &mut file.account;
    let name = op.saml_provider();
    match op {
        SamlProviderOp::CreateSamlProvider { metadata, tags, .. } => {
            iam::check_saml_provider_name(name.as_str()).map_err(invalid)?;
            metadata.check().map_err(invalid)?;
            rules::tags(&Default::default(), tags)?;
            if acct.saml_providers.contains_key(name) {
                return Err(BackendError::api(
                    ErrorCode::EntityAlreadyExists,
                    format!("SAMLProvider {} already exists.", name.as_str()),
                ));
            }
            rules::room(Quota::SamlProviders, acct.saml_providers.len())?;
            let new = SamlProvider {
                name: name.clone(),
                metadata: metadata.clone(),
                tags: tags.clone(),
            };
            acct.saml_providers.insert(name.clone(), new);
        }
        SamlProviderOp::UpdateSamlProvider { metadata, .. } => {
            metadata.check().map_err(invalid)?;
            provider(acct, name)?.metadata = metadata.clone();
        }
        SamlProviderOp::DeleteSamlProvider { .. } => {
            provider(acct, name)?;
            acct.saml_providers.remove(name);
        }
    }
    Ok(())
}

pub(super) fn provider<'a>(
    acct: &'a mut Account,
    name: &Name,
) -> Result<&'a mut SamlProvider, BackendError> {
    acct.saml_providers
        .get_mut(name)
        .ok_or_else(|| no_such(format!("SAMLProvider {} not found.", name.as_str())))
}
