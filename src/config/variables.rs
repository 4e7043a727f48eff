//! Input variables: the `type` constraints of `variable` blocks, and the values given from outside
//! the configuration (`--var k=v`, `--var-file FILE`, `IAMFORM_VAR_k`), before evaluation.
//!
//! Precedence, lowest first: the default, `IAMFORM_VAR_k`, `--var-file` (in the order given),
//! `--var` (in the order given), as in Terraform. Values convert to the declared type the way
//! Terraform converts them (`"3"` is a number, `3` a string, `"true"` a bool).

use super::convert::describe;
use super::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use super::limits;
use hcl::eval::{Context, Evaluate};
use hcl::{Expression, Map, ObjectKey, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The prefix of environment variables that set input variables.
pub const ENV_PREFIX: &str = "IAMFORM_VAR_";

/// A type constraint, as written in `variable { type = … }`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum VarType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Set(Box<VarType>),
    Map(Box<VarType>),
    Object(BTreeMap<String, VarType>),
}

impl fmt::Display for VarType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VarType::Any => f.write_str("any"),
            VarType::String => f.write_str("string"),
            VarType::Number => f.write_str("number"),
            VarType::Bool => f.write_str("bool"),
            VarType::List(t) => write!(f, "list({t})"),
            VarType::Set(t) => write!(f, "set({t})"),
            VarType::Map(t) => write!(f, "map({t})"),
            VarType::Object(fields) => {
                f.write_str("object({ ")?;
                for (i, (k, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {t}")?;
                }
                f.write_str(" })")
            }
        }
    }
}

const TYPE_HELP: &str =
    "types are string, number, bool, any, list(T), set(T), map(T) and object({ key = T, … })";

impl VarType {
    /// Reads a type expression (`list(string)`, `object({ name = string })`, …).
    pub(super) fn parse(expr: &Expression) -> Result<VarType, String> {
        match expr {
            Expression::Variable(v) => match v.as_str() {
                "any" => Ok(VarType::Any),
                "string" => Ok(VarType::String),
                "number" => Ok(VarType::Number),
                "bool" => Ok(VarType::Bool),
                "list" | "set" | "map" => Err(format!(
                    "`{}` needs an element type, e.g. {}(string)",
                    v.as_str(),
                    v.as_str()
                )),
                other => Err(format!("unknown type `{other}`")),
            },
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                let name = call.name.name.as_str();
                let one = || -> Result<VarType, String> {
                    match call.args.as_slice() {
                        [arg] => VarType::parse(arg),
                        _ => Err(format!("`{name}(…)` takes exactly one element type")),
                    }
                };
                match name {
                    "list" => Ok(VarType::List(Box::new(one()?))),
                    "set" => Ok(VarType::Set(Box::new(one()?))),
                    "map" => Ok(VarType::Map(Box::new(one()?))),
                    "object" => match call.args.as_slice() {
                        [Expression::Object(fields)] => {
                            let mut out = BTreeMap::new();
                            for (k, t) in fields {
                                let key = match k {
                                    ObjectKey::Identifier(i) => i.as_str().to_owned(),
                                    ObjectKey::Expression(Expression::String(s)) => s.clone(),
                                    _ => return Err("object attribute names must be names".into()),
                                };
                                out.insert(key, VarType::parse(t)?);
                            }
                            Ok(VarType::Object(out))
                        }
                        _ => Err("write object types as object({ key = TYPE, … })".to_owned()),
                    },
                    other => Err(format!("unknown type constructor `{other}`")),
                }
            }
            Expression::String(s) => Err(format!(
                "a type is not quoted: write `type = {s}` without quotes"
            )),
            _ => Err("this is not a type".to_owned()),
        }
    }

    pub(super) fn help() -> &'static str {
        TYPE_HELP
    }

    /// Converts `v` to this type, or says why it cannot.
    pub(super) fn convert(&self, v: &Value) -> Result<Value, String> {
        let wrong = || format!("expected {self}, found {}", describe(v));
        match (self, v) {
            (VarType::Any, _) => Ok(v.clone()),
            (_, Value::Null) => Ok(Value::Null),
            (VarType::String, Value::String(_)) => Ok(v.clone()),
            (VarType::String, Value::Number(n)) => Ok(Value::String(n.to_string())),
            (VarType::String, Value::Bool(b)) => Ok(Value::String(b.to_string())),
            (VarType::Number, Value::Number(_)) => Ok(v.clone()),
            (VarType::Number, Value::String(s)) => parse_number(s).ok_or_else(wrong),
            (VarType::Bool, Value::Bool(_)) => Ok(v.clone()),
            (VarType::Bool, Value::String(s)) if s == "true" || s == "false" => {
                Ok(Value::Bool(s == "true"))
            }
            (VarType::List(t), Value::Array(items)) => Ok(Value::Array(elements(t, items)?)),
            (VarType::Set(t), Value::Array(items)) => {
                Ok(Value::Array(super::functions::dedup(elements(t, items)?)))
            }
            (VarType::Map(t), Value::Object(obj)) => {
                let mut out = Map::new();
                for (k, item) in obj {
                    let item = t
                        .convert(item)
                        .map_err(|e| format!("the value of `{k}`: {e}"))?;
                    out.insert(k.clone(), item);
                }
                Ok(Value::Object(out))
            }
            (VarType::Object(fields), Value::Object(obj)) => {
                let mut out = Map::new();
                for (k, t) in fields {
                    match obj.get(k) {
                        Some(item) => {
                            let item = t
                                .convert(item)
                                .map_err(|e| format!("attribute `{k}`: {e}"))?;
                            out.insert(k.clone(), item);
                        }
                        None => {
                            return Err(format!("expected {self}, but attribute `{k}` is missing"))
                        }
                    }
                }
                Ok(Value::Object(out))
            }
            _ => Err(wrong()),
        }
    }
}

fn elements(t: &VarType, items: &[Value]) -> Result<Vec<Value>, String> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| t.convert(item).map_err(|e| format!("element {i}: {e}")))
        .collect()
}

fn parse_number(s: &str) -> Option<Value> {
    if let Ok(i) = s.trim().parse::<i64>() {
        return Some(Value::from(i));
    }
    let f = s.trim().parse::<f64>().ok()?;
    hcl::Number::from_f64(f).map(Value::Number)
}

/// One value given from outside the configuration, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub value: Value,
    /// For messages: `--var users=…`, `the environment variable IAMFORM_VAR_users`, `vars.hcl:3`.
    pub origin: String,
    /// Whether an undeclared variable of this name is an error (`--var`, var files) or ignored
    /// (environment variables, as Terraform does: the environment is shared with other tools).
    pub strict: bool,
    /// Where the value is written in the configuration: a module block's input.
    pub(crate) at: Option<super::diagnostic::Span>,
}

/// Every input variable value, highest precedence applied.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    pub values: BTreeMap<String, Input>,
}

/// The largest var file read.
const MAX_VAR_FILE_BYTES: u64 = 64 << 20;

/// Evaluates a value given outside the configuration (no references, no functions), with the
/// arithmetic that cannot panic (`config::arith`: hcl-rs's own panics on `1 % 0` and overflow).
fn literal(mut expr: hcl::edit::expr::Expression) -> Result<Value, hcl::eval::Error> {
    let mut ctx = Context::new();
    if super::arith::rewrite(&mut expr) {
        super::arith::declare(&mut ctx);
    }
    Expression::from(expr).evaluate(&ctx)
}

/// Parses a value the way Terraform parses `-var` values: as an HCL expression when it is one
/// that evaluates without references (`["a", "b"]`, `3`, `{ a = 1 }`), else as a plain string.
/// A value nesting deeper than the parser may recurse is refused (`origin` names it).
fn value_of(text: &str, origin: &str) -> Result<Value, Box<Diagnostic>> {
    if limits::nesting_offset(text).is_some() {
        return Err(Box::new(
            Diagnostic::error(format!(
                "the value of {origin} nests more than {} levels deep",
                limits::MAX_NESTING
            ))
            .with_help("give a flatter value, or put it in a --var-file"),
        ));
    }
    if let Ok(expr) = hcl::edit::parser::parse_expr(text) {
        if let Ok(v) = literal(expr) {
            return Ok(v);
        }
    }
    Ok(Value::String(text.to_owned()))
}

impl Inputs {
    /// Gathers the values of `IAMFORM_VAR_*` (from `env`), the var files and the `--var` flags.
    /// Every command gathers them (even `fmt`), so they are parsed with the same depth bound and
    /// on the same large stack as the configuration.
    pub fn gather(
        vars: &[String],
        var_files: &[PathBuf],
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Inputs, Diagnostics> {
        let env: Vec<(String, String)> = env.into_iter().collect();
        limits::on_big_stack(|| Inputs::gather_here(vars, var_files, env))
    }

    fn gather_here(
        vars: &[String],
        var_files: &[PathBuf],
        mut env: Vec<(String, String)>,
    ) -> Result<Inputs, Diagnostics> {
        let mut inputs = Inputs::default();
        let mut diags = Vec::new();
        env.sort();
        for (k, v) in env {
            if let Some(name) = k.strip_prefix(ENV_PREFIX) {
                let origin = format!("the environment variable {k}");
                match value_of(&v, &origin) {
                    Ok(value) => inputs.set(name, value, origin, false),
                    Err(d) => diags.push(*d),
                }
            }
        }
        for file in var_files {
            if let Err(d) = inputs.read_file(file) {
                diags.push(*d);
            }
        }
        for spec in vars {
            match spec.split_once('=') {
                Some((k, v)) if super::is_identifier(k.trim()) => {
                    let k = k.trim();
                    let origin = format!("--var {k}=…");
                    match value_of(v, &origin) {
                        Ok(value) => inputs.set(k, value, origin, true),
                        Err(d) => diags.push(*d),
                    }
                }
                _ => diags.push(
                    Diagnostic::error(format!("--var `{spec}` is not NAME=VALUE"))
                        .with_help("e.g. --var 'users=[\"john\", \"maria\"]' or --var env=prod"),
                ),
            }
        }
        if diags.is_empty() {
            Ok(inputs)
        } else {
            Err(Diagnostics(diags))
        }
    }

    fn set(&mut self, name: &str, value: Value, origin: String, strict: bool) {
        self.values.insert(
            name.to_owned(),
            Input {
                value,
                origin,
                strict,
                at: None,
            },
        );
    }

    /// Reads `name = value` lines of an HCL var file, or a JSON object when the file ends in
    /// `.json`.
    fn read_file(&mut self, file: &Path) -> Result<(), Box<Diagnostic>> {
        let shown = file.display();
        let text = crate::fsutil::read_regular(file, MAX_VAR_FILE_BYTES, true)
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text")
                })
            })
            .map_err(|e| Diagnostic::error(format!("cannot read the var file {shown}: {e}")))
            .map_err(Box::new)?;
        if file.extension().is_some_and(|e| e == "json") {
            let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                Diagnostic::error(format!(
                    "{shown}:{}:{}: invalid JSON: {e}",
                    e.line(),
                    e.column()
                ))
            })?;
            let serde_json::Value::Object(obj) = json else {
                return Err(Box::new(Diagnostic::error(format!(
                    "{shown}: a JSON var file holds one object, e.g. {{\"users\": [\"john\"]}}"
                ))));
            };
            for (k, v) in obj {
                let value = hcl::to_value(&v).unwrap_or(Value::Null);
                self.set(&k, value, format!("the var file {shown}"), true);
            }
            return Ok(());
        }
        if let Some(offset) = limits::nesting_offset(&text) {
            let line = text[..offset].matches('\n').count() + 1;
            return Err(Box::new(Diagnostic::error(format!(
                "{shown}:{line}: {}",
                limits::too_deep()
            ))));
        }
        let body = hcl::edit::parser::parse_body(&text).map_err(|e| {
            let x = super::syntax::explain(&text, e.location().offset(), e.message());
            let before = &text[..x.offset];
            let line = before.matches('\n').count() + 1;
            let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            let mut d = Diagnostic::error(format!("{shown}:{line}:{col}: {}", x.message));
            d.help = x.help;
            Box::new(d)
        })?;
        for structure in body {
            let line = |offset: usize| text[..offset.min(text.len())].lines().count().max(1);
            match structure {
                hcl::edit::structure::Structure::Attribute(a) => {
                    use hcl::edit::Span as _;
                    let at = a.span().map_or(1, |s| line(s.start + 1));
                    let key = a.key.as_str().to_owned();
                    let value = literal(a.value).map_err(|e| {
                        Box::new(Diagnostic::error(format!(
                            "{shown}:{at}: `{key}`: a var file holds literal values only ({})",
                            super::arith::error_message(&e)
                        )))
                    })?;
                    self.set(&key, value, format!("{shown}:{at}"), true);
                }
                hcl::edit::structure::Structure::Block(b) => {
                    return Err(Box::new(Diagnostic::error(format!(
                        "{shown}: unexpected block `{}`: a var file holds `name = value` lines only",
                        b.ident.as_str()
                    ))));
                }
            }
        }
        Ok(())
    }

    /// Errors for values given (on the command line or in a var file) for variables the
    /// configuration does not declare.
    pub(crate) fn undeclared<'a>(
        &self,
        declared: impl Iterator<Item = &'a str> + Clone,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (name, input) in &self.values {
            if !input.strict || declared.clone().any(|d| d == name) {
                continue;
            }
            let mut d = Diagnostic::error(format!(
                "a value is given for undeclared variable `{name}` ({})",
                input.origin
            ));
            d.help = did_you_mean(name, declared.clone()).or_else(|| {
                Some(format!(
                    "declare it with `variable \"{name}\" {{ … }}` or remove the value"
                ))
            });
            out.push(d);
        }
        out
    }
}

#[cfg(test)]
fn parse_expr(text: &str) -> Result<Expression, hcl::edit::parser::Error> {
    hcl::edit::parser::parse_expr(text).map(Expression::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> Result<VarType, String> {
        VarType::parse(&parse_expr(src).unwrap())
    }

    #[test]
    fn types_parse_and_print() {
        for src in [
            "string",
            "number",
            "bool",
            "any",
            "list(string)",
            "set(number)",
            "map(list(string))",
            "object({ a = string, b = list(number) })",
        ] {
            assert_eq!(ty(src).unwrap().to_string(), src);
        }
        assert!(ty("strin").unwrap_err().contains("unknown type `strin`"));
        assert!(ty("list").unwrap_err().contains("needs an element type"));
        assert!(ty("\"string\"").unwrap_err().contains("not quoted"));
    }

    #[test]
    fn conversions_follow_terraform() {
        let table: [(&str, Value, Result<Value, &str>); 7] = [
            ("string", Value::from(3), Ok(Value::from("3"))),
            ("number", Value::from("3"), Ok(Value::from(3))),
            ("bool", Value::from("true"), Ok(Value::from(true))),
            (
                "number",
                Value::from("x"),
                Err("expected number, found the string"),
            ),
            (
                "set(string)",
                Value::Array(vec!["a".into(), "a".into(), 1.into()]),
                Ok(Value::Array(vec!["a".into(), "1".into()])),
            ),
            (
                "list(string)",
                Value::from("a"),
                Err("expected list(string), found the string \"a\""),
            ),
            (
                "object({ a = string })",
                Value::Object(Map::new()),
                Err("attribute `a` is missing"),
            ),
        ];
        for (t, v, want) in table {
            let got = ty(t).unwrap().convert(&v);
            match (got, want) {
                (Ok(g), Ok(w)) => assert_eq!(g, w, "{t}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{t}: {g}"),
                (g, w) => panic!("{t}: got {g:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn inputs_precedence_and_parsing() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.hcl");
        std::fs::write(&file, "a = \"file\"\nb = [\"x\", \"y\"]\n").unwrap();
        let env = vec![
            ("IAMFORM_VAR_a".to_owned(), "env".to_owned()),
            ("IAMFORM_VAR_c".to_owned(), "3".to_owned()),
            ("OTHER".to_owned(), "x".to_owned()),
        ];
        let inputs =
            Inputs::gather(&["b=flag".to_owned(), "p=/x/".to_owned()], &[file], env).unwrap();
        let v = |k: &str| inputs.values[k].value.clone();
        assert_eq!(v("a"), Value::from("file"));
        assert_eq!(v("b"), Value::from("flag"));
        assert_eq!(v("c"), Value::from(3));
        assert_eq!(v("p"), Value::from("/x/"));
        assert!(inputs.values["a"].origin.ends_with("x.hcl:1"));
        let e = Inputs::gather(&["novalue".to_owned()], &[], vec![]).unwrap_err();
        assert!(e.to_string().contains("not NAME=VALUE"), "{e}");
    }
}
