//! The functions expressions can call (DESIGN.md section 2), as `hcl::eval` function definitions.
//!
//! hcl-rs functions are plain `fn` pointers, so `file` and `templatefile` find the configuration
//! directory through a thread-local set by [`with_base_dir`] for the duration of an evaluation.

use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};
use hcl::{Map, Value};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// Every function name, for "unknown function" checks and suggestions.
pub(crate) const NAMES: [&str; 24] = [
    "coalesce",
    "concat",
    "contains",
    "distinct",
    "file",
    "flatten",
    "format",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lower",
    "merge",
    "range",
    "replace",
    "split",
    "templatefile",
    "tolist",
    "toset",
    "tostring",
    "trimspace",
    "upper",
    "values",
];

/// Files read by `file()` larger than this are refused (policies are at most a few KiB).
const MAX_FILE_BYTES: u64 = 1 << 20;

thread_local! {
    static BASE_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Runs `f` with `file()` paths resolved against `dir`.
pub(crate) fn with_base_dir<T>(dir: &Path, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<PathBuf>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            BASE_DIR.with(|b| *b.borrow_mut() = previous);
        }
    }
    let previous = BASE_DIR.with(|b| b.borrow_mut().replace(dir.to_path_buf()));
    let _restore = Restore(previous);
    f()
}

/// Declares every function in `ctx`.
pub(crate) fn declare(ctx: &mut Context) {
    for (name, def) in definitions() {
        ctx.declare_func(name, def);
    }
    super::arith::declare(ctx);
}

/// Every public function with its parameters, in the order of [`NAMES`].
fn definitions() -> [(&'static str, FuncDef); 24] {
    use ParamType::{Any, Array, Number, Object, String as Str};
    let any_array = || Array(Box::new(Any));
    [
        (
            "coalesce",
            FuncDef::builder().variadic_param(Any).build(coalesce),
        ),
        (
            "concat",
            FuncDef::builder().variadic_param(any_array()).build(concat),
        ),
        ("contains", FuncDef::new(contains, [any_array(), Any])),
        ("distinct", FuncDef::new(distinct, [any_array()])),
        ("file", FuncDef::new(file, [Str])),
        ("flatten", FuncDef::new(flatten, [any_array()])),
        (
            "format",
            FuncDef::builder()
                .param(Str)
                .variadic_param(Any)
                .build(format),
        ),
        (
            "join",
            FuncDef::builder()
                .param(Str)
                .variadic_param(any_array())
                .build(join),
        ),
        ("jsondecode", FuncDef::new(jsondecode, [Str])),
        ("jsonencode", FuncDef::new(jsonencode, [Any])),
        ("keys", FuncDef::new(keys, [Object(Box::new(Any))])),
        ("length", FuncDef::new(length, [Any])),
        ("lower", FuncDef::new(lower, [Str])),
        ("merge", FuncDef::builder().variadic_param(Any).build(merge)),
        (
            "range",
            FuncDef::builder().variadic_param(Number).build(range),
        ),
        ("replace", FuncDef::new(replace, [Str, Str, Str])),
        ("split", FuncDef::new(split, [Str, Str])),
        (
            "templatefile",
            FuncDef::new(templatefile, [Str, Object(Box::new(Any))]),
        ),
        ("tolist", FuncDef::new(tolist, [any_array()])),
        ("toset", FuncDef::new(toset, [any_array()])),
        ("tostring", FuncDef::new(tostring, [Any])),
        ("trimspace", FuncDef::new(trimspace, [Str])),
        ("upper", FuncDef::new(upper, [Str])),
        ("values", FuncDef::new(values, [Object(Box::new(Any))])),
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

/// Order-preserving de-duplication.
fn dedup(items: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
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

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".into())
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, _) in args.iter().enumerate() {
        out.extend(array_arg(&args, i)?.iter().cloned());
    }
    Ok(Value::Array(out))
}

fn contains(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    Ok(Value::Bool(args.get(1).is_some_and(|v| list.contains(v))))
}

fn distinct(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(dedup(array_arg(&args, 0)?)))
}

fn read_relative(path: &str) -> Result<(PathBuf, String), String> {
    let base = BASE_DIR.with(|b| b.borrow().clone());
    let full = match base {
        Some(dir) if Path::new(path).is_relative() => dir.join(path),
        _ => PathBuf::from(path),
    };
    let meta =
        std::fs::metadata(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is {} bytes; file() reads at most {MAX_FILE_BYTES}",
            full.display(),
            meta.len()
        ));
    }
    let text = std::fs::read_to_string(&full)
        .map_err(|e| format!("cannot read {}: {e}", full.display()))?;
    Ok((full, text))
}

fn file(args: FuncArgs) -> Result<Value, String> {
    let (_, text) = read_relative(str_arg(&args, 0)?)?;
    Ok(Value::String(text))
}

fn flatten_into(items: &[Value], out: &mut Vec<Value>) {
    for v in items {
        match v {
            Value::Array(inner) => flatten_into(inner, out),
            other => out.push(other.clone()),
        }
    }
}

fn flatten(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    flatten_into(array_arg(&args, 0)?, &mut out);
    Ok(Value::Array(out))
}

/// `format` with the verbs `%s`, `%d`, `%v`, `%q` and `%%`.
fn format(args: FuncArgs) -> Result<Value, String> {
    let spec = str_arg(&args, 0)?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars
            .next()
            .ok_or("the format string ends with a lone `%`")?;
        if verb == '%' {
            out.push('%');
            continue;
        }
        let v = rest
            .next()
            .ok_or_else(|| format!("not enough arguments for `%{verb}`"))?;
        match verb {
            's' | 'v' => out.push_str(&text(v)?),
            'd' => match v.as_i64() {
                Some(n) => out.push_str(&n.to_string()),
                None => return Err(format!("`%d` needs a whole number, got {}", text(v)?)),
            },
            'q' => out.push_str(&serde_json::to_string(&text(v)?).map_err(|e| e.to_string())?),
            other => {
                return Err(format!(
                    "unsupported format verb `%{other}`: use %s, %d, %v, %q or %%"
                ))
            }
        }
    }
    if rest.next().is_some() {
        return Err("too many arguments for the format string".into());
    }
    Ok(Value::String(out))
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = str_arg(&args, 0)?;
    let mut parts = Vec::new();
    for i in 1..args.len() {
        for v in array_arg(&args, i)? {
            parts.push(text(v)?);
        }
    }
    Ok(Value::String(parts.join(sep)))
}

fn jsondecode(args: FuncArgs) -> Result<Value, String> {
    serde_json::from_str::<Value>(str_arg(&args, 0)?).map_err(|e| format!("invalid JSON: {e}"))
}

fn jsonencode(args: FuncArgs) -> Result<Value, String> {
    let v = args.first().ok_or("jsonencode needs one argument")?;
    serde_json::to_string(v)
        .map(Value::String)
        .map_err(|e| e.to_string())
}

fn sorted_keys(obj: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    keys
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    let obj = object_arg(&args, 0)?;
    Ok(Value::Array(
        sorted_keys(obj)
            .into_iter()
            .map(|k| Value::String(k.clone()))
            .collect(),
    ))
}

fn values(args: FuncArgs) -> Result<Value, String> {
    let obj = object_arg(&args, 0)?;
    Ok(Value::Array(
        sorted_keys(obj)
            .into_iter()
            .filter_map(|k| obj.get(k).cloned())
            .collect(),
    ))
}

fn length(args: FuncArgs) -> Result<Value, String> {
    let n = match args.first() {
        Some(Value::String(s)) => s.chars().count(),
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        _ => return Err("length needs a string, list or object".into()),
    };
    Ok(Value::from(n as u64))
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.to_lowercase()))
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.to_uppercase()))
}

fn trimspace(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::String(str_arg(&args, 0)?.trim().to_owned()))
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = Map::new();
    for (i, v) in args.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::Object(o) => out.extend(o.iter().map(|(k, v)| (k.clone(), v.clone()))),
            _ => return Err(format!("argument {} must be an object", i + 1)),
        }
    }
    Ok(Value::Object(out))
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)` over whole numbers.
fn range(args: FuncArgs) -> Result<Value, String> {
    let n: Vec<i64> = args
        .iter()
        .map(|v| v.as_i64().ok_or("range takes whole numbers"))
        .collect::<Result<_, _>>()?;
    let (start, limit, step) = match n.as_slice() {
        [limit] => (0, *limit, 1),
        [start, limit] => (*start, *limit, if start <= limit { 1 } else { -1 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => return Err("range takes one to three arguments".into()),
    };
    if step == 0 {
        return Err("range step cannot be zero".into());
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < limit) || (step < 0 && i > limit) {
        if out.len() >= 1024 {
            return Err("range would produce more than 1024 elements".into());
        }
        out.push(Value::from(i));
        i = i.checked_add(step).ok_or("range overflows")?;
    }
    Ok(Value::Array(out))
}

/// Plain substring replacement (no regular expressions).
fn replace(args: FuncArgs) -> Result<Value, String> {
    let (s, from, to) = (str_arg(&args, 0)?, str_arg(&args, 1)?, str_arg(&args, 2)?);
    if from.is_empty() {
        return Err("the substring to replace cannot be empty".into());
    }
    Ok(Value::String(s.replace(from, to)))
}

fn split(args: FuncArgs) -> Result<Value, String> {
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

fn templatefile(args: FuncArgs) -> Result<Value, String> {
    let (path, text) = read_relative(str_arg(&args, 0)?)?;
    let vars = object_arg(&args, 1)?;
    let template: hcl::Template = text
        .parse()
        .map_err(|e| format!("{} is not a valid template: {e}", path.display()))?;
    let mut ctx = Context::new();
    declare(&mut ctx);
    for (k, v) in vars {
        ctx.declare_var(k.as_str(), v.clone());
    }
    template
        .evaluate(&ctx)
        .map(Value::String)
        .map_err(|e| format!("{}: {}", path.display(), e.kind()))
}

fn tolist(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Array(array_arg(&args, 0)?.clone()))
}

/// A set as a de-duplicated list; all-string sets are sorted, as Terraform shows them.
fn toset(args: FuncArgs) -> Result<Value, String> {
    let mut items = dedup(array_arg(&args, 0)?);
    if items.iter().all(Value::is_string) {
        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Ok(Value::Array(items))
}

fn tostring(args: FuncArgs) -> Result<Value, String> {
    let v = args.first().ok_or("tostring needs one argument")?;
    text(v).map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> Result<Value, String> {
        let mut ctx = Context::new();
        declare(&mut ctx);
        let expr: hcl::Expression = hcl::edit::parser::parse_expr(src)
            .map_err(|e| e.to_string())?
            .into();
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    fn json(src: &str) -> String {
        serde_json::to_string(&eval(src).unwrap()).unwrap()
    }

    #[test]
    fn functions_behave_like_terraform() {
        let table = [
            (r#"jsonencode({a = [1, "x"]})"#, r#""{\"a\":[1,\"x\"]}""#),
            (r#"jsondecode("{\"a\": true}")"#, r#"{"a":true}"#),
            (r#"toset(["b", "a", "b"])"#, r#"["a","b"]"#),
            (r#"tolist(["b", "a"])"#, r#"["b","a"]"#),
            (r#"concat(["a"], [], ["b", "c"])"#, r#"["a","b","c"]"#),
            (r#"merge({a = 1, b = 2}, {b = 3})"#, r#"{"a":1,"b":3}"#),
            (r#"lower("AbC")"#, r#""abc""#),
            (r#"upper("AbC")"#, r#""ABC""#),
            (r#"join(",", ["a", "b"], ["c"])"#, r#""a,b,c""#),
            (r#"split("/", "a/b/c")"#, r#"["a","b","c"]"#),
            (r#"format("%s-%d%%", "x", 5)"#, r#""x-5%""#),
            (r#"length("héllo")"#, "5"),
            (r#"length({a = 1})"#, "1"),
            (r#"contains(["a", "b"], "b")"#, "true"),
            (r#"keys({b = 1, a = 2})"#, r#"["a","b"]"#),
            (r#"values({b = 1, a = 2})"#, "[2,1]"),
            (r#"flatten([["a"], [["b"]], "c"])"#, r#"["a","b","c"]"#),
            (r#"distinct(["a", "b", "a"])"#, r#"["a","b"]"#),
            (r#"replace("a-b-c", "-", "_")"#, r#""a_b_c""#),
            (r#"coalesce(null, "", "x")"#, r#""x""#),
            ("range(3)", "[0,1,2]"),
        ];
        for (src, want) in table {
            assert_eq!(json(src), want, "{src}");
        }
    }

    #[test]
    fn names_are_the_declared_functions() {
        let declared: Vec<&str> = definitions().iter().map(|(n, _)| *n).collect();
        assert_eq!(declared, NAMES);
    }

    #[test]
    fn bad_calls_are_errors_not_panics() {
        for src in [
            r#"format("%d", "x")"#,
            r#"format("%s")"#,
            r#"jsondecode("{")"#,
            r#"split("", "a")"#,
            r#"coalesce(null)"#,
            "range(0, 10, 0)",
            "range(100000)",
            r#"file("/definitely/not/here.json")"#,
            "lower(1)",
        ] {
            assert!(eval(src).is_err(), "{src}");
        }
    }

    #[test]
    fn file_reads_relative_to_the_base_dir() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.txt"), "hello").unwrap();
        let got = with_base_dir(dir.path(), || eval(r#"file("x.txt")"#)).unwrap();
        assert_eq!(got, Value::String("hello".into()));
        std::fs::write(dir.path().join("t.tpl"), "hi ${name}").unwrap();
        let got = with_base_dir(dir.path(), || {
            eval(r#"templatefile("t.tpl", {name = "x"})"#)
        });
        assert_eq!(got.unwrap(), Value::String("hi x".into()));
    }
}
