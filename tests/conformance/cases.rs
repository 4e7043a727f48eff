//! One function per case; each runs against a fresh, empty account of one target.

use super::target::{Target, ACCOUNT};
use iamform::backend::ErrorCode::{self, *};
use iamform::model::{
    Account, Credentials, Name, PasswordPolicy, PolicyDocument, SamlMetadata, Tags,
};
use iamform::operation::{
    AccountOp, BoundaryOp, BoundaryTarget, GroupOp, Identity, InstanceProfileOp, OidcProviderOp,
    Operation, PermissionOp, PolicyOp, RoleOp, SamlProviderOp, ServiceLinkedRoleOp, TagChange,
    TagOp, TagTarget, UserOp,
};
use std::collections::BTreeSet;

// ---- helpers

fn n(s: &str) -> Name {
    Name::from(s)
}

fn allow(action: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
    ))
    .expect("a valid document")
}

fn trust(principal: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{principal}}}]}}"#
    ))
    .expect("a valid trust document")
}

const EC2: &str = r#"{"Service":"ec2.amazonaws.com"}"#;

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:policy/{name}")
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect()
}

fn user(name: &str) -> Operation {
    UserOp::CreateUser {
        user: n(name),
        path: "/".into(),
        permissions_boundary: None,
        tags: Tags::new(),
    }
    .into()
}

fn group(name: &str) -> Operation {
    GroupOp::CreateGroup {
        group: n(name),
        path: "/".into(),
    }
    .into()
}

fn role(name: &str) -> Operation {
    role_trusting(name, EC2)
}

fn role_trusting(name: &str, principal: &str) -> Operation {
    RoleOp::CreateRole {
        role: n(name),
        path: "/".into(),
        assume_role_policy: trust(principal),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Tags::new(),
    }
    .into()
}

fn policy(name: &str) -> Operation {
    PolicyOp::CreatePolicy {
        policy: n(name),
        path: "/".into(),
        description: None,
        document: allow("s3:GetObject"),
        tags: Tags::new(),
    }
    .into()
}

fn profile(name: &str) -> Operation {
    InstanceProfileOp::CreateInstanceProfile {
        instance_profile: n(name),
        path: "/".into(),
        tags: Tags::new(),
    }
    .into()
}

async fn ok(t: &Target, op: Operation) {
    if let Err(e) = t.backend.execute(&op).await {
        panic!("[{}] {op} should succeed: {e}", t.name);
    }
}

async fn ok_all(t: &Target, ops: Vec<Operation>) {
    for op in ops {
        ok(t, op).await;
    }
}

async fn fails(t: &Target, op: Operation, code: ErrorCode) {
    match t.backend.execute(&op).await {
        Ok(()) => panic!("[{}] {op} should fail with {}", t.name, code.as_str()),
        Err(e) => assert_eq!(e.code(), Some(code), "[{}] {op}: {e}", t.name),
    }
}

async fn live(t: &Target) -> Account {
    t.backend
        .read()
        .await
        .unwrap_or_else(|e| panic!("[{}] read: {e}", t.name))
}

// ---- users

pub async fn users_create_read_update_delete(t: &Target) {
    ok(
        t,
        UserOp::CreateUser {
            user: n("Mary"),
            path: "/finance/".into(),
            permissions_boundary: None,
            tags: tags(&[("team", "finance")]),
        }
        .into(),
    )
    .await;
    let a = live(t).await;
    let mary = &a.users[&n("mary")];
    assert_eq!(mary.name.as_str(), "Mary", "the spelling is kept");
    assert_eq!(mary.path, "/finance/");
    assert_eq!(mary.tags, tags(&[("team", "finance")]));
    ok(
        t,
        UserOp::UpdateUserPath {
            user: n("Mary"),
            path: "/accounting/".into(),
        }
        .into(),
    )
    .await;
    assert_eq!(live(t).await.users[&n("mary")].path, "/accounting/");
    ok(t, UserOp::DeleteUser { user: n("Mary") }.into()).await;
    assert!(live(t).await.users.is_empty());
    fails(
        t,
        UserOp::DeleteUser { user: n("Mary") }.into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn user_names_are_unique_ignoring_case(t: &Target) {
    ok(t, user("Mary")).await;
    fails(t, user("mary"), EntityAlreadyExists).await;
    ok(t, group("Web")).await;
    fails(t, group("WEB"), EntityAlreadyExists).await;
    ok(t, role("App")).await;
    fails(t, role("app"), EntityAlreadyExists).await;
    ok(t, policy("Read")).await;
    fails(t, policy("read"), EntityAlreadyExists).await;
    ok(t, profile("Prof")).await;
    fails(t, profile("prof"), EntityAlreadyExists).await;
}

pub async fn invalid_names_and_paths_are_refused(t: &Target) {
    fails(t, user("john smith"), InvalidInput).await;
    fails(t, user(&"u".repeat(65)), InvalidInput).await;
    ok(t, group(&"g".repeat(128))).await;
    fails(t, group(&"g".repeat(129)), InvalidInput).await;
    fails(
        t,
        UserOp::CreateUser {
            user: n("u"),
            path: "no-slashes".into(),
            permissions_boundary: None,
            tags: Tags::new(),
        }
        .into(),
        InvalidInput,
    )
    .await;
    fails(
        t,
        GroupOp::CreateGroup {
            group: n("g"),
            path: "/a b/".into(),
        }
        .into(),
        InvalidInput,
    )
    .await;
    assert_eq!(live(t).await.users.len(), 0);
}

pub async fn user_tags_follow_the_tag_rules(t: &Target) {
    ok(t, user("u")).await;
    ok(
        t,
        TagOp {
            target: TagTarget::User(n("u")),
            change: TagChange::Set(tags(&[("team", "web"), ("cost", "1")])),
        }
        .into(),
    )
    .await;
    ok(
        t,
        TagOp {
            target: TagTarget::User(n("u")),
            change: TagChange::Unset(vec!["cost".into()]),
        }
        .into(),
    )
    .await;
    assert_eq!(live(t).await.users[&n("u")].tags, tags(&[("team", "web")]));
    fails(
        t,
        TagOp {
            target: TagTarget::User(n("u")),
            change: TagChange::Set(tags(&[("aws:team", "x")])),
        }
        .into(),
        InvalidInput,
    )
    .await;
    let fifty: Tags = (0..50).map(|i| (format!("k{i}"), "v".to_owned())).collect();
    fails(
        t,
        TagOp {
            target: TagTarget::User(n("u")),
            change: TagChange::Set(fifty),
        }
        .into(),
        LimitExceeded,
    )
    .await;
    fails(
        t,
        TagOp {
            target: TagTarget::User(n("nobody")),
            change: TagChange::Set(tags(&[("a", "b")])),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn user_permissions_boundary_set_and_removed(t: &Target) {
    ok_all(t, vec![user("u"), policy("boundary")]).await;
    ok(
        t,
        BoundaryOp {
            target: BoundaryTarget::User(n("u")),
            policy_arn: Some(policy_arn("boundary")),
        }
        .into(),
    )
    .await;
    assert_eq!(
        live(t).await.users[&n("u")].permissions_boundary,
        Some(policy_arn("boundary"))
    );
    ok(
        t,
        BoundaryOp {
            target: BoundaryTarget::User(n("u")),
            policy_arn: None,
        }
        .into(),
    )
    .await;
    assert_eq!(live(t).await.users[&n("u")].permissions_boundary, None);
    fails(
        t,
        BoundaryOp {
            target: BoundaryTarget::User(n("u")),
            policy_arn: Some(policy_arn("missing")),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

// ---- renames (moved blocks)

pub async fn users_and_groups_renamed_keep_memberships_and_policies(t: &Target) {
    ok_all(t, vec![user("u"), group("g"), policy("p")]).await;
    ok_all(
        t,
        vec![
            UserOp::AddUserToGroup {
                user: n("u"),
                group: n("g"),
            }
            .into(),
            PermissionOp::attach(Identity::User(n("u")), policy_arn("p")).into(),
            PermissionOp::attach(Identity::Group(n("g")), policy_arn("p")).into(),
        ],
    )
    .await;
    ok(
        t,
        UserOp::RenameUser {
            user: n("u"),
            new_name: n("u2"),
        }
        .into(),
    )
    .await;
    ok(
        t,
        GroupOp::RenameGroup {
            group: n("g"),
            new_name: n("g2"),
        }
        .into(),
    )
    .await;
    let a = live(t).await;
    assert!(!a.users.contains_key(&n("u")) && !a.groups.contains_key(&n("g")));
    let u = &a.users[&n("u2")];
    assert_eq!(u.name.as_str(), "u2");
    assert_eq!(u.groups, [n("g2")].into_iter().collect());
    assert_eq!(u.policies, [policy_arn("p")].into_iter().collect());
    assert_eq!(
        a.groups[&n("g2")].policies,
        [policy_arn("p")].into_iter().collect()
    );
    fails(
        t,
        UserOp::RenameUser {
            user: n("missing"),
            new_name: n("other"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn renaming_onto_an_existing_name_is_refused(t: &Target) {
    ok_all(t, vec![user("a"), user("b"), group("g"), group("h")]).await;
    fails(
        t,
        UserOp::RenameUser {
            user: n("a"),
            new_name: n("B"),
        }
        .into(),
        EntityAlreadyExists,
    )
    .await;
    fails(
        t,
        GroupOp::RenameGroup {
            group: n("g"),
            new_name: n("h"),
        }
        .into(),
        EntityAlreadyExists,
    )
    .await;
    let a = live(t).await;
    assert!(a.users.contains_key(&n("a")) && a.groups.contains_key(&n("g")));
}

// ---- groups and memberships

pub async fn group_membership_needs_both_ends(t: &Target) {
    ok(t, user("u")).await;
    fails(
        t,
        UserOp::AddUserToGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
    ok(t, group("g")).await;
    fails(
        t,
        UserOp::AddUserToGroup {
            user: n("nobody"),
            group: n("g"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
    ok(
        t,
        UserOp::AddUserToGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
    )
    .await;
    assert!(live(t).await.users[&n("u")].groups.contains(&n("g")));
    ok(
        t,
        UserOp::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
    )
    .await;
    assert!(live(t).await.users[&n("u")].groups.is_empty());
    fails(
        t,
        UserOp::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn groups_with_members_or_policies_cannot_be_deleted(t: &Target) {
    ok_all(
        t,
        vec![
            group("g"),
            user("u"),
            policy("p"),
            UserOp::AddUserToGroup {
                user: n("u"),
                group: n("g"),
            }
            .into(),
        ],
    )
    .await;
    fails(
        t,
        GroupOp::DeleteGroup { group: n("g") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        UserOp::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::Group(n("g")), policy_arn("p")).into(),
    )
    .await;
    fails(
        t,
        GroupOp::DeleteGroup { group: n("g") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::detach(Identity::Group(n("g")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::Group(n("g")), n("i"), allow("s3:GetObject")).into(),
    )
    .await;
    fails(
        t,
        GroupOp::DeleteGroup { group: n("g") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::delete(Identity::Group(n("g")), n("i")).into(),
    )
    .await;
    ok(t, GroupOp::DeleteGroup { group: n("g") }.into()).await;
    assert!(live(t).await.groups.is_empty());
}

pub async fn users_with_memberships_policies_or_credentials_cannot_be_deleted(t: &Target) {
    ok_all(
        t,
        vec![
            group("g"),
            user("u"),
            policy("p"),
            UserOp::AddUserToGroup {
                user: n("u"),
                group: n("g"),
            }
            .into(),
        ],
    )
    .await;
    fails(
        t,
        UserOp::DeleteUser { user: n("u") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        UserOp::RemoveUserFromGroup {
            user: n("u"),
            group: n("g"),
        }
        .into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::User(n("u")), policy_arn("p")).into(),
    )
    .await;
    fails(
        t,
        UserOp::DeleteUser { user: n("u") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::detach(Identity::User(n("u")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::User(n("u")), n("i"), allow("s3:GetObject")).into(),
    )
    .await;
    fails(
        t,
        UserOp::DeleteUser { user: n("u") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::delete(Identity::User(n("u")), n("i")).into(),
    )
    .await;
    ok(t, UserOp::DeleteUser { user: n("u") }.into()).await;
}

/// IAM refuses to delete a user that still has a credential, each kind in turn.
pub async fn users_with_credentials_cannot_be_deleted(t: &Target) {
    ok(t, user("u")).await;
    let seeded = t.seed_credentials("u").await;
    for op in UserOp::credential_removals(&n("u"), &seeded) {
        fails(
            t,
            UserOp::DeleteUser { user: n("u") }.into(),
            DeleteConflict,
        )
        .await;
        ok(t, op.into()).await;
    }
    ok(t, UserOp::DeleteUser { user: n("u") }.into()).await;
}

/// The credentials of a user being deleted are read (on aws: listed for that user only), so that
/// the plan removes each before DeleteUser; after that the user goes.
pub async fn user_teardown_removes_every_credential(t: &Target) {
    ok_all(t, vec![user("u"), user("stays")]).await;
    let seeded = t.seed_credentials("u").await;
    let mut account = live(t).await;
    t.backend
        .read_credentials_of(&mut account, &[n("u")])
        .await
        .unwrap_or_else(|e| panic!("[{}] read credentials: {e}", t.name));
    let read = &account.users[&n("u")].credentials;
    let ids = |c: &Credentials| {
        (
            c.login_profile.is_some(),
            c.access_keys
                .iter()
                .map(|k| k.id.clone())
                .collect::<Vec<_>>(),
            c.mfa_devices.clone(),
            c.ssh_public_keys.clone(),
            c.signing_certificates.clone(),
            c.service_specific_credentials.clone(),
        )
    };
    assert_eq!(ids(read), ids(&seeded), "[{}]", t.name);
    for op in UserOp::credential_removals(&n("u"), read) {
        ok(t, op.clone().into()).await;
        fails(t, op.into(), NoSuchEntity).await;
    }
    ok(t, UserOp::DeleteUser { user: n("u") }.into()).await;
    let after = live(t).await;
    assert!(!after.users.contains_key(&n("u")), "[{}]", t.name);
    assert!(after.users.contains_key(&n("stays")), "[{}]", t.name);
}

// ---- inline policies

pub async fn inline_policies_put_replace_delete(t: &Target) {
    ok_all(t, vec![user("u"), group("g"), role("r")]).await;
    ok(
        t,
        PermissionOp::put(Identity::User(n("u")), n("p"), allow("s3:GetObject")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::User(n("u")), n("p"), allow("s3:PutObject")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::Group(n("g")), n("p"), allow("s3:GetObject")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::Role(n("r")), n("p"), allow("s3:GetObject")).into(),
    )
    .await;
    let a = live(t).await;
    assert_eq!(
        a.users[&n("u")].inline_policies[&n("p")],
        allow("s3:PutObject"),
        "put replaces"
    );
    assert_eq!(a.groups[&n("g")].inline_policies.len(), 1);
    assert_eq!(a.roles[&n("r")].inline_policies.len(), 1);
    ok(
        t,
        PermissionOp::delete(Identity::Role(n("r")), n("p")).into(),
    )
    .await;
    fails(
        t,
        PermissionOp::delete(Identity::Role(n("r")), n("p")).into(),
        NoSuchEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::delete(Identity::Group(n("g")), n("other")).into(),
        NoSuchEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::put(Identity::User(n("nobody")), n("p"), allow("s3:GetObject")).into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn identity_policy_with_principal_is_malformed(t: &Target) {
    ok(t, user("u")).await;
    fails(
        t,
        PermissionOp::put(Identity::User(n("u")), n("p"), trust(EC2)).into(),
        MalformedPolicyDocument,
    )
    .await;
    let doc = trust(EC2);
    fails(
        t,
        PolicyOp::CreatePolicy {
            policy: n("p"),
            path: "/".into(),
            description: None,
            document: doc,
            tags: Tags::new(),
        }
        .into(),
        MalformedPolicyDocument,
    )
    .await;
}

/// A document of roughly `size` characters.
fn sized(size: usize) -> PolicyDocument {
    allow(&format!("s3:{}", "a".repeat(size.saturating_sub(90))))
}

pub async fn inline_policy_size_is_limited_per_entity(t: &Target) {
    ok_all(t, vec![user("u"), role("r")]).await;
    ok(
        t,
        PermissionOp::put(Identity::User(n("u")), n("a"), sized(1_500)).into(),
    )
    .await;
    // Each fits alone; together they exceed the user's 2,048.
    fails(
        t,
        PermissionOp::put(Identity::User(n("u")), n("b"), sized(1_000)).into(),
        LimitExceeded,
    )
    .await;
    // A role has 10,240.
    ok(
        t,
        PermissionOp::put(Identity::Role(n("r")), n("a"), sized(5_000)).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::Role(n("r")), n("b"), sized(5_000)).into(),
    )
    .await;
    fails(
        t,
        PermissionOp::put(Identity::Role(n("r")), n("c"), sized(1_000)).into(),
        LimitExceeded,
    )
    .await;
}

// ---- managed policies

pub async fn managed_policy_attach_detach(t: &Target) {
    ok_all(t, vec![user("u"), group("g"), role("r"), policy("p")]).await;
    let aws = "arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned();
    ok(
        t,
        PermissionOp::attach(Identity::User(n("u")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::Group(n("g")), aws.clone()).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await; // attaching twice is fine
    let a = live(t).await;
    assert!(a.users[&n("u")].policies.contains(&policy_arn("p")));
    assert!(a.groups[&n("g")].policies.contains(&aws));
    assert_eq!(a.roles[&n("r")].policies.len(), 1);
    ok(
        t,
        PermissionOp::detach(Identity::User(n("u")), policy_arn("p")).into(),
    )
    .await;
    ok(t, PermissionOp::detach(Identity::Group(n("g")), aws).into()).await;
    ok(
        t,
        PermissionOp::detach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await;
    fails(
        t,
        PermissionOp::detach(Identity::Role(n("r")), policy_arn("p")).into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn attaching_a_missing_policy_is_no_such_entity(t: &Target) {
    ok_all(t, vec![user("u"), group("g"), role("r")]).await;
    fails(
        t,
        PermissionOp::attach(Identity::User(n("u")), policy_arn("missing")).into(),
        NoSuchEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::attach(Identity::Group(n("g")), policy_arn("missing")).into(),
        NoSuchEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::attach(Identity::Role(n("r")), policy_arn("missing")).into(),
        NoSuchEntity,
    )
    .await;
    ok(t, policy("p")).await;
    fails(
        t,
        PermissionOp::attach(Identity::Group(n("nobody")), policy_arn("p")).into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn managed_policies_per_entity_quota(t: &Target) {
    ok(t, group("g")).await;
    for i in 0..10 {
        ok(t, policy(&format!("p{i}"))).await;
        ok(
            t,
            PermissionOp::attach(Identity::Group(n("g")), policy_arn(&format!("p{i}"))).into(),
        )
        .await;
    }
    ok(t, policy("p10")).await;
    fails(
        t,
        PermissionOp::attach(Identity::Group(n("g")), policy_arn("p10")).into(),
        LimitExceeded,
    )
    .await;
}

pub async fn groups_per_user_quota(t: &Target) {
    ok(t, user("u")).await;
    for i in 0..10 {
        ok(t, group(&format!("g{i}"))).await;
        ok(
            t,
            UserOp::AddUserToGroup {
                user: n("u"),
                group: n(&format!("g{i}")),
            }
            .into(),
        )
        .await;
    }
    ok(t, group("g10")).await;
    fails(
        t,
        UserOp::AddUserToGroup {
            user: n("u"),
            group: n("g10"),
        }
        .into(),
        LimitExceeded,
    )
    .await;
}

pub async fn policy_versions_limit_and_default(t: &Target) {
    ok(t, policy("p")).await;
    for action in ["s3:A", "s3:B", "s3:C", "s3:D"] {
        ok(
            t,
            PolicyOp::CreatePolicyVersion {
                policy_arn: policy_arn("p"),
                document: allow(action),
            }
            .into(),
        )
        .await;
    }
    let p = &live(t).await.policies[&n("p")];
    assert_eq!(
        p.document,
        allow("s3:D"),
        "a new version becomes the default"
    );
    assert_eq!(p.versions.len(), 5);
    fails(
        t,
        PolicyOp::CreatePolicyVersion {
            policy_arn: policy_arn("p"),
            document: allow("s3:E"),
        }
        .into(),
        LimitExceeded,
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicyVersion {
            policy_arn: policy_arn("p"),
            version_id: "v5".into(),
        }
        .into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PolicyOp::DeletePolicyVersion {
            policy_arn: policy_arn("p"),
            version_id: "v1".into(),
        }
        .into(),
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicyVersion {
            policy_arn: policy_arn("p"),
            version_id: "v1".into(),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
    ok(
        t,
        PolicyOp::CreatePolicyVersion {
            policy_arn: policy_arn("p"),
            document: allow("s3:E"),
        }
        .into(),
    )
    .await;
    let ids: Vec<String> = live(t).await.policies[&n("p")]
        .versions
        .iter()
        .map(|v| v.id.clone())
        .collect();
    assert!(
        ids.contains(&"v6".to_owned()),
        "version ids are never reused: {ids:?}"
    );
}

pub async fn policy_attached_or_with_versions_cannot_be_deleted(t: &Target) {
    ok_all(
        t,
        vec![
            policy("p"),
            role("r"),
            PermissionOp::attach(Identity::Role(n("r")), policy_arn("p")).into(),
        ],
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicy {
            policy_arn: policy_arn("p"),
        }
        .into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::detach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        BoundaryOp {
            target: BoundaryTarget::Role(n("r")),
            policy_arn: Some(policy_arn("p")),
        }
        .into(),
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicy {
            policy_arn: policy_arn("p"),
        }
        .into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        BoundaryOp {
            target: BoundaryTarget::Role(n("r")),
            policy_arn: None,
        }
        .into(),
    )
    .await;
    ok(
        t,
        PolicyOp::CreatePolicyVersion {
            policy_arn: policy_arn("p"),
            document: allow("s3:B"),
        }
        .into(),
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicy {
            policy_arn: policy_arn("p"),
        }
        .into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PolicyOp::DeletePolicyVersion {
            policy_arn: policy_arn("p"),
            version_id: "v1".into(),
        }
        .into(),
    )
    .await;
    ok(
        t,
        PolicyOp::DeletePolicy {
            policy_arn: policy_arn("p"),
        }
        .into(),
    )
    .await;
    fails(
        t,
        PolicyOp::DeletePolicy {
            policy_arn: policy_arn("p"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn managed_policy_size_is_limited(t: &Target) {
    ok(
        t,
        PolicyOp::CreatePolicy {
            policy: n("big"),
            path: "/".into(),
            description: None,
            document: sized(6_000),
            tags: Tags::new(),
        }
        .into(),
    )
    .await;
    fails(
        t,
        PolicyOp::CreatePolicy {
            policy: n("huge"),
            path: "/".into(),
            description: None,
            document: sized(6_300),
            tags: Tags::new(),
        }
        .into(),
        LimitExceeded,
    )
    .await;
    fails(
        t,
        PolicyOp::CreatePolicyVersion {
            policy_arn: policy_arn("big"),
            document: sized(6_300),
        }
        .into(),
        LimitExceeded,
    )
    .await;
}

pub async fn policy_tags_set_and_removed(t: &Target) {
    ok(t, policy("p")).await;
    ok(
        t,
        TagOp {
            target: TagTarget::Policy(policy_arn("p")),
            change: TagChange::Set(tags(&[("owner", "sec")])),
        }
        .into(),
    )
    .await;
    assert_eq!(
        live(t).await.policies[&n("p")].tags,
        tags(&[("owner", "sec")])
    );
    ok(
        t,
        TagOp {
            target: TagTarget::Policy(policy_arn("p")),
            change: TagChange::Unset(vec!["owner".into()]),
        }
        .into(),
    )
    .await;
    assert!(live(t).await.policies[&n("p")].tags.is_empty());
}

// ---- roles and instance profiles

pub async fn roles_create_update_delete(t: &Target) {
    ok(
        t,
        RoleOp::CreateRole {
            role: n("App"),
            path: "/apps/".into(),
            assume_role_policy: trust(EC2),
            description: Some("web app".into()),
            max_session_duration: 7_200,
            permissions_boundary: None,
            tags: tags(&[("team", "web")]),
        }
        .into(),
    )
    .await;
    let r = &live(t).await.roles[&n("app")];
    assert_eq!((r.path.as_str(), r.max_session_duration), ("/apps/", 7_200));
    assert_eq!(r.description.as_deref(), Some("web app"));
    assert_eq!(r.assume_role_policy, trust(EC2));
    ok(
        t,
        RoleOp::UpdateRole {
            role: n("App"),
            description: Some("web application".into()),
            max_session_duration: 3_600,
        }
        .into(),
    )
    .await;
    let lambda = r#"{"Service":"lambda.amazonaws.com"}"#;
    ok(
        t,
        RoleOp::UpdateAssumeRolePolicy {
            role: n("App"),
            document: trust(lambda),
        }
        .into(),
    )
    .await;
    ok(
        t,
        TagOp {
            target: TagTarget::Role(n("App")),
            change: TagChange::Set(tags(&[("env", "prod")])),
        }
        .into(),
    )
    .await;
    ok(
        t,
        TagOp {
            target: TagTarget::Role(n("App")),
            change: TagChange::Unset(vec!["team".into()]),
        }
        .into(),
    )
    .await;
    let r = &live(t).await.roles[&n("app")];
    assert_eq!(r.description.as_deref(), Some("web application"));
    assert_eq!(r.assume_role_policy, trust(lambda));
    assert_eq!(r.tags, tags(&[("env", "prod")]));
    ok(t, RoleOp::DeleteRole { role: n("App") }.into()).await;
    assert!(live(t).await.roles.is_empty());
}

pub async fn trust_policy_needs_a_principal_that_exists(t: &Target) {
    let other = format!(r#"{{"AWS":"arn:aws:iam::{ACCOUNT}:role/other"}}"#);
    fails(t, role_trusting("r", &other), MalformedPolicyDocument).await;
    ok(t, role("other")).await;
    ok(t, role_trusting("r", &other)).await;
    let no_principal = PolicyDocument::from_json_str(
        r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#,
    )
    .unwrap();
    fails(
        t,
        RoleOp::UpdateAssumeRolePolicy {
            role: n("r"),
            document: no_principal,
        }
        .into(),
        MalformedPolicyDocument,
    )
    .await;
}

pub async fn role_settings_ranges(t: &Target) {
    ok(t, role("r")).await;
    fails(
        t,
        RoleOp::UpdateRole {
            role: n("r"),
            description: None,
            max_session_duration: 3_599,
        }
        .into(),
        InvalidInput,
    )
    .await;
    fails(
        t,
        RoleOp::UpdateRole {
            role: n("r"),
            description: None,
            max_session_duration: 43_201,
        }
        .into(),
        InvalidInput,
    )
    .await;
    ok(
        t,
        RoleOp::UpdateRole {
            role: n("r"),
            description: None,
            max_session_duration: 43_200,
        }
        .into(),
    )
    .await;
    fails(
        t,
        RoleOp::UpdateRole {
            role: n("r"),
            description: Some("d".repeat(1_001)),
            max_session_duration: 3_600,
        }
        .into(),
        InvalidInput,
    )
    .await;
}

pub async fn roles_in_profiles_or_with_policies_cannot_be_deleted(t: &Target) {
    ok_all(
        t,
        vec![
            role("r"),
            profile("ip"),
            policy("p"),
            InstanceProfileOp::AddRoleToInstanceProfile {
                instance_profile: n("ip"),
                role: n("r"),
            }
            .into(),
        ],
    )
    .await;
    fails(
        t,
        RoleOp::DeleteRole { role: n("r") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile: n("ip"),
            role: n("r"),
        }
        .into(),
    )
    .await;
    ok(
        t,
        PermissionOp::attach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await;
    fails(
        t,
        RoleOp::DeleteRole { role: n("r") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::detach(Identity::Role(n("r")), policy_arn("p")).into(),
    )
    .await;
    ok(
        t,
        PermissionOp::put(Identity::Role(n("r")), n("i"), allow("s3:GetObject")).into(),
    )
    .await;
    fails(
        t,
        RoleOp::DeleteRole { role: n("r") }.into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        PermissionOp::delete(Identity::Role(n("r")), n("i")).into(),
    )
    .await;
    ok(t, RoleOp::DeleteRole { role: n("r") }.into()).await;
}

pub async fn instance_profile_holds_one_role(t: &Target) {
    ok_all(t, vec![role("a"), role("b"), profile("ip")]).await;
    fails(
        t,
        InstanceProfileOp::AddRoleToInstanceProfile {
            instance_profile: n("ip"),
            role: n("missing"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
    ok(
        t,
        InstanceProfileOp::AddRoleToInstanceProfile {
            instance_profile: n("ip"),
            role: n("a"),
        }
        .into(),
    )
    .await;
    fails(
        t,
        InstanceProfileOp::AddRoleToInstanceProfile {
            instance_profile: n("ip"),
            role: n("b"),
        }
        .into(),
        LimitExceeded,
    )
    .await;
    ok(
        t,
        TagOp {
            target: TagTarget::InstanceProfile(n("ip")),
            change: TagChange::Set(tags(&[("k", "v")])),
        }
        .into(),
    )
    .await;
    ok(
        t,
        TagOp {
            target: TagTarget::InstanceProfile(n("ip")),
            change: TagChange::Unset(vec!["k".into()]),
        }
        .into(),
    )
    .await;
    let a = live(t).await;
    assert_eq!(
        a.instance_profiles[&n("ip")]
            .roles
            .iter()
            .map(Name::as_str)
            .collect::<Vec<_>>(),
        ["a"]
    );
    assert!(a.instance_profiles[&n("ip")].tags.is_empty());
    ok(
        t,
        InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile: n("ip"),
            role: n("a"),
        }
        .into(),
    )
    .await;
    fails(
        t,
        InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile: n("ip"),
            role: n("a"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn instance_profile_with_a_role_cannot_be_deleted(t: &Target) {
    ok_all(
        t,
        vec![
            role("r"),
            profile("ip"),
            InstanceProfileOp::AddRoleToInstanceProfile {
                instance_profile: n("ip"),
                role: n("r"),
            }
            .into(),
        ],
    )
    .await;
    fails(
        t,
        InstanceProfileOp::DeleteInstanceProfile {
            instance_profile: n("ip"),
        }
        .into(),
        DeleteConflict,
    )
    .await;
    ok(
        t,
        InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile: n("ip"),
            role: n("r"),
        }
        .into(),
    )
    .await;
    ok(
        t,
        InstanceProfileOp::DeleteInstanceProfile {
            instance_profile: n("ip"),
        }
        .into(),
    )
    .await;
    fails(
        t,
        InstanceProfileOp::DeleteInstanceProfile {
            instance_profile: n("ip"),
        }
        .into(),
        NoSuchEntity,
    )
    .await;
}

pub async fn service_linked_roles_are_unmodifiable(t: &Target) {
    ok(t, role("seed")).await;
    t.edit_mock(|v| {
        let mut r = v["account"]["roles"]["seed"].clone();
        r["name"] = "AWSServiceRoleForSupport".into();
        r["path"] = "/aws-service-role/support.amazonaws.com/".into();
        v["account"]["roles"]["AWSServiceRoleForSupport"] = r;
    });
    let slr = || n("AWSServiceRoleForSupport");
    fails(
        t,
        RoleOp::DeleteRole { role: slr() }.into(),
        UnmodifiableEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::attach(
            Identity::Role(slr()),
            "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
        )
        .into(),
        UnmodifiableEntity,
    )
    .await;
    fails(
        t,
        PermissionOp::put(Identity::Role(slr()), n("x"), allow("s3:GetObject")).into(),
        UnmodifiableEntity,
    )
    .await;
}

// ---- account

pub async fn password_policy_set_and_deleted(t: &Target) {
    let policy = PasswordPolicy {
        minimum_length: Some(14),
        require_symbols: Some(true),
        ..Default::default()
    };
    ok(
        t,
        AccountOp::UpdateAccountPasswordPolicy {
            policy: policy.clone(),
        }
        .into(),
    )
    .await;
    assert_eq!(live(t).await.password_policy, Some(policy));
    let too_short = PasswordPolicy {
        minimum_length: Some(5),
        ..Default::default()
    };
    fails(
        t,
        AccountOp::UpdateAccountPasswordPolicy { policy: too_short }.into(),
        InvalidInput,
    )
    .await;
    ok(t, Operation::from(AccountOp::DeleteAccountPasswordPolicy)).await;
    assert_eq!(live(t).await.password_policy, None);
    fails(
        t,
        Operation::from(AccountOp::DeleteAccountPasswordPolicy),
        NoSuchEntity,
    )
    .await;
}

pub async fn read_reflects_every_change(t: &Target) {
    assert!(live(t).await.is_empty(), "a new account is empty");
    ok_all(
        t,
        vec![
            group("g"),
            user("u"),
            role("r"),
            policy("p"),
            profile("r"),
            UserOp::AddUserToGroup {
                user: n("u"),
                group: n("g"),
            }
            .into(),
            PermissionOp::attach(Identity::Group(n("g")), policy_arn("p")).into(),
            InstanceProfileOp::AddRoleToInstanceProfile {
                instance_profile: n("r"),
                role: n("r"),
            }
            .into(),
        ],
    )
    .await;
    let a = live(t).await;
    assert_eq!(a.len(), 5);
    assert_eq!(a.policies[&n("p")].document, allow("s3:GetObject"));
    assert!(t
        .backend
        .call_counts()
        .get("CreateUser")
        .is_some_and(|c| *c >= 1));
}

// ---- identity providers, the alias, service-linked roles

const GITHUB: &str = "token.actions.githubusercontent.com";

fn oidc(name: &str, thumbprint: Option<&str>) -> Operation {
    OidcProviderOp::CreateOpenIdConnectProvider {
        openid_connect_provider: n(name),
        client_id_list: BTreeSet::from(["sts.amazonaws.com".to_owned()]),
        thumbprint_list: thumbprint.map(|t| BTreeSet::from([t.to_owned()])),
        tags: Tags::new(),
    }
    .into()
}

/// SAML metadata of the examples, with another entity id.
fn metadata(entity: &str) -> SamlMetadata {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/saml-sso/idp-metadata.xml"
    );
    let text = std::fs::read_to_string(path).expect("the SAML example's metadata");
    SamlMetadata(text.replace("https://idp.example.com/saml/metadata", entity))
}

pub async fn oidc_providers_create_update_delete(t: &Target) {
    let thumbprint = "6938fd4d98bab03faadb97b34396831e3780aea1";
    ok(t, oidc(GITHUB, Some(thumbprint))).await;
    fails(t, oidc(GITHUB, Some(thumbprint)), EntityAlreadyExists).await;
    let name = || n(GITHUB);
    let other = "a031c46782e6e6c662c2c87c76da9aa62ccabd8e";
    ok_all(
        t,
        vec![
            OidcProviderOp::UpdateOpenIdConnectProviderThumbprint {
                openid_connect_provider: name(),
                thumbprint_list: BTreeSet::from([other.to_owned()]),
            }
            .into(),
            TagOp {
                target: TagTarget::OpenIdConnectProvider(name()),
                change: TagChange::Set(tags(&[("team", "ci")])),
            }
            .into(),
        ],
    )
    .await;
    let a = live(t).await;
    let p = &a.openid_connect_providers[&name()];
    let sts = BTreeSet::from(["sts.amazonaws.com".to_owned()]);
    assert_eq!(p.client_id_list, sts, "[{}]", t.name);
    assert_eq!(
        p.thumbprint_list,
        Some(BTreeSet::from([other.to_owned()])),
        "[{}]",
        t.name
    );
    assert_eq!(p.tags, tags(&[("team", "ci")]), "[{}]", t.name);
    let delete = || -> Operation {
        OidcProviderOp::DeleteOpenIdConnectProvider {
            openid_connect_provider: name(),
        }
        .into()
    };
    ok(t, delete()).await;
    assert!(
        live(t).await.openid_connect_providers.is_empty(),
        "[{}]",
        t.name
    );
    // Idempotent, as IAM documents it.
    ok(t, delete()).await;
}

pub async fn oidc_client_ids_added_and_removed(t: &Target) {
    ok(t, oidc(GITHUB, None)).await;
    let name = || n(GITHUB);
    ok_all(
        t,
        vec![
            OidcProviderOp::AddClientIdToOpenIdConnectProvider {
                openid_connect_provider: name(),
                client_id: "api://ci".into(),
            }
            .into(),
            OidcProviderOp::RemoveClientIdFromOpenIdConnectProvider {
                openid_connect_provider: name(),
                client_id: "sts.amazonaws.com".into(),
            }
            .into(),
        ],
    )
    .await;
    let a = live(t).await;
    let ids = &a.openid_connect_providers[&name()].client_id_list;
    assert_eq!(
        *ids,
        BTreeSet::from(["api://ci".to_owned()]),
        "[{}]",
        t.name
    );
}

pub async fn saml_providers_create_update_delete(t: &Target) {
    let create = |m: SamlMetadata| -> Operation {
        SamlProviderOp::CreateSamlProvider {
            saml_provider: n("okta"),
            metadata: m,
            tags: tags(&[("owner", "it")]),
        }
        .into()
    };
    ok(t, create(metadata("https://idp.example.com/a"))).await;
    fails(
        t,
        create(metadata("https://idp.example.com/a")),
        EntityAlreadyExists,
    )
    .await;
    let a = live(t).await;
    assert_eq!(
        a.saml_providers[&n("okta")].metadata,
        metadata("https://idp.example.com/a")
    );
    assert_eq!(
        a.saml_providers[&n("okta")].tags,
        tags(&[("owner", "it")]),
        "[{}]",
        t.name
    );
    ok(
        t,
        SamlProviderOp::UpdateSamlProvider {
            saml_provider: n("okta"),
            metadata: metadata("https://idp.example.com/b"),
        }
        .into(),
    )
    .await;
    let a = live(t).await;
    assert_eq!(
        a.saml_providers[&n("okta")].metadata,
        metadata("https://idp.example.com/b")
    );
    let delete = || -> Operation {
        SamlProviderOp::DeleteSamlProvider {
            saml_provider: n("okta"),
        }
        .into()
    };
    ok(t, delete()).await;
    assert!(live(t).await.saml_providers.is_empty(), "[{}]", t.name);
    fails(t, delete(), NoSuchEntity).await;
}

pub async fn trust_policy_naming_a_missing_provider_is_malformed(t: &Target) {
    let federated = format!(r#"{{"Federated":"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"}}"#);
    fails(t, role_trusting("ci", &federated), MalformedPolicyDocument).await;
    ok(t, oidc(GITHUB, None)).await;
    ok(t, role_trusting("ci", &federated)).await;
}

pub async fn account_alias_set_replaced_and_deleted(t: &Target) {
    let create = |a: &str| -> Operation {
        AccountOp::CreateAccountAlias {
            account_alias: a.into(),
        }
        .into()
    };
    ok(t, create("acme-prod")).await;
    let alias = |a: &Account| a.account_alias.as_ref().map(|a| a.alias.clone());
    assert_eq!(
        alias(&live(t).await).as_deref(),
        Some("acme-prod"),
        "[{}]",
        t.name
    );
    ok(t, create("acme-production")).await;
    assert_eq!(
        alias(&live(t).await).as_deref(),
        Some("acme-production"),
        "[{}]",
        t.name
    );
    ok(
        t,
        AccountOp::DeleteAccountAlias {
            account_alias: "acme-production".into(),
        }
        .into(),
    )
    .await;
    assert_eq!(alias(&live(t).await), None, "[{}]", t.name);
}

pub async fn service_linked_roles_created_and_deleted(t: &Target) {
    let service = "autoscaling.amazonaws.com";
    ok(
        t,
        ServiceLinkedRoleOp::CreateServiceLinkedRole {
            service_linked_role: n(service),
            aws_service_name: service.into(),
            custom_suffix: None,
            description: None,
        }
        .into(),
    )
    .await;
    let a = live(t).await;
    let slr = a.service_linked_roles.get(&n(service)).unwrap_or_else(|| {
        panic!(
            "[{}] no service-linked role in {:?}",
            t.name, a.service_linked_roles
        )
    });
    let role_name = slr
        .role_name
        .clone()
        .expect("a live service-linked role has a role");
    assert!(a.roles.contains_key(&role_name), "[{}]", t.name);
    ok(
        t,
        ServiceLinkedRoleOp::DeleteServiceLinkedRole {
            service_linked_role: n(service),
            role_name,
        }
        .into(),
    )
    .await;
    assert!(
        live(t).await.service_linked_roles.is_empty(),
        "[{}]",
        t.name
    );
}
