//! Functions over numbers: `min`, `max`, `sum`, `abs`, `ceil`, `floor`, `range`. Whole numbers
//! stay whole; overflow is an error, never a panic.

use super::array_arg;
use hcl::eval::FuncArgs;
use hcl::{Number, Value};

fn number(v: &Value) -> Result<Number, String> {
    v.as_number()
        .copied()
        .ok_or_else(|| format!("expected a number, found {}", super::describe(v)))
}

fn from_f64(f: f64) -> Result<Value, String> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| "the result is not a finite number".to_owned())
}

/// The whole number `f` is, as an integer value when it fits.
fn whole(f: f64) -> Result<Value, String> {
    if f.abs() < 9.0e15 {
        Ok(Value::from(f as i64))
    } else {
        from_f64(f)
    }
}

fn extreme(args: FuncArgs, pick_max: bool) -> Result<Value, String> {
    let mut best: Option<Number> = None;
    for v in args.iter() {
        let n = number(v)?;
        best = Some(match best {
            None => n,
            Some(b) => {
                let replace = if pick_max { n > b } else { n < b };
                if replace {
                    n
                } else {
                    b
                }
            }
        });
    }
    best.map(Value::Number)
        .ok_or_else(|| "needs at least one number".to_owned())
}

pub(super) fn min(args: FuncArgs) -> Result<Value, String> {
    extreme(args, false)
}

pub(super) fn max(args: FuncArgs) -> Result<Value, String> {
    extreme(args, true)
}

/// `sum(list)`: the sum of a non-empty list of numbers.
pub(super) fn sum(args: FuncArgs) -> Result<Value, String> {
    let list = array_arg(&args, 0)?;
    if list.is_empty() {
        return Err("sum needs a non-empty list".into());
    }
    let mut int: Option<i64> = Some(0);
    let mut float = 0.0f64;
    for v in list {
        let n = number(v)?;
        int = int.and_then(|acc| n.as_i64().and_then(|i| acc.checked_add(i)));
        float += n.as_f64().unwrap_or(0.0);
    }
    match int {
        Some(i) => Ok(Value::from(i)),
        None => from_f64(float),
    }
}

pub(super) fn abs(args: FuncArgs) -> Result<Value, String> {
    let n = number(args.first().unwrap_or(&Value::Null))?;
    match n.as_i64() {
        Some(i) => i
            .checked_abs()
            .map(Value::from)
            .ok_or_else(|| "the result does not fit a number".to_owned()),
        None => from_f64(n.as_f64().unwrap_or(0.0).abs()),
    }
}

pub(super) fn ceil(args: FuncArgs) -> Result<Value, String> {
    let n = number(args.first().unwrap_or(&Value::Null))?;
    match n.as_i64() {
        Some(i) => Ok(Value::from(i)),
        None => whole(n.as_f64().unwrap_or(0.0).ceil()),
    }
}

pub(super) fn floor(args: FuncArgs) -> Result<Value, String> {
    let n = number(args.first().unwrap_or(&Value::Null))?;
    match n.as_i64() {
        Some(i) => Ok(Value::from(i)),
        None => whole(n.as_f64().unwrap_or(0.0).floor()),
    }
}

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)` over whole numbers; at most
/// 1024 elements, as in Terraform.
pub(super) fn range(args: FuncArgs) -> Result<Value, String> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{errors, table};

    #[test]
    fn terraforms_documented_examples() {
        table(&[
            ("min(12, 54, 3)", "3"),
            ("min([12, 54, 3]...)", "3"),
            ("max(12, 54, 3)", "54"),
            ("max([12, 54, 3]...)", "54"),
            ("sum([10, 13, 6, 20])", "49"),
            ("sum([10.5, 1])", "11.5"),
            ("abs(23)", "23"),
            ("abs(0)", "0"),
            ("abs(-12.4)", "12.4"),
            ("ceil(5)", "5"),
            ("ceil(5.1)", "6"),
            ("floor(5)", "5"),
            ("floor(4.9)", "4"),
            ("range(3)", "[0,1,2]"),
            ("range(1, 4)", "[1,2,3]"),
            ("range(4, 1)", "[4,3,2]"),
            ("range(0, 10, 5)", "[0,5]"),
        ]);
    }

    #[test]
    fn bad_arguments_are_errors() {
        errors(&[
            ("sum([])", "non-empty"),
            ("min()", "at least one"),
            ("range(0, 10, 0)", "zero"),
            ("range(100000)", "1024"),
            ("abs(-9223372036854775807 - 1)", "does not fit"),
        ]);
    }
}
