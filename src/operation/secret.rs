//! A secret an operation carries while it is applied (a new console password), and never
//! anywhere else: it is not serialised (a saved plan has none), not compared, not shown by
//! `Debug` or `Display`. Apply fills it in just before the call.

use std::fmt;

#[derive(Clone, Default)]
pub struct Secret(Option<String>);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(Some(value))
    }

    /// The value, for the one call that sends it.
    pub fn expose(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            Some(_) => "Secret(redacted)",
            None => "Secret(none)",
        })
    }
}

/// Operations are the same call whatever secret they carry.
impl PartialEq for Secret {
    fn eq(&self, _other: &Secret) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows() {
        let s = Secret::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "Secret(redacted)");
        assert_eq!(s.expose(), Some("hunter2"));
        assert_eq!(s, Secret::default());
    }
}
