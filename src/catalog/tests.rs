//! The embedded catalog: it decodes, holds what AWS documents, and answers lookups.

use super::*;

fn catalog() -> &'static Catalog {
    Catalog::embedded().expect("the embedded catalog decodes")
}

#[test]
fn embedded_catalog_is_complete_enough() {
    let c = catalog();
    assert!(c.services().count() > 400, "{}", c.services().count());
    assert!(c.action_count() > 15_000, "{}", c.action_count());
    assert!(!c.source_version.is_empty());
}

#[test]
fn known_actions_with_levels_and_keys() {
    let c = catalog();
    let s3 = c.service("s3").unwrap();
    let get = s3.action("getobject").unwrap();
    assert_eq!(get.name, "GetObject");
    assert_eq!(get.level, AccessLevel::Read);
    assert!(s3
        .condition_keys(get)
        .any(|k| k == "s3:ExistingObjectTag/<key>"));
    let iam = c.service("IAM").unwrap();
    assert_eq!(iam.action("PassRole").unwrap().level, AccessLevel::Write);
    assert_eq!(
        iam.action("AttachRolePolicy").unwrap().level,
        AccessLevel::PermissionsManagement
    );
    assert_eq!(iam.action("TagRole").unwrap().level, AccessLevel::Tagging);
    assert_eq!(iam.action("ListRoles").unwrap().level, AccessLevel::List);
}

#[test]
fn lookups() {
    let c = catalog();
    assert!(matches!(c.lookup("*"), Lookup::Everything));
    assert!(matches!(c.lookup("s3:GetObject"), Lookup::Action(_, _)));
    assert!(matches!(c.lookup("s3:Get*"), Lookup::Pattern(n) if n > 10));
    assert!(matches!(c.lookup("s3:*"), Lookup::Pattern(_)));
    assert!(matches!(
        c.lookup("s3:Frob*"),
        Lookup::PatternMatchesNothing(Some(_))
    ));
    assert!(
        matches!(c.lookup("s3:GetObjekt"), Lookup::UnknownAction(s) if s.suggest("GetObjekt") == Some("GetObject"))
    );
    assert!(matches!(
        c.lookup("s4:GetObject"),
        Lookup::UnknownService(Some("s3"))
    ));
    assert!(matches!(
        c.lookup("nosuchservicex:Get"),
        Lookup::UnknownService(None)
    ));
    assert!(matches!(c.lookup("ec*:Describe*"), Lookup::Pattern(_)));
    assert!(matches!(
        c.lookup("zz*:Describe*"),
        Lookup::PatternMatchesNothing(None)
    ));
    assert!(matches!(c.lookup("GetObject"), Lookup::Malformed));
}

#[test]
fn corrupt_data_is_an_error_not_a_panic() {
    assert!(parse::decode(b"not zlib").is_err());
    assert!(parse::parse("something else\n").is_err());
    assert!(parse::parse("iamform-catalog\t1\tx\nA\tGet\tR\t\n").is_err());
    assert!(parse::parse("iamform-catalog\t1\tx\nS\ts\tS\nK\nA\tGet\tR\t3\n").is_err());
    assert!(parse::parse("iamform-catalog\t1\tx\nS\ts\tS\nK\nA\tGet\tQ\t\n").is_err());
    let ok = parse::parse("iamform-catalog\t1\tx\nS\ts\tS\nK\tk\nA\tGet\tR\t0\n").unwrap();
    assert_eq!(ok.action_count(), 1);
}

#[test]
fn condition_keys_of_a_service() {
    let s3 = catalog().service("s3").unwrap();
    assert!(s3.has_condition_key("s3:prefix"));
    assert!(s3.has_condition_key("S3:Prefix"));
    assert!(s3.has_condition_key("s3:ExistingObjectTag/team"));
    assert!(!s3.has_condition_key("s3:ExistingObjectTag"));
    assert!(!s3.has_condition_key("s3:prefx"));
    assert!(s3.all_condition_keys().len() > 20);
    let kms = catalog().service("kms").unwrap();
    assert!(kms.has_condition_key("kms:EncryptionContext:aws:s3:arn"));
    assert!(!kms.has_condition_key("kms:EncryptionContext"));
    let codebuild = catalog().service("codebuild").unwrap();
    assert!(codebuild.has_condition_key("codebuild:secondarySources/src1.location"));
    assert_eq!(placeholders_as_wildcards("a/${B}.c<d>"), "a/*.c*");
    assert_eq!(placeholders_as_wildcards("a$b<c"), "a$b<c");
}
