//! Policy documents from configuration: `statement` blocks, `document = jsonencode({…})`,
//! `document = file("x.json")` or a JSON string. All forms become JSON in IAM's grammar and go
//! through [`PolicyDocument::from_value`], so they yield the same canonical document; errors are
//! reported at the statement block or attribute they come from.

use super::convert;
use super::diagnostic::{did_you_mean, Location, Span};
use super::eval::Env;
use super::parse::{Attr, Node};
use crate::model::policy::DEFAULT_VERSION;
use crate::model::{DocumentKind, PolicyDocument};
use hcl::Value;
use serde_json::{Map as JMap, Value as J};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The document of a block taking `document = …` or `statement` blocks (`what` names the block
/// in messages, e.g. "policy `read`").
pub(crate) fn from_block(
    env: &mut Env,
    node: &Node,
    kind: DocumentKind,
    what: &str,
) -> Option<PolicyDocument> {
    let statements: Vec<&Node> = node.blocks_named("statement").collect();
    match (node.attr("document"), statements.first()) {
        (Some(a), Some(first)) => {
            let note = format!("first statement at {}", env.map.describe(first.header));
            env.error(
                a.key_span,
                format!("{what} has both `document` and `statement` blocks"),
            )
            .notes
            .push(note);
            None
        }
        (Some(a), None) => from_attr(env, a, kind),
        (None, Some(_)) => from_statements(env, &statements, node.header, kind),
        (None, None) => {
            env.error(node.header, format!("{what} has no policy document"))
                .help = Some(
                "add `statement { … }` blocks, or `document = jsonencode({ … })` / `document = file(\"….json\")`"
                    .to_owned(),
            );
            None
        }
    }
}

/// A document given as an attribute value: a JSON string (jsonencode, file, heredoc) or an object.
pub(crate) fn from_attr(env: &mut Env, attr: &Attr, kind: DocumentKind) -> Option<PolicyDocument> {
    let v = env.eval(attr)?;
    if let Value::String(s) = &v {
        if serde_json::from_str::<serde_json::Value>(s).is_ok() {
            if let Some(d) = crate::model::policy::duplicate_key(s) {
                let file = file_argument(&attr.expr);
                env.error(
                    attr.span,
                    format!(
                        "invalid policy document in `{}`: {}",
                        attr.key,
                        d.message(file)
                    ),
                );
                return None;
            }
        }
    }
    let parsed = match &v {
        Value::String(s) => PolicyDocument::from_json_str(s),
        Value::Object(_) => match serde_json::to_value(&v) {
            Ok(j) => PolicyDocument::from_value(&j),
            Err(e) => {
                env.error(
                    attr.span,
                    format!("`{}` cannot be converted to JSON: {e}", attr.key),
                );
                return None;
            }
        },
        other => {
            env.error(
                attr.span,
                format!(
                    "`{}`: expected a JSON policy document, found {}",
                    attr.key,
                    convert::describe(other)
                ),
            )
            .help = Some(
                "use jsonencode({ … }), file(\"policies/x.json\") or a JSON heredoc string"
                    .to_owned(),
            );
            return None;
        }
    };
    let doc = match parsed {
        Ok(d) => d,
        Err(e) => {
            env.error(
                attr.span,
                format!("invalid policy document in `{}`: {e}", attr.key),
            );
            return None;
        }
    };
    if let Err(e) = doc.validate(kind) {
        env.error(
            attr.span,
            format!("invalid {} in `{}`: {e}", kind_name(kind), attr.key),
        );
        return None;
    }
    Some(doc)
}

/// The path of `file("…")` when the expression is exactly that call with a literal path: where
/// line and column numbers inside the document point.
fn file_argument(expr: &hcl::Expression) -> Option<&str> {
    match expr {
        hcl::Expression::FuncCall(call)
            if call.name.namespace.is_empty() && call.name.name.as_str() == "file" =>
        {
            match call.args.as_slice() {
                [hcl::Expression::String(path)] => Some(path),
                _ => None,
            }
        }
        _ => None,
    }
}

fn kind_name(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Identity => "policy document",
        DocumentKind::Trust => "trust policy",
    }
}

/// A document from `statement` blocks (always `Version = "2012-10-17"`, as Terraform writes it);
/// `owner` is the enclosing block, where "no statement" is reported.
pub(crate) fn from_statements(
    env: &mut Env,
    statements: &[&Node],
    owner: Span,
    kind: DocumentKind,
) -> Option<PolicyDocument> {
    if statements.is_empty() {
        env.error(
            owner,
            "a policy document needs at least one `statement { … }` block",
        );
        return None;
    }
    let mut all = Vec::new();
    let mut ok = true;
    for st in statements {
        let Some(j) = statement_json(env, st) else {
            ok = false;
            continue;
        };
        // Checked one by one so that an error points at its own block.
        let single = document_json(vec![j.clone()]);
        match PolicyDocument::from_value(&single) {
            Err(e) => {
                let span = span_for(st, &e.path);
                env.error(span, format!("invalid statement: {}", e.message));
                ok = false;
            }
            Ok(d) => match d.validate(kind) {
                Err(e) => {
                    // A character IAM refuses is shown where it is written; other problems at the
                    // statement.
                    let span = match d.character_problems().first() {
                        Some(c) if *c == e => span_for(st, &e.path),
                        _ => st.header,
                    };
                    env.error(
                        span,
                        format!("invalid {} statement: {}", kind_name(kind), e.message),
                    );
                    ok = false;
                }
                Ok(()) => all.push(j),
            },
        }
    }
    if !ok {
        return None;
    }
    match PolicyDocument::from_value(&document_json(all)) {
        Ok(d) => Some(d),
        Err(e) => {
            env.error(owner, format!("invalid policy document: {e}"));
            None
        }
    }
}

fn document_json(statements: Vec<J>) -> J {
    let mut o = JMap::new();
    o.insert("Version".into(), J::String(DEFAULT_VERSION.into()));
    o.insert("Statement".into(), J::Array(statements));
    J::Object(o)
}

/// Where in a statement block a document error path (`Statement[0].Effect`) points.
fn span_for(st: &Node, path: &str) -> Span {
    let key = path.split('.').nth(1).unwrap_or("");
    let (attr, block) = match key {
        "Sid" => ("sid", ""),
        "Effect" => ("effect", ""),
        "Action" => ("actions", ""),
        "NotAction" => ("not_actions", ""),
        "Resource" => ("resources", ""),
        "NotResource" => ("not_resources", ""),
        "Principal" => ("", "principals"),
        "NotPrincipal" => ("", "not_principals"),
        "Condition" => ("", "condition"),
        _ => ("", ""),
    };
    st.attr(attr)
        .map(|a| a.span)
        .or_else(|| st.blocks_named(block).next().map(|b| b.header))
        .unwrap_or(st.header)
}

fn strings(v: Vec<String>) -> J {
    J::Array(v.into_iter().map(J::String).collect())
}

/// `&{aws:username}` as the IAM policy variable `${aws:username}`, as Terraform's
/// aws_iam_policy_document does it: in statement blocks a policy variable needs no escaping
/// (`$${aws:username}` works too). Not in `jsonencode` or `file` documents, which are sent as
/// written.
fn policy_variables(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| {
            if v.contains("&{") {
                v.replace("&{", "${")
            } else {
                v
            }
        })
        .collect()
}

/// One statement block as IAM JSON; `None` when something in it was reported.
fn statement_json(env: &mut Env, st: &Node) -> Option<J> {
    let before = env.diags.len();
    let mut o = JMap::new();
    if let Some(sid) = env.get(st, "sid", convert::string) {
        o.insert("Sid".into(), J::String(sid));
    }
    let effect = env
        .get(st, "effect", convert::string)
        .unwrap_or_else(|| "Allow".to_owned());
    o.insert("Effect".into(), J::String(effect));
    for (key, json_key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(list) = env.get(st, key, convert::scalar_or_list) {
            // An empty list means "not set", as in Terraform's policy documents.
            if !list.is_empty() {
                o.insert(json_key.into(), strings(policy_variables(list)));
            }
        }
    }
    for (block, json_key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks: Vec<&Node> = st.blocks_named(block).collect();
        if let Some(p) = principals(env, &blocks) {
            o.insert(json_key.into(), p);
        }
    }
    let conditions: Vec<&Node> = st.blocks_named("condition").collect();
    if let Some(c) = conditions_json(env, &conditions) {
        o.insert("Condition".into(), c);
    }
    (env.diags.len() == before).then_some(J::Object(o))
}

const SHORTHAND: [(&str, &str); 4] = [
    ("aws", "AWS"),
    ("service", "Service"),
    ("federated", "Federated"),
    ("canonical_user", "CanonicalUser"),
];

/// `principals` blocks, merged: `{ type = "Service" identifiers = [...] }` or the shorthand
/// `{ service = [...] aws = [...] }`; `type = "*"` is the anonymous principal `"*"`.
fn principals(env: &mut Env, blocks: &[&Node]) -> Option<J> {
    if blocks.is_empty() {
        return None;
    }
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut star: Option<Span> = None;
    for b in blocks {
        let long = b.attr("type").is_some() || b.attr("identifiers").is_some();
        let short: Vec<(&str, &str)> = SHORTHAND
            .into_iter()
            .filter(|(k, _)| b.attr(k).is_some())
            .collect();
        if long && !short.is_empty() {
            env.error(b.header, "a principals block mixes `type`/`identifiers` with the shorthand")
                .help = Some(
                "write principals { type = \"Service\" identifiers = [\"ec2.amazonaws.com\"] } or principals { service = [\"ec2.amazonaws.com\"] }"
                    .to_owned(),
            );
            continue;
        }
        if short.is_empty() && !long {
            env.error(b.header, "empty principals block").help =
                Some("e.g. principals { service = [\"ec2.amazonaws.com\"] }".to_owned());
            continue;
        }
        for (key, json_key) in short {
            if let Some(values) = env.get(b, key, convert::scalar_or_list) {
                map.entry(json_key.to_owned())
                    .or_default()
                    .extend(policy_variables(values));
            }
        }
        if !long {
            continue;
        }
        let (Some(type_attr), Some(_)) = (b.attr("type"), b.attr("identifiers")) else {
            env.error(
                b.header,
                "a principals block needs both `type` and `identifiers`",
            );
            continue;
        };
        let typ = env.get(b, "type", convert::string);
        let ids = env.get(b, "identifiers", convert::scalar_or_list);
        let (Some(typ), Some(ids)) = (typ, ids) else {
            continue;
        };
        let json_key = match typ.to_ascii_lowercase().as_str() {
            "*" => {
                star = Some(b.header);
                continue;
            }
            "aws" => "AWS",
            "service" => "Service",
            "federated" => "Federated",
            "canonicaluser" | "canonical_user" => "CanonicalUser",
            _ => {
                let help = did_you_mean(&typ, ["AWS", "Service", "Federated", "CanonicalUser"])
                    .unwrap_or_else(|| {
                        "use AWS, Service, Federated, CanonicalUser or *".to_owned()
                    });
                env.error(type_attr.span, format!("unknown principal type `{typ}`"))
                    .help = Some(help);
                continue;
            }
        };
        map.entry(json_key.to_owned())
            .or_default()
            .extend(policy_variables(ids));
    }
    match star {
        Some(span) if !map.is_empty() => {
            env.error(
                span,
                "the principal `*` (anyone) cannot be combined with other principals",
            );
            None
        }
        Some(_) => Some(J::String("*".into())),
        None => Some(J::Object(
            map.into_iter().map(|(k, v)| (k, strings(v))).collect(),
        )),
    }
}

/// `condition { test variable values }` blocks as `{ test: { variable: [values] } }`.
fn conditions_json(env: &mut Env, blocks: &[&Node]) -> Option<J> {
    if blocks.is_empty() {
        return None;
    }
    let mut out: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for c in blocks {
        let missing: Vec<&str> = ["test", "variable", "values"]
            .into_iter()
            .filter(|k| c.attr(k).is_none())
            .collect();
        if !missing.is_empty() {
            env.error(
                c.header,
                format!(
                    "a condition block needs {}",
                    crate::words::backquoted(&missing, " and ")
                ),
            )
            .help = Some(
                "e.g. condition { test = \"Bool\" variable = \"aws:MultiFactorAuthPresent\" values = [\"true\"] }"
                    .to_owned(),
            );
            continue;
        }
        let test = env.get(c, "test", convert::string);
        let variable = env.get(c, "variable", convert::string);
        let values = env.get(c, "values", convert::scalar_or_list);
        if let (Some(t), Some(k), Some(v)) = (test, variable, values) {
            out.entry(t)
                .or_default()
                .entry(k)
                .or_default()
                .extend(policy_variables(v));
        }
    }
    Some(J::Object(
        out.into_iter()
            .map(|(t, keys)| {
                let keys = keys.into_iter().map(|(k, v)| (k, strings(v))).collect();
                (t, J::Object(keys))
            })
            .collect(),
    ))
}

/// Which document of an entity a [`DocumentSource`] describes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocumentSlot {
    /// A managed policy's document.
    Policy,
    /// A role's trust policy.
    AssumeRolePolicy,
    /// An inline policy, by name as written.
    Inline(String),
}

/// Where the parts of a policy document are written, so that lint can point at the key a finding
/// is about rather than at the entity's block.
#[derive(Clone, Debug, PartialEq)]
pub enum DocumentSource {
    /// `statement` blocks, in the order written.
    Statements(Vec<StatementSource>),
    /// `document = …` (or `assume_role_policy = …`): the attribute; and when its value is
    /// `file("…")` itself, that file's path and text, to point inside the JSON.
    Attribute {
        at: Location,
        file: Option<(PathBuf, String)>,
    },
}

/// Where one `statement` block is, and the places inside it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementSource {
    pub block: Location,
    /// By the policy key they become: `Action` is the `actions` attribute, `Principal` the first
    /// `principals` block, `Condition` the first `condition` block.
    pub keys: BTreeMap<&'static str, Location>,
    /// Each `condition` block's `test` and `variable`, and where the block is.
    pub conditions: Vec<(String, String, Location)>,
}

/// Where the document of a block taking `document = …` or `statement` blocks is written.
pub(crate) fn source_of_block(env: &mut Env, node: &Node) -> Option<DocumentSource> {
    match node.attr("document") {
        Some(a) => source_of_attr(env, a),
        None => source_of_statements(env, node),
    }
}

/// Where a document given as an attribute is written.
pub(crate) fn source_of_attr(env: &mut Env, attr: &Attr) -> Option<DocumentSource> {
    let at = env.map.location(attr.span)?;
    let file = match &attr.expr {
        hcl::Expression::FuncCall(f)
            if f.name.namespace.is_empty() && f.name.name.as_str() == "file" =>
        {
            match (f.args.as_slice(), env.eval(attr)) {
                ([hcl::Expression::String(p)], Some(Value::String(text))) => {
                    let dir = at.file.parent().unwrap_or(Path::new(""));
                    Some((dir.join(p), text))
                }
                _ => None,
            }
        }
        _ => None,
    };
    Some(DocumentSource::Attribute { at, file })
}

/// Where the `statement` blocks of `owner` and their attributes are written.
pub(crate) fn source_of_statements(env: &mut Env, owner: &Node) -> Option<DocumentSource> {
    let mut out = Vec::new();
    for st in owner.blocks_named("statement") {
        let mut keys = BTreeMap::new();
        for (attr, key) in [
            ("sid", "Sid"),
            ("effect", "Effect"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(loc) = st.attr(attr).and_then(|a| env.map.location(a.span)) {
                keys.insert(key, loc);
            }
        }
        for (block, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
            ("condition", "Condition"),
        ] {
            if let Some(loc) = st
                .blocks_named(block)
                .next()
                .and_then(|b| env.map.location(b.header))
            {
                keys.insert(key, loc);
            }
        }
        let mut conditions = Vec::new();
        for c in st.blocks_named("condition") {
            let test = env.get(c, "test", convert::string);
            let variable = env.get(c, "variable", convert::string);
            if let (Some(t), Some(v), Some(loc)) = (test, variable, env.map.location(c.header)) {
                conditions.push((t, v, loc));
            }
        }
        out.push(StatementSource {
            block: env.map.location(st.header)?,
            keys,
            conditions,
        });
    }
    Some(DocumentSource::Statements(out))
}
