//! The mock refuses what IAM refuses: each case is a call sequence and the error it must end in.

use super::execute;
use super::store::MockFile;
use super::MockBackend;
use crate::backend::{Backend, ErrorCode};
use crate::model::PolicyDocument;
use crate::operation::examples::{
    add_to_group, allow_get, create_group, create_policy, create_profile, create_role, create_user,
    n, trust,
};
use crate::operation::{
    BoundaryOp, BoundaryTarget, GroupOp, Identity, InstanceProfileOp, Operation, PermissionOp,
    PolicyOp, RoleOp, UserOp,
};

const ACCOUNT: &str = "123456789012";

fn doc() -> PolicyDocument {
    allow_get()
}

fn new_version(policy: &str) -> Operation {
    let (policy_arn, document) = (policy_arn(policy), doc());
    PolicyOp::CreatePolicyVersion {
        policy_arn,
        document,
    }
    .into()
}

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

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
// A table of cases, one per refusal of IAM's: long by nature.
#[allow(clippy::too_many_lines)]
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
            add_to_group("u", "g"),
            Some(NoSuchEntity),
        ),
        (
            "add missing user",
            vec![create_group("g")],
            add_to_group("u", "g"),
            Some(NoSuchEntity),
        ),
        (
            "attach missing policy",
            vec![create_group("g")],
            PermissionOp::attach(Identity::Group(n("g")), policy_arn("p")).into(),
            Some(NoSuchEntity),
        ),
        (
            "attach AWS managed",
            vec![create_group("g")],
            PermissionOp::attach(
                Identity::Group(n("g")),
                "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
            )
            .into(),
            None,
        ),
        (
            "attach an AWS managed policy that does not exist",
            vec![create_group("g")],
            PermissionOp::attach(
                Identity::Group(n("g")),
                "arn:aws:iam::aws:policy/AmazonS3FullAcess".into(),
            )
            .into(),
            Some(NoSuchEntity),
        ),
        (
            "delete group with member",
            vec![create_group("g"), create_user("u"), add_to_group("u", "g")],
            GroupOp::DeleteGroup { group: n("g") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete group with policy",
            vec![
                create_group("g"),
                create_policy("p"),
                PermissionOp::attach(Identity::Group(n("g")), policy_arn("p")).into(),
            ],
            GroupOp::DeleteGroup { group: n("g") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete group with inline policy",
            vec![
                create_group("g"),
                PermissionOp::put(Identity::Group(n("g")), n("i"), doc()).into(),
            ],
            GroupOp::DeleteGroup { group: n("g") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete user in group",
            vec![create_group("g"), create_user("u"), add_to_group("u", "g")],
            UserOp::DeleteUser { user: n("u") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete user with inline policy",
            vec![
                create_user("u"),
                PermissionOp::put(Identity::User(n("u")), n("i"), doc()).into(),
            ],
            UserOp::DeleteUser { user: n("u") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete user with attached policy",
            vec![
                create_user("u"),
                create_policy("p"),
                PermissionOp::attach(Identity::User(n("u")), policy_arn("p")).into(),
            ],
            UserOp::DeleteUser { user: n("u") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete role in profile",
            vec![
                create_role("r", service),
                create_profile("r"),
                InstanceProfileOp::AddRoleToInstanceProfile {
                    instance_profile: n("r"),
                    role: n("r"),
                }
                .into(),
            ],
            RoleOp::DeleteRole { role: n("r") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete role with inline policy",
            vec![
                create_role("r", service),
                PermissionOp::put(Identity::Role(n("r")), n("i"), doc()).into(),
            ],
            RoleOp::DeleteRole { role: n("r") }.into(),
            Some(DeleteConflict),
        ),
        (
            "delete attached policy",
            vec![
                create_role("r", service),
                create_policy("p"),
                PermissionOp::attach(Identity::Role(n("r")), policy_arn("p")).into(),
            ],
            PolicyOp::DeletePolicy {
                policy_arn: policy_arn("p"),
            }
            .into(),
            Some(DeleteConflict),
        ),
        (
            "delete boundary policy",
            vec![
                create_policy("p"),
                create_role("r", service),
                BoundaryOp {
                    target: BoundaryTarget::Role(n("r")),
                    policy_arn: Some(policy_arn("p")),
                }
                .into(),
            ],
            PolicyOp::DeletePolicy {
                policy_arn: policy_arn("p"),
            }
            .into(),
            Some(DeleteConflict),
        ),
        (
            "delete policy with versions",
            vec![create_policy("p"), new_version("p")],
            PolicyOp::DeletePolicy {
                policy_arn: policy_arn("p"),
            }
            .into(),
            Some(DeleteConflict),
        ),
        (
            "delete default version",
            vec![create_policy("p")],
            PolicyOp::DeletePolicyVersion {
                policy_arn: policy_arn("p"),
                version_id: "v1".into(),
            }
            .into(),
            Some(DeleteConflict),
        ),
        (
            "sixth version",
            vec![
                create_policy("p"),
                new_version("p"),
                new_version("p"),
                new_version("p"),
                new_version("p"),
            ],
            new_version("p"),
            Some(LimitExceeded),
        ),
        (
            "delete profile with role",
            vec![
                create_role("r", service),
                create_profile("ip"),
                InstanceProfileOp::AddRoleToInstanceProfile {
                    instance_profile: n("ip"),
                    role: n("r"),
                }
                .into(),
            ],
            InstanceProfileOp::DeleteInstanceProfile {
                instance_profile: n("ip"),
            }
            .into(),
            Some(DeleteConflict),
        ),
        (
            "second role in profile",
            vec![
                create_role("r", service),
                create_role("s", service),
                create_profile("ip"),
                InstanceProfileOp::AddRoleToInstanceProfile {
                    instance_profile: n("ip"),
                    role: n("r"),
                }
                .into(),
            ],
            InstanceProfileOp::AddRoleToInstanceProfile {
                instance_profile: n("ip"),
                role: n("s"),
            }
            .into(),
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
            PermissionOp::put(Identity::User(n("u")), n("i"), trust(service)).into(),
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
            PermissionOp::detach(Identity::User(n("u")), policy_arn("p")).into(),
            Some(NoSuchEntity),
        ),
        (
            "delete user in order",
            vec![
                create_group("g"),
                create_user("u"),
                add_to_group("u", "g"),
                UserOp::RemoveUserFromGroup {
                    user: n("u"),
                    group: n("g"),
                }
                .into(),
            ],
            UserOp::DeleteUser { user: n("u") }.into(),
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
    let err = execute(&mut file, &UserOp::DeleteUser { user: n("u") }.into()).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::DeleteConflict));
    execute(
        &mut file,
        &UserOp::DeleteLoginProfile { user: n("u") }.into(),
    )
    .unwrap();
    execute(
        &mut file,
        &UserOp::DeleteAccessKey {
            user: n("u"),
            access_key_id: "AKIAEXAMPLE".into(),
        }
        .into(),
    )
    .unwrap();
    execute(&mut file, &UserOp::DeleteUser { user: n("u") }.into()).unwrap();
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
