//! The mock's role calls. A trust policy may name only principals that exist: AWS rejects the
//! others, which is why a role trusting another role must be created after it.

use super::find::{self, resolve_policy, role_mut};
use super::rules::{self, already_exists, conflict};
use super::store::MockFile;
use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::SizeQuota;
use crate::model::{arn, Account, Arn, DocumentKind, Kind, PolicyDocument, Role, Tags};
use crate::operation::RoleOp;

pub(super) fn execute(file: &mut MockFile, op: &RoleOp) -> Result<(), BackendError> {
    let role = op.role();
    let id = file.account_id.as_str();
    let acct = &mut file.account;
    match op {
        RoleOp::CreateRole {
            path,
            assume_role_policy,
            description,
            max_session_duration,
            permissions_boundary,
            tags,
            ..
        } => {
            let new = Role {
                name: role.clone(),
                path: path.clone(),
                description: description.clone(),
                max_session_duration: *max_session_duration,
                permissions_boundary: permissions_boundary.clone(),
                tags: tags.clone(),
                assume_role_policy: assume_role_policy.clone(),
                policies: Default::default(),
                inline_policies: Default::default(),
            };
            rules::name(Kind::Role, role.as_str())?;
            rules::path(&new.path)?;
            rules::role_settings(new.description.as_deref(), new.max_session_duration)?;
            rules::tags(&Tags::new(), &new.tags)?;
            trust_policy(acct, id, &new.assume_role_policy)?;
            if acct.roles.contains_key(role) {
                return Err(already_exists(Kind::Role, role.as_str()));
            }
            if let Some(b) = &new.permissions_boundary {
                resolve_policy(acct, id, b)?;
            }
            find::add(file, role, new);
        }
        RoleOp::UpdateRole {
            description,
            max_session_duration,
            ..
        } => {
            rules::role_settings(description.as_deref(), *max_session_duration)?;
            let r = role_mut(acct, role)?;
            r.description = description.clone();
            r.max_session_duration = *max_session_duration;
        }
        RoleOp::UpdateAssumeRolePolicy { document, .. } => {
            trust_policy(acct, id, document)?;
            role_mut(acct, role)?.assume_role_policy = document.clone();
        }
        RoleOp::DeleteRole { .. } => {
            let r = role_mut(acct, role)?;
            rules::holds_no_policies(&r.policies, &r.inline_policies)?;
            if acct
                .instance_profiles
                .values()
                .any(|p| p.roles.contains(role))
            {
                return Err(conflict(
                    "Cannot delete entity, must remove roles from instance profile first.",
                ));
            }
            find::remove::<Role>(file, role);
        }
    }
    Ok(())
}

/// A trust policy's grammar and size, and its principals: a user or role of this account that it
/// names must exist, at that path, and so must an OIDC or SAML provider it names.
fn trust_policy(
    acct: &Account,
    account_id: &str,
    doc: &PolicyDocument,
) -> Result<(), BackendError> {
    rules::document(doc, DocumentKind::Trust, SizeQuota::Trust)?;
    for principal in doc.principal_values() {
        let Some(address) = Arn::parse(principal)
            .ok()
            .filter(|a| a.partition == "aws")
            .and_then(|a| a.trusted_in(account_id))
        else {
            continue;
        };
        let n = &address.name;
        let (exists, kind) = match address.kind {
            Kind::OpenIdConnectProvider => {
                (acct.openid_connect_providers.contains_key(n), "Federated")
            }
            Kind::SamlProvider => (acct.saml_providers.contains_key(n), "Federated"),
            kind => {
                let path = match kind {
                    Kind::User => acct.users.get(n).map(|u| (&u.path, &u.name)),
                    _ => acct.roles.get(n).map(|r| (&r.path, &r.name)),
                };
                let exists = path.is_some_and(|(path, name)| {
                    arn(account_id, kind, path, name.as_str()) == principal
                });
                (exists, "AWS")
            }
        };
        if !exists {
            return Err(BackendError::api(
                ErrorCode::MalformedPolicyDocument,
                format!("Invalid principal in policy: \"{kind}\":\"{principal}\""),
            ));
        }
    }
    Ok(())
}
