use super::*;
use crate::diff::diff;
use crate::model::{Group, ManagedPolicy, Role, Scope, User};

const ACCT: &str = "123456789012";

fn doc(action: &str) -> PolicyDocument {
    statement("Allow", "Action", action)
}

fn statement(effect: &str, key: &str, action: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(&format!(
        r#"{{"Statement":{{"Effect":"{effect}","{key}":"{action}","Resource":"*"}}}}"#
    ))
    .unwrap()
}

fn deny(action: &str) -> PolicyDocument {
    statement("Deny", "Action", action)
}

#[test]
fn iam_coverage() {
    for (a, ok) in [
        ("*", true),
        ("iam:*", true),
        ("IAM:CreateUser", true),
        ("i*", true),
        ("iam:Get*", true),
        ("s3:*", false),
        ("s*", false),
        ("sts:AssumeRole", false),
    ] {
        assert_eq!(covers_iam(a), ok, "{a}");
    }
    assert!(loses_iam(&doc("iam:*"), &doc("s3:*")));
    assert!(!loses_iam(&doc("s3:*"), &doc("s3:GetObject")));
    assert!(!loses_iam(&doc("iam:*"), &doc("iam:*")));
}

/// Every call an operation makes is in the table of what iamform needs.
#[test]
fn the_needed_actions_cover_every_operation() {
    let samples = include_str!("../operation/samples.txt");
    for line in samples.lines().filter(|l| !l.trim().is_empty()) {
        let json = line.split('\t').next().unwrap();
        let op: Operation = serde_json::from_str(json).unwrap();
        let action = format!("iam:{}", op.api_name());
        assert!(
            NEEDED.contains(&action.as_str()),
            "{action} is not in NEEDED"
        );
    }
}

fn user(name: &str, groups: &[&str], inline: Option<PolicyDocument>) -> User {
    let mut u: User = serde_json::from_value(serde_json::json!({ "name": name })).unwrap();
    u.groups = groups.iter().map(|g| (*g).into()).collect();
    u.inline_policies = inline.map(|d| ("own".into(), d)).into_iter().collect();
    u
}

fn group(name: &str, document: PolicyDocument) -> Group {
    Group {
        name: name.into(),
        path: "/".into(),
        policies: Default::default(),
        inline_policies: [("p".into(), document)].into(),
    }
}

/// Adds the managed policy `name` to `account`; returns the caller, user `ci`, to be given it.
fn add_policy_for_ci<'a>(
    account: &'a mut Account,
    name: &str,
    document: PolicyDocument,
) -> &'a mut User {
    account.policies.insert(name.into(), policy(name, document));
    account
        .users
        .get_mut(&Name::from("ci"))
        .expect("the caller")
}

fn policy(name: &str, document: PolicyDocument) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        path: "/".into(),
        description: None,
        tags: Default::default(),
        document,
        versions: vec![],
    }
}

fn policy_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCT}:policy/{name}")
}

fn plan(desired: &Account, live: &Account) -> Plan {
    let scope = Scope {
        paths: vec!["/".into()],
        exclude: vec![],
        kinds: None,
    };
    crate::plan::build(
        diff(desired, live, Some(&scope)),
        desired,
        live,
        ACCT,
        &Default::default(),
    )
    .unwrap()
}

fn ci() -> Address {
    Address::new(Kind::User, "ci")
}

/// `ci` in group `admins` (inline `iam:*`) and group `readers` (S3), with its own inline
/// `iam:*`; another user `other` in `admins`.
fn team() -> Account {
    let mut live = Account::default();
    live.users.insert(
        "ci".into(),
        user("ci", &["admins", "readers"], Some(doc("iam:*"))),
    );
    live.users
        .insert("other".into(), user("other", &["admins"], None));
    live.groups
        .insert("admins".into(), group("admins", doc("iam:*")));
    live.groups
        .insert("readers".into(), group("readers", doc("s3:Get*")));
    live
}

/// The caller `ci` with managed policy `admin` attached, in an account with the managed policies
/// `policies`, each allowing `iam:*`.
fn ci_with_admin(policies: &[&str]) -> Account {
    let mut live = Account::default();
    let mut u = user("ci", &[], None);
    u.policies.insert(policy_arn("admin"));
    live.users.insert("ci".into(), u);
    for name in policies {
        live.policies
            .insert((*name).into(), policy(name, doc("iam:*")));
    }
    live
}

fn operations(found: &[Lockout]) -> BTreeSet<&str> {
    found.iter().map(|l| l.operation.as_str()).collect()
}

#[test]
fn flags_what_takes_iam_from_the_caller_and_nothing_else() {
    let live = team();
    // Removing ci from the S3 group, and touching another user, is fine.
    let mut desired = live.clone();
    desired.users.get_mut(&Name::from("ci")).unwrap().groups = ["admins".into()].into();
    desired.users.remove(&Name::from("other"));
    assert_eq!(
        check(&plan(&desired, &live), &live, &ci()),
        Verdict::default()
    );

    // Leaving the admins group while keeping the inline iam:* loses nothing: not refused.
    let mut desired = live.clone();
    desired.users.get_mut(&Name::from("ci")).unwrap().groups = ["readers".into()].into();
    assert!(check(&plan(&desired, &live), &live, &ci()).is_empty());

    // Leaving the admins group and losing the inline policy: both named, and what is lost.
    let u = desired.users.get_mut(&Name::from("ci")).unwrap();
    u.inline_policies.clear();
    let verdict = check(&plan(&desired, &live), &live, &ci());
    assert_eq!(
        operations(&verdict.found),
        BTreeSet::from([
            "DeleteUserPolicy user.ci inline own",
            "RemoveUserFromGroup user.ci group.admins"
        ])
    );
    assert!(
        verdict.lost.contains(&"iam:CreateUser on *".to_owned()),
        "{verdict:?}"
    );
    assert!(verdict
        .lost
        .contains(&format!("iam:PutUserPolicy on arn:aws:iam::{ACCT}:user/ci")));

    // Deleting the caller is flagged; the message names the operation and the flag.
    let mut desired = live.clone();
    desired.users.remove(&Name::from("ci"));
    let verdict = check(&plan(&desired, &live), &live, &ci());
    assert!(verdict
        .found
        .iter()
        .any(|l| l.operation == "DeleteUser user.ci"));
    let msg = refusal(&ci(), &verdict);
    for part in ["DeleteUser user.ci: deletes the caller", "--allow-lockout"] {
        assert!(msg.contains(part), "{msg}");
    }
}

#[test]
fn role_trust_change_and_aws_managed_detach_are_flagged() {
    let mut role = Role {
        name: "deploy".into(),
        path: "/".into(),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Default::default(),
        assume_role_policy: PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        )
        .unwrap(),
        policies: ["arn:aws:iam::aws:policy/IAMFullAccess".into()].into(),
        inline_policies: Default::default(),
    };
    let mut live = Account::default();
    live.roles.insert("deploy".into(), role.clone());
    role.policies.clear();
    role.assume_role_policy = PolicyDocument::from_json_str(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
    )
    .unwrap();
    let mut desired = Account::default();
    desired.roles.insert("deploy".into(), role);
    let found = check(
        &plan(&desired, &live),
        &live,
        &Address::new(Kind::Role, "deploy"),
    )
    .found;
    let ops = operations(&found);
    assert!(
        ops.contains("UpdateAssumeRolePolicy role.deploy"),
        "{ops:?}"
    );
    assert!(
        ops.contains("DetachRolePolicy role.deploy arn:aws:iam::aws:policy/IAMFullAccess"),
        "{ops:?}"
    );
}

/// Issue 23.5: what adds a Deny is seen, wherever the Deny comes from.
#[test]
fn added_deny_statements_are_refused_wherever_they_come_from() {
    let live = team();
    let refused = |desired: &Account, op: &str, why: &str| {
        let verdict = check(&plan(desired, &live), &live, &ci());
        let found = verdict.found.iter().find(|f| f.operation == op);
        let found = found.unwrap_or_else(|| panic!("{op} not refused: {verdict:?}"));
        assert_eq!(found.why, why, "{verdict:?}");
        assert!(!verdict.lost.is_empty(), "{verdict:?}");
    };

    // A new managed policy denying iam:* attached to the caller.
    let mut desired = live.clone();
    let u = add_policy_for_ci(&mut desired, "no-iam", deny("iam:*"));
    u.policies.insert(policy_arn("no-iam"));
    let attach = format!("AttachUserPolicy user.ci {}", policy_arn("no-iam"));
    refused(&desired, &attach, "the policy denies IAM actions");

    // An inline Deny on one of its groups.
    let mut desired = live.clone();
    let g = desired.groups.get_mut(&Name::from("readers")).unwrap();
    g.inline_policies.insert("stop".into(), deny("iam:Create*"));
    refused(
        &desired,
        "PutGroupPolicy group.readers inline stop",
        "the inline policy denies IAM actions",
    );

    // A Deny with NotAction: everything but S3 is denied.
    let mut desired = live.clone();
    let g = desired.groups.get_mut(&Name::from("readers")).unwrap();
    g.inline_policies
        .insert("only-s3".into(), statement("Deny", "NotAction", "s3:*"));
    refused(
        &desired,
        "PutGroupPolicy group.readers inline only-s3",
        "the inline policy denies IAM actions",
    );

    // A new permissions boundary that allows only S3.
    let mut desired = live.clone();
    let u = add_policy_for_ci(&mut desired, "s3-only", doc("s3:*"));
    u.permissions_boundary = Some(policy_arn("s3-only"));
    refused(
        &desired,
        &format!(
            "PutUserPermissionsBoundary user.ci {}",
            policy_arn("s3-only")
        ),
        "puts a permissions boundary on the caller",
    );
}

#[test]
fn a_policy_version_that_narrows_is_refused_and_a_harmless_change_is_not() {
    let live = ci_with_admin(&["admin"]);

    let mut narrower = live.clone();
    narrower
        .policies
        .get_mut(&Name::from("admin"))
        .unwrap()
        .document = doc("iam:Get*");
    let verdict = check(&plan(&narrower, &live), &live, &ci());
    assert_eq!(
        operations(&verdict.found),
        BTreeSet::from(["CreatePolicyVersion policy.admin"])
    );
    assert_eq!(
        verdict.found[0].why,
        "the new version grants fewer IAM actions"
    );
    assert!(verdict.lost.contains(&"iam:CreateUser on *".to_owned()));

    // Harmless: a new S3 policy attached, an S3 Deny added, a tag, another user changed.
    let mut harmless = live.clone();
    let u = add_policy_for_ci(&mut harmless, "s3", doc("s3:GetObject"));
    u.policies.insert(policy_arn("s3"));
    u.inline_policies
        .insert("no-s3".into(), deny("s3:DeleteBucket"));
    u.tags.insert("team".into(), "platform".into());
    harmless
        .users
        .insert("intern".into(), user("intern", &[], None));
    let p = plan(&harmless, &live);
    assert!(p.operations.len() >= 4, "{p:?}");
    assert_eq!(check(&p, &live, &ci()), Verdict::default());
}

/// Swapping the caller's only IAM policy for another: the walk may detach the old one before it
/// attaches the new one (they do not depend on each other), and the caller then has no IAM
/// permissions for the attach. The desired account alone would not show it.
#[test]
fn a_loss_in_the_middle_of_the_apply_is_refused() {
    let live = ci_with_admin(&["admin", "admin2"]);
    let op = |json: serde_json::Value| -> Operation { serde_json::from_value(json).unwrap() };
    let detach = op(serde_json::json!({
        "op": "DetachUserPolicy", "user": "ci", "policy_arn": policy_arn("admin")
    }));
    let attach = op(serde_json::json!({
        "op": "AttachUserPolicy", "user": "ci", "policy_arn": policy_arn("admin2")
    }));
    let mut plan = plan(&live, &live);
    assert!(plan.operations.is_empty());
    for (id, operation) in [detach, attach].into_iter().enumerate() {
        plan.operations.push(crate::plan::PlannedOperation {
            id,
            address: ci(),
            operation,
            depends_on: vec![],
        });
    }
    let verdict = check(&plan, &live, &ci());
    assert!(
        verdict
            .found
            .iter()
            .any(|f| f.operation == format!("DetachUserPolicy user.ci {}", policy_arn("admin"))),
        "{verdict:?}"
    );
    // In the other order nothing is lost at any point.
    plan.operations.reverse();
    for (id, o) in plan.operations.iter_mut().enumerate() {
        o.id = id;
    }
    assert!(check(&plan, &live, &ci()).is_empty());
}
