//! Encodings and digests: `jsonencode`, `jsondecode`, `yamldecode`, `base64encode`,
//! `base64decode`, `sha256`, `md5`.
//!
//! `yamldecode` reads the YAML parser's events one at a time and builds the value itself, with a
//! bound on depth and on size that counts every alias expansion: YAML's aliases can make a short
//! text expand exponentially ("a billion laughs"), and a value built recursively by the parser's
//! own loader would need a stack frame per level of nesting.

use super::{bounded, str_arg, MAX_VALUE_DEPTH};
use base64::Engine as _;
use hcl::eval::FuncArgs;
use hcl::{Map, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

pub(super) fn jsondecode(args: FuncArgs) -> Result<Value, String> {
    // serde_json stops at 128 levels of nesting, so a hostile text cannot exhaust the stack.
    serde_json::from_str::<Value>(str_arg(&args, 0)?).map_err(|e| format!("invalid JSON: {e}"))
}

pub(super) fn jsonencode(args: FuncArgs) -> Result<Value, String> {
    let v = args.first().ok_or("jsonencode needs one argument")?;
    serde_json::to_string(v)
        .map(Value::String)
        .map_err(|e| e.to_string())
}

pub(super) fn base64encode(args: FuncArgs) -> Result<Value, String> {
    let text = base64::engine::general_purpose::STANDARD.encode(str_arg(&args, 0)?);
    bounded(Value::String(text))
}

pub(super) fn base64decode(args: FuncArgs) -> Result<Value, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(str_arg(&args, 0)?)
        .map_err(|e| format!("invalid base64: {e}"))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| "the decoded bytes are not valid UTF-8".to_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn sha256(args: FuncArgs) -> Result<Value, String> {
    use sha2::Digest as _;
    Ok(Value::String(hex(&sha2::Sha256::digest(
        str_arg(&args, 0)?.as_bytes(),
    ))))
}

pub(super) fn md5(args: FuncArgs) -> Result<Value, String> {
    use md5::Digest as _;
    Ok(Value::String(hex(&md5::Md5::digest(
        str_arg(&args, 0)?.as_bytes(),
    ))))
}

/// A collection being built from YAML events.
enum Open {
    Seq(Vec<Value>, usize),
    /// The mapping so far, the key waiting for its value, and the anchor id.
    Map(Map<String, Value>, Option<String>, usize),
}

/// `yamldecode(text)`: one YAML document as a value (YAML 1.2's core schema: `true`, `null`,
/// `0x1f`, `1e3` are typed; quoted scalars are strings).
pub(super) fn yamldecode(args: FuncArgs) -> Result<Value, String> {
    let text = str_arg(&args, 0)?;
    let mut parser = Parser::new_from_str(text);
    let mut anchors: std::collections::HashMap<usize, Value> = Default::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut result: Option<Value> = None;
    let mut documents = 0;
    // Everything built so far, alias expansions included.
    let mut budget = super::MAX_VALUE_BYTES;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| format!("invalid YAML: {e}"))?;
        let at = || format!("line {}, column {}", mark.line(), mark.col() + 1);
        let alias = matches!(event, Event::Alias(_));
        let finished: Option<(Value, usize)> = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err("yamldecode reads a single YAML document".into());
                }
                None
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => None,
            Event::Alias(id) => {
                let v = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| format!("an alias at {} refers to no anchor before it", at()))?;
                Some((v, 0))
            }
            Event::Scalar(text, style, anchor, tag) => Some((
                scalar(&text, style, tag.as_ref()).map_err(|e| format!("{e} at {}", at()))?,
                anchor,
            )),
            Event::SequenceStart(anchor, tag) => {
                check_tag(tag.as_ref(), "seq").map_err(|e| format!("{e} at {}", at()))?;
                stack.push(Open::Seq(Vec::new(), anchor));
                if stack.len() > MAX_VALUE_DEPTH {
                    return Err(format!(
                        "the YAML nests more than {MAX_VALUE_DEPTH} levels deep"
                    ));
                }
                None
            }
            Event::MappingStart(anchor, tag) => {
                check_tag(tag.as_ref(), "map").map_err(|e| format!("{e} at {}", at()))?;
                stack.push(Open::Map(Map::new(), None, anchor));
                if stack.len() > MAX_VALUE_DEPTH {
                    return Err(format!(
                        "the YAML nests more than {MAX_VALUE_DEPTH} levels deep"
                    ));
                }
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => Some((Value::Array(items), anchor)),
                _ => return Err("invalid YAML: a sequence ends that did not start".into()),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(map, None, anchor)) => Some((Value::Object(map), anchor)),
                _ => return Err("invalid YAML: a mapping ends that did not start".into()),
            },
        };
        let Some((value, anchor)) = finished else {
            continue;
        };
        // A collection's elements were counted as they came; an alias copies a whole value.
        let size = match &value {
            Value::Array(_) | Value::Object(_) if !alias => 2,
            other => super::measure(other).0,
        };
        budget = budget.checked_sub(size).ok_or_else(|| {
            format!(
                "the YAML expands to more than {} bytes (aliases included)",
                super::thousands(super::MAX_VALUE_BYTES)
            )
        })?;
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => result = Some(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
                None => {
                    *key = Some(match value {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".to_owned(),
                        _ => return Err(format!("a mapping key at {} is not a scalar", at())),
                    })
                }
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
    }
    Ok(result.unwrap_or(Value::Null))
}

/// An error unless `tag` is absent, non-specific or the core schema's `!!kind`.
fn check_tag(tag: Option<&yaml_rust2::parser::Tag>, kind: &str) -> Result<(), String> {
    match tag {
        None => Ok(()),
        Some(t) if t.handle == "!" && t.suffix.is_empty() => Ok(()),
        Some(t) if is_core(t) && t.suffix == kind => Ok(()),
        Some(t) => Err(format!("unsupported tag \"{}{}\"", t.handle, t.suffix)),
    }
}

fn is_core(t: &yaml_rust2::parser::Tag) -> bool {
    t.handle == "!!" || t.handle == "tag:yaml.org,2002:"
}

/// A scalar's value: quoted scalars and `!!str` are strings, plain ones typed by the core schema.
fn scalar(
    text: &str,
    style: TScalarStyle,
    tag: Option<&yaml_rust2::parser::Tag>,
) -> Result<Value, String> {
    let typed = |kind: &str| -> Result<Value, String> {
        let v = plain(text);
        let ok = match kind {
            "int" => v
                .as_number()
                .is_some_and(|n| n.as_i64().is_some() || n.as_u64().is_some()),
            "float" => v.is_number(),
            "bool" => v.is_boolean(),
            "null" => v.is_null(),
            _ => false,
        };
        if ok {
            Ok(v)
        } else {
            Err(format!("`{text}` is not a valid !!{kind}"))
        }
    };
    match tag {
        Some(t) if is_core(t) && t.suffix == "str" => Ok(Value::String(text.to_owned())),
        Some(t) if is_core(t) && ["int", "float", "bool", "null"].contains(&t.suffix.as_str()) => {
            typed(&t.suffix)
        }
        Some(t) if t.handle == "!" && t.suffix.is_empty() => Ok(Value::String(text.to_owned())),
        Some(t) => Err(format!("unsupported tag \"{}{}\"", t.handle, t.suffix)),
        None if style == TScalarStyle::Plain => Ok(plain(text)),
        None => Ok(Value::String(text.to_owned())),
    }
}

/// A plain scalar resolved by YAML 1.2's core schema.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let radix = |digits: &str, radix: u32| i64::from_str_radix(digits, radix).ok().map(Value::from);
    if let Some(v) = text.strip_prefix("0o").and_then(|d| radix(d, 8)) {
        return v;
    }
    if let Some(v) = text.strip_prefix("0x").and_then(|d| radix(d, 16)) {
        return v;
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
    }
    let float_like = !unsigned.is_empty()
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.bytes().any(|b| b.is_ascii_digit());
    if float_like {
        if let Some(n) = text.parse::<f64>().ok().and_then(hcl::Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, table};

    #[test]
    fn terraforms_documented_examples() {
        table(&[
            (r#"yamldecode("hello: world")"#, r#"{"hello":"world"}"#),
            (r#"yamldecode("true")"#, "true"),
            (
                r#"yamldecode("{a: &foo [1, 2, 3], b: *foo}")"#,
                r#"{"a":[1,2,3],"b":[1,2,3]}"#,
            ),
            (
                r#"yamldecode("a: 1\nb: [x, 'y', \"1\"]\nc: ~\nd: 1.5\ne: 0x1f\n")"#,
                r#"{"a":1,"b":["x","y","1"],"c":null,"d":1.5,"e":31}"#,
            ),
            (r#"yamldecode("!!str 1")"#, r#""1""#),
            (r#"yamldecode("")"#, "null"),
            (r#"base64encode("Hello World")"#, r#""SGVsbG8gV29ybGQ=""#),
            (r#"base64decode("SGVsbG8gV29ybGQ=")"#, r#""Hello World""#),
            (
                r#"sha256("hello world")"#,
                r#""b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9""#,
            ),
            (
                r#"md5("hello world")"#,
                r#""5eb63bbbe01eeed093cb22bb8f5acdc3""#,
            ),
            (r#"jsonencode({a = [1, "x"]})"#, r#""{\"a\":[1,\"x\"]}""#),
            (r#"jsondecode("{\"a\": true}")"#, r#"{"a":true}"#),
        ]);
    }

    #[test]
    fn bad_or_hostile_input_is_an_error() {
        // A billion laughs: nine levels of nine aliases each.
        let mut laughs = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let laughs = format!("yamldecode({})", serde_json::to_string(&laughs).unwrap());
        let flow = format!(
            "yamldecode({})",
            serde_json::to_string(&"[".repeat(100_000)).unwrap()
        );
        let deep = format!(
            "yamldecode({})",
            serde_json::to_string(&format!("{}x", "- ".repeat(2000))).unwrap()
        );
        errors(&[
            (
                r#"yamldecode("{a: &foo [1, *foo, 3]}")"#,
                "refers to no anchor",
            ),
            (
                r#"yamldecode("{a: !not-supported foo}")"#,
                "unsupported tag",
            ),
            (r#"yamldecode("a: [")"#, "invalid YAML"),
            (r#"yamldecode("a\n---\nb")"#, "single YAML document"),
            (&laughs, "bytes"),
            (&flow, "recursion limit"),
            (&deep, "more than 1000 levels deep"),
            (r#"base64decode("not base64!")"#, "invalid base64"),
            (r#"base64decode("/w==")"#, "not valid UTF-8"),
            (r#"jsondecode("{")"#, "invalid JSON"),
        ]);
    }
}
