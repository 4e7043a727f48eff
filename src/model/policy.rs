//! Policy documents compared by meaning, not by text.
//!
//! A [`PolicyDocument`] is the canonical form of an IAM policy: every value list is a set, statements
//! are sorted, `Effect` is capitalised, a bare account id principal becomes `arn:aws:iam::ID:root`, and
//! scalar condition values are strings. Two documents that IAM treats the same compare equal, so a
//! plan never shows a change that is only whitespace, ordering or `"x"` versus `["x"]` — the
//! perpetual diff Terraform users know.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub const DEFAULT_VERSION: &str = "2012-10-17";

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
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    statements: Vec<Statement>,
}

/// Which limits and grammar a document is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// Managed or inline policy attached to an identity: no `Principal`.
    Identity,
    /// A role's trust policy: every statement names a `Principal` or `NotPrincipal`.
    Trust,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    /// Where in the document, e.g. `Statement[1].Effect`.
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError {
        path: path.into(),
        message: message.into(),
    }
}

impl PolicyDocument {
    /// A document from statements, in canonical order.
    pub fn new(
        version: Option<String>,
        id: Option<String>,
        mut statements: Vec<Statement>,
    ) -> Self {
        for s in &mut statements {
            canonicalise_principal(&mut s.principal);
            canonicalise_principal(&mut s.not_principal);
        }
        statements.sort();
        PolicyDocument {
            version,
            id,
            statements,
        }
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Parses a JSON policy text (as written by a user, or as returned by AWS after decoding).
    pub fn from_json_str(text: &str) -> Result<Self, PolicyError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| err("document", format!("not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let obj = value
            .as_object()
            .ok_or_else(|| err("document", "a policy document must be a JSON object"))?;
        let mut version = None;
        let mut id = None;
        let mut statements = Vec::new();
        for (key, v) in obj {
            match key.as_str() {
                "Version" => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| err("Version", "must be a string"))?;
                    if s != "2012-10-17" && s != "2008-10-17" {
                        return Err(err(
                            "Version",
                            format!("`{s}` is not a policy language version: use \"2012-10-17\""),
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
                "Statement" => match v {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            statements.push(parse_statement(item, &format!("Statement[{i}]"))?);
                        }
                    }
                    Value::Object(_) => statements.push(parse_statement(v, "Statement")?),
                    _ => return Err(err("Statement", "must be an object or a list of objects")),
                },
                other => {
                    return Err(err(
                        other,
                        "unknown top-level key: a policy has Version, Id and Statement",
                    ))
                }
            }
        }
        if statements.is_empty() {
            return Err(err("Statement", "a policy needs at least one statement"));
        }
        Ok(PolicyDocument::new(version, id, statements))
    }

    /// Checks the grammar that depends on where the document is used.
    pub fn validate(&self, kind: DocumentKind) -> Result<(), PolicyError> {
        for (i, s) in self.statements.iter().enumerate() {
            let path = format!("Statement[{i}]");
            let has_principal = s.principal.is_some() || s.not_principal.is_some();
            match kind {
                DocumentKind::Identity if has_principal => {
                    return Err(err(
                        path,
                        "an identity policy cannot name a Principal: remove it, or use this document as a trust policy",
                    ))
                }
                DocumentKind::Trust if !has_principal => {
                    return Err(err(
                        path,
                        "a trust policy statement must name a Principal (e.g. principals { service = [\"ec2.amazonaws.com\"] })",
                    ))
                }
                _ => {}
            }
            if s.action.is_none() && s.not_action.is_none() {
                return Err(err(path, "a statement needs Action or NotAction"));
            }
            if kind == DocumentKind::Identity && s.resource.is_none() && s.not_resource.is_none() {
                return Err(err(path, "a statement needs Resource or NotResource"));
            }
        }
        Ok(())
    }

    /// The canonical JSON value: keys in AWS's conventional order, one-element sets as scalars.
    pub fn to_value(&self) -> Value {
        let mut obj = Map::new();
        if let Some(v) = &self.version {
            obj.insert("Version".into(), Value::String(v.clone()));
        }
        if let Some(id) = &self.id {
            obj.insert("Id".into(), Value::String(id.clone()));
        }
        let statements = self.statements.iter().map(statement_to_value).collect();
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

    /// The size IAM counts against its quotas: characters, whitespace not counted.
    pub fn size(&self) -> usize {
        self.to_minimal()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }

    /// Every principal value of every statement, e.g. role ARNs named by a trust policy.
    pub fn principal_values(&self) -> impl Iterator<Item = &str> {
        self.statements
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
                let e = v.as_str().ok_or_else(|| err(&at, "must be a string"))?;
                effect = Some(match e.to_ascii_lowercase().as_str() {
                    "allow" => Effect::Allow,
                    "deny" => Effect::Deny,
                    _ => return Err(err(at, format!("`{e}` is not an effect: use Allow or Deny"))),
                });
            }
            "Principal" => s.principal = Some(parse_principal(v, &at)?),
            "NotPrincipal" => s.not_principal = Some(parse_principal(v, &at)?),
            "Action" => s.action = Some(parse_values(v, &at)?),
            "NotAction" => s.not_action = Some(parse_values(v, &at)?),
            "Resource" => s.resource = Some(parse_values(v, &at)?),
            "NotResource" => s.not_resource = Some(parse_values(v, &at)?),
            "Condition" => s.condition = parse_condition(v, &at)?,
            other => {
                return Err(err(
                    at,
                    format!("unknown statement key `{other}`: expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource or Condition"),
                ))
            }
        }
    }
    s.effect = effect.ok_or_else(|| err(path, "a statement needs an Effect (Allow or Deny)"))?;
    if s.action.is_some() && s.not_action.is_some() {
        return Err(err(
            path,
            "a statement cannot have both Action and NotAction",
        ));
    }
    if s.resource.is_some() && s.not_resource.is_some() {
        return Err(err(
            path,
            "a statement cannot have both Resource and NotResource",
        ));
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
        Value::Array(items) => items.iter().map(|i| scalar(i, path)).collect(),
        other => Ok(BTreeSet::from([scalar(other, path)?])),
    }
}

fn parse_principal(v: &Value, path: &str) -> Result<Principal, PolicyError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        Value::Object(m) => {
            let mut out = BTreeMap::new();
            for (k, v) in m {
                if !matches!(
                    k.as_str(),
                    "AWS" | "Service" | "Federated" | "CanonicalUser"
                ) {
                    return Err(err(
                        format!("{path}.{k}"),
                        "unknown principal type: expected AWS, Service, Federated or CanonicalUser",
                    ));
                }
                out.insert(k.clone(), parse_values(v, &format!("{path}.{k}"))?);
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
    let ops = v
        .as_object()
        .ok_or_else(|| err(path, "must be an object of operator -> { key -> values }"))?;
    let mut out = Condition::new();
    for (op, keys) in ops {
        let at = format!("{path}.{op}");
        let keys = keys
            .as_object()
            .ok_or_else(|| err(&at, "must be an object of condition key -> values"))?;
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
            let fixed: BTreeSet<String> = aws
                .iter()
                .map(|v| {
                    if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                        format!("arn:aws:iam::{v}:root")
                    } else {
                        v.clone()
                    }
                })
                .collect();
            *aws = fixed;
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
    for (key, v) in [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ] {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(s: &str) -> PolicyDocument {
        PolicyDocument::from_json_str(s).unwrap()
    }

    #[test]
    fn equivalent_documents_compare_equal() {
        let a = doc(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":"arn:aws:s3:::b"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#,
        );
        let b = doc(
            r#"{ "Statement": [ {"Resource":"*","Action":["iam:*"],"Effect":"deny"},
                        {"Resource":["arn:aws:s3:::b"],"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"]} ],
                        "Version": "2012-10-17" }"#,
        );
        assert_eq!(a, b);
        assert_eq!(a.to_pretty(), b.to_pretty());
    }

    #[test]
    fn account_id_principal_equals_root_arn() {
        let a = doc(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}"#,
        );
        let b = doc(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":"sts:AssumeRole"}]}"#,
        );
        assert_eq!(a, b);
    }

    #[test]
    fn condition_scalars_compare_as_strings() {
        let a = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}}"#,
        );
        let b = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":["true"]}}}}"#,
        );
        assert_eq!(a, b);
    }

    #[test]
    fn real_changes_are_not_equal() {
        let a = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#);
        let b = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}}"#);
        assert_ne!(a, b);
    }

    #[test]
    fn parse_render_round_trip() {
        let a = doc(
            r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","NotAction":["a:b","c:d"],"NotResource":"r","Condition":{"StringEquals":{"k":["1","2"]}}}]}"#,
        );
        assert_eq!(doc(&a.to_minimal()), a);
        assert_eq!(doc(&a.to_pretty()), a);
    }

    #[test]
    fn errors_name_the_place() {
        let cases = [
            (
                r#"{"Statement":{"Effect":"Alow","Action":"a:b","Resource":"*"}}"#,
                "Statement.Effect",
            ),
            (
                r#"{"Statement":[{"Action":"a:b","Resource":"*"}]}"#,
                "Statement[0]",
            ),
            (r#"{"Version":"2020-01-01","Statement":[]}"#, "Version"),
            (
                r#"{"Statement":[{"Effect":"Allow","Actions":"a:b"}]}"#,
                "Statement[0].Actions",
            ),
            (r#"[1]"#, "document"),
            (r#"{"#, "document"),
        ];
        for (text, path) in cases {
            let e = PolicyDocument::from_json_str(text).unwrap_err();
            assert_eq!(e.path, path, "{text}: {e}");
        }
    }

    #[test]
    fn validate_checks_principal_by_kind() {
        let trust = doc(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        );
        assert!(trust.validate(DocumentKind::Trust).is_ok());
        assert!(trust.validate(DocumentKind::Identity).is_err());
        let identity = doc(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
        assert!(identity.validate(DocumentKind::Identity).is_ok());
        assert!(identity.validate(DocumentKind::Trust).is_err());
    }

    #[test]
    fn size_ignores_whitespace() {
        let a = doc(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::my bucket"}}"#,
        );
        assert_eq!(a.size(), a.to_minimal().len() - 1);
    }
}
