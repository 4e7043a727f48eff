//! Meaning-preserving rewrites of a policy's JSON (DESIGN.md section 3): statement, list and key
//! order, `"x"` versus `["x"]`, Effect case, a bare account id for its root ARN, bools and numbers
//! for their strings, and any whitespace between tokens. Driven by a seed so failures reproduce.

use serde_json::{Map, Value};

/// xorshift64*: small, deterministic, good enough to pick permutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

fn shuffle_map(map: Map<String, Value>, rng: &mut Rng) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    rng.shuffle(&mut entries);
    entries.into_iter().collect()
}

/// A list of strings (Action, Resource, principal or condition values), rewritten.
fn values(v: Value, rng: &mut Rng, principal_aws: bool) -> Value {
    let mut items: Vec<Value> = match v {
        Value::Array(items) => items,
        other => vec![other],
    };
    rng.shuffle(&mut items);
    for item in &mut items {
        if let Value::String(s) = item {
            if principal_aws && rng.coin() {
                if let Some(id) = s
                    .strip_prefix("arn:aws:iam::")
                    .and_then(|r| r.strip_suffix(":root"))
                {
                    *s = id.to_owned();
                }
            }
            if s == "true" && rng.coin() {
                *item = Value::Bool(true);
            } else if s.parse::<u32>().is_ok() && !principal_aws && rng.coin() {
                *item = Value::Number(s.parse::<u32>().expect("checked").into());
            }
        }
    }
    if items.len() == 1 && rng.coin() {
        items.pop().expect("one item")
    } else {
        Value::Array(items)
    }
}

fn statement(v: Value, rng: &mut Rng) -> Value {
    let Value::Object(map) = v else { return v };
    let mut out = Map::new();
    for (k, v) in map {
        let v = match k.as_str() {
            "Effect" => {
                let s = v.as_str().unwrap_or_default();
                Value::String(match rng.below(3) {
                    0 => s.to_ascii_lowercase(),
                    1 => s.to_ascii_uppercase(),
                    _ => s.to_owned(),
                })
            }
            "Action" | "NotAction" | "Resource" | "NotResource" => values(v, rng, false),
            "Principal" | "NotPrincipal" => match v {
                Value::Object(m) => Value::Object(shuffle_map(
                    m.into_iter()
                        .map(|(t, v)| {
                            let aws = t == "AWS";
                            (t, values(v, rng, aws))
                        })
                        .collect(),
                    rng,
                )),
                other => other,
            },
            "Condition" => match v {
                Value::Object(ops) => Value::Object(shuffle_map(
                    ops.into_iter()
                        .map(|(op, keys)| {
                            let keys = match keys {
                                Value::Object(keys) => Value::Object(shuffle_map(
                                    keys.into_iter()
                                        .map(|(k, v)| (k, values(v, rng, false)))
                                        .collect(),
                                    rng,
                                )),
                                other => other,
                            };
                            (op, keys)
                        })
                        .collect(),
                    rng,
                )),
                other => other,
            },
            _ => v,
        };
        out.insert(k, v);
    }
    Value::Object(shuffle_map(out, rng))
}

/// The document rewritten in a way IAM treats as the same policy.
pub fn reorder(doc: &Value, rng: &mut Rng) -> Value {
    let Value::Object(map) = doc.clone() else {
        return doc.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let v = if k == "Statement" {
            let mut items = match v {
                Value::Array(items) => items,
                other => vec![other],
            };
            rng.shuffle(&mut items);
            let mut items: Vec<Value> = items.into_iter().map(|s| statement(s, rng)).collect();
            if items.len() == 1 && rng.coin() {
                items.pop().expect("one statement")
            } else {
                Value::Array(items)
            }
        } else {
            v
        };
        out.insert(k, v);
    }
    Value::Object(shuffle_map(out, rng))
}

/// JSON text of `v` with random whitespace between tokens.
pub fn with_whitespace(v: &Value, rng: &mut Rng) -> String {
    let mut out = String::new();
    write(v, rng, &mut out);
    out
}

fn space(rng: &mut Rng, out: &mut String) {
    const WS: [&str; 5] = ["", " ", "\n", "\t", "\r\n  "];
    out.push_str(WS[rng.below(WS.len())]);
}

fn write(v: &Value, rng: &mut Rng, out: &mut String) {
    space(rng, out);
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, rng, out);
            }
            space(rng, out);
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(rng, out);
                out.push_str(&Value::String(k.clone()).to_string());
                space(rng, out);
                out.push(':');
                write(item, rng, out);
            }
            space(rng, out);
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
    space(rng, out);
}
