//! Fuzzing the third input an attacker writes: saved plan files. A real saved plan (made once by
//! the binary) is mutated — a value anywhere replaced by another of any type, a member removed,
//! an array element repeated, bytes cut or flipped — and loaded as `apply` and `show` load it;
//! every case must end in a plan or a sentence, never a panic, and a plan that loads must pass
//! or fail `show`'s check of its operations against its changes, again without a panic.

use iamform::plan::saved::check;
use iamform::plan::saved::load::{self, Refusal};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// A saved plan with creations, an update, a variable and a file read by `file()`.
fn seed() -> &'static Value {
    static SEED: OnceLock<Value> = OnceLock::new();
    SEED.get_or_init(|| {
        let t = crate::harness::Test::new().file(
            "main.hcl",
            "group \"web\" {}\nuser \"old\" { groups = [group.web.name] }\n",
        );
        t.apply();
        t.write(
            "main.hcl",
            "variable \"who\" {\n  default = \"ana\"\n}\ngroup \"web\" {\n  path = \"/teams/\"\n}\n\
             user \"u\" {\n  name   = var.who\n  groups = [group.web.name]\n}\n\
             policy \"p\" {\n  document = file(\"p.json\")\n}\n",
        );
        t.write(
            "p.json",
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
        );
        let plan = t.path("plan.json");
        t.run(&["plan", "--out", plan.to_str().unwrap()]).expect(0);
        serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap()
    })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(1e308)),
        "[a-zA-Z0-9./:_*-]{0,12}".prop_map(Value::from),
        Just(json!("../../etc/passwd")),
        Just(json!("user.john")),
        Just(json!({ "op": "DeleteUser", "user": "john" })),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One step into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of every value of `v`, depth first.
fn paths(v: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(prefix.clone());
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                prefix.push(Step::Key(k.clone()));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Remove(usize),
    Repeat(usize),
    Cut(usize),
    Flip(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any_json()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<usize>().prop_map(Mutation::Remove),
        2 => any::<usize>().prop_map(Mutation::Repeat),
        1 => any::<usize>().prop_map(Mutation::Cut),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
    ]
}

/// `doc` with the mutations applied, as bytes.
fn mutated(mut doc: Value, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        let pick = |i: &usize| &all[i % all.len()];
        match m {
            Mutation::Replace(i, v) => *at(&mut doc, pick(i)) = v.clone(),
            Mutation::Remove(i) => match at(&mut doc, pick(i)) {
                Value::Object(map) if !map.is_empty() => {
                    let key = map.keys().nth(i % map.len()).cloned().unwrap();
                    map.shift_remove(&key);
                }
                Value::Array(items) if !items.is_empty() => {
                    items.remove(i % items.len());
                }
                other => *other = Value::Null,
            },
            Mutation::Repeat(i) => {
                if let Value::Array(items) = at(&mut doc, pick(i)) {
                    if let Some(first) = items.first().cloned() {
                        items.push(first);
                    }
                }
            }
            Mutation::Cut(_) | Mutation::Flip(..) => {}
        }
    }
    let mut out = serde_json::to_vec_pretty(&doc).unwrap();
    for m in mutations {
        match m {
            Mutation::Cut(i) => out.truncate(i % (out.len() + 1)),
            Mutation::Flip(i, b) if !out.is_empty() => {
                let at = i % out.len();
                out[at] = *b;
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_seed_plan_loads_and_its_operations_match_its_changes() {
    let bytes = serde_json::to_vec(seed()).unwrap();
    let doc = load::parse(&bytes, None).unwrap();
    assert!(doc.plan.operations.len() >= 4, "{:?}", doc.plan.operations);
    check::operations_match_changes(&doc.plan).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_mutation_of_a_saved_plan_loads_or_is_refused_with_a_sentence(
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let bytes = mutated(seed().clone(), &mutations);
        match load::parse(&bytes, None) {
            Ok(doc) => {
                let _ = check::operations_match_changes(&doc.plan);
                // A loaded plan is walkable: ids in order, dependencies earlier or later but in
                // range and acyclic (the walk indexes by them).
                let n = doc.plan.operations.len();
                for (i, o) in doc.plan.operations.iter().enumerate() {
                    prop_assert_eq!(o.id, i);
                    prop_assert!(o.depends_on.iter().all(|d| *d < n && *d != i));
                }
            }
            Err(e) => {
                let text = e.to_string();
                prop_assert!(!text.is_empty());
                prop_assert!(text.len() < 4096, "{} bytes: {}", text.len(), text);
                if let Refusal::Structure(_) = e {
                    prop_assert!(!text.contains("panicked"));
                }
            }
        }
        // With a key, an unsigned or altered plan is always refused.
        prop_assert!(load::parse(&bytes, Some(b"key")).is_err());
    }
}
