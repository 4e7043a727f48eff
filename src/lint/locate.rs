//! Where a finding points: a JSON path inside the document ([`Pointer`], `Statement[0].Resource`),
//! turned into the file:line:col of that key: the attribute of a `statement` block, the
//! `condition` block of a key, or the key in a JSON file read with `file("…")` or given to
//! `iamform lint --document`.

use super::document::lint_document;
use super::Finding;
use crate::catalog::Catalog;
use crate::config::DocumentSource;
use crate::model::policy::{DocumentKind, PolicyDocument};
use serde::{Serialize, Serializer};
use std::fmt;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A JSON path into a policy document, statements numbered as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointer(Vec<Step>);

impl Pointer {
    /// `Statement[i]`.
    pub fn statement(i: usize) -> Pointer {
        Pointer(vec![Step::Key("Statement".into()), Step::Index(i)])
    }

    /// This path, then `key`.
    pub fn key(mut self, key: &str) -> Pointer {
        self.0.push(Step::Key(key.to_owned()));
        self
    }

    fn statement_index(&self) -> Option<usize> {
        match self.0.get(1) {
            Some(Step::Index(i)) => Some(*i),
            _ => None,
        }
    }

    /// The key of the statement the path goes into (`Resource`), if any.
    fn statement_key(&self) -> Option<&str> {
        match self.0.get(2) {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// `(operator, key)` of a path to a condition key.
    fn condition(&self) -> Option<(&str, &str)> {
        match self.0.get(2..5) {
            Some([Step::Key(c), Step::Key(op), Step::Key(key)]) if c == "Condition" => {
                Some((op, key))
            }
            _ => None,
        }
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, step) in self.0.iter().enumerate() {
            match step {
                Step::Index(i) => write!(f, "[{i}]")?,
                Step::Key(k) if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                    if n > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Step::Key(k) => write!(f, "[{}]", serde_json::Value::from(k.as_str()))?,
            }
        }
        Ok(())
    }
}

impl Serialize for Pointer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The file:line:col a finding about a document written as `source` points at, if it can be
/// more precise than the entity's block.
pub(crate) fn locate(finding: &Finding, source: &DocumentSource) -> Option<String> {
    let pointer = finding.path.as_ref()?;
    match source {
        DocumentSource::Statements(statements) => {
            let st = statements.get(pointer.statement_index()?)?;
            if let Some((op, key)) = pointer.condition() {
                if let Some((_, _, loc)) =
                    st.conditions.iter().find(|(t, v, _)| t == op && v == key)
                {
                    return Some(loc.to_string());
                }
            }
            let at = pointer
                .statement_key()
                .and_then(|k| st.keys.get(k))
                .unwrap_or(&st.block);
            Some(at.to_string())
        }
        DocumentSource::Attribute { at, file } => Some(
            file.as_ref()
                .and_then(|(path, text)| {
                    let (line, col) = json_position(text, pointer)?;
                    Some(format!("{}:{line}:{col}", path.display()))
                })
                .unwrap_or_else(|| at.to_string()),
        ),
    }
}

/// `iamform lint --document FILE`: the findings of one JSON identity policy, each pointing at
/// FILE:line:col of its key; `Err` when the file is not a valid policy document.
pub fn lint_json_file(path: &Path, text: &str, catalog: &Catalog) -> Result<Vec<Finding>, String> {
    let shown = path.display().to_string();
    let doc = PolicyDocument::from_json_str(text).map_err(|e| format!("{shown}: {e}"))?;
    doc.validate(DocumentKind::Identity)
        .map_err(|e| format!("{shown}: {e}"))?;
    let mut findings = lint_document(&doc, DocumentKind::Identity, &shown, catalog);
    for f in &mut findings {
        let (line, col) = f
            .path
            .as_ref()
            .and_then(|p| json_position(text, p))
            .unwrap_or((1, 1));
        f.location = Some(format!("{shown}:{line}:{col}"));
    }
    Ok(findings)
}

/// How deep [`json_position`] follows nested values before giving up.
const MAX_DEPTH: usize = 128;

/// The line and column (1-based, in characters) where `pointer` ends in the JSON `text`: the
/// opening quote of its last key. A `Statement` written as one object is `Statement[0]`.
fn json_position(text: &str, pointer: &Pointer) -> Option<(usize, usize)> {
    let mut s = Scanner {
        text: text.as_bytes(),
        at: 0,
    };
    let mut found = None;
    for step in &pointer.0 {
        s.space();
        match step {
            Step::Key(k) => {
                s.eat(b'{')?;
                loop {
                    s.space();
                    let start = s.at;
                    let key = s.string()?;
                    s.space();
                    s.eat(b':')?;
                    if key == *k {
                        found = Some(start);
                        break;
                    }
                    s.skip_value(0)?;
                    s.space();
                    s.eat(b',')?;
                }
            }
            Step::Index(n) => match s.peek()? {
                b'[' => {
                    s.at += 1;
                    for _ in 0..*n {
                        s.space();
                        s.skip_value(0)?;
                        s.space();
                        s.eat(b',')?;
                    }
                    s.space();
                    found = Some(s.at);
                }
                b'{' if *n == 0 => found = Some(s.at),
                _ => return None,
            },
        }
    }
    let offset = found?;
    let before = &text.get(..offset)?;
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, col))
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// A JSON string, decoded (escapes other than `\uXXXX` pairs are enough for policy keys).
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.at += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.at += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'u' => {
                            let hex =
                                std::str::from_utf8(self.text.get(self.at..self.at + 4)?).ok()?;
                            self.at += 4;
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)
                                .unwrap_or('\u{fffd}');
                            out.extend_from_slice(c.to_string().as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.space();
        match self.peek()? {
            b'"' => self.string().map(drop),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.at += 1;
                self.space();
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.space();
                        self.string()?;
                        self.space();
                        self.eat(b':')?;
                    }
                    self.skip_value(depth + 1)?;
                    self.space();
                    if self.eat(close).is_some() {
                        return Some(());
                    }
                    self.eat(b',')?;
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_display_as_json_paths() {
        assert_eq!(Pointer::statement(2).to_string(), "Statement[2]");
        assert_eq!(
            Pointer::statement(0)
                .key("Condition")
                .key("StringLike")
                .key("s3:prefix")
                .to_string(),
            r#"Statement[0].Condition.StringLike["s3:prefix"]"#
        );
    }

    #[test]
    fn json_positions_of_keys() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"], \"Resource\": \"*\"},\n    {\n      \"Effect\": \"Allow\",\n      \"Condition\": {\"StringLike\": {\"s3:prefix\": [\"a\", {\"x\": [1, 2]}]}, \"Bool\": {\"aws:SecureTransport\": \"true\"}}\n    }\n  ]\n}\n";
        let at = |p: Pointer| json_position(text, &p);
        assert_eq!(at(Pointer::statement(0).key("Resource")), Some((4, 53)));
        assert_eq!(at(Pointer::statement(1)), Some((5, 5)));
        assert_eq!(
            at(Pointer::statement(1)
                .key("Condition")
                .key("Bool")
                .key("aws:SecureTransport")),
            Some((7, 81))
        );
        assert_eq!(at(Pointer::statement(1).key("Resource")), None);
        assert_eq!(at(Pointer::statement(2)), None);
        let single = r#"{"Statement": {"Effect": "Allow", "NotAction": "x:y"}}"#;
        assert_eq!(
            json_position(single, &Pointer::statement(0).key("NotAction")),
            Some((1, 35))
        );
        assert_eq!(json_position("[[[[", &Pointer::statement(0)), None);
        let deep = format!("{{\"A\": {}, \"Statement\": []}}", "[".repeat(1000));
        assert_eq!(json_position(&deep, &Pointer::statement(0)), None);
    }
}
