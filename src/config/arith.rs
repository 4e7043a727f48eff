//! Arithmetic that reports errors instead of panicking.
//!
//! hcl-rs computes `+ - * / %` on its own number type, which panics on integer overflow, on
//! `x % 0` and (in debug builds) on a division by zero. Before evaluation, [`rewrite`] turns every
//! arithmetic operation (also inside `"${…}"` templates) into a call of one of the checked
//! functions below, which [`declare`] adds to the evaluation context. Their names cannot be
//! written by users: calls are checked against the public function names before the rewrite.

use hcl::edit::expr::{BinaryOp, BinaryOperator, Expression, FuncArgs, FuncCall};
use hcl::edit::visit_mut::{self, VisitMut};
use hcl::edit::Ident;
use hcl::edit::Spanned;
use hcl::eval::{Context, FuncArgs as Args, FuncDef, ParamType};
use hcl::{Number, Value};

const OPS: [(&str, &str); 5] = [
    ("iamform_add", "+"),
    ("iamform_sub", "-"),
    ("iamform_mul", "*"),
    ("iamform_div", "/"),
    ("iamform_mod", "%"),
];

/// Replaces arithmetic operators in `expr` by checked function calls; whether there were any.
pub(crate) fn rewrite(expr: &mut Expression) -> bool {
    let mut rewriter = Rewriter { rewrote: false };
    rewriter.visit_expr_mut(expr);
    rewriter.rewrote
}

struct Rewriter {
    rewrote: bool,
}

/// hcl-edit parses `a op b op c` as `a op (b op c)` whatever the operators, and hcl-rs applies
/// the precedence rules when it evaluates. Since arithmetic becomes function calls before that,
/// the chain is rebuilt here first: `i % 2 == 0` is `(i % 2) == 0`, `a - b - c` is `(a - b) - c`.
fn by_precedence(expr: &mut Expression) {
    let Expression::BinaryOp(_) = expr else {
        return;
    };
    let null = || Expression::Null(hcl::edit::Decorated::new(hcl::edit::expr::Null));
    let mut operands = Vec::new();
    let mut operators = Vec::new();
    let mut rest = std::mem::replace(expr, null());
    loop {
        match rest {
            Expression::BinaryOp(op) => {
                let op = *op;
                operands.push(op.lhs_expr);
                operators.push(op.operator);
                rest = op.rhs_expr;
            }
            other => {
                operands.push(other);
                break;
            }
        }
    }
    *expr = rebuild(operands, operators);
}

/// Left-associative: split at the last operator of the lowest precedence.
fn rebuild(
    mut operands: Vec<Expression>,
    mut operators: Vec<Spanned<BinaryOperator>>,
) -> Expression {
    let Some(split) = (0..operators.len())
        .min_by_key(|&i| (operators[i].value().precedence(), std::cmp::Reverse(i)))
    else {
        return operands.pop().expect("one operand");
    };
    let right_operands = operands.split_off(split + 1);
    let right_operators = operators.split_off(split + 1);
    let operator = operators.pop().expect("the split operator");
    let lhs = rebuild(operands, operators);
    let rhs = rebuild(right_operands, right_operators);
    Expression::from(BinaryOp::new(lhs, operator, rhs))
}

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expression) {
        by_precedence(expr);
        visit_mut::visit_expr_mut(self, expr);
        let Expression::BinaryOp(op) = expr else {
            return;
        };
        let name = match op.operator.value() {
            BinaryOperator::Plus => OPS[0].0,
            BinaryOperator::Minus => OPS[1].0,
            BinaryOperator::Mul => OPS[2].0,
            BinaryOperator::Div => OPS[3].0,
            BinaryOperator::Mod => OPS[4].0,
            _ => return,
        };
        let null = || Expression::Null(hcl::edit::Decorated::new(hcl::edit::expr::Null));
        let lhs = std::mem::replace(&mut op.lhs_expr, null());
        let rhs = std::mem::replace(&mut op.rhs_expr, null());
        self.rewrote = true;
        let mut args = FuncArgs::new();
        args.push(lhs);
        args.push(rhs);
        *expr = Expression::from(FuncCall::new(Ident::new(name), args));
    }
}

/// Declares the checked arithmetic functions.
pub(crate) fn declare(ctx: &mut Context) {
    let def = |f| FuncDef::new(f, [ParamType::Any, ParamType::Any]);
    ctx.declare_func(OPS[0].0, def(add));
    ctx.declare_func(OPS[1].0, def(sub));
    ctx.declare_func(OPS[2].0, def(mul));
    ctx.declare_func(OPS[3].0, def(div));
    ctx.declare_func(OPS[4].0, def(rem));
}

/// The operator of an internal function name, to show `+` instead of `iamform_add` in errors.
pub(crate) fn operator_of(func: &str) -> Option<&'static str> {
    OPS.iter().find(|(n, _)| *n == func).map(|(_, op)| *op)
}

fn operands(args: &Args, op: &str) -> Result<(Number, Number), String> {
    match (args.first(), args.get(1)) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => Ok((*a, *b)),
        (a, b) => Err(format!(
            "`{op}` needs two numbers, found {} and {}",
            super::convert::describe(a.unwrap_or(&Value::Null)),
            super::convert::describe(b.unwrap_or(&Value::Null))
        )),
    }
}

fn float(f: f64, op: &str) -> Result<Value, String> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| format!("the result of `{op}` is not a finite number"))
}

fn checked(
    args: Args,
    op: &str,
    int: fn(i64, i64) -> Option<i64>,
    flt: fn(f64, f64) -> f64,
) -> Result<Value, String> {
    let (a, b) = operands(&args, op)?;
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if let Some(r) = int(x, y) {
            return Ok(Value::from(r));
        }
    }
    let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
        return Err(format!("`{op}` needs two numbers"));
    };
    float(flt(x, y), op)
}

fn add(args: Args) -> Result<Value, String> {
    checked(args, "+", i64::checked_add, |a, b| a + b)
}

fn sub(args: Args) -> Result<Value, String> {
    checked(args, "-", i64::checked_sub, |a, b| a - b)
}

fn mul(args: Args) -> Result<Value, String> {
    checked(args, "*", i64::checked_mul, |a, b| a * b)
}

fn div(args: Args) -> Result<Value, String> {
    let (a, b) = operands(&args, "/")?;
    if b.as_f64() == Some(0.0) {
        return Err("division by zero".into());
    }
    let exact = |x: i64, y: i64| {
        (x.checked_rem(y) == Some(0))
            .then(|| x.checked_div(y))
            .flatten()
    };
    checked(args, "/", exact, |x, y| x / y).or_else(|_| {
        let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
            return Err("`/` needs two numbers".to_owned());
        };
        float(x / y, "/")
    })
}

fn rem(args: Args) -> Result<Value, String> {
    let (_, b) = operands(&args, "%")?;
    if b.as_f64() == Some(0.0) {
        return Err("modulo by zero".into());
    }
    checked(args, "%", i64::checked_rem, |x, y| x % y)
}

/// An evaluation error as users should read it (checked arithmetic shows its operator).
/// Long values in messages are cut short.
pub(crate) fn error_message(e: &hcl::eval::Error) -> String {
    const MAX: usize = 300;
    let message = match e.kind() {
        hcl::eval::ErrorKind::FuncCall(name, msg)
            if operator_of(&name.to_string()).is_some()
                || name.to_string() == super::budget::COUNT =>
        {
            msg.clone()
        }
        kind => kind.to_string(),
    };
    super::diagnostic::cut(&message, MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    fn eval(src: &str) -> Result<Value, String> {
        let mut expr = hcl::edit::parser::parse_expr(src).map_err(|e| e.to_string())?;
        rewrite(&mut expr);
        let expr: hcl::Expression = expr.into();
        let mut ctx = Context::new();
        declare(&mut ctx);
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    #[test]
    fn arithmetic_is_checked() {
        let ok = [
            ("1 + 2 * 3", "7"),
            ("7 / 2", "3.5"),
            ("8 / 2", "4"),
            ("7 % 3", "1"),
            ("-3 - 4", "-7"),
            ("\"n${1 + 1}\"", "\"n2\""),
            ("9223372036854775807 + 1", "9223372036854775808"),
            ("1 == 1 && 2 > 1", "true"),
            // Regression: the rewrite once froze hcl-edit's right-nested chains.
            ("5 % 2 == 1", "true"),
            ("10 - 3 - 2", "5"),
            ("100 / 10 / 5", "2"),
            ("2 * 3 + 4", "10"),
            ("(1 + 2) * 3", "9"),
            ("1 + 2 == 3 && 4 % 3 == 1 || false", "true"),
        ];
        super::super::functions::tests::table_with(eval, &ok);
        for src in [
            "1 / 0",
            "1 % 0",
            "1.5 % 0",
            "1e308 * 10",
            "\"a\" + 1",
            "\"${1 / 0}\"",
        ] {
            assert!(eval(src).is_err(), "{src}");
        }
    }
}
