//! Signed saved plans: with a key in `IAMFORM_PLAN_KEY`, `plan --out` adds an HMAC-SHA256 of the
//! plan (`signature`), and `apply` and `show` require a valid one. A plan kept between CI jobs
//! can then be changed only by someone who holds the key, not by whoever can write where plans
//! are kept.
//!
//! The signature covers the plan's JSON value without its `signature` member, written compactly
//! in the file's own member order: whitespace does not matter, every value and name does.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The environment variable holding the key (any text; 32 random bytes, hex-encoded, say).
pub const KEY_VARIABLE: &str = "IAMFORM_PLAN_KEY";

/// The member of a plan document that holds the signature.
pub const FIELD: &str = "signature";

const PREFIX: &str = "hmac-sha256:";

/// Why a plan's signature does not hold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error(
        "it is not signed, but {KEY_VARIABLE} is set: only a plan signed with that key is \
         accepted (make it with `iamform plan --out` while {KEY_VARIABLE} holds the key)"
    )]
    Missing,
    #[error(
        "its signature does not match its contents with the key in {KEY_VARIABLE}: the file was \
         changed after it was signed, or signed with another key"
    )]
    Wrong,
}

fn mac(key: &[u8], document: &serde_json::Value) -> Hmac<Sha256> {
    let mut unsigned = document.clone();
    if let Some(object) = unsigned.as_object_mut() {
        object.shift_remove(FIELD);
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(&serde_json::to_vec(&unsigned).unwrap_or_default());
    mac
}

/// The signature of `document` (its `signature` member, if any, left out).
pub fn sign(key: &[u8], document: &serde_json::Value) -> String {
    let code = mac(key, document).finalize().into_bytes();
    let hex: String = code.iter().map(|b| format!("{b:02x}")).collect();
    format!("{PREFIX}{hex}")
}

/// Checks the `signature` member of `document` against `key`, in constant time.
pub fn verify(key: &[u8], document: &serde_json::Value) -> Result<(), SignatureError> {
    let text = document
        .get(FIELD)
        .and_then(serde_json::Value::as_str)
        .ok_or(SignatureError::Missing)?;
    let code = text
        .strip_prefix(PREFIX)
        .and_then(decode_hex)
        .ok_or(SignatureError::Wrong)?;
    mac(key, document)
        .verify_slice(&code)
        .map_err(|_| SignatureError::Wrong)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_signed_document_verifies_until_anything_changes() {
        let mut doc = json!({ "operations": [{ "id": 0 }], "account_id": "123456789012" });
        let signature = sign(b"key", &doc);
        assert!(signature.starts_with("hmac-sha256:") && signature.len() == 12 + 64);
        doc[FIELD] = json!(signature);
        assert_eq!(verify(b"key", &doc), Ok(()));
        // Signing again ignores the signature already there.
        assert_eq!(sign(b"key", &doc), signature);
        assert_eq!(verify(b"other key", &doc), Err(SignatureError::Wrong));
        let mut changed = doc.clone();
        changed["operations"][0]["id"] = json!(1);
        assert_eq!(verify(b"key", &changed), Err(SignatureError::Wrong));
        let mut unsigned = doc.clone();
        unsigned.as_object_mut().unwrap().remove(FIELD);
        assert_eq!(verify(b"key", &unsigned), Err(SignatureError::Missing));
        for bad in [
            "hmac-sha256:zz",
            "sha256:00",
            "hmac-sha256:0",
            "hmac-sha256:é",
        ] {
            doc[FIELD] = json!(bad);
            assert_eq!(verify(b"key", &doc), Err(SignatureError::Wrong), "{bad}");
        }
    }
}
