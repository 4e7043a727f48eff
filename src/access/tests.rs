//! Evaluation over whole accounts: identity policies through groups, boundaries, trust policies.

use super::*;
use crate::model::Account;

const ID: &str = "123456789012";

fn account(json: &str) -> Account {
    serde_json::from_str(json).expect("an account")
}

fn can(acct: &Account, who: &str, action: &str, resource: &str) -> Evaluation {
    AccessIndex::new(acct, ID)
        .at(1_714_564_800)
        .can(&who.parse().unwrap(), action, resource, &[])
        .unwrap()
}

#[test]
fn group_policy_allows_and_inline_deny_wins() {
    let acct = account(
        r#"{
        "users": {"ann": {"name": "ann", "groups": ["dev"],
            "inline_policies": {"no-delete": {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"}}}}},
        "groups": {"dev": {"name": "dev", "policies": ["arn:aws:iam::123456789012:policy/s3"]}},
        "policies": {"s3": {"name": "s3", "document": {"Version": "2012-10-17", "Statement": {"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}}}
    }"#,
    );
    let ev = can(&acct, "user.ann", "s3:GetObject", "arn:aws:s3:::b/k");
    assert_eq!(ev.decision, Decision::Allowed);
    assert_eq!(ev.matched.len(), 1);
    assert_eq!(ev.matched[0].policy, "policy.s3");
    assert_eq!(ev.matched[0].via.as_deref(), Some("group.dev"));
    assert_eq!(ev.matched[0].sid.as_deref(), Some("All"));
    let ev = can(&acct, "user.ann", "s3:DeleteObject", "arn:aws:s3:::b/k");
    assert_eq!(ev.decision, Decision::ExplicitDeny);
    assert_eq!(ev.matched[0].policy, "user.ann inline_policy.no-delete");
    let ev = can(&acct, "user.ann", "ec2:RunInstances", "*");
    assert_eq!(ev.decision, Decision::ImplicitDeny);
}

#[test]
fn unknown_principal_is_an_error() {
    let acct = Account::default();
    let e = AccessIndex::new(&acct, ID)
        .can(&"user.nobody".parse().unwrap(), "s3:GetObject", "*", &[])
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "user.nobody is not a user or role of this account"
    );
}

#[test]
fn aws_managed_policies_are_evaluated() {
    let acct = account(
        r#"{"users": {"ann": {"name": "ann", "policies": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}}"#,
    );
    assert!(can(&acct, "user.ann", "s3:GetObject", "arn:aws:s3:::b/k").allowed());
    assert!(!can(&acct, "user.ann", "s3:PutObject", "arn:aws:s3:::b/k").allowed());
    assert!(would_allow(
        &acct,
        ID,
        &"user.ann".parse().unwrap(),
        "iam:GetUser",
        "arn:aws:iam::123456789012:user/ann"
    ));
    assert!(!would_allow(
        &acct,
        ID,
        &"user.ann".parse().unwrap(),
        "iam:PutUserPolicy",
        "arn:aws:iam::123456789012:user/ann"
    ));
}
