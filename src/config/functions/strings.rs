//! Functions over strings. `regex`, `regexall` and `replace("/re/")` use the `regex` crate, whose
//! syntax is RE2's, as Terraform's; it runs in time linear in the text whatever the pattern.

use super::{array_arg, bounded, int_arg, str_arg, text};
use hcl::eval::FuncArgs;
use hcl::{Map, Value};

/// The longest pattern compiled: a regex's size grows with its text, and a configuration's
/// patterns are short.
const MAX_PATTERN: usize = 4096;

fn compile(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!(
            "the pattern is {} bytes; at most {MAX_PATTERN} are accepted",
            pattern.len()
        ));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid regular expression: {e}"))
}

pub(super) fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = str_arg(&args, 0)?;
    let mut parts = Vec::new();
    for i in 1..args.len() {
        for v in array_arg(&args, i)? {
            parts.push(text(v)?);
        }
    }
    bounded(Value::String(parts.join(sep)))
}

pub(super) fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.to_lowercase()))
}

pub(super) fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.to_uppercase()))
}

/// `title(s)`: the first letter of each word in upper case.
pub(super) fn title(args: FuncArgs) -> Result<Value, String> {
    let mut out = String::new();
    let mut start = true;
    for c in str_arg(&args, 0)?.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = !c.is_alphanumeric() && c != '\'';
    }
    Ok(Value::String(out))
}

pub(super) fn trimspace(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.trim().to_owned()))
}

/// `trim(s, chars)`: without the characters of `chars` at both ends.
pub(super) fn trim(args: FuncArgs) -> Result<Value, String> {
    let (s, cutset) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    Ok(Value::String(
        s.trim_matches(|c| cutset.contains(c)).to_owned(),
    ))
}

pub(super) fn trimprefix(args: FuncArgs) -> Result<Value, String> {
    let (s, prefix) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    Ok(Value::String(
        s.strip_prefix(prefix).unwrap_or(s).to_owned(),
    ))
}

pub(super) fn trimsuffix(args: FuncArgs) -> Result<Value, String> {
    let (s, suffix) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    Ok(Value::String(
        s.strip_suffix(suffix).unwrap_or(s).to_owned(),
    ))
}

pub(super) fn startswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(
        str_arg(&args, 0)?.starts_with(str_arg(&args, 1)?),
    ))
}

pub(super) fn endswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(
        str_arg(&args, 0)?.ends_with(str_arg(&args, 1)?),
    ))
}

pub(super) fn strcontains(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(str_arg(&args, 0)?.contains(str_arg(&args, 1)?)))
}

/// `substr(s, offset, length)` in characters; a negative offset counts from the end, a length
/// of -1 (or one past the end) takes the rest.
pub(super) fn substr(args: FuncArgs) -> Result<Value, String> {
    let s = str_arg(&args, 0)?;
    let (offset, length) = (int_arg(&args, 1)?, int_arg(&args, 2)?);
    let chars: Vec<char> = s.chars().collect();
    let len = chars.len() as i64;
    let start = if offset < 0 { len + offset } else { offset };
    if start < 0 || start > len {
        return Err(format!(
            "the offset {offset} is outside the string of {}",
            crate::words::count(chars.len(), "character")
        ));
    }
    let end = match length {
        -1 => len,
        n if n < 0 => return Err(format!("the length {n} cannot be negative (except -1)")),
        n => start.saturating_add(n).min(len),
    };
    Ok(Value::String(
        chars[start as usize..end as usize].iter().collect(),
    ))
}

/// `replace(s, substring, replacement)`; a substring written `/…/` is a regular expression, and
/// `$1` or `${name}` in the replacement name its groups (as in Terraform).
pub(super) fn replace(args: FuncArgs) -> Result<Value, String> {
    let (s, from, to) = (str_arg(&args, 0)?, str_arg(&args, 1)?, str_arg(&args, 2)?);
    if from.is_empty() {
        return Err("the substring to replace cannot be empty".into());
    }
    if let Some(pattern) = from
        .strip_prefix('/')
        .and_then(|p| p.strip_suffix('/'))
        .filter(|_| from.len() > 1)
    {
        let re = compile(pattern)?;
        return bounded(Value::String(re.replace_all(s, to).into_owned()));
    }
    bounded(Value::String(s.replace(from, to)))
}

pub(super) fn split(args: FuncArgs) -> Result<Value, String> {
    let (sep, s) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    if sep.is_empty() {
        return Err("the separator cannot be empty".into());
    }
    if s.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    Ok(Value::Array(
        s.split(sep).map(|p| Value::String(p.to_owned())).collect(),
    ))
}

pub(super) fn tostring(args: FuncArgs) -> Result<Value, String> {
    let v = args.first().ok_or("tostring needs one argument")?;
    text(v).map(Value::String)
}

/// What one match of `re` gives: the match without groups, the list of groups when they have
/// no names, the object of groups when they all have names.
fn captures(re: &regex::Regex, caps: &regex::Captures) -> Result<Value, String> {
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    if names.is_empty() {
        return Ok(Value::String(caps[0].to_owned()));
    }
    let text = |i: usize| caps.get(i).map_or(Value::Null, |m| Value::from(m.as_str()));
    if names.iter().all(Option::is_some) {
        let mut obj = Map::new();
        for (i, name) in names.iter().enumerate() {
            obj.insert(name.unwrap_or_default().to_owned(), text(i + 1));
        }
        Ok(Value::Object(obj))
    } else if names.iter().all(Option::is_none) {
        Ok(Value::Array((1..=names.len()).map(text).collect()))
    } else {
        Err("a pattern cannot mix named and unnamed groups".into())
    }
}

/// `regex(pattern, s)`: the first match (see [`captures`]); an error when there is none.
pub(super) fn regex(args: FuncArgs) -> Result<Value, String> {
    let (pattern, s) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    let re = compile(pattern)?;
    let caps = re
        .captures(s)
        .ok_or("the pattern did not match any part of the string")?;
    captures(&re, &caps)
}

/// `regexall(pattern, s)`: every match, as `regex` gives each one.
pub(super) fn regexall(args: FuncArgs) -> Result<Value, String> {
    let (pattern, s) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    let re = compile(pattern)?;
    let all = re
        .captures_iter(s)
        .map(|c| captures(&re, &c))
        .collect::<Result<Vec<Value>, String>>()?;
    bounded(Value::Array(all))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, table};

    #[test]
    fn terraforms_documented_examples() {
        table(&[
            (r#"startswith("hello world", "hello")"#, "true"),
            (r#"startswith("hello world", "world")"#, "false"),
            (r#"endswith("hello world", "world")"#, "true"),
            (r#"endswith("hello world", "hello")"#, "false"),
            (r#"strcontains("hello world", "wor")"#, "true"),
            (r#"strcontains("hello world", "wod")"#, "false"),
            (
                r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#,
                r#""aaabbbccc""#,
            ),
            (
                r#"regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")"#,
                r#"["2019","02","01"]"#,
            ),
            (
                r#"regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")"#,
                r#"{"scheme":"https","authority":"terraform.io"}"#,
            ),
            (
                r#"regexall("[a-z]+", "1234abcd5678efgh9")"#,
                r#"["abcd","efgh"]"#,
            ),
            (r#"length(regexall("[a-z]+", "1234abcd5678efgh9"))"#, "2"),
            (r#"length(regexall("[a-z]+", "123456789")) > 0"#, "false"),
            (r#"substr("hello world", 1, 4)"#, r#""ello""#),
            (r#"substr("🤔🤷", 0, 1)"#, r#""🤔""#),
            (r#"substr("hello world", -5, -1)"#, r#""world""#),
            (r#"substr("hello world", 6, 100)"#, r#""world""#),
            (r#"title("hello world")"#, r#""Hello World""#),
            (r#"trim("?!hello?!", "!?")"#, r#""hello""#),
            (r#"trim("foobar", "far")"#, r#""oob""#),
            (r#"trim("   hello! world.!  ", "! ")"#, r#""hello! world.""#),
            (r#"trimprefix("helloworld", "hello")"#, r#""world""#),
            (r#"trimprefix("helloworld", "cat")"#, r#""helloworld""#),
            (r#"trimsuffix("helloworld", "world")"#, r#""hello""#),
            (r#"trimspace("  hello\n\n")"#, r#""hello""#),
            (r#"replace("1 + 2 + 3", "+", "-")"#, r#""1 - 2 - 3""#),
            (
                r#"replace("hello world", "/w.*d/", "everybody")"#,
                r#""hello everybody""#,
            ),
            (r#"lower("AbC")"#, r#""abc""#),
            (r#"upper("AbC")"#, r#""ABC""#),
            (r#"join(", ", ["foo", "bar", "baz"])"#, r#""foo, bar, baz""#),
            (r#"split(",", "foo,bar,baz")"#, r#"["foo","bar","baz"]"#),
            (r#"tostring(5)"#, r#""5""#),
        ]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        errors(&[
            (
                r#"regex("[a-z]+", "53453453.34534523454")"#,
                "did not match",
            ),
            (r#"regex("(?P<a>x)(y)", "xy")"#, "mix named and unnamed"),
            (r#"regex("(", "x")"#, "invalid regular expression"),
            (r#"substr("abc", 4, 1)"#, "outside the string"),
            (r#"split("", "a")"#, "separator cannot be empty"),
            (r#"lower(1)"#, "string"),
        ]);
    }
}
