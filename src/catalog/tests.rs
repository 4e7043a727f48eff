//! The embedded catalog: it decodes, holds what AWS documents, and answers lookups.

use super::arn::MAX_ARN_LENGTH;
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
    let head = "iamform-catalog\t2\tx\n";
    assert!(
        parse::parse("iamform-catalog\t1\tx\nS\ts\tS\nK\tk\nA\tGet\tR\t0\n").is_err(),
        "format 1"
    );
    for bad in [
        "A\tGet\tR\t\t\n",
        "S\ts\tS\nK\nA\tGet\tR\t3\t\n",
        "S\ts\tS\nK\nA\tGet\tQ\t\t\n",
        "S\ts\tS\nK\nA\tGet\tR\t\n",
        "S\ts\tS\nK\tk\nR\tthing\t\tarn:${Partition}:s:::${Name}\nA\tGet\tR\t\t1\n",
        "S\ts\tS\nK\tk\nR\tthing\t\tarn:${Partition}:s:::${Name}\nA\tGet\tR\t\t0=1\n",
        "S\ts\tS\nK\tk\nR\tthing\t4\tarn:${Partition}:s:::${Name}\n",
        "S\ts\tS\nK\nR\n",
        "S\ts\tS\nX\n",
    ] {
        assert!(parse::parse(&format!("{head}{bad}")).is_err(), "{bad}");
    }
    let ok = parse::parse(&format!(
        "{head}S\ts\tS\nK\tk\tl\tm\nR\tthing\t2\tarn:${{Partition}}:s:::${{Name}}\nA\tGet\tR\t0\t0!=1\nA\tList\tL\t\t\n"
    ))
    .unwrap();
    assert_eq!((ok.action_count(), ok.resource_type_count()), (2, 1));
    let s = ok.service("s").unwrap();
    let get = s.action("Get").unwrap();
    assert!(!get.only_star());
    assert_eq!(s.condition_keys(get).collect::<Vec<_>>(), ["k", "l", "m"]);
    let types: Vec<(&str, bool)> = s
        .action_resource_types(get)
        .map(|(t, r)| (t.name.as_str(), r))
        .collect();
    assert_eq!(types, [("thing", true)]);
    assert!(s.action("List").unwrap().only_star());
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

#[test]
fn resource_types_and_their_arn_patterns() {
    let c = catalog();
    assert!(
        c.resource_type_count() > 2000,
        "{}",
        c.resource_type_count()
    );
    let s3 = c.service("s3").unwrap();
    let list = s3.action("ListBucket").unwrap();
    let types: Vec<&str> = s3
        .action_resource_types(list)
        .map(|(t, _)| t.name.as_str())
        .collect();
    assert!(types.contains(&"bucket"), "{types:?}");
    let bucket = s3
        .resource_types()
        .iter()
        .find(|t| t.name == "bucket")
        .unwrap();
    assert_eq!(
        bucket.patterns[0].as_str(),
        "arn:${Partition}:s3:::${BucketName}"
    );
    assert!(s3.action("ListAllMyBuckets").unwrap().only_star());
    assert!(!s3.action("GetObject").unwrap().only_star());
    let logs = c.service("logs").unwrap();
    assert!(logs.action("DescribeLogGroups").unwrap().only_star());
    // Resource types with several patterns (the package joins them with ", ").
    let apigw = c.service("apigateway").unwrap();
    assert!(apigw.resource_types().iter().any(|t| t.patterns.len() > 1));
    // Global and service keys.
    assert!(s3
        .global_condition_keys()
        .any(|k| k == "aws:ResourceTag/${TagKey}"));
    assert!(s3.service_condition_keys().any(|k| k == "s3:prefix"));
    assert!(s3.service_condition_keys().all(|k| !k.starts_with("aws:")));
    // Condition keys per resource type: a role's tags apply to sts:AssumeRole.
    let sts = c.service("sts").unwrap();
    assert!(sts.supports_condition_key(sts.action("AssumeRole").unwrap(), "iam:ResourceTag/team"));
    assert!(s3.supports_condition_key(list, "S3:Prefix"));
    assert!(!s3.supports_condition_key(s3.action("GetObject").unwrap(), "s3:prefix"));
}

/// (catalog ARN pattern, policy resource, whether some ARN matches both).
#[test]
fn arn_patterns_overlap_policy_resources() {
    let bucket = ("s3", "arn:${Partition}:s3:::${BucketName}");
    let object = ("s3", "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
    let log_group = (
        "logs",
        "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
    );
    let role = (
        "iam",
        "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
    );
    let table = (
        "dynamodb",
        "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
    );
    for ((service, pattern), resource, expected) in [
        (bucket, "*", true),
        (bucket, "arn:aws:s3:::b", true),
        (bucket, "arn:aws:s3:::b*", true),
        (bucket, "arn:aws:s3:::*", true),
        (bucket, "arn:*:s3:::b", true),
        (bucket, "arn:aws:s3:::b/*", false),
        (bucket, "arn:aws:s3:::b/x", false),
        (bucket, "arn:aws:s3:::", false),
        (bucket, "arn:aws:s3:us-east-1::b", false),
        (bucket, "arn:aws:s3:*:*:b", true),
        (bucket, "arn:aws:s3:::${aws:username}", true),
        (bucket, "arn:aws:sqs:::b", false),
        (bucket, "arn:aws:s3:::b?", true),
        (object, "arn:aws:s3:::b/*", true),
        (object, "arn:aws:s3:::b*", true),
        (object, "arn:aws:s3:::*", true),
        (object, "arn:aws:s3:::b", false),
        (object, "arn:aws:s3:::b/", false),
        (object, "arn:aws:s3:::b/home/${aws:username}/*", true),
        (object, "arn:aws:s3:::b/a:b", true),
        (
            log_group,
            "arn:aws:logs:*:*:log-group:/aws/lambda/x:*",
            true,
        ),
        (
            log_group,
            "arn:aws:logs:us-east-1:111122223333:log-group:*",
            true,
        ),
        (log_group, "arn:aws:logs:*:*:*", true),
        (log_group, "arn:aws:logs:*:*:log-stream:x", false),
        (role, "arn:aws:iam::111122223333:role/a/b/c", true),
        (role, "arn:aws:iam::*:role/*", true),
        (role, "arn:aws:iam::111122223333:user/x", false),
        (role, "arn:aws:iam::111122223333:r*", true),
        (table, "arn:aws:dynamodb:*:*:table/t", true),
        (table, "arn:aws:dynamodb:*:*:table/t/index/*", false),
        (table, "arn:aws:dynamodb:*:*:table/*", true),
        // A header placeholder may also be empty; letters compare exactly.
        (log_group, "arn:aws:logs:::log-group:x", true),
        (bucket, "arn:aws:S3:::b", false),
    ] {
        let p = ArnPattern::new(service, pattern);
        assert_eq!(
            p.overlaps(&PolicyResource::new(resource)),
            expected,
            "{pattern} ~ {resource}"
        );
    }
    let huge = format!("arn:aws:s3:::{}", "x/".repeat(MAX_ARN_LENGTH));
    assert!(ArnPattern::new(bucket.0, bucket.1).overlaps(&PolicyResource::new(&huge)));
    for (resource, star) in [
        ("*", true),
        ("?", true),
        ("**", true),
        ("arn:aws:s3:::*", false),
        ("a*", false),
    ] {
        assert_eq!(
            PolicyResource::new(resource).matches_star(),
            star,
            "{resource}"
        );
    }
}

#[test]
fn resource_types_matching_for_the_access_evaluator() {
    let m = resource_types_matching("s3:GetObject", "arn:aws:s3:::b/k").unwrap();
    assert!(m.applies());
    assert!(
        matches!(&m, Matching::Types { matching, .. } if matching.iter().any(|t| t.name == "object"))
    );
    let m = resource_types_matching("s3:ListBucket", "arn:aws:s3:::b/k").unwrap();
    assert!(!m.applies());
    assert!(matches!(m, Matching::Types { matching, of } if matching.is_empty() && of >= 1));
    let m = resource_types_matching(
        "logs:DescribeLogGroups",
        "arn:aws:logs:us-east-1:1:log-group:x",
    )
    .unwrap();
    assert!(matches!(m, Matching::OnlyStar { applies: false }));
    assert!(resource_types_matching("logs:DescribeLogGroups", "*")
        .unwrap()
        .applies());
    assert!(resource_types_matching("s3:Nope", "*").is_none());
    // A prefix documented on several pages: any of its resource types may be the action's.
    let elb = catalog().service("elasticloadbalancing").unwrap();
    assert!(!elb.complete() && catalog().service("s3").unwrap().complete());
    let tg = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/0123456789abcdef";
    assert!(resource_types_matching("elasticloadbalancing:AddTags", tg)
        .unwrap()
        .applies());
    assert!(
        !resource_types_matching("elasticloadbalancing:AddTags", "arn:aws:s3:::b")
            .unwrap()
            .applies()
    );
    assert!(resource_types_matching("s3:Get*", "*").is_none());
}

#[test]
fn expanding_actions() {
    let c = catalog();
    assert_eq!(c.expand("s3:GetObject").len(), 1);
    assert!(c.expand("s3:Get*").len() > 10);
    assert!(c
        .expand("ec*:Describe*")
        .iter()
        .any(|(s, _)| s.prefix == "ecs"));
    assert_eq!(c.expand("*").len(), c.action_count());
    assert!(c.expand("s3:Nope").is_empty());
    assert!(c.expand("deepracer:*").is_empty());
    assert!(c.expand("nocolon").is_empty());
}

#[test]
fn retired_prefixes_are_not_in_the_catalog_and_say_when_they_left() {
    let c = catalog();
    for r in retired::RETIRED {
        assert!(
            c.service(r.prefix).is_none(),
            "{} is in the catalog again: remove it from retired.rs",
            r.prefix
        );
        assert!(
            r.lost.len() == 10 && r.lost.as_bytes()[4] == b'-' && r.lost.as_bytes()[7] == b'-',
            "{}: {}",
            r.prefix,
            r.lost
        );
        // A release's version ends in its date.
        if let Some(last) = r.last {
            assert!(last.rsplit('.').next().unwrap().len() == 9, "{last}");
        }
    }
    let prefixes: Vec<&str> = retired::RETIRED.iter().map(|r| r.prefix).collect();
    let mut sorted = prefixes.clone();
    sorted.sort();
    assert_eq!(prefixes, sorted);
    for p in [
        "deepracer",
        "mobilehub",
        "iotroborunner",
        "deeplens",
        "datazonecontrol",
        "sagemaker-groundtruth-synthetic",
    ] {
        assert!(
            matches!(c.lookup(&format!("{p}:Anything")), Lookup::RetiredService(r) if r.prefix == p),
            "{p}"
        );
    }
    assert!(matches!(c.lookup("DeepRacer:*"), Lookup::RetiredService(_)));
    assert!(matches!(
        c.lookup("nosuchservicex:Get"),
        Lookup::UnknownService(None)
    ));
}
