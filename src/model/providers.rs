//! Identity providers a role's trust policy can name (`Principal: {"Federated": ARN}`): OpenID
//! Connect providers (GitHub Actions, EKS, GitLab, …) and SAML providers (single sign-on).
//!
//! An OIDC provider is known to IAM by its URL without `https://` (its ARN is
//! `oidc-provider/HOST/PATH`), which is its name here; a SAML provider by the name it is given.
//! SAML metadata compares by content: two documents that differ only in whitespace, attribute
//! order, namespace prefixes or comments are the same metadata.

use super::iam::{self, RuleError};
use super::name::Name;
use super::Tags;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenIdConnectProvider {
    /// The provider's URL without `https://`, e.g. `token.actions.githubusercontent.com`.
    pub name: Name,
    /// The audiences (`aud`) IAM accepts, e.g. `sts.amazonaws.com`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub client_id_list: BTreeSet<String>,
    /// SHA-1 thumbprints of the provider's certificate chain, lowercase hex. `None` in a
    /// configuration that leaves them to IAM (which then fetches them itself): not compared.
    pub thumbprint_list: Option<BTreeSet<String>>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

impl OpenIdConnectProvider {
    /// The URL as the API takes it: `https://` and the name.
    pub fn url(&self) -> String {
        format!("https://{}", self.name.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlProvider {
    pub name: Name,
    /// The identity provider's SAML metadata document (XML).
    pub metadata: SamlMetadata,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// A SAML metadata document, kept as written and compared by content ([`SamlMetadata::canonical`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SamlMetadata(pub String);

impl PartialEq for SamlMetadata {
    fn eq(&self, other: &SamlMetadata) -> bool {
        match (self.canonical(), other.canonical()) {
            (Ok(a), Ok(b)) => a == b,
            _ => self.0 == other.0,
        }
    }
}

impl SamlMetadata {
    /// Checks what IAM checks: the size, well-formed XML, and an `EntityDescriptor` at the root.
    pub fn check(&self) -> Result<(), RuleError> {
        iam::check_saml_metadata_size(&self.0)?;
        let doc = parse(&self.0)?;
        let root = doc.root_element();
        if root.tag_name().name() != "EntityDescriptor" {
            return Err(RuleError(format!(
                "SAML metadata must be an EntityDescriptor document (urn:oasis:names:tc:SAML:2.0:metadata); \
                 its root element is `{}`: download the metadata XML of the identity provider",
                root.tag_name().name()
            )));
        }
        Ok(())
    }

    /// The document with everything that does not change its meaning taken out: whitespace
    /// (between elements and inside text), comments and processing instructions, attribute
    /// order, and namespace prefixes (names are `{namespace}local`).
    pub fn canonical(&self) -> Result<String, RuleError> {
        let doc = parse(&self.0)?;
        let mut out = String::new();
        canonical_element(doc.root_element(), &mut out);
        Ok(out)
    }
}

fn parse(text: &str) -> Result<roxmltree::Document<'_>, RuleError> {
    // No DTD (the default): no entities to expand, so no billion laughs.
    roxmltree::Document::parse(text)
        .map_err(|e| RuleError(format!("SAML metadata is not well-formed XML: {e}")))
}

fn expanded(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) => format!("{{{ns}}}{name}"),
        None => name.to_owned(),
    }
}

/// Writes one element in canonical form; iterative, so that nesting depth costs no stack (the
/// parser bounds it anyway).
fn canonical_element(root: roxmltree::Node<'_, '_>, out: &mut String) {
    enum Step<'a, 'i> {
        Open(roxmltree::Node<'a, 'i>),
        Close(String),
    }
    let mut stack = vec![Step::Open(root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Close(name) => {
                out.push_str("</");
                out.push_str(&name);
                out.push('>');
            }
            Step::Open(node) if node.is_element() => {
                let name = expanded(node.tag_name().namespace(), node.tag_name().name());
                let mut attrs: Vec<(String, String)> = node
                    .attributes()
                    .map(|a| (expanded(a.namespace(), a.name()), squeeze(a.value())))
                    .collect();
                attrs.sort();
                out.push('<');
                out.push_str(&name);
                for (k, v) in attrs {
                    out.push_str(&format!(" {k}={v:?}"));
                }
                out.push('>');
                stack.push(Step::Close(name));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(Step::Open));
            }
            Step::Open(node) if node.is_text() => {
                out.push_str(&escape(&squeeze(node.text().unwrap_or_default())));
            }
            Step::Open(_) => {} // comments, processing instructions
        }
    }
}

/// Text without its whitespace: metadata text is base64 certificates, URLs and identifiers,
/// which line breaks and indentation do not change.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

/// The account alias: the name in the console sign-in URL (`https://ALIAS.signin.aws.amazon.com`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountAlias {
    pub alias: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metadata of at least IAM's 1,000 characters (the certificate is filler).
    pub(crate) fn metadata(entity: &str, layout: &str) -> String {
        let cert = "MIIDdzCCAl+gAwIBAgIEbySuqTANBgkqhkiG9w0BAQsFADBsMRAwDgYDVQQGEwdVbmtub3duMRAw"
            .repeat(12);
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>{layout}<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">{layout}<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{layout}<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>{layout}</md:IDPSSODescriptor></md:EntityDescriptor>"#
        )
    }

    #[test]
    fn metadata_compares_by_content() {
        let a = SamlMetadata(metadata("https://idp.example.com", ""));
        let b = SamlMetadata(metadata(
            "https://idp.example.com",
            "\n  <!-- pretty -->\n  ",
        ));
        assert!(a.check().is_ok(), "{:?}", a.check());
        assert_eq!(a, b);
        let prefixed = SamlMetadata(a.0.replace("md:", "m:").replace("xmlns:md=", "xmlns:m="));
        assert_eq!(a, prefixed, "namespace prefixes do not matter");
        let other = SamlMetadata(metadata("https://other.example.com", ""));
        assert_ne!(a, other);
    }

    #[test]
    fn metadata_must_be_well_formed_entity_descriptor() {
        let broken = SamlMetadata(metadata("x", "").replace("</md:IDPSSODescriptor>", ""));
        let e = broken.check().unwrap_err().to_string();
        assert!(e.contains("not well-formed XML"), "{e}");
        let html = SamlMetadata(format!("<html>{}</html>", "x".repeat(1_000)));
        let e = html.check().unwrap_err().to_string();
        assert!(e.contains("root element is `html`"), "{e}");
        let short = SamlMetadata("<EntityDescriptor/>".into());
        assert!(short.check().unwrap_err().to_string().contains("1,000"));
        let dtd = SamlMetadata(format!(
            "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><EntityDescriptor>&a;{}</EntityDescriptor>",
            " ".repeat(1_000)
        ));
        assert!(
            dtd.check().is_err(),
            "a DTD is refused, entities are never expanded"
        );
    }
}
