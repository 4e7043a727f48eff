//! Fuzzing the two inputs an attacker writes: variable values (`--var`, `--var-file`,
//! `IAMFORM_VAR_*`) and configurations. Structure-aware proptest strategies build values and
//! expressions from the pieces that broke iamform before (deep nesting, huge numbers, escapes,
//! interpolations, policy variables, repeated keys, function calls); every case must end without
//! a panic, and every rejection must say where: the flag, the variable or `file:line:col`.

use iamform::config::{self, Diagnostics, Inputs};
use proptest::prelude::*;
use std::path::Path;

/// A string literal made of pieces that have broken parsers and evaluators.
fn string_literal() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("abc"),
        Just("é"),
        Just("\\n"),
        Just("\\\""),
        Just("\\\\"),
        Just("\\u001b[2J"),
        Just("\\u202e"),
        Just("${"),
        Just("}"),
        Just("$${aws:username}"),
        Just("&{aws:username}"),
        Just("${aws:username}"),
        Just("%{ if true }"),
        Just("%{ endif }"),
        Just("%{ for x in [1] }"),
        Just("%{ endfor }"),
        Just("${1 + 1}"),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// Leaves: literals of every kind, numbers too large for a number, unknown names.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        "-?[0-9]{1,25}",
        "[0-9]{1,3}\\.[0-9]{1,3}e[+-]?[0-9]{1,4}",
        string_literal(),
        "[a-z_][a-z0-9_-]{0,6}",
        Just("local.a".to_owned()),
    ]
}

/// An HCL expression: lists, objects (with keys that repeat), calls of real and unknown
/// functions, operators, conditionals, `for`, and wrappers nested up to past the depth limit.
fn expression() -> impl Strategy<Value = String> {
    let tree = leaf().prop_recursive(5, 48, 6, |inner| {
        let key = prop_oneof![Just("a"), Just("\"a\""), Just("Action"), Just("b")];
        let func = prop_oneof![
            Just("toset"),
            Just("format"),
            Just("jsonencode"),
            Just("try"),
            Just("can"),
            Just("setproduct"),
            Just("yamldecode"),
            Just("regex"),
            Just("file"),
            Just("templatefile"),
            Just("flatten"),
            Just("nosuchfn"),
        ];
        let op = prop_oneof![
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
            Just("=="),
            Just("&&")
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec((key, inner.clone()), 0..5).prop_map(|kv| {
                let items: Vec<String> =
                    kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", items.join(", "))
            }),
            (func, prop::collection::vec(inner.clone(), 0..3))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (inner.clone(), op, inner.clone()).prop_map(|(a, o, b)| format!("{a} {o} {b}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("{c} ? {a} : {b}")),
            inner.clone().prop_map(|x| format!("[for v in {x} : v]")),
        ]
    });
    let deep = (990usize..1_010, leaf()).prop_map(|(d, x)| {
        let (open, close) = if d % 2 == 0 { ("[", "]") } else { ("(", ")") };
        format!("{}{x}{}", open.repeat(d), close.repeat(d))
    });
    let chain = (990usize..1_010).prop_map(|n| vec!["1"; n].join("-"));
    prop_oneof![8 => tree, 1 => deep, 1 => chain]
}

/// A JSON value nested up to past serde_json's and iamform's depth limits.
fn json_value() -> impl Strategy<Value = String> {
    let tree = prop_oneof![
        Just("null".to_owned()),
        "-?[0-9]{1,30}",
        "\"[a-z\\u{202e}]{0,4}\"",
    ]
    .prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(inner, 0..4).prop_map(|v| {
                let items: Vec<String> = v.iter().map(|x| format!("\"k\":{x}")).collect();
                format!("{{{}}}", items.join(","))
            }),
        ]
    });
    let deep = (100usize..2_000).prop_map(|d| format!("{}1{}", "[".repeat(d), "]".repeat(d)));
    prop_oneof![4 => tree, 1 => deep]
}

/// Checks that rejected inputs name where the value came from.
#[track_caller]
fn named(result: Result<Inputs, Diagnostics>, origins: &[&str]) -> Option<Inputs> {
    match result {
        Ok(inputs) => Some(inputs),
        Err(diags) => {
            for d in diags.iter() {
                let text = d.to_string();
                assert!(!text.contains("internal error"), "{text}");
                assert!(
                    origins.iter().any(|o| text.contains(o)),
                    "does not say which input: {text}"
                );
            }
            None
        }
    }
}

/// Loads and lowers `text` as main.hcl with `inputs`; every error must be located.
fn check_configuration(dir: &Path, text: &str, inputs: Option<Inputs>) {
    std::fs::write(dir.join("main.hcl"), text).unwrap();
    let diags = match config::load(dir) {
        Err(d) => d,
        Ok(mut c) => {
            if let Some(i) = inputs {
                c.set_inputs(i);
            }
            match c.lower("123456789012") {
                Ok(_) => return,
                Err(d) => d,
            }
        }
    };
    for d in diags.iter() {
        let text = d.to_string();
        assert!(!text.contains("internal error"), "{text}");
        assert!(d.location.is_some(), "not located: {text}");
        assert!(text.len() < 20_000, "a diagnostic of {} bytes", text.len());
    }
}

const VARIABLES: &str = "variable \"x\" {\n  default = null\n}\n\nvariable \"y\" {\n  default = null\n}\n\nuser \"u\" {\n  tags = { t = jsonencode([var.x, var.y]) }\n}\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(super::outside::cases().max(64)))]

    #[test]
    fn var_flags_and_environment_values_never_crash(text in expression()) {
        let dir = tempfile::tempdir().unwrap();
        let inputs = named(
            Inputs::gather(
                &[format!("x={text}")],
                &[],
                vec![("IAMFORM_VAR_y".to_owned(), text.clone())],
            ),
            &["--var x", "IAMFORM_VAR_y"],
        );
        check_configuration(dir.path(), VARIABLES, inputs);
    }

    #[test]
    fn var_files_never_crash(text in expression(), json in json_value()) {
        let dir = tempfile::tempdir().unwrap();
        let hcl = dir.path().join("vars.hcl");
        std::fs::write(&hcl, format!("x = {text}\n")).unwrap();
        let json_file = dir.path().join("vars.json");
        std::fs::write(&json_file, format!("{{\"y\": {json}}}")).unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir(&config).unwrap();
        let hcl_shown = hcl.display().to_string();
        let json_shown = json_file.display().to_string();
        let inputs = named(
            Inputs::gather(&[], &[hcl.clone(), json_file.clone()], Vec::new()),
            &[&hcl_shown, &json_shown],
        );
        check_configuration(&config, VARIABLES, inputs);
    }

    #[test]
    fn configurations_never_crash_and_every_error_is_located(
        local in expression(),
        action in expression(),
        name in string_literal(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "locals {{\n  a = {local}\n}}\n\npolicy \"p\" {{\n  description = {name}\n  document = jsonencode({{ Statement = [{{ Effect = \"Allow\", Action = {action}, Resource = \"*\" }}] }})\n}}\n\nuser \"u\" {{\n  tags = {{ t = local.a }}\n}}\n"
        );
        check_configuration(dir.path(), &text, None);
    }
}
