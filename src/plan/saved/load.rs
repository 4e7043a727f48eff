//! Reading a plan file's bytes into a plan, with every check that needs no account: JSON of the
//! plan document's shape, the signature when a key is given, the structure of the plan
//! ([`check::structure`]) and of its embedded configuration. Any bytes end in a plan or in a
//! [`Refusal`] — never a panic (tests/hostile/plans.rs fuzzes it).

use super::{check, signature, PlanDocument};

/// Why bytes are not a plan this build applies.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Not JSON, or not the plan document's shape (an unknown operation, a missing member…).
    #[error("it is not an iamform plan file ({0})")]
    NotAPlan(serde_json::Error),
    /// `IAMFORM_PLAN_KEY` is set and the signature does not hold.
    #[error(transparent)]
    Signature(#[from] signature::SignatureError),
    /// A plan document whose structure does not hold (ids, dependencies, summary, embedded
    /// configuration, …).
    #[error("{0}")]
    Structure(String),
}

/// The plan document in `bytes`, checked; `key` is `IAMFORM_PLAN_KEY` when set.
pub fn parse(bytes: &[u8], key: Option<&[u8]>) -> Result<PlanDocument, Refusal> {
    // Straight into the document unless a signature is checked, which needs the JSON value: a
    // plan against an empty account can be hundreds of MB, and its value several times that.
    let doc: PlanDocument = match key {
        Some(key) => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).map_err(Refusal::NotAPlan)?;
            signature::verify(key, &value)?;
            serde_json::from_value(value).map_err(Refusal::NotAPlan)?
        }
        None => serde_json::from_slice(bytes).map_err(Refusal::NotAPlan)?,
    };
    let mut doc = doc;
    if let Some(saved) = &mut doc.saved {
        let packed = std::mem::take(&mut saved.access_changes);
        if !packed.is_empty() {
            if !doc.plan.access_changes.is_empty() {
                return Err(Refusal::Structure(
                    "it holds access changes both packed and unpacked".to_owned(),
                ));
            }
            doc.plan.access_changes = super::packed::unpack(packed)
                .map_err(|e| Refusal::Structure(format!("its packed access changes: {e}")))?;
        }
    }
    check::structure(&doc.plan, &doc.summary).map_err(Refusal::Structure)?;
    if let Some(configuration) = doc.saved.as_ref().and_then(|s| s.configuration.as_ref()) {
        configuration
            .check()
            .map_err(|e| Refusal::Structure(format!("its embedded configuration: {e}")))?;
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_refusal_is_told_apart() {
        assert!(matches!(parse(b"{", None), Err(Refusal::NotAPlan(_))));
        assert!(matches!(parse(b"{}", None), Err(Refusal::NotAPlan(_))));
        let empty = serde_json::json!({
            "format_version": 1, "account_id": "123456789012", "changes": [], "operations": [],
            "unmanaged": {}, "summary": { "add": 0, "change": 0, "destroy": 0 }, "api_calls": {}
        });
        let bytes = serde_json::to_vec(&empty).unwrap();
        assert!(parse(&bytes, None).is_ok());
        assert!(matches!(
            parse(&bytes, Some(b"key")),
            Err(Refusal::Signature(signature::SignatureError::Missing))
        ));
        let mut odd = empty.clone();
        odd["summary"]["add"] = serde_json::json!(3);
        let bytes = serde_json::to_vec(&odd).unwrap();
        let e = parse(&bytes, None).unwrap_err();
        assert!(e.to_string().contains("summary"), "{e}");
    }
}
