//! Reading a version 1 account file, written before credentials had dates.
//!
//! Version 1 said only that a user had a console password (`"login_profile": true`) and listed
//! access key ids (`"access_keys": ["AKIA…"]`). Version 2 records when each was created and last
//! used, for `iamform audit`. A version 1 file is read as version 2, each credential created at
//! the Unix epoch (its age is unknown, so an audit treats it as as old as can be, never as
//! fresh), and the next write stores it as version 2. Nothing else changed between the versions.

use crate::model::credentials::UNKNOWN_CREATION;
use serde_json::{json, Map, Value};

pub(super) const VERSION_1: u64 = 1;

/// The version 1 file `value` with its credentials as version 2 writes them (`store` reads the
/// result as a version 2 file); the error says what does not fit.
pub(super) fn credentials_to_version_2(mut value: Value) -> Result<Value, String> {
    let users = value
        .pointer_mut("/account/users")
        .and_then(Value::as_object_mut);
    for user in users.into_iter().flat_map(Map::values_mut) {
        if let Some(credentials) = user.get_mut("credentials").and_then(Value::as_object_mut) {
            upgrade_credentials(credentials)?;
        }
    }
    Ok(value)
}

fn upgrade_credentials(credentials: &mut Map<String, Value>) -> Result<(), String> {
    let created = UNKNOWN_CREATION.to_string();
    match credentials.remove("login_profile") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => {
            credentials.insert("login_profile".into(), json!({ "created": created }));
        }
        Some(other) => {
            return Err(format!(
                "`login_profile` is {other}; version 1 files have true or false"
            ))
        }
    }
    if let Some(keys) = credentials
        .get_mut("access_keys")
        .and_then(Value::as_array_mut)
    {
        for key in keys.iter_mut() {
            let Some(id) = key.as_str() else {
                return Err(format!(
                    "an access key is {key}; version 1 files list key ids"
                ));
            };
            *key = json!({ "id": id, "status": "Active", "created": created });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::mock::store::{from_version_1, FORMAT_VERSION};
    use crate::model::{KeyStatus, Name};

    #[test]
    fn version_1_credentials_become_dated_credentials_of_unknown_age() {
        let v1 = json!({
            "format_version": 1,
            "account_id": "123456789012",
            "account": { "users": {
                "ann": { "name": "ann", "credentials": {
                    "login_profile": true, "access_keys": ["AKIAONE", "AKIATWO"],
                    "mfa_devices": ["arn:aws:iam::123456789012:mfa/ann"] } },
                "bob": { "name": "bob", "credentials": { "login_profile": false } }
            } },
            "root": { "mfa_enabled": true }
        });
        let file = from_version_1(v1).unwrap();
        assert_eq!(file.format_version, FORMAT_VERSION);
        let ann = &file.account.users[&Name::from("ann")].credentials;
        let login = ann.login_profile.as_ref().unwrap();
        assert_eq!(login.created, UNKNOWN_CREATION);
        assert_eq!(login.password_last_used, None);
        assert_eq!(
            ann.access_key_ids().collect::<Vec<_>>(),
            ["AKIAONE", "AKIATWO"]
        );
        assert!(ann
            .access_keys
            .iter()
            .all(|k| k.status == KeyStatus::Active && k.created == UNKNOWN_CREATION));
        assert_eq!(ann.mfa_devices.len(), 1);
        assert!(file.account.users[&Name::from("bob")]
            .credentials
            .is_empty());
        assert!(file.root.mfa_enabled);
    }

    #[tokio::test]
    async fn a_version_1_file_is_read_and_written_back_as_version_2() {
        use crate::backend::mock::MockBackend;
        use crate::backend::Backend;
        use crate::operation::{Operation, UserOp};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("account.json");
        let v1 = r#"{"format_version": 1, "account_id": "123456789012", "next_id": 5,
            "account": {"users": {"ann": {"name": "ann",
                "credentials": {"login_profile": true, "access_keys": ["AKIAONE"]}}}}}"#;
        std::fs::write(&path, v1).unwrap();
        let b = MockBackend::open(&path, None).unwrap();
        let live = b.read().await.unwrap();
        assert!(live.users[&Name::from("ann")]
            .credentials
            .has_login_profile());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            v1,
            "a read writes nothing"
        );
        b.execute(&Operation::from(UserOp::DeleteLoginProfile {
            user: Name::from("ann"),
        }))
        .await
        .unwrap();
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(written["format_version"], FORMAT_VERSION);
        assert_eq!(
            written["account"]["users"]["ann"]["credentials"]["access_keys"][0],
            json!({"id": "AKIAONE", "status": "Active", "created": "1970-01-01T00:00:00Z"})
        );
        assert!(written["account"]["users"]["ann"]["credentials"]
            .get("login_profile")
            .is_none());
    }

    #[test]
    fn what_version_1_never_held_is_refused() {
        for credentials in [
            json!({ "login_profile": "yes" }),
            json!({ "access_keys": [{ "id": "AKIA" }] }),
        ] {
            let v1 = json!({
                "format_version": 1, "account_id": "123456789012",
                "account": { "users": { "u": { "name": "u", "credentials": credentials } } }
            });
            assert!(from_version_1(v1).is_err());
        }
    }
}
