//! The canonical policy document: parsed from JSON once, compared by meaning.
//!
//! Every value list is a set, statements are sorted, `Effect` is capitalised, a bare account id
//! principal becomes `arn:aws:iam::ID:root`, and scalar condition values are strings (as IAM
//! returns them). Two documents that IAM treats the same compare equal (DESIGN.md section 3), so a
//! plan never shows a change that is only whitespace, ordering or `"x"` versus `["x"]`.
//!
//! The canonical form is built at parse time and shared behind an `Arc` with a precomputed hash:
//! cloning is a reference count, `==` on different documents is usually one `u64` comparison, and
//! `Hash` is consistent with `Eq` because both derive from the same canonical value.

use crate::model::iam::{is_account_id, Arn};
use crate::model::suggest;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

pub const DEFAULT_VERSION: &str = "2012-10-17";

/// The policy language versions IAM accepts.
pub(crate) const VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

/// `"*"` or a map of principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    Any,
    Map(BTreeMap<String, BTreeSet<String>>),
}

impl Principal {
    /// Whether it is anyone: `"*"` or `{"AWS": "*"}`.
    pub fn is_anyone(&self) -> bool {
        match self {
            Principal::Any => true,
            Principal::Map(m) => m.get("AWS").is_some_and(|v| v.contains("*")),
        }
    }
}

pub type Values = BTreeSet<String>;
/// operator -> condition key -> values.
pub type Condition = BTreeMap<String, BTreeMap<String, Values>>;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub action: Option<Values>,
    pub not_action: Option<Values>,
    pub resource: Option<Values>,
    pub not_resource: Option<Values>,
    pub condition: Condition,
}

impl Statement {
    pub fn allow() -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: Condition::new(),
        }
    }

    /// The action and resource lists, by their JSON keys: `Action`, `NotAction`, `Resource`,
    /// `NotResource`.
    pub fn lists(&self) -> [(&'static str, &Option<Values>); 4] {
        [
            ("Action", &self.action),
            ("NotAction", &self.not_action),
            ("Resource", &self.resource),
            ("NotResource", &self.not_resource),
        ]
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Canonical {
    version: Option<String>,
    id: Option<String>,
    statements: Vec<Statement>,
}

#[derive(Clone)]
pub struct PolicyDocument {
    canonical: Arc<Canonical>,
    /// For each canonical statement, its position in the document as written (for messages that
    /// say "statement[2]"); not part of the meaning, so neither `Eq` nor `Hash` look at it.
    written: Arc<[usize]>,
    hash: u64,
}

impl PartialEq for PolicyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && (Arc::ptr_eq(&self.canonical, &other.canonical) || self.canonical == other.canonical)
    }
}

impl Eq for PolicyDocument {}

impl Hash for PolicyDocument {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl fmt::Debug for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyDocument")
            .field("version", &self.canonical.version)
            .field("id", &self.canonical.id)
            .field("statements", &self.canonical.statements)
            .finish()
    }
}

/// A problem in a document: where (a JSON path such as `Statement[1].Effect`) and what, ending
/// with how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    /// Where in the document, e.g. `Statement[1].Effect`.
    pub path: String,
    pub message: String,
}

pub(crate) fn err(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.into(),
        message: message.into(),
    }
}

const TOP_KEYS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];
const PRINCIPAL_TYPES: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

fn unknown_key(path: String, key: &str, known: &[&str], what: &str) -> PolicyError {
    let hint = match suggest::closest(key, known.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("{what} has only {}", known.join(", ")),
    };
    err(path, format!("unknown key `{key}`: {hint}"))
}

impl PolicyDocument {
    /// A document from statements, in canonical order.
    pub fn new(version: Option<String>, id: Option<String>, statements: Vec<Statement>) -> Self {
        let mut indexed: Vec<(Statement, usize)> = statements
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                canonicalise_principal(&mut s.principal);
                canonicalise_principal(&mut s.not_principal);
                (s, i)
            })
            .collect();
        indexed.sort();
        let (statements, written): (Vec<Statement>, Vec<usize>) = indexed.into_iter().unzip();
        let canonical = Canonical {
            version,
            id,
            statements,
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        canonical.hash(&mut hasher);
        PolicyDocument {
            hash: hasher.finish(),
            canonical: Arc::new(canonical),
            written: written.into(),
        }
    }

    pub fn version(&self) -> Option<&str> {
        self.canonical.version.as_deref()
    }

    pub fn id(&self) -> Option<&str> {
        self.canonical.id.as_deref()
    }

    /// The statements in canonical order.
    pub fn statements(&self) -> &[Statement] {
        &self.canonical.statements
    }

    /// The statements in the order they were written, each with its position (0-based).
    pub fn statements_as_written(&self) -> Vec<(usize, &Statement)> {
        let mut out: Vec<(usize, &Statement)> = self
            .written
            .iter()
            .copied()
            .zip(self.canonical.statements.iter())
            .collect();
        out.sort_by_key(|(i, _)| *i);
        out
    }

    /// Parses a JSON policy text (as written by a user, or as returned by AWS after decoding).
    /// A key written twice in one object is an error: JSON readers keep one of the two (serde_json
    /// the last), so a reviewer reading the first would approve what IAM never gets.
    pub fn from_json_str(text: &str) -> Result<Self, PolicyError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| err("document", format!("not valid JSON: {e}")))?;
        if let Some(d) = duplicate_key(text) {
            return Err(err("document", d.message(None)));
        }
        Self::from_value(&value)
    }

    /// Parses the JSON grammar of a policy. What depends on where the document is used (principals,
    /// operators, ARNs) is checked by [`PolicyDocument::validate`], so a document IAM returns with
    /// an operator newer than iamform still reads.
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let obj = value.as_object().ok_or_else(|| {
            err(
                "document",
                "a policy document must be a JSON object such as {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
            )
        })?;
        let mut version = None;
        let mut id = None;
        let mut statements = Vec::new();
        let mut has_statement = false;
        for (key, v) in obj {
            match key.as_str() {
                "Version" => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| err("Version", "must be a string: use \"2012-10-17\""))?;
                    if !VERSIONS.contains(&s) {
                        return Err(err(
                            "Version",
                            format!("`{s}` is not a policy language version: use \"2012-10-17\" (or the older \"2008-10-17\")"),
                        ));
                    }
                    version = Some(s.to_owned());
                }
                "Id" => {
                    id = Some(
                        v.as_str()
                            .ok_or_else(|| err("Id", "must be a string"))?
                            .to_owned(),
                    )
                }
                "Statement" => {
                    has_statement = true;
                    match v {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                statements.push(parse_statement(item, &format!("Statement[{i}]"))?);
                            }
                        }
                        Value::Object(_) => statements.push(parse_statement(v, "Statement")?),
                        _ => {
                            return Err(err("Statement", "must be an object or a list of objects"))
                        }
                    }
                }
                other => return Err(unknown_key(other.to_owned(), other, &TOP_KEYS, "a policy")),
            }
        }
        if statements.is_empty() {
            let what = if has_statement {
                "the Statement list is empty"
            } else {
                "the document has no Statement"
            };
            return Err(err(
                "Statement",
                format!("{what}: a policy needs at least one statement"),
            ));
        }
        Ok(PolicyDocument::new(version, id, statements))
    }

    /// The canonical JSON value: keys in AWS's conventional order, one-element sets as scalars.
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        if let Some(v) = &self.canonical.version {
            obj.insert("Version".into(), Value::String(v.clone()));
        }
        if let Some(id) = &self.canonical.id {
            obj.insert("Id".into(), Value::String(id.clone()));
        }
        let statements = self
            .canonical
            .statements
            .iter()
            .map(statement_to_value)
            .collect();
        obj.insert("Statement".into(), Value::Array(statements));
        Value::Object(obj)
    }

    /// Pretty canonical JSON, for diffs and display.
    pub fn to_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).expect("JSON values always serialise")
    }

    /// Compact JSON, as sent to the IAM API.
    pub fn to_minimal(&self) -> String {
        serde_json::to_string(&self.to_value()).expect("JSON values always serialise")
    }

    /// The size IAM counts against its quotas: characters of the JSON, whitespace not counted.
    pub fn size(&self) -> usize {
        self.to_minimal()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }

    /// Every principal value of every statement, e.g. role ARNs named by a trust policy.
    pub fn principal_values(&self) -> impl Iterator<Item = &str> {
        self.canonical
            .statements
            .iter()
            .flat_map(|s| [&s.principal, &s.not_principal])
            .flatten()
            .flat_map(|p| match p {
                Principal::Any => Vec::new(),
                Principal::Map(m) => m.values().flatten().map(String::as_str).collect(),
            })
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_pretty())
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        PolicyDocument::from_value(&value).map_err(serde::de::Error::custom)
    }
}

/// A key written twice in one JSON object, with the 1-based line and column (in characters) of
/// both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: (usize, usize),
    pub second: (usize, usize),
}

impl DuplicateKey {
    /// What is wrong and where; `file` names the JSON file the positions are in, if there is one.
    pub fn message(&self, file: Option<&str>) -> String {
        let at = |(line, col): (usize, usize)| match file {
            Some(f) => format!("{f}:{line}:{col}"),
            None => format!("line {line}, column {col}"),
        };
        format!(
            "the key {:?} is written twice in one object, at {} and at {}: a JSON reader keeps only one of them (iamform would use the second), so remove the one that is not meant",
            self.key,
            at(self.first),
            at(self.second)
        )
    }
}

/// The first key written twice in one object of `text`, which must be valid JSON. A lexical
/// scan with an explicit stack, so any depth is fine.
pub fn duplicate_key(text: &str) -> Option<DuplicateKey> {
    enum Frame {
        Object {
            keys: std::collections::HashMap<String, (usize, usize)>,
            expect_key: bool,
        },
        Array,
    }
    let mut stack: Vec<Frame> = Vec::new();
    let (mut line, mut col) = (1usize, 0usize);
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        col += 1;
        match c {
            '\n' => {
                line += 1;
                col = 0;
            }
            '{' => stack.push(Frame::Object {
                keys: Default::default(),
                expect_key: true,
            }),
            '[' => stack.push(Frame::Array),
            '}' | ']' => {
                stack.pop();
            }
            ',' | ':' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = c == ',';
                }
            }
            '"' => {
                let at = (line, col);
                let mut end = text.len();
                let mut escaped = false;
                for (j, d) in chars.by_ref() {
                    col += 1;
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == '"' {
                        end = j;
                        break;
                    }
                }
                if let Some(Frame::Object {
                    keys,
                    expect_key: true,
                }) = stack.last_mut()
                {
                    let key: String = serde_json::from_str(&text[i..=end.min(text.len() - 1)])
                        .unwrap_or_else(|_| text[i + 1..end].to_owned());
                    if let Some(first) = keys.get(&key) {
                        return Some(DuplicateKey {
                            key,
                            first: *first,
                            second: at,
                        });
                    }
                    keys.insert(key, at);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_statement(v: &Value, path: &str) -> Result<Statement, PolicyError> {
    let obj = v
        .as_object()
        .ok_or_else(|| err(path, "a statement must be a JSON object"))?;
    let mut s = Statement::allow();
    let mut effect = None;
    for (key, v) in obj {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "Sid" => {
                s.sid = Some(
                    v.as_str()
                        .ok_or_else(|| err(&at, "must be a string"))?
                        .to_owned(),
                )
            }
            "Effect" => {
                let e = v
                    .as_str()
                    .ok_or_else(|| err(&at, "must be the string \"Allow\" or \"Deny\""))?;
                effect = Some(match e.to_ascii_lowercase().as_str() {
                    "allow" => Effect::Allow,
                    "deny" => Effect::Deny,
                    _ => {
                        let hint = suggest::closest(e, ["Allow", "Deny"])
                            .map(|s| format!("did you mean `{s}`?"))
                            .unwrap_or_else(|| "use Allow or Deny".to_owned());
                        return Err(err(at, format!("`{e}` is not an effect: {hint}")));
                    }
                });
            }
            "Principal" => s.principal = Some(parse_principal(v, &at)?),
            "NotPrincipal" => s.not_principal = Some(parse_principal(v, &at)?),
            "Action" => s.action = Some(parse_values(v, &at)?),
            "NotAction" => s.not_action = Some(parse_values(v, &at)?),
            "Resource" => s.resource = Some(parse_values(v, &at)?),
            "NotResource" => s.not_resource = Some(parse_values(v, &at)?),
            "Condition" => s.condition = parse_condition(v, &at)?,
            other => return Err(unknown_key(at, other, &STATEMENT_KEYS, "a statement")),
        }
    }
    s.effect = effect.ok_or_else(|| {
        err(
            path,
            "a statement needs an Effect: add \"Effect\": \"Allow\" (or \"Deny\")",
        )
    })?;
    for (a, b, yes, no) in [
        (
            s.action.is_some(),
            s.not_action.is_some(),
            "Action",
            "NotAction",
        ),
        (
            s.resource.is_some(),
            s.not_resource.is_some(),
            "Resource",
            "NotResource",
        ),
        (
            s.principal.is_some(),
            s.not_principal.is_some(),
            "Principal",
            "NotPrincipal",
        ),
    ] {
        if a && b {
            return Err(err(
                path,
                format!("a statement cannot have both {yes} and {no}: keep one of them"),
            ));
        }
    }
    Ok(s)
}

fn scalar(v: &Value, path: &str) -> Result<String, PolicyError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(err(path, "must be a string or a list of strings")),
    }
}

fn parse_values(v: &Value, path: &str) -> Result<Values, PolicyError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| scalar(item, &format!("{path}[{i}]")))
            .collect(),
        other => Ok(BTreeSet::from([scalar(other, path)?])),
    }
}

fn parse_principal(v: &Value, path: &str) -> Result<Principal, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        Value::Object(m) => {
            if m.is_empty() {
                return Err(err(
                    path,
                    "names no principal: e.g. {\"Service\": \"ec2.amazonaws.com\"}",
                ));
            }
            let mut out = BTreeMap::new();
            for (k, v) in m {
                let at = format!("{path}.{k}");
                if !PRINCIPAL_TYPES.contains(&k.as_str()) {
                    let hint = match suggest::closest(k, PRINCIPAL_TYPES) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use AWS, Service, Federated or CanonicalUser".to_owned(),
                    };
                    return Err(err(at, format!("unknown principal type `{k}`: {hint}")));
                }
                out.insert(k.clone(), parse_values(v, &at)?);
            }
            Ok(Principal::Map(out))
        }
        _ => Err(err(
            path,
            "must be \"*\" or an object such as {\"Service\": \"ec2.amazonaws.com\"}",
        )),
    }
}

fn parse_condition(v: &Value, path: &str) -> Result<Condition, PolicyError> {
    let ops = v.as_object().ok_or_else(|| {
        err(
            path,
            "must be an object of operator -> { key -> values }, e.g. {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}",
        )
    })?;
    let mut out = Condition::new();
    for (op, keys) in ops {
        let at = format!("{path}.{op}");
        let keys = keys.as_object().ok_or_else(|| {
            err(
                &at,
                "must be an object of condition key -> values, e.g. {\"aws:SourceIp\": \"203.0.113.0/24\"}",
            )
        })?;
        let entry: &mut BTreeMap<String, Values> = out.entry(op.clone()).or_default();
        for (key, values) in keys {
            let values = parse_values(values, &format!("{at}.{key}"))?;
            entry.entry(key.clone()).or_default().extend(values);
        }
    }
    Ok(out)
}

/// A bare 12-digit account id principal means that account's root.
fn canonicalise_principal(p: &mut Option<Principal>) {
    if let Some(Principal::Map(m)) = p {
        if let Some(aws) = m.get_mut("AWS") {
            if aws.iter().any(|v| is_account_id(v)) {
                *aws = aws
                    .iter()
                    .map(|v| {
                        if is_account_id(v) {
                            Arn::root(v).to_string()
                        } else {
                            v.clone()
                        }
                    })
                    .collect();
            }
        }
    }
}

fn values_to_value(v: &Values) -> Value {
    if v.len() == 1 {
        Value::String(v.iter().next().expect("one element").clone())
    } else {
        Value::Array(v.iter().cloned().map(Value::String).collect())
    }
}

fn principal_to_value(p: &Principal) -> Value {
    match p {
        Principal::Any => Value::String("*".into()),
        Principal::Map(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), values_to_value(v)))
                .collect(),
        ),
    }
}

fn statement_to_value(s: &Statement) -> Value {
    let mut o = Map::new();
    if let Some(sid) = &s.sid {
        o.insert("Sid".into(), Value::String(sid.clone()));
    }
    let effect = match s.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    o.insert("Effect".into(), Value::String(effect.into()));
    if let Some(p) = &s.principal {
        o.insert("Principal".into(), principal_to_value(p));
    }
    if let Some(p) = &s.not_principal {
        o.insert("NotPrincipal".into(), principal_to_value(p));
    }
    for (key, v) in s.lists() {
        if let Some(v) = v {
            o.insert(key.into(), values_to_value(v));
        }
    }
    if !s.condition.is_empty() {
        let c = s
            .condition
            .iter()
            .map(|(op, keys)| {
                let keys = keys
                    .iter()
                    .map(|(k, v)| (k.clone(), values_to_value(v)))
                    .collect();
                (op.clone(), Value::Object(keys))
            })
            .collect();
        o.insert("Condition".into(), Value::Object(c));
    }
    Value::Object(o)
}
