//! Property tests: equivalence is reflexive and symmetric, meaning-preserving rewrites compare
//! equal (and hash equal), parse(render(d)) == d for the pretty and the minimal rendering.

use super::mutate::{reorder, with_whitespace, Rng};
use iamform::model::policy::PolicyDocument;
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

fn hash_of(d: &PolicyDocument) -> u64 {
    let mut h = DefaultHasher::new();
    d.hash(&mut h);
    h.finish()
}

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::collection::btree_set(prop::sample::select(pool), 1..4)
        .prop_map(|s| Value::Array(s.into_iter().map(|x| Value::String(x.to_owned())).collect()))
}

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:List*",
    "iam:PassRole",
    "ec2:Describe*",
    "*",
];
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::b",
    "arn:aws:s3:::b/*",
    "arn:aws:iam::111122223333:role/x",
];
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::444455556666:role/ci",
    "arn:aws:iam::777788889999:root",
];
const SERVICES: &[&str] = &["ec2.amazonaws.com", "lambda.amazonaws.com"];
const VALUES: &[&str] = &["true", "false", "10", "team-a", "team-b", "203.0.113.0/24"];

fn condition() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(
        prop::sample::select(
            &[
                "StringEquals",
                "Bool",
                "NumericLessThan",
                "ForAnyValue:StringLike",
            ][..],
        ),
        prop::collection::btree_map(
            prop::sample::select(
                &[
                    "aws:username",
                    "aws:SecureTransport",
                    "aws:TagKeys",
                    "s3:max-keys",
                ][..],
            ),
            list(VALUES),
            1..3,
        ),
        0..3,
    )
    .prop_map(|ops| {
        Value::Object(
            ops.into_iter()
                .map(|(op, keys)| {
                    (
                        op.to_owned(),
                        Value::Object(keys.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
                    )
                })
                .collect(),
        )
    })
}

fn statement() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop::sample::select(&["A", "B", "ReadAll"][..])),
        prop::bool::ANY,
        prop::bool::ANY,
        list(ACTIONS),
        prop::bool::ANY,
        list(RESOURCES),
        prop::option::of((list(PRINCIPALS), list(SERVICES))),
        condition(),
    )
        .prop_map(
            |(sid, allow, not_action, actions, not_resource, resources, principal, condition)| {
                let mut s = Map::new();
                if let Some(sid) = sid {
                    s.insert("Sid".into(), json!(sid));
                }
                s.insert("Effect".into(), json!(if allow { "Allow" } else { "Deny" }));
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    actions,
                );
                s.insert(
                    if not_resource {
                        "NotResource"
                    } else {
                        "Resource"
                    }
                    .into(),
                    resources,
                );
                if let Some((aws, service)) = principal {
                    s.insert("Principal".into(), json!({"AWS": aws, "Service": service}));
                }
                if condition.as_object().is_some_and(|c| !c.is_empty()) {
                    s.insert("Condition".into(), condition);
                }
                Value::Object(s)
            },
        )
}

fn document() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop::sample::select(&["2012-10-17", "2008-10-17"][..])),
        prop::option::of(prop::sample::select(&["doc-1", "doc-2"][..])),
        prop::collection::vec(statement(), 1..5),
    )
        .prop_map(|(version, id, statements)| {
            let mut d = Map::new();
            if let Some(v) = version {
                d.insert("Version".into(), json!(v));
            }
            if let Some(id) = id {
                d.insert("Id".into(), json!(id));
            }
            d.insert("Statement".into(), Value::Array(statements));
            Value::Object(d)
        })
}

fn parse(v: &Value) -> PolicyDocument {
    PolicyDocument::from_value(v).unwrap_or_else(|e| panic!("{e}\n{v:#}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn equivalence_is_reflexive(v in document()) {
        let d = parse(&v);
        prop_assert_eq!(&d, &d.clone());
        prop_assert_eq!(&d, &parse(&v));
    }

    #[test]
    fn equivalence_is_symmetric_and_hash_consistent(a in document(), b in document()) {
        let (a, b) = (parse(&a), parse(&b));
        prop_assert_eq!(a == b, b == a);
        if a == b {
            prop_assert_eq!(hash_of(&a), hash_of(&b));
        }
        // Equal by meaning exactly when the canonical renderings are equal.
        prop_assert_eq!(a == b, a.to_minimal() == b.to_minimal());
    }

    #[test]
    fn rewrites_that_keep_the_meaning_compare_equal(v in document(), seed in any::<u64>()) {
        let d = parse(&v);
        let mut rng = Rng::new(seed);
        let rewritten = reorder(&v, &mut rng);
        let text = with_whitespace(&rewritten, &mut rng);
        let e = PolicyDocument::from_json_str(&text).unwrap_or_else(|err| panic!("{err}\n{text}"));
        prop_assert_eq!(&d, &e, "{}", text);
        prop_assert_eq!(&e, &d);
        prop_assert_eq!(hash_of(&d), hash_of(&e));
        prop_assert_eq!(d.to_pretty(), e.to_pretty());
    }

    #[test]
    fn parse_of_render_is_the_document(v in document()) {
        let d = parse(&v);
        prop_assert_eq!(&PolicyDocument::from_json_str(&d.to_pretty()).unwrap(), &d);
        prop_assert_eq!(&PolicyDocument::from_json_str(&d.to_minimal()).unwrap(), &d);
        // Rendering is canonical: rendering the parse of a rendering gives the same text.
        prop_assert_eq!(PolicyDocument::from_json_str(&d.to_minimal()).unwrap().to_minimal(), d.to_minimal());
        // The size IAM counts is the minimal rendering without whitespace.
        prop_assert_eq!(d.size(), d.to_minimal().chars().filter(|c| !c.is_whitespace()).count());
    }

    #[test]
    fn a_changed_value_is_a_change(v in document(), seed in any::<u64>()) {
        let d = parse(&v);
        let mut changed = v.clone();
        let statements = changed["Statement"].as_array_mut().unwrap();
        let i = (seed as usize) % statements.len();
        statements[i]["Sid"] = json!("Changed");
        prop_assert_ne!(&d, &parse(&changed));
    }
}
