//! `format` and `formatlist`, with Terraform's verbs, flags, width, precision and `%[n]`
//! argument indexes (Terraform's format follows Go's `fmt`, and so does this):
//!
//! | verb | result |
//! |---|---|
//! | `%%` | a percent sign, consuming no value |
//! | `%v` | `%s` for a string, `%g` a number, `%t` a bool, `%#v` anything else; `null` for null |
//! | `%#v` | the value as JSON (as `jsonencode`) |
//! | `%t` | a bool |
//! | `%b` `%d` `%o` `%x` `%X` | a whole number in base 2, 10, 8, 16 (`#`: `0b`, `0`, `0x` prefix) |
//! | `%c` | the character of a whole number (a Unicode code point) |
//! | `%e` `%E` `%f` `%g` `%G` | a number in scientific, decimal or shortest notation |
//! | `%s` | a string (numbers and bools converted) |
//! | `%q` | a string as a JSON quoted string |
//!
//! Flags after `%`: `-` pads on the right, `+` always shows the sign, space leaves a space for
//! it, `0` pads numbers with zeros after the sign, `#` the alternate form. Then a width, then
//! `.precision`, then optionally `[n]` choosing the n-th value (later verbs continue from n+1).

use super::{bounded, describe, str_arg};
use hcl::eval::FuncArgs;
use hcl::Value;

/// The widest width or precision accepted: more is a memory bomb, not a layout.
const MAX_WIDTH: usize = 10_000;

#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

/// Renders `spec` with `values`.
pub(crate) fn render(spec: &str, values: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next = 0usize;
    let mut explicit = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut s = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => s.minus = true,
                '+' => s.plus = true,
                ' ' => s.space = true,
                '0' => s.zero = true,
                '#' => s.sharp = true,
                _ => break,
            }
            chars.next();
        }
        let number =
            |chars: &mut std::iter::Peekable<std::str::Chars>| -> Result<Option<usize>, String> {
                let mut n: Option<usize> = None;
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    chars.next();
                    let v = n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize);
                    if v > MAX_WIDTH {
                        return Err(format!(
                            "a width or precision in the format string is over {MAX_WIDTH}"
                        ));
                    }
                    n = Some(v);
                }
                Ok(n)
            };
        s.width = number(&mut chars)?;
        if chars.peek() == Some(&'.') {
            chars.next();
            s.precision = Some(number(&mut chars)?.unwrap_or(0));
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            let n = number(&mut chars)?.ok_or("`%[` needs an argument number, e.g. %[1]s")?;
            if chars.next() != Some(']') {
                return Err("an argument index `%[n]` needs its closing `]`".into());
            }
            if n == 0 || n > values.len() {
                return Err(format!(
                    "the argument index %[{n}] is out of range: there {}",
                    match values.len() {
                        1 => "is 1 argument".to_owned(),
                        n => format!("are {}", crate::words::count(n, "argument")),
                    }
                ));
            }
            next = n - 1;
            explicit = true;
        }
        let verb = chars
            .next()
            .ok_or("the format string ends with an unfinished `%` sequence")?;
        if !"vtbdoxXceEfgGsq".contains(verb) {
            return Err(format!(
                "unsupported format verb `%{verb}`: use %v, %t, %b, %d, %o, %x, %X, %c, %e, %E, %f, %g, %G, %s, %q or %%"
            ));
        }
        let v = values
            .get(next)
            .ok_or_else(|| format!("not enough arguments for `%{verb}`"))?;
        next += 1;
        let text = one(&s, verb, v)?;
        pad(&mut out, &s, &text, verb);
    }
    if !explicit && next < values.len() {
        return Err(format!(
            "too many arguments: the format string uses {next} of {}",
            values.len()
        ));
    }
    Ok(out)
}

/// Pads `text` to the width, on the left (spaces or, for numbers, zeros after the sign) or on
/// the right (`-`).
fn pad(out: &mut String, s: &Spec, text: &str, verb: char) {
    let len = text.chars().count();
    let fill = s.width.unwrap_or(0).saturating_sub(len);
    if fill == 0 {
        out.push_str(text);
    } else if s.minus {
        out.push_str(text);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if s.zero && !matches!(verb, 's' | 'q' | 'v' | 't' | 'c') {
        let sign_len = text
            .chars()
            .next()
            .filter(|c| matches!(c, '+' | '-' | ' '))
            .map_or(0, char::len_utf8);
        out.push_str(&text[..sign_len]);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(&text[sign_len..]);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(text);
    }
}

/// One value formatted by one verb, before padding.
fn one(s: &Spec, verb: char, v: &Value) -> Result<String, String> {
    let verb = match (verb, v) {
        ('v', Value::Null) => return Ok("null".to_owned()),
        ('v', Value::String(_)) => 's',
        ('v', Value::Number(_)) => 'g',
        ('v', Value::Bool(_)) => 't',
        ('v', _) => return json(v),
        (_, Value::Null) => return Err(format!("a null value cannot be formatted with `%{verb}`")),
        (verb, _) => verb,
    };
    match verb {
        's' => {
            let text = to_string(v, verb)?;
            Ok(match s.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            })
        }
        'q' => serde_json::to_string(&to_string(v, verb)?).map_err(|e| e.to_string()),
        't' => match v {
            Value::Bool(b) => Ok(b.to_string()),
            Value::String(t) if t == "true" || t == "false" => Ok(t.clone()),
            other => Err(format!("`%t` needs a bool, found {}", describe(other))),
        },
        'b' | 'd' | 'o' | 'x' | 'X' | 'c' => {
            let n = to_integer(v, verb)?;
            if verb == 'c' {
                return u32::try_from(n)
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
                    .ok_or_else(|| format!("`%c` needs a Unicode code point, found {n}"));
            }
            let magnitude = n.unsigned_abs();
            let (digits, prefix) = match verb {
                'b' => (format!("{magnitude:b}"), "0b"),
                'o' => (format!("{magnitude:o}"), "0"),
                'x' => (format!("{magnitude:x}"), "0x"),
                'X' => (format!("{magnitude:X}"), "0X"),
                _ => (magnitude.to_string(), ""),
            };
            let digits = match s.precision {
                Some(p) if digits.len() < p => format!("{}{digits}", "0".repeat(p - digits.len())),
                _ => digits,
            };
            let prefix = if s.sharp { prefix } else { "" };
            Ok(format!("{}{prefix}{digits}", sign(s, n < 0)))
        }
        _ => {
            let f = to_float(v, verb)?;
            let body = float(f.abs(), verb, s.precision);
            Ok(format!(
                "{}{body}",
                sign(s, f.is_sign_negative() && f != 0.0)
            ))
        }
    }
}

fn sign(s: &Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if s.plus {
        "+"
    } else if s.space {
        " "
    } else {
        ""
    }
}

fn json(v: &Value) -> Result<String, String> {
    serde_json::to_string(v).map_err(|e| e.to_string())
}

fn to_string(v: &Value, verb: char) -> Result<String, String> {
    match v {
        Value::String(t) => Ok(t.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!(
            "`%{verb}` needs a string, found {}; use %v or jsonencode for lists and objects",
            describe(other)
        )),
    }
}

fn to_number(v: &Value, verb: char) -> Result<hcl::Number, String> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(t) => t
            .trim()
            .parse::<i64>()
            .map(hcl::Number::from)
            .ok()
            .or_else(|| t.trim().parse::<f64>().ok().and_then(hcl::Number::from_f64))
            .ok_or_else(|| format!("`%{verb}` needs a number, found the string {t:?}")),
        other => Err(format!(
            "`%{verb}` needs a number, found {}",
            describe(other)
        )),
    }
}

fn to_integer(v: &Value, verb: char) -> Result<i128, String> {
    let n = to_number(v, verb)?;
    if let Some(i) = n.as_i64() {
        return Ok(i128::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Ok(i128::from(u));
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e38 => Ok(f as i128),
        _ => Err(format!("`%{verb}` needs a whole number, found {n}")),
    }
}

fn to_float(v: &Value, verb: char) -> Result<f64, String> {
    to_number(v, verb)?
        .as_f64()
        .ok_or_else(|| format!("`%{verb}` needs a number"))
}

/// A non-negative finite `f` as Go's `%e`, `%E`, `%f`, `%g` or `%G` writes it.
fn float(f: f64, verb: char, precision: Option<usize>) -> String {
    match verb {
        'f' => format!("{f:.*}", precision.unwrap_or(6)),
        'e' | 'E' => {
            let text = go_exponent(&format!("{f:.*e}", precision.unwrap_or(6)));
            if verb == 'E' {
                text.to_uppercase()
            } else {
                text
            }
        }
        _ => {
            let text = general(f, precision);
            if verb == 'G' {
                text.to_uppercase()
            } else {
                text
            }
        }
    }
}

/// Rust's `1.5e3` as Go's `1.5e+03` (a sign and at least two exponent digits).
fn go_exponent(rust: &str) -> String {
    let (mantissa, exp) = rust.split_once('e').unwrap_or((rust, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// Go's `%g` (strconv's `'g'`): the shortest digits that read back as `f` (or `precision`
/// significant digits, trailing zeros dropped), in `%e` form when the exponent is below -4 or at
/// least the precision (6 for the shortest form), else in `%f` form.
fn general(f: f64, precision: Option<usize>) -> String {
    let sci = match precision {
        None => format!("{f:e}"),
        Some(p) => format!("{f:.*e}", p.max(1) - 1),
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.trim_end_matches('0') {
        "" => "0".to_owned(),
        d => d.to_owned(),
    };
    let nd = digits.len() as i64;
    // The decimal point sits after `dp` digits.
    let dp = exp.parse::<i64>().unwrap_or(0) + 1;
    let eprec = match precision {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i64;
            if p > nd && nd >= dp {
                nd
            } else {
                p
            }
        }
    };
    let exp = dp - 1;
    if exp < -4 || exp >= eprec {
        let rest = &digits[1..];
        let mantissa = if rest.is_empty() {
            digits[..1].to_owned()
        } else {
            format!("{}.{rest}", &digits[..1])
        };
        return go_exponent(&format!("{mantissa}e{exp}"));
    }
    if dp <= 0 {
        format!("0.{}{digits}", "0".repeat(dp.unsigned_abs() as usize))
    } else if dp >= nd {
        format!("{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// `format(spec, values...)`.
pub(super) fn format(args: FuncArgs) -> Result<Value, String> {
    let spec = str_arg(&args, 0)?;
    let values: Vec<Value> = args.iter().skip(1).cloned().collect();
    bounded(Value::String(render(spec, &values)?))
}

/// `formatlist(spec, values...)`: `format` once per element of the list arguments (all of one
/// length); other arguments are used in every element.
pub(super) fn formatlist(args: FuncArgs) -> Result<Value, String> {
    let spec = str_arg(&args, 0)?;
    let rest: Vec<&Value> = args.iter().skip(1).collect();
    let mut len: Option<usize> = None;
    for (i, v) in rest.iter().enumerate() {
        if let Value::Array(items) = v {
            match len {
                Some(l) if l != items.len() => {
                    return Err(format!(
                        "argument {} has {}, but an earlier list has {l}: the lists must have the same length",
                        i + 2,
                        crate::words::count(items.len(), "element")
                    ))
                }
                _ => len = Some(items.len()),
            }
        }
    }
    let n = len.unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let values: Vec<Value> = rest
            .iter()
            .map(|v| match v {
                Value::Array(items) => items[k].clone(),
                other => (*other).clone(),
            })
            .collect();
        out.push(Value::String(render(spec, &values)?));
    }
    bounded(Value::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(spec: &str, values: &[Value]) -> String {
        render(spec, values).unwrap_or_else(|e| panic!("{spec}: {e}"))
    }

    #[test]
    fn verbs_flags_width_precision_and_indexes_as_terraform() {
        let s = |t: &str| Value::String(t.to_owned());
        let n = |x: f64| Value::Number(hcl::Number::from_f64(x).unwrap());
        let i = |x: i64| Value::from(x);
        let table: Vec<(&str, Vec<Value>, &str)> = vec![
            // Terraform's documented examples.
            ("Hello, %s!", vec![s("Ander")], "Hello, Ander!"),
            ("There are %d lights", vec![i(4)], "There are 4 lights"),
            ("%03d", vec![i(7)], "007"),
            ("%f", vec![n(1.23456)], "1.234560"),
            ("%9f", vec![n(1.23456)], " 1.234560"),
            ("%.2f", vec![n(1.23456)], "1.23"),
            ("%9.2f", vec![n(1.23456)], "     1.23"),
            ("%5.2f", vec![n(1.23456)], " 1.23"),
            ("%-10s|", vec![s("abc")], "abc       |"),
            ("%10s|", vec![s("abc")], "       abc|"),
            ("%[2]s %[1]s", vec![s("a"), s("b")], "b a"),
            ("%[2]s %s", vec![s("a"), s("b"), s("c")], "b c"),
            ("%+d % d %d", vec![i(5), i(5), i(-5)], "+5  5 -5"),
            ("%05d", vec![i(-42)], "-0042"),
            ("%-5d|", vec![i(42)], "42   |"),
            (
                "%x %X %#x %o %#o %b",
                vec![i(255), i(255), i(255), i(8), i(8), i(5)],
                "ff FF 0xff 10 010 101",
            ),
            ("%e", vec![n(1234.5678)], "1.234568e+03"),
            ("%E", vec![n(0.000123)], "1.230000E-04"),
            ("%g", vec![n(2.5)], "2.5"),
            ("%g", vec![n(0.00001)], "1e-05"),
            ("%g", vec![i(100000)], "100000"),
            ("%g", vec![i(1000000)], "1e+06"),
            ("%.3g", vec![n(1.23456)], "1.23"),
            ("%v", vec![n(1.5)], "1.5"),
            (
                "%v %v %v",
                vec![s("x"), i(3), Value::Bool(true)],
                "x 3 true",
            ),
            ("%t", vec![Value::Bool(false)], "false"),
            ("%q", vec![s("say \"hi\"")], r#""say \"hi\"""#),
            ("%#v", vec![Value::Array(vec![s("a"), i(1)])], r#"["a",1]"#),
            ("%v", vec![Value::Null], "null"),
            ("%c", vec![i(65)], "A"),
            ("%s", vec![i(5)], "5"),
            ("%d", vec![s("12")], "12"),
            ("%.2s", vec![s("abcdef")], "ab"),
            ("100%%", vec![], "100%"),
        ];
        for (spec, values, want) in table {
            assert_eq!(f(spec, &values), want, "{spec}");
        }
    }

    #[test]
    fn impossible_conversions_are_errors() {
        let s = |t: &str| Value::String(t.to_owned());
        for (spec, values) in [
            ("%d", vec![s("x")]),
            ("%d", vec![Value::from(1.5)]),
            ("%s", vec![Value::Array(vec![])]),
            ("%s", vec![]),
            ("%s", vec![s("a"), s("b")]),
            ("%y", vec![s("a")]),
            ("%", vec![]),
            ("%[3]s", vec![s("a")]),
            ("%d", vec![Value::Null]),
            ("%99999999d", vec![Value::from(1)]),
            ("%t", vec![Value::from(1)]),
        ] {
            assert!(render(spec, &values).is_err(), "{spec}");
        }
    }

    #[test]
    fn formatlist_repeats_scalars_across_lists() {
        super::super::tests::table(&[
            (
                r#"formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])"#,
                r#"["Hello, Valentina!","Hello, Ander!","Hello, Olivia!","Hello, Sam!"]"#,
            ),
            (
                r#"formatlist("%s, %s!", "Salutations", ["Valentina", "Ander"])"#,
                r#"["Salutations, Valentina!","Salutations, Ander!"]"#,
            ),
            (r#"format("%03d", 7)"#, r#""007""#),
        ]);
        super::super::tests::errors(&[(r#"formatlist("%s%s", ["a"], [])"#, "same length")]);
    }
}
