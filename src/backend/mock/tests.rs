//! The mock refuses what IAM refuses: each case is a call sequence and the error it must end in.

use super::iam::execute;
use super::store::MockFile;
use super::MockBackend;
use crate::backend::{Backend, ErrorCode};
use crate::model::{Name, PolicyDocument, Tags};
use crate::plan::operation::Operation::{self, *};

const ACCOUNT: &str = "123456789012";

fn n(s: &str) -> Name {
    Name::from(s)
}

fn doc() -> PolicyDocument {
    PolicyDocument::from_json_str(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
    )
    .unwrap()
}

fn trust(principal: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(&format!(
        r#"{{"Statement":{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{principal}}}}}"#
    ))
    .unwrap()
}

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

fn create_user(name: &str) -> Operation {
    CreateUser {
        user: n(name),
        path: "/".into(),
        permissions_boundary: None,
        tags: Tags::new(),
    }
}

fn create_group(name: &str) -> Operation {
    CreateGroup {
        group: n(name),
        path: "/".into(),
    }
}

fn create_role(name: &str, principal: &str) -> Operation {
    CreateRole {
        role: n(name),
        path: "/".into(),
        assume_role_policy: trust(principal),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Tags::new(),
    }
}

fn create_policy(name: &str) -> Operation {
    CreatePolicy {
        policy: n(name),
        path: "/".into(),
        description: None,
        document: doc(),
        tags: Tags::new(),
    }
}

fn create_profile(name: &str) -> Operation {
    CreateInstanceProfile {
        instance_profile: n(name),
        path: "/".into(),
        tags: Tags::new(),
    }
}

/// Runs `setup` (which must all succeed), then `last`, and returns the error code of `last`.
fn outcome(setup: Vec<Operation>, last: Operation) -> Option<ErrorCode> {
    let mut file = MockFile::empty(ACCOUNT);
    for op in &setup {
        execute(&mut file, op).unwrap_or_else(|e| panic!("setup {op}: {e}"));
    }
    let before = file.clone();
    let result = execute(&mut file, &last);
    if result.is_err() {
        assert_eq!(
            file.account, before.account,
            "a failed call changed the account: {last}"
        );
    }
    result.err().and_then(|e| e.code())
}

#[test]
fn wrongly_ordered_calls_fail_as_in_iam() {
    use ErrorCode::*;
    let service = r#"{"Service":"ec2.amazonaws.com"}"#;
    let cases: Vec<(&str, Vec<Operation>, Operation, Option<ErrorCode>)> = vec![
        (
            "duplicate user ignoring case",
            vec![create_user("Mary")],
            create_user("mary"),
            Some(EntityAlreadyExists),
        ),
        (
            "duplicate policy",
            vec![create_policy("p")],
            create_policy("P"),
            Some(EntityAlreadyExists),
        ),
        (
            "add to missing group",
            vec![create_user("u")],
            AddUserToGroup {
                user: n("u"),
                group: n("g"),
            },
            Some(NoSuchEntity),
        ),
        (
            "add missing user",
            vec![create_group("g")],
            AddUserToGroup {
                user: n("u"),
                group: n("g"),
            },
            Some(NoSuchEntity),
        ),
        (
            "attach missing policy",
            vec![create_group("g")],
            AttachGroupPolicy {
                group: n("g"),
                policy_arn: policy_arn("p"),
            },
            Some(NoSuchEntity),
        ),
        (
            "attach AWS managed",
            vec![create_group("g")],
            AttachGroupPolicy {
                group: n("g"),
                policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            },
            None,
        ),
        (
            "delete group with member",
            vec![
                create_group("g"),
                create_user("u"),
                AddUserToGroup {
                    user: n("u"),
                    group: n("g"),
                },
            ],
            DeleteGroup { group: n("g") },
            Some(DeleteConflict),
        ),
        (
            "delete group with policy",
            vec![
                create_group("g"),
                create_policy("p"),
                AttachGroupPolicy {
                    group: n("g"),
                    policy_arn: policy_arn("p"),
                },
            ],
            DeleteGroup { group: n("g") },
            Some(DeleteConflict),
        ),
        (
            "delete group with inline policy",
            vec![
                create_group("g"),
                PutGroupPolicy {
                    group: n("g"),
                    policy_name: n("i"),
                    document: doc(),
                },
            ],
            DeleteGroup { group: n("g") },
            Some(DeleteConflict),
        ),
        (
            "delete user in group",
            vec![
                create_group("g"),
                create_user("u"),
                AddUserToGroup {
                    user: n("u"),
                    group: n("g"),
                },
            ],
            DeleteUser { user: n("u") },
            Some(DeleteConflict),
        ),
        (
            "delete user with inline policy",
            vec![
                create_user("u"),
                PutUserPolicy {
                    user: n("u"),
                    policy_name: n("i"),
                    document: doc(),
                },
            ],
            DeleteUser { user: n("u") },
            Some(DeleteConflict),
        ),
        (
            "delete user with attached policy",
            vec![
                create_user("u"),
                create_policy("p"),
                AttachUserPolicy {
                    user: n("u"),
                    policy_arn: policy_arn("p"),
                },
            ],
            DeleteUser { user: n("u") },
            Some(DeleteConflict),
        ),
        (
            "delete role in profile",
            vec![
                create_role("r", service),
                create_profile("r"),
                AddRoleToInstanceProfile {
                    instance_profile: n("r"),
                    role: n("r"),
                },
            ],
            DeleteRole { role: n("r") },
            Some(DeleteConflict),
        ),
        (
            "delete role with inline policy",
            vec![
                create_role("r", service),
                PutRolePolicy {
                    role: n("r"),
                    policy_name: n("i"),
                    document: doc(),
                },
            ],
            DeleteRole { role: n("r") },
            Some(DeleteConflict),
        ),
        (
            "delete attached policy",
            vec![
                create_role("r", service),
                create_policy("p"),
                AttachRolePolicy {
                    role: n("r"),
                    policy_arn: policy_arn("p"),
                },
            ],
            DeletePolicy {
                policy_arn: policy_arn("p"),
            },
            Some(DeleteConflict),
        ),
        (
            "delete boundary policy",
            vec![
                create_policy("p"),
                create_role("r", service),
                PutRolePermissionsBoundary {
                    role: n("r"),
                    policy_arn: policy_arn("p"),
                },
            ],
            DeletePolicy {
                policy_arn: policy_arn("p"),
            },
            Some(DeleteConflict),
        ),
        (
            "delete policy with versions",
            vec![
                create_policy("p"),
                CreatePolicyVersion {
                    policy_arn: policy_arn("p"),
                    document: doc(),
                },
            ],
            DeletePolicy {
                policy_arn: policy_arn("p"),
            },
            Some(DeleteConflict),
        ),
        (
            "delete default version",
            vec![create_policy("p")],
            DeletePolicyVersion {
                policy_arn: policy_arn("p"),
                version_id: "v1".into(),
            },
            Some(DeleteConflict),
        ),
        (
            "sixth version",
            vec![
                create_policy("p"),
                CreatePolicyVersion {
                    policy_arn: policy_arn("p"),
                    document: doc(),
                },
                CreatePolicyVersion {
                    policy_arn: policy_arn("p"),
                    document: doc(),
                },
                CreatePolicyVersion {
                    policy_arn: policy_arn("p"),
                    document: doc(),
                },
                CreatePolicyVersion {
                    policy_arn: policy_arn("p"),
                    document: doc(),
                },
            ],
            CreatePolicyVersion {
                policy_arn: policy_arn("p"),
                document: doc(),
            },
            Some(LimitExceeded),
        ),
        (
            "delete profile with role",
            vec![
                create_role("r", service),
                create_profile("ip"),
                AddRoleToInstanceProfile {
                    instance_profile: n("ip"),
                    role: n("r"),
                },
            ],
            DeleteInstanceProfile {
                instance_profile: n("ip"),
            },
            Some(DeleteConflict),
        ),
        (
            "second role in profile",
            vec![
                create_role("r", service),
                create_role("s", service),
                create_profile("ip"),
                AddRoleToInstanceProfile {
                    instance_profile: n("ip"),
                    role: n("r"),
                },
            ],
            AddRoleToInstanceProfile {
                instance_profile: n("ip"),
                role: n("s"),
            },
            Some(LimitExceeded),
        ),
        (
            "trust of a missing role",
            vec![],
            create_role(
                "r",
                &format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:role/other"}}"#),
            ),
            Some(MalformedPolicyDocument),
        ),
        (
            "trust of an existing role",
            vec![create_role("other", service)],
            create_role(
                "r",
                &format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:role/other"}}"#),
            ),
            None,
        ),
        (
            "principal in identity policy",
            vec![create_user("u")],
            PutUserPolicy {
                user: n("u"),
                policy_name: n("i"),
                document: trust(service),
            },
            Some(MalformedPolicyDocument),
        ),
        (
            "invalid user name",
            vec![],
            create_user("john smith"),
            Some(InvalidInput),
        ),
        (
            "detach what is not attached",
            vec![create_user("u")],
            DetachUserPolicy {
                user: n("u"),
                policy_arn: policy_arn("p"),
            },
            Some(NoSuchEntity),
        ),
        (
            "delete user in order",
            vec![
                create_group("g"),
                create_user("u"),
                AddUserToGroup {
                    user: n("u"),
                    group: n("g"),
                },
                RemoveUserFromGroup {
                    user: n("u"),
                    group: n("g"),
                },
            ],
            DeleteUser { user: n("u") },
            None,
        ),
    ];
    for (what, setup, last, expected) in cases {
        assert_eq!(outcome(setup, last), expected, "{what}");
    }
}

#[test]
fn user_credentials_block_deletion_until_removed() {
    let mut file = MockFile::empty(ACCOUNT);
    execute(&mut file, &create_user("u")).unwrap();
    let creds = &mut file.account.users.get_mut(&n("u")).unwrap().credentials;
    creds.login_profile = Some(Default::default());
    creds.access_keys.push("AKIAEXAMPLE".into());
    let err = execute(&mut file, &DeleteUser { user: n("u") }).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::DeleteConflict));
    execute(&mut file, &DeleteLoginProfile { user: n("u") }).unwrap();
    execute(
        &mut file,
        &DeleteAccessKey {
            user: n("u"),
            access_key_id: "AKIAEXAMPLE".into(),
        },
    )
    .unwrap();
    execute(&mut file, &DeleteUser { user: n("u") }).unwrap();
    assert!(file.account.users.is_empty());
}

#[tokio::test]
async fn the_file_is_created_by_the_first_write_not_by_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    let backend = MockBackend::open(&path, None).unwrap();
    assert_eq!(backend.account_id(), ACCOUNT);
    assert!(backend.read().await.unwrap().is_empty());
    assert!(!path.exists(), "a read must not create the account file");
    backend.execute(&create_user("Mary")).await.unwrap();
    let again = MockBackend::open(&path, None).unwrap();
    let live = again.read().await.unwrap();
    assert_eq!(live.users[&n("mary")].name.as_str(), "Mary");
    assert_eq!(backend.call_counts()["CreateUser"], 1);
}

#[tokio::test]
async fn a_different_account_id_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    let backend = MockBackend::open(&path, Some("111111111111")).unwrap();
    backend.execute(&create_user("u")).await.unwrap();
    let err = MockBackend::open(&path, Some("222222222222"))
        .err()
        .expect("the wrong account must be refused")
        .to_string();
    assert!(
        err.contains("111111111111") && err.contains("222222222222"),
        "{err}"
    );
}

#[test]
fn a_corrupt_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("account.json");
    std::fs::write(&path, "{ not json").unwrap();
    let err = MockBackend::open(&path, None).err().unwrap().to_string();
    assert!(err.contains("not valid JSON"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    std::fs::write(
        &path,
        r#"{"format_version": 99, "account_id": "123456789012"}"#,
    )
    .unwrap();
    let err = MockBackend::open(&path, None).err().unwrap().to_string();
    assert!(err.contains("format_version is 99"), "{err}");
}
