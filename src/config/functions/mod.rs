//! The functions expressions can call (DESIGN.md section 2), as `hcl::eval` function definitions,
//! with Terraform's names, arguments and results.
//!
//! `try` and `can` need their arguments unevaluated: `config::lazy` evaluates calls to them
//! itself (they are declared here too, for the name checks and for calls whose arguments all
//! evaluate). Every function's result is held to [`MAX_VALUE_BYTES`] ([`bounded`]), so that no
//! call can build a value that exhausts memory.

mod aws;
mod collections;
mod encoding;
mod files;
pub(crate) mod format;
mod numbers;
mod strings;

pub(crate) use files::with_file_root;

use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};
use hcl::{Map, Value};

/// The largest value (its JSON size, roughly) an expression or a function may produce. The
/// largest legitimate values are a `for_each` block's instances referenced as a whole (about 100
/// bytes per instance) and a file read by `file()` (1 MiB at most).
pub(crate) const MAX_VALUE_BYTES: usize = 16 << 20;

/// The deepest value (lists and objects inside each other) an expression may produce: deeper
/// values could only come from locals nesting each other, and every recursive walk over a value
/// (printing, converting, dropping) needs stack for each level.
pub(crate) const MAX_VALUE_DEPTH: usize = 1000;

/// Every function name, for "unknown function" checks and suggestions.
pub(crate) const NAMES: [&str; 64] = [
    "abs",
    "aws_managed_policy",
    "base64decode",
    "base64encode",
    "can",
    "ceil",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "endswith",
    "file",
    "fileexists",
    "fileset",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "md5",
    "merge",
    "min",
    "one",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "sha256",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "substr",
    "sum",
    "templatefile",
    "title",
    "tolist",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "values",
    "yamldecode",
    "zipmap",
];

/// Declares every function in `ctx`.
pub(crate) fn declare(ctx: &mut Context) {
    for (name, def) in definitions() {
        ctx.declare_func(name, def);
    }
    super::arith::declare(ctx);
    super::budget::declare(ctx);
}

/// Declares the functions `names` that exist (and the internal ones) in `ctx`: what an
/// expression calling them needs. Copying the whole table for every attribute would cost more
/// than evaluating most attributes.
pub(crate) fn declare_only<'a>(ctx: &mut Context, names: impl IntoIterator<Item = &'a str>) {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<&'static str, FuncDef>> =
        std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| definitions().into_iter().collect());
    for name in names {
        if let Some((name, def)) = table.get_key_value(name) {
            ctx.declare_func(*name, def.clone());
        }
    }
    super::arith::declare(ctx);
    super::budget::declare(ctx);
}

/// Every public function with its parameters, in the order of [`NAMES`].
fn definitions() -> Vec<(&'static str, FuncDef)> {
    use collections as c;
    use encoding as e;
    use numbers as n;
    use strings as s;
    use ParamType::{Any, Array, Number, Object, String as Str};
    let any_array = || Array(Box::new(Any));
    let any_object = || Object(Box::new(Any));
    let variadic = |first: Option<ParamType>, rest: ParamType, f| {
        let mut b = FuncDef::builder();
        if let Some(p) = first {
            b = b.param(p);
        }
        b.variadic_param(rest).build(f)
    };
    vec![
        ("abs", FuncDef::new(n::abs, [Number])),
        (
            "aws_managed_policy",
            FuncDef::new(aws::aws_managed_policy, [Str]),
        ),
        ("base64decode", FuncDef::new(e::base64decode, [Str])),
        ("base64encode", FuncDef::new(e::base64encode, [Str])),
        ("can", FuncDef::new(c::can, [Any])),
        ("ceil", FuncDef::new(n::ceil, [Number])),
        ("coalesce", variadic(None, Any, c::coalesce)),
        ("compact", FuncDef::new(c::compact, [any_array()])),
        ("concat", variadic(None, any_array(), c::concat)),
        ("contains", FuncDef::new(c::contains, [any_array(), Any])),
        ("distinct", FuncDef::new(c::distinct, [any_array()])),
        ("element", FuncDef::new(c::element, [any_array(), Number])),
        ("endswith", FuncDef::new(s::endswith, [Str, Str])),
        ("file", FuncDef::new(files::file, [Str])),
        ("fileexists", FuncDef::new(files::fileexists, [Str])),
        ("fileset", FuncDef::new(files::fileset, [Str, Str])),
        ("flatten", FuncDef::new(c::flatten, [any_array()])),
        ("floor", FuncDef::new(n::floor, [Number])),
        ("format", variadic(Some(Str), Any, format::format)),
        ("formatlist", variadic(Some(Str), Any, format::formatlist)),
        ("index", FuncDef::new(c::index, [any_array(), Any])),
        ("join", variadic(Some(Str), any_array(), s::join)),
        ("jsondecode", FuncDef::new(e::jsondecode, [Str])),
        ("jsonencode", FuncDef::new(e::jsonencode, [Any])),
        ("keys", FuncDef::new(c::keys, [any_object()])),
        ("length", FuncDef::new(c::length, [Any])),
        ("lookup", variadic(None, Any, c::lookup)),
        ("lower", FuncDef::new(s::lower, [Str])),
        ("max", variadic(None, Number, n::max)),
        ("md5", FuncDef::new(e::md5, [Str])),
        ("merge", variadic(None, Any, c::merge)),
        ("min", variadic(None, Number, n::min)),
        ("one", FuncDef::new(c::one, [Any])),
        ("range", variadic(None, Number, n::range)),
        ("regex", FuncDef::new(s::regex, [Str, Str])),
        ("regexall", FuncDef::new(s::regexall, [Str, Str])),
        ("replace", FuncDef::new(s::replace, [Str, Str, Str])),
        ("reverse", FuncDef::new(c::reverse, [any_array()])),
        (
            "setintersection",
            variadic(None, any_array(), c::setintersection),
        ),
        ("setproduct", variadic(None, any_array(), c::setproduct)),
        (
            "setsubtract",
            FuncDef::new(c::setsubtract, [any_array(), any_array()]),
        ),
        ("setunion", variadic(None, any_array(), c::setunion)),
        ("sha256", FuncDef::new(e::sha256, [Str])),
        (
            "slice",
            FuncDef::new(c::slice, [any_array(), Number, Number]),
        ),
        ("sort", FuncDef::new(c::sort, [any_array()])),
        ("split", FuncDef::new(s::split, [Str, Str])),
        ("startswith", FuncDef::new(s::startswith, [Str, Str])),
        ("strcontains", FuncDef::new(s::strcontains, [Str, Str])),
        ("substr", FuncDef::new(s::substr, [Str, Number, Number])),
        ("sum", FuncDef::new(n::sum, [any_array()])),
        (
            "templatefile",
            FuncDef::new(files::templatefile, [Str, any_object()]),
        ),
        ("title", FuncDef::new(s::title, [Str])),
        ("tolist", FuncDef::new(c::tolist, [any_array()])),
        ("toset", FuncDef::new(c::toset, [any_array()])),
        ("tostring", FuncDef::new(s::tostring, [Any])),
        ("trim", FuncDef::new(s::trim, [Str, Str])),
        ("trimprefix", FuncDef::new(s::trimprefix, [Str, Str])),
        ("trimspace", FuncDef::new(s::trimspace, [Str])),
        ("trimsuffix", FuncDef::new(s::trimsuffix, [Str, Str])),
        ("try", variadic(None, Any, c::try_)),
        ("upper", FuncDef::new(s::upper, [Str])),
        ("values", FuncDef::new(c::values, [any_object()])),
        ("yamldecode", FuncDef::new(e::yamldecode, [Str])),
        (
            "zipmap",
            FuncDef::new(c::zipmap, [any_array(), any_array()]),
        ),
    ]
}

fn str_arg(args: &FuncArgs, i: usize) -> Result<&str, String> {
    args.get(i)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("argument {} must be a string", i + 1))
}

fn array_arg(args: &FuncArgs, i: usize) -> Result<&Vec<Value>, String> {
    args.get(i)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("argument {} must be a list", i + 1))
}

fn object_arg(args: &FuncArgs, i: usize) -> Result<&Map<String, Value>, String> {
    args.get(i)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("argument {} must be an object", i + 1))
}

/// A whole-number argument.
fn int_arg(args: &FuncArgs, i: usize) -> Result<i64, String> {
    let n = args
        .get(i)
        .and_then(Value::as_number)
        .ok_or_else(|| format!("argument {} must be a number", i + 1))?;
    n.as_i64()
        .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        .ok_or_else(|| format!("argument {} must be a whole number, found {n}", i + 1))
}

fn describe(v: &Value) -> String {
    super::convert::describe(v)
}

/// A value as text for `format`/`join`/`tostring`: strings bare, numbers and bools as written.
fn text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err("a null value cannot be turned into a string".into()),
        _ => Err("a list or object cannot be turned into a string".into()),
    }
}

/// How big and how deep a value is, without recursion.
pub(crate) fn measure(v: &Value) -> (usize, usize) {
    let mut size = 0usize;
    let mut depth = 0usize;
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        depth = depth.max(d);
        size = size.saturating_add(match v {
            Value::Null | Value::Bool(_) => 5,
            Value::Number(_) => 8,
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items.iter().map(|i| (i, d + 1)));
                2 + items.len()
            }
            Value::Object(obj) => {
                for (k, v) in obj {
                    size = size.saturating_add(k.len() + 4);
                    stack.push((v, d + 1));
                }
                2
            }
        });
    }
    (size, depth)
}

/// Why `v` is too big or too deep to be a value, if it is.
pub(crate) fn too_big(v: &Value) -> Option<String> {
    let (size, depth) = measure(v);
    if size > MAX_VALUE_BYTES {
        Some(format!(
            "the value would be about {} bytes; iamform's values are limited to {} bytes",
            thousands(size),
            thousands(MAX_VALUE_BYTES)
        ))
    } else if depth > MAX_VALUE_DEPTH {
        Some(format!(
            "the value would nest {depth} levels deep; iamform's values nest at most {MAX_VALUE_DEPTH}"
        ))
    } else {
        None
    }
}

/// A function result, unless it is larger than a value may be.
fn bounded(v: Value) -> Result<Value, String> {
    match too_big(&v) {
        Some(e) => Err(e),
        None => Ok(v),
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A key identifying a value for set operations (equal values, equal keys).
fn set_key(v: &Value) -> String {
    match v {
        Value::String(s) => format!("s{s}"),
        other => format!("j{}", serde_json::to_string(other).unwrap_or_default()),
    }
}

/// Order-preserving de-duplication, in linear time.
pub(crate) fn dedup(items: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|v| seen.insert(set_key(v)))
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(super) fn eval(src: &str) -> Result<Value, String> {
        let mut ctx = Context::new();
        declare(&mut ctx);
        let mut expr = hcl::edit::parser::parse_expr(src).map_err(|e| e.to_string())?;
        super::super::arith::rewrite(&mut expr);
        let expr: hcl::Expression = expr.into();
        crate::config::lazy::evaluate(&expr, &ctx).map_err(|e| e.to_string())
    }

    /// Runs a table of `(expression, expected JSON)`.
    pub(super) fn table(rows: &[(&str, &str)]) {
        table_with(eval, rows);
    }

    /// Runs a table of `(expression, expected JSON)` through `eval` (an evaluation of a test of
    /// another module).
    pub(in crate::config) fn table_with(
        eval: fn(&str) -> Result<Value, String>,
        rows: &[(&str, &str)],
    ) {
        let failures: Vec<String> = rows
            .iter()
            .filter_map(|(src, want)| {
                let got = eval(src)
                    .map(|v| serde_json::to_string(&v).unwrap())
                    .unwrap_or_else(|e| format!("error: {e}"));
                (got != *want).then(|| format!("{src}\n   want {want}\n    got {got}"))
            })
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    /// Expressions that must be errors, each with a fragment of its message.
    pub(super) fn errors(rows: &[(&str, &str)]) {
        let failures: Vec<String> = rows
            .iter()
            .filter_map(|(src, fragment)| {
                let short: String = src.chars().take(80).collect();
                match eval(src) {
                    Ok(v) => Some(format!("{short}: no error but {v:?}")),
                    Err(e) if !e.contains(fragment) => Some(format!("{short}: {e}")),
                    Err(_) => None,
                }
            })
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn names_are_the_declared_functions_in_order() {
        let declared: Vec<&str> = definitions().iter().map(|(n, _)| *n).collect();
        assert_eq!(declared, NAMES);
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, NAMES);
    }

    #[test]
    fn sizes_and_depths_are_measured_without_recursion() {
        let mut v = Value::Null;
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        let (_, depth) = measure(&v);
        assert_eq!(depth, 100_001);
        assert!(too_big(&v).unwrap().contains("nest"));
        // Dropping it would recurse as deep: take it apart first.
        let mut v = v;
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
        let big = Value::String("x".repeat(MAX_VALUE_BYTES));
        assert!(too_big(&big).unwrap().contains("16,777,216 bytes"));
        assert_eq!(thousands(5_242_880), "5,242,880");
    }

    #[test]
    fn dedup_keeps_the_first_of_equal_values_in_order() {
        let items = vec![
            Value::from("b"),
            Value::from(1),
            Value::from("1"),
            Value::from("b"),
            Value::from(1),
            Value::Array(vec![Value::from("a")]),
            Value::Array(vec![Value::from("a")]),
        ];
        let want = vec![
            Value::from("b"),
            Value::from(1),
            Value::from("1"),
            Value::Array(vec![Value::from("a")]),
        ];
        assert_eq!(dedup(items), want);
    }
}
