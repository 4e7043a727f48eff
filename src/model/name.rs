//! IAM names: unique ignoring case, spelled as declared.
//!
//! IAM refuses a second user `Mary` when `mary` exists, so every map of the model is keyed by a
//! [`Name`] whose equality and ordering ignore ASCII case, while [`Name::as_str`] keeps the spelling
//! that was declared (or that AWS returned) for API calls and output.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Name(String);

impl Name {
    pub fn new(s: impl Into<String>) -> Self {
        Name(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form used for comparisons.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl Eq for Name {}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> Ordering {
        let a = self.0.bytes().map(|b| b.to_ascii_lowercase());
        let b = other.0.bytes().map(|b| b.to_ascii_lowercase());
        a.cmp(b)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.0.bytes() {
            state.write_u8(b.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(s.to_owned())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn equality_and_order_ignore_case_but_spelling_is_kept() {
        let a = Name::from("Mary");
        let b = Name::from("mary");
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "Mary");
        let set: BTreeSet<Name> = [a, b, Name::from("john")].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert_eq!(set.iter().next().unwrap().as_str(), "john");
    }
}
