//! A budget on what loops produce in one evaluation (part of step 3, evaluation).
//!
//! Every value an evaluation ends with is held to `functions::MAX_VALUE_BYTES`, but a loop can
//! build far more before it ends: `[for i in range(1024) : local.big]` copies a 16 MiB local a
//! thousand times. Before evaluation, [`rewrite`] wraps the value of every `for` expression and
//! every interpolation inside a template `%{ for }` in a call of [`COUNT`], which passes the value
//! through and adds its size to a per-thread budget; past [`LIMIT`] the evaluation stops with an
//! error instead of growing memory. `Env::eval_in` starts each attribute with a fresh budget. The
//! name cannot be written by users: calls are checked against the public function names first.

use hcl::edit::expr::{Expression, ForExpr, FuncArgs, FuncCall};
use hcl::edit::template::{ForDirective, Interpolation};
use hcl::edit::visit_mut::{self, VisitMut};
use hcl::edit::Ident;
use hcl::eval::{Context, FuncArgs as Args, FuncDef, ParamType};
use hcl::Value;
use std::cell::Cell;

/// The internal function counting what loops produce.
pub(crate) const COUNT: &str = "iamform_count";

/// What the loops of one evaluation may produce in all (nested loops count their inner results
/// again, hence a multiple of the largest value).
pub(crate) const LIMIT: usize = 4 * super::functions::MAX_VALUE_BYTES;

thread_local! {
    static SPENT: Cell<usize> = const { Cell::new(0) };
}

/// Starts an evaluation with the whole budget.
pub(crate) fn reset() {
    SPENT.with(|s| s.set(0));
}

/// Wraps loop values in `expr` in [`COUNT`] calls; whether there were any.
pub(crate) fn rewrite(expr: &mut Expression) -> bool {
    let mut w = Wrapper {
        in_for_directive: 0,
        wrapped: false,
    };
    w.visit_expr_mut(expr);
    w.wrapped
}

struct Wrapper {
    in_for_directive: usize,
    wrapped: bool,
}

impl Wrapper {
    fn wrap(&mut self, expr: &mut Expression) {
        let null = Expression::Null(hcl::edit::Decorated::new(hcl::edit::expr::Null));
        let inner = std::mem::replace(expr, null);
        let mut args = FuncArgs::new();
        args.push(inner);
        *expr = Expression::from(FuncCall::new(Ident::new(COUNT), args));
        self.wrapped = true;
    }
}

impl VisitMut for Wrapper {
    fn visit_for_expr_mut(&mut self, node: &mut ForExpr) {
        visit_mut::visit_for_expr_mut(self, node);
        self.wrap(&mut node.value_expr);
    }

    fn visit_for_directive_mut(&mut self, node: &mut ForDirective) {
        self.in_for_directive += 1;
        visit_mut::visit_for_directive_mut(self, node);
        self.in_for_directive -= 1;
    }

    fn visit_interpolation_mut(&mut self, node: &mut Interpolation) {
        visit_mut::visit_interpolation_mut(self, node);
        if self.in_for_directive > 0 {
            self.wrap(&mut node.expr);
        }
    }
}

/// Declares [`COUNT`].
pub(crate) fn declare(ctx: &mut Context) {
    ctx.declare_func(COUNT, FuncDef::new(count, [ParamType::Any]));
}

fn count(args: Args) -> Result<Value, String> {
    let v = args.into_values().pop().unwrap_or(Value::Null);
    let (size, _) = super::functions::measure(&v);
    let spent = SPENT.with(|s| {
        let spent = s.get().saturating_add(size);
        s.set(spent);
        spent
    });
    if spent > LIMIT {
        return Err(format!(
            "its `for` loops build more than {} bytes; iamform's values are limited to {} bytes",
            super::functions::thousands(LIMIT),
            super::functions::thousands(super::functions::MAX_VALUE_BYTES)
        ));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl::eval::Evaluate;

    /// Evaluates `src` with `mib`, a string of 1 MiB.
    fn eval(src: &str) -> Result<Value, String> {
        let mut expr = hcl::edit::parser::parse_expr(src).map_err(|e| e.to_string())?;
        super::super::arith::rewrite(&mut expr);
        rewrite(&mut expr);
        let expr: hcl::Expression = expr.into();
        let mut ctx = Context::new();
        super::super::functions::declare(&mut ctx);
        ctx.declare_var("mib", "x".repeat(1 << 20));
        reset();
        expr.evaluate(&ctx).map_err(|e| e.to_string())
    }

    #[test]
    fn loops_keep_their_values_and_stop_past_the_budget() {
        let ok = [
            ("[for x in [1, 2] : x * 2]", "[2,4]"),
            ("{for k, v in {a = 1} : k => v}", r#"{"a":1}"#),
            ("{for v in [1, 1, 2] : v => v...}", r#"{"1":[1,1],"2":[2]}"#),
            (r#""%{ for x in ["a", "b"] }${x}-%{ endfor }""#, r#""a-b-""#),
        ];
        super::super::functions::tests::table_with(eval, &ok);
        // A thousand copies of a mebibyte: stopped at the budget.
        for src in [
            "[for i in range(1024) : mib]",
            "{for i in range(1024) : i => mib}",
            "[for i in range(32) : [for j in range(32) : mib]]",
            r#""%{ for i in range(1024) }${mib}%{ endfor }""#,
        ] {
            let e = eval(src).unwrap_err();
            assert!(e.contains("its `for` loops build more than"), "{src}: {e}");
        }
        assert!(eval("[for i in range(60) : mib]").is_ok());
    }
}
