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

/// Each case (the calls before, the last call) ends in `expected`.
fn ends_in(expected: Option<ErrorCode>, cases: Vec<(Vec<Operation>, Operation)>) {
    for (setup, last) in cases {
        let calls: Vec<String> = setup.iter().map(ToString::to_string).collect();
        let case = format!("{last} after [{}]", calls.join(", "));
        assert_eq!(outcome(setup, last), expected, "{case}");
    }
}

/// What a role trusts: EC2.
const SERVICE: &str = r#"{"Service":"ec2.amazonaws.com"}"#;

fn user(name: &str) -> Identity {
    Identity::User(n(name))
}

fn group(name: &str) -> Identity {
    Identity::Group(n(name))
}

fn role(name: &str) -> Identity {
    Identity::Role(n(name))
}

/// The call that creates `who` (a role trusting [`SERVICE`]).
fn create(who: &Identity) -> Operation {
    match who {
        Identity::User(name) => create_user(name.as_str()),
        Identity::Group(name) => create_group(name.as_str()),
        Identity::Role(name) => create_role(name.as_str(), SERVICE),
    }
}

/// The call that deletes `who`.
fn delete(who: &Identity) -> Operation {
    match who.clone() {
        Identity::User(user) => UserOp::DeleteUser { user }.into(),
        Identity::Group(group) => GroupOp::DeleteGroup { group }.into(),
        Identity::Role(role) => RoleOp::DeleteRole { role }.into(),
    }
}

fn attach(to: Identity, policy_arn: &str) -> Operation {
    PermissionOp::attach(to, policy_arn.into()).into()
}

/// `who` created, with an inline policy `i`.
fn with_inline(who: Identity) -> Vec<Operation> {
    vec![create(&who), PermissionOp::put(who, n("i"), doc()).into()]
}

/// `who` created, with the managed policy `p` created and attached to it.
fn with_p_attached(who: Identity) -> Vec<Operation> {
    let attach_p = attach(who.clone(), &policy_arn("p"));
    vec![create(&who), create_policy("p"), attach_p]
}

/// User `u` in group `g`.
fn member() -> Vec<Operation> {
    vec![create_group("g"), create_user("u"), add_to_group("u", "g")]
}

fn add_role(instance_profile: &str, role: &str) -> Operation {
    InstanceProfileOp::AddRoleToInstanceProfile {
        instance_profile: n(instance_profile),
        role: n(role),
    }
    .into()
}

/// Role `r` (trusting [`SERVICE`]) in the instance profile `profile`.
fn role_in(profile: &str) -> Vec<Operation> {
    let role = create_role("r", SERVICE);
    vec![role, create_profile(profile), add_role(profile, "r")]
}

fn delete_policy(name: &str) -> Operation {
    let policy_arn = policy_arn(name);
    PolicyOp::DeletePolicy { policy_arn }.into()
}

#[test]
fn wrongly_ordered_calls_fail_as_in_iam() {
    use ErrorCode::*;
    // Duplicate names, ignoring case.
    ends_in(
        Some(EntityAlreadyExists),
        vec![
            (vec![create_user("Mary")], create_user("mary")),
            (vec![create_policy("p")], create_policy("P")),
        ],
    );

    // Adding to a missing group, adding a missing user, attaching a missing policy (one of AWS's
    // misspelt), detaching what is not attached.
    let misspelt = "arn:aws:iam::aws:policy/AmazonS3FullAcess";
    let detach = PermissionOp::detach(user("u"), policy_arn("p")).into();
    ends_in(
        Some(NoSuchEntity),
        vec![
            (vec![create_user("u")], add_to_group("u", "g")),
            (vec![create_group("g")], add_to_group("u", "g")),
            (
                vec![create_group("g")],
                attach(group("g"), &policy_arn("p")),
            ),
            (vec![create_group("g")], attach(group("g"), misspelt)),
            (vec![create_user("u")], detach),
        ],
    );

    // What IAM does not delete while something refers to it: a group with a member, a user in a
    // group, a role in an instance profile, an instance profile with a role, an attached policy,
    // a permissions boundary, a policy with versions, a policy's default version; and a user,
    // group or role with a policy, inline or attached.
    let mut in_use = vec![
        (member(), delete(&group("g"))),
        (member(), delete(&user("u"))),
        (role_in("r"), delete(&role("r"))),
        (role_in("ip"), delete_profile("ip")),
        (with_p_attached(role("r")), delete_policy("p")),
        (bounded(), delete_policy("p")),
        (
            vec![create_policy("p"), new_version("p")],
            delete_policy("p"),
        ),
        (vec![create_policy("p")], delete_default_version()),
    ];
    for who in [user("u"), group("g"), role("r")] {
        in_use.push((with_inline(who.clone()), delete(&who)));
        in_use.push((with_p_attached(who.clone()), delete(&who)));
    }
    ends_in(Some(DeleteConflict), in_use);

    // A sixth version of a policy, a second role in an instance profile.
    let mut five_versions = vec![create_policy("p")];
    five_versions.extend((0..4).map(|_| new_version("p")));
    let mut two_roles = vec![create_role("s", SERVICE)];
    two_roles.extend(role_in("ip"));
    ends_in(
        Some(LimitExceeded),
        vec![
            (five_versions, new_version("p")),
            (two_roles, add_role("ip", "s")),
        ],
    );

    // A trust of a role that does not exist, a principal in an identity policy.
    let other = format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:role/other"}}"#);
    let principal = PermissionOp::put(user("u"), n("i"), trust(SERVICE)).into();
    ends_in(
        Some(MalformedPolicyDocument),
        vec![
            (vec![], create_role("r", &other)),
            (vec![create_user("u")], principal),
        ],
    );

    // An invalid user name.
    ends_in(
        Some(InvalidInput),
        vec![(vec![], create_user("john smith"))],
    );

    // Attaching an AWS managed policy, trusting a role that exists, deleting a user after
    // removing it from its group.
    let read_only = attach(group("g"), "arn:aws:iam::aws:policy/ReadOnlyAccess");
    let mut left_group = member();
    left_group.push(
        UserOp::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
    );
    ends_in(
        None,
        vec![
            (vec![create_group("g")], read_only),
            (
                vec![create_role("other", SERVICE)],
                create_role("r", &other),
            ),
            (left_group, delete(&user("u"))),
        ],
    );
}

/// Role `r` with the managed policy `p` as its permissions boundary.
fn bounded() -> Vec<Operation> {
    let boundary = BoundaryOp {
        target: BoundaryTarget::Role(n("r")),
        policy_arn: Some(policy_arn("p")),
    };
    vec![
        create_policy("p"),
        create_role("r", SERVICE),
        boundary.into(),
    ]
}

fn delete_default_version() -> Operation {
    let (policy_arn, version_id) = (policy_arn("p"), "v1".into());
    PolicyOp::DeletePolicyVersion {
        policy_arn,
        version_id,
    }
    .into()
}

fn delete_profile(name: &str) -> Operation {
    let instance_profile = n(name);
    InstanceProfileOp::DeleteInstanceProfile { instance_profile }.into()
}

#[test]
fn user_credentials_block_deletion_until_removed() {
    let mut file = MockFile::empty(ACCOUNT);
    execute(&mut file, &create_user("u")).unwrap();
    let creds = &mut file.account.users.get_mut(&n("u")).unwrap().credentials;
    creds.login_profile = Some(Default::default());
    creds.access_keys.push("AKIAEXAMPLE".into());
    let err = execute(&mut file, &delete(&user("u"))).unwrap_err();
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
    execute(&mut file, &delete(&user("u"))).unwrap();
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
