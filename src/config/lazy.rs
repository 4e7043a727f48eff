//! Evaluation of expressions that call `try` or `can`, whose arguments must not be evaluated
//! before the call (part of step 3, evaluation).
//!
//! hcl-rs evaluates every argument of a call before calling the function, and an argument that
//! fails fails the whole expression, so `try(local.x.missing, "default")` can never reach a `try`
//! function. [`evaluate`] hands an expression without `try`/`can` straight to hcl-rs; otherwise
//! it walks the expression down to those calls, evaluates them itself (`try`: the first argument
//! that evaluates; `can`: whether its argument evaluates), replaces each by its value and lets
//! hcl-rs evaluate the rest. Where the arguments' variables are bound by a `for` expression or a
//! template `%{ for }`, the iteration is done here too, so that each argument is evaluated with
//! its iteration's variables; a conditional evaluates only the branch it takes, as Terraform does.

use hcl::eval::{Context, Error, ErrorKind, Evaluate};
use hcl::expr::{Expression, FuncName, ObjectKey, Operation, TraversalOperator};
use hcl::template::{Directive, Element, Strip, Template};
use hcl::{Map, Value};

type Result<T> = std::result::Result<T, Error>;

fn is_lazy(name: &FuncName) -> bool {
    name.namespace.is_empty() && matches!(name.name.as_str(), "try" | "can")
}

fn error(message: impl Into<String>) -> Error {
    Error::from(ErrorKind::Message(message.into()))
}

/// Whether evaluating `expr` calls `try` or `can` (templates are parsed to look inside them).
fn has_lazy(expr: &Expression) -> bool {
    match expr {
        Expression::FuncCall(call) => is_lazy(&call.name) || call.args.iter().any(has_lazy),
        Expression::Array(items) => items.iter().any(has_lazy),
        Expression::Object(obj) => obj.iter().any(|(k, v)| key_has_lazy(k) || has_lazy(v)),
        Expression::TemplateExpr(t) => Template::from_expr(t).is_ok_and(|t| template_has_lazy(&t)),
        Expression::Traversal(t) => {
            has_lazy(&t.expr)
                || t.operators
                    .iter()
                    .any(|op| matches!(op, TraversalOperator::Index(e) if has_lazy(e)))
        }
        Expression::Parenthesis(e) => has_lazy(e),
        Expression::Conditional(c) => {
            has_lazy(&c.cond_expr) || has_lazy(&c.true_expr) || has_lazy(&c.false_expr)
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => has_lazy(&u.expr),
            Operation::Binary(b) => has_lazy(&b.lhs_expr) || has_lazy(&b.rhs_expr),
        },
        Expression::ForExpr(f) => {
            has_lazy(&f.collection_expr)
                || f.key_expr.as_ref().is_some_and(has_lazy)
                || has_lazy(&f.value_expr)
                || f.cond_expr.as_ref().is_some_and(has_lazy)
        }
        _ => false,
    }
}

fn key_has_lazy(k: &ObjectKey) -> bool {
    matches!(k, ObjectKey::Expression(e) if has_lazy(e))
}

fn template_has_lazy(t: &Template) -> bool {
    t.elements().iter().any(|e| match e {
        Element::Literal(_) => false,
        Element::Interpolation(i) => has_lazy(&i.expr),
        Element::Directive(Directive::If(d)) => {
            has_lazy(&d.cond_expr)
                || template_has_lazy(&d.true_template)
                || d.false_template.as_ref().is_some_and(template_has_lazy)
        }
        Element::Directive(Directive::For(d)) => {
            has_lazy(&d.collection_expr) || template_has_lazy(&d.template)
        }
    })
}

/// Evaluates `expr` in `ctx`, with `try` and `can` evaluating their arguments lazily.
pub(crate) fn evaluate(expr: &Expression, ctx: &Context) -> Result<Value> {
    if !has_lazy(expr) {
        return expr.evaluate(ctx);
    }
    match expr {
        Expression::FuncCall(call) if is_lazy(&call.name) => lazy_call(call, ctx),
        Expression::Conditional(c) => match evaluate(&c.cond_expr, ctx)? {
            Value::Bool(true) => evaluate(&c.true_expr, ctx),
            Value::Bool(false) => evaluate(&c.false_expr, ctx),
            other => Err(error(format!(
                "a condition must be true or false, found {}",
                super::convert::describe(&other)
            ))),
        },
        Expression::ForExpr(f)
            if f.key_expr.as_ref().is_some_and(has_lazy)
                || has_lazy(&f.value_expr)
                || f.cond_expr.as_ref().is_some_and(has_lazy) =>
        {
            for_expr(f, ctx)
        }
        Expression::TemplateExpr(t) => {
            let template = Template::from_expr(t)?;
            match template.elements() {
                [Element::Interpolation(i)] => evaluate(&i.expr, ctx),
                _ => evaluate_template(&template, ctx).map(Value::String),
            }
        }
        other => reduce(other, ctx)?.evaluate(ctx),
    }
}

/// `try(a, b, …)` and `can(a)`.
fn lazy_call(call: &hcl::expr::FuncCall, ctx: &Context) -> Result<Value> {
    let name = call.name.name.as_str();
    let fail = |message: String| Error::from(ErrorKind::FuncCall(call.name.clone(), message));
    if call.expand_final {
        return Err(fail(format!(
            "{name} does not take an expanded list (`...`)"
        )));
    }
    if name == "can" {
        return match call.args.as_slice() {
            [arg] => Ok(Value::Bool(evaluate(arg, ctx).is_ok())),
            _ => Err(fail("can takes exactly one expression".to_owned())),
        };
    }
    let mut last = None;
    for arg in &call.args {
        match evaluate(arg, ctx) {
            Ok(v) => return Ok(v),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => fail(format!(
            "no expression succeeded; the last one failed with: {}",
            e.kind()
        )),
        None => fail("try needs at least one expression".to_owned()),
    })
}

/// A copy of `expr` whose direct sub-expressions calling `try`/`can` are replaced by their
/// values; those sub-expressions are evaluated in `ctx`, as hcl-rs would evaluate them.
fn reduce(expr: &Expression, ctx: &Context) -> Result<Expression> {
    let value = |e: &Expression| -> Result<Expression> {
        if has_lazy(e) {
            evaluate(e, ctx).map(Expression::from)
        } else {
            Ok(e.clone())
        }
    };
    Ok(match expr {
        Expression::Array(items) => {
            Expression::Array(items.iter().map(value).collect::<Result<_>>()?)
        }
        Expression::Object(obj) => {
            let mut out = hcl::Object::new();
            for (k, v) in obj {
                let k = match k {
                    ObjectKey::Expression(e) => ObjectKey::Expression(value(e)?),
                    other => other.clone(),
                };
                out.insert(k, value(v)?);
            }
            Expression::Object(out)
        }
        Expression::FuncCall(call) => {
            let mut call = call.clone();
            for arg in call.args.iter_mut() {
                *arg = value(arg)?;
            }
            Expression::FuncCall(call)
        }
        Expression::Traversal(t) => {
            let mut t = t.clone();
            t.expr = value(&t.expr)?;
            for op in t.operators.iter_mut() {
                if let TraversalOperator::Index(e) = op {
                    *e = value(e)?;
                }
            }
            Expression::Traversal(t)
        }
        Expression::Parenthesis(e) => Expression::Parenthesis(Box::new(value(e)?)),
        Expression::Operation(op) => {
            let mut op = op.clone();
            match op.as_mut() {
                Operation::Unary(u) => u.expr = value(&u.expr)?,
                Operation::Binary(b) => {
                    b.lhs_expr = value(&b.lhs_expr)?;
                    b.rhs_expr = value(&b.rhs_expr)?;
                }
            }
            Expression::Operation(op)
        }
        Expression::ForExpr(f) => {
            let mut f = f.clone();
            f.collection_expr = value(&f.collection_expr)?;
            Expression::ForExpr(f)
        }
        other => other.clone(),
    })
}

/// The (key, value) pairs a `for` iterates: a list's indexes and elements, or an object's keys
/// and values.
fn iterate(collection: Value) -> Result<Vec<(Value, Value)>> {
    match collection {
        Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as u64), v))
            .collect()),
        Value::Object(obj) => Ok(obj
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect()),
        other => Err(error(format!(
            "a for expression needs a list or an object, found {}",
            super::convert::describe(&other)
        ))),
    }
}

/// Binds the iteration variables in `ctx`, a copy of the context made once per loop (hcl-rs
/// keeps the cheap child contexts it uses for this to itself), replacing the previous
/// iteration's values.
fn bind(
    ctx: &mut Context,
    key_var: Option<&hcl::Identifier>,
    value_var: &hcl::Identifier,
    key: Value,
    value: Value,
) {
    if let Some(k) = key_var {
        ctx.declare_var(k.clone(), key);
    }
    ctx.declare_var(value_var.clone(), value);
}

fn for_expr(f: &hcl::expr::ForExpr, ctx: &Context) -> Result<Value> {
    let collection = evaluate(&f.collection_expr, ctx)?;
    let mut list = Vec::new();
    let mut obj = Map::new();
    let mut c = ctx.clone();
    for (key, value) in iterate(collection)? {
        bind(&mut c, f.key_var.as_ref(), &f.value_var, key, value);
        if let Some(cond) = &f.cond_expr {
            match evaluate(cond, &c)? {
                Value::Bool(true) => {}
                Value::Bool(false) => continue,
                other => {
                    return Err(error(format!(
                        "a for expression's `if` must be true or false, found {}",
                        super::convert::describe(&other)
                    )))
                }
            }
        }
        let v = evaluate(&f.value_expr, &c)?;
        match &f.key_expr {
            None => list.push(v),
            Some(k) => {
                let k = match evaluate(k, &c)? {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    other => {
                        return Err(error(format!(
                            "an object key must be a string, found {}",
                            super::convert::describe(&other)
                        )))
                    }
                };
                if f.grouping {
                    if let Value::Array(group) =
                        obj.entry(k).or_insert_with(|| Value::Array(Vec::new()))
                    {
                        group.push(v);
                    }
                } else if obj.contains_key(&k) {
                    return Err(Error::from(ErrorKind::KeyExists(k)));
                } else {
                    obj.insert(k, v);
                }
            }
        }
    }
    Ok(match f.key_expr {
        None => Value::Array(list),
        Some(_) => Value::Object(obj),
    })
}

/// Renders a template (a quoted string or heredoc with `${…}` and `%{…}`, or a template file),
/// with `try` and `can` lazy inside it, and stopping as soon as the text grows past the largest
/// value (a `%{ for }` could otherwise repeat a large value until memory runs out).
pub(crate) fn evaluate_template(t: &Template, ctx: &Context) -> Result<String> {
    let mut out = String::new();
    render(&mut out, t, ctx, Strip::None, Strip::None)?;
    Ok(out)
}

/// An error once `out` is longer than a value may be.
fn check_length(out: &str) -> Result<()> {
    let max = super::functions::MAX_VALUE_BYTES;
    if out.len() > max {
        return Err(error(format!(
            "the template renders more than {} bytes; iamform's values are limited to that",
            super::functions::thousands(max)
        )));
    }
    Ok(())
}

/// hcl-rs's template rendering (with its whitespace stripping by `~`), evaluating through
/// [`evaluate`].
fn render(out: &mut String, t: &Template, ctx: &Context, first: Strip, last: Strip) -> Result<()> {
    let elems = t.elements();
    for (i, elem) in elems.iter().enumerate() {
        let prev = if i == 0 {
            first
        } else {
            strip_of(&elems[i - 1])
        };
        let next = if i + 1 == elems.len() {
            last
        } else {
            strip_of(&elems[i + 1])
        };
        match elem {
            Element::Literal(text) => {
                out.push_str(strip(text, prev, next));
                check_length(out)?;
            }
            Element::Interpolation(interp) => {
                match evaluate(&interp.expr, ctx)? {
                    Value::String(s) => out.push_str(&s),
                    other => out.push_str(&other.to_string()),
                }
                check_length(out)?;
            }
            Element::Directive(Directive::If(d)) => match evaluate(&d.cond_expr, ctx)? {
                Value::Bool(true) => {
                    let end = if d.false_template.is_some() {
                        d.else_strip
                    } else {
                        d.endif_strip
                    };
                    render(out, &d.true_template, ctx, d.if_strip, end)?;
                }
                Value::Bool(false) => {
                    if let Some(f) = &d.false_template {
                        render(out, f, ctx, d.else_strip, d.endif_strip)?;
                    }
                }
                other => {
                    return Err(error(format!(
                        "a template `if` must be true or false, found {}",
                        super::convert::describe(&other)
                    )))
                }
            },
            Element::Directive(Directive::For(d)) => {
                let collection = evaluate(&d.collection_expr, ctx)?;
                let mut c = ctx.clone();
                for (key, value) in iterate(collection)? {
                    bind(&mut c, d.key_var.as_ref(), &d.value_var, key, value);
                    render(out, &d.template, &c, d.for_strip, d.endfor_strip)?;
                    check_length(out)?;
                }
            }
        }
    }
    Ok(())
}

/// The whitespace stripping an element asks of its neighbours (hcl-rs keeps its own version of
/// this private).
fn strip_of(e: &Element) -> Strip {
    match e {
        Element::Literal(_) => Strip::None,
        Element::Interpolation(i) => i.strip,
        Element::Directive(Directive::If(d)) => {
            Strip::from((d.if_strip.strip_start(), d.endif_strip.strip_end()))
        }
        Element::Directive(Directive::For(d)) => {
            Strip::from((d.for_strip.strip_start(), d.endfor_strip.strip_end()))
        }
    }
}

/// A literal without the whitespace (up to and including one line break) that a `~` next to it
/// removes.
fn strip(mut text: &str, prev: Strip, next: Strip) -> &str {
    let space = |c: char| c.is_whitespace() && c != '\r' && c != '\n';
    if prev.strip_end() {
        text = without_line_break(text.trim_start_matches(space), str::strip_prefix);
    }
    if next.strip_start() {
        text = without_line_break(text.trim_end_matches(space), str::strip_suffix);
    }
    text
}

/// `text` without the line break (`\r\n` or `\n`) that `cut` (`str::strip_prefix` or
/// `str::strip_suffix`) finds at one end, if any.
fn without_line_break<'a>(
    text: &'a str,
    cut: fn(&'a str, &'static str) -> Option<&'a str>,
) -> &'a str {
    cut(text, "\r\n")
        .or_else(|| cut(text, "\n"))
        .unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> std::result::Result<Value, String> {
        let mut ctx = Context::new();
        super::super::functions::declare(&mut ctx);
        let mut obj = Map::new();
        obj.insert("bar".to_owned(), Value::from("baz"));
        let mut local = Map::new();
        local.insert("foo".to_owned(), Value::Object(obj));
        local.insert(
            "list".to_owned(),
            Value::Array(vec![Value::from("a"), Value::from(1)]),
        );
        ctx.declare_var("local", Value::Object(local));
        let expr: Expression = hcl::edit::parser::parse_expr(src)
            .map_err(|e| e.to_string())?
            .into();
        evaluate(&expr, &ctx).map_err(|e| e.to_string())
    }

    #[test]
    fn try_and_can_as_terraform_documents_them() {
        let table = [
            (r#"try(local.foo.bar, "fallback")"#, r#""baz""#),
            (r#"try(local.foo.boop, "fallback")"#, r#""fallback""#),
            ("can(local.foo.bar)", "true"),
            ("can(local.foo.boop)", "false"),
            (r#"can(regex("^[a-z]+$", "abc"))"#, "true"),
            (r#"can(regex("^[a-z]+$", "ABC"))"#, "false"),
            (r#"try(local.list[5], local.list[1], "none")"#, "1"),
            (
                r#"[for x in local.list : try(upper(x), "n/a")]"#,
                r#"["A","n/a"]"#,
            ),
            (
                r#"{for i, x in local.list : x => can(upper(x))}"#,
                r#"{"a":true,"1":false}"#,
            ),
            (r#"[for x in local.list : x if can(upper(x))]"#, r#"["a"]"#),
            (r#"true ? "yes" : try(local.foo.boop)"#, r#""yes""#),
            (r#""v=${try(local.foo.boop, "d")}""#, r#""v=d""#),
            (
                r#""%{for x in local.list}${try(upper(x), "?")}%{endfor}""#,
                r#""A?""#,
            ),
            (r#"length(try(local.foo.nope, []))"#, "0"),
            (r#"{ k = try(local.foo.bar, 1) }.k"#, r#""baz""#),
            (r#"[try(local.x, 1), 2][0]"#, "1"),
        ];
        for (src, want) in table {
            let got = eval(src).map(|v| serde_json::to_string(&v).unwrap());
            assert_eq!(got.as_deref(), Ok(want), "{src}");
        }
    }

    #[test]
    fn try_fails_only_when_every_expression_fails() {
        let e = eval("try(local.foo.a, local.foo.b)").unwrap_err();
        assert!(e.contains("no expression succeeded"), "{e}");
        assert!(eval("can(1, 2)").is_err());
        // An error outside the calls is still an error.
        assert!(eval(r#"try(1, 2) + "x""#).is_err());
    }
}
