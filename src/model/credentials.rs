//! A user's credentials as the live account has them: identifiers and dates, never secrets.
//!
//! A configuration never declares credentials. They matter twice: deleting a user removes them
//! first (`plan`), and `audit` judges their age and use. Dates are RFC 3339 instants; a credential
//! whose creation date is unknown (a version 1 mock account file had none) reads as created at
//! the Unix epoch, as old as can be, so that an audit never takes it for a fresh one.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The console password; `None`: no console access.
    pub login_profile: Option<LoginProfile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_keys: Vec<AccessKey>,
    /// Serial numbers (ARNs for virtual devices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mfa_devices: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ssh_public_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_certificates: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_specific_credentials: Vec<String>,
}

/// A console password, by its dates.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginProfile {
    pub created: Timestamp,
    /// `None`: never used (or IAM has no record of it).
    pub password_last_used: Option<Timestamp>,
}

/// A console password of unknown age ([`UNKNOWN_CREATION`]), never used.
impl Default for LoginProfile {
    fn default() -> LoginProfile {
        LoginProfile {
            created: UNKNOWN_CREATION,
            password_last_used: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

/// An access key by its id (`AKIA…`, not a secret) and dates; the secret is never stored.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    pub id: String,
    pub status: KeyStatus,
    pub created: Timestamp,
    pub last_used: Option<Timestamp>,
    /// The service the key was last used with (`s3`, `iam`, …).
    pub last_used_service: Option<String>,
}

impl AccessKey {
    pub fn is_active(&self) -> bool {
        self.status == KeyStatus::Active
    }
}

/// A key known only by its id: active, created at an unknown time ([`UNKNOWN_CREATION`]).
impl From<&str> for AccessKey {
    fn from(id: &str) -> AccessKey {
        AccessKey {
            id: id.to_owned(),
            status: KeyStatus::Active,
            created: UNKNOWN_CREATION,
            last_used: None,
            last_used_service: None,
        }
    }
}

impl AsRef<str> for AccessKey {
    fn as_ref(&self) -> &str {
        &self.id
    }
}

impl Credentials {
    pub fn is_empty(&self) -> bool {
        *self == Credentials::default()
    }

    pub fn has_login_profile(&self) -> bool {
        self.login_profile.is_some()
    }

    pub fn access_key_ids(&self) -> impl Iterator<Item = &str> {
        self.access_keys.iter().map(|k| k.id.as_str())
    }
}

/// The instant a credential of unknown age is taken to have been created.
pub(crate) const UNKNOWN_CREATION: Timestamp = Timestamp::UNIX_EPOCH;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_round_trip_as_rfc_3339() {
        let json = r#"{"login_profile":{"created":"2024-01-02T03:04:05Z"},
            "access_keys":[{"id":"AKIAEXAMPLE","status":"Active","created":"2023-06-01T00:00:00+02:00",
            "last_used":"2024-05-01T00:00:00Z","last_used_service":"s3"}]}"#;
        let c: Credentials = serde_json::from_str(json).unwrap();
        assert!(c.has_login_profile());
        assert_eq!(c.access_key_ids().collect::<Vec<_>>(), ["AKIAEXAMPLE"]);
        assert_eq!(
            c.access_keys[0].created.to_string(),
            "2023-05-31T22:00:00Z",
            "offsets are normalised to UTC"
        );
        let again: Credentials = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(c, again);
    }

    #[test]
    fn version_1_shapes_are_not_credentials() {
        // The mock store upgrades them (backend::mock::upgrade); the model reads only version 2.
        for json in [
            r#"{"login_profile":true}"#,
            r#"{"access_keys":["AKIAEXAMPLE"]}"#,
        ] {
            assert!(serde_json::from_str::<Credentials>(json).is_err(), "{json}");
        }
    }
}
