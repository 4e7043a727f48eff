//! Statements as the access model reads them: each distinct statement is compiled once (its
//! actions as a set of action ids), then instantiated for a principal into a conjunction of
//! literals over shared atoms — "the resource is one of these patterns", "this condition entry
//! holds" — or into "never".
//!
//! What the principal decides is decided here, so that the atoms that remain depend on the
//! request alone: policy variables naming the principal (`${aws:username}`,
//! `${aws:PrincipalTag/team}`, `${aws:PrincipalArn}`, …) are replaced by its values (a value's
//! `*`, `?` and `$` written `${*}`, `${?}`, `${$}`, so they stay literal), an entry whose variable
//! has no value is dropped (it names nothing, as the evaluator reads it), and a condition entry on
//! a principal key (`aws:PrincipalTag/team`, `aws:username`, …) is evaluated: false makes the
//! statement never apply, true drops the entry. A statement that reads nothing of the principal is
//! instantiated once for everyone.

use super::actions::{ActionSet, Universe};
use super::condition::{self, Base, Operator};
use super::intern::SetInterner;
use super::request::{Caller, Context, Request};
use super::resources::Shape;
use super::statement::{self, PrincipalMatch};
use super::variables;
use crate::model::policy::{Condition, Effect, Statement, Values, DEFAULT_VERSION};
use crate::model::Tags;
use std::collections::HashMap;

pub type AtomId = u32;
/// An atom and its polarity.
pub type Lit = (AtomId, bool);
/// Interned conjunctions of literals.
pub type TermId = u32;

/// A question about a request whose answer the model leaves open.
#[derive(Clone, Debug)]
pub enum Atom {
    /// The resource is named by one of the patterns (written with variables on).
    Resource {
        patterns: Vec<String>,
        shapes: Vec<Shape>,
    },
    /// One condition entry holds: `operator` on `key` with `values`.
    Condition {
        operator: String,
        key: String,
        values: Values,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum AtomKey {
    Resource(Vec<String>),
    /// Operator and key in lowercase (IAM reads them ignoring case), the values, and for an
    /// entry on a principal key that could not be decided, that key's value.
    Condition(String, String, Values, Option<String>),
}

/// A statement compiled once, whoever it applies to.
pub struct Compiled<'a> {
    pub statement: &'a Statement,
    /// Policy variables are read (the document's Version is 2012-10-17).
    pub variables: bool,
    pub deny: bool,
    pub actions: ActionSet,
    /// Instantiating it reads the principal: variables or principal keys.
    personal: bool,
}

/// The principal a statement is instantiated for: who it is, and the context keys AWS fills
/// from it.
pub struct Ctx {
    pub caller: Caller,
    pub context: Context,
    /// Interned by what the context holds: equal contexts share instances.
    id: u32,
}

/// The keys AWS fills from the principal, whose values the model knows.
pub fn is_principal_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    matches!(
        k.as_str(),
        "aws:username" | "aws:principalarn" | "aws:principalaccount" | "aws:principaltype"
    ) || k.starts_with("aws:principaltag/")
}

/// Operators whose values may hold policy variables.
fn reads_variables(base: Base) -> bool {
    matches!(
        base,
        Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::ArnLike
    )
}

/// `text` with the principal's variables replaced by their values, written for a document with
/// variables on; `None` when one of them has no value (the text then names nothing). A document
/// without variables has its `$` escaped, so that its `${…}` stays text.
pub fn normalize(text: &str, variables: bool, ctx: &Context) -> Option<String> {
    if !variables {
        return Some(if text.contains("${") {
            text.replace('$', "${$}")
        } else {
            text.to_owned()
        });
    }
    if !text.contains('$') {
        return Some(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let escape = |c: char, out: &mut String| match c {
        '*' => out.push_str("${*}"),
        '?' => out.push_str("${?}"),
        '$' => out.push_str("${$}"),
        c => out.push(c),
    };
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("${") {
            if let Some(end) = rest.find('}') {
                let whole = &rest[..=end];
                let inner = &rest[2..end];
                rest = &rest[end + 1..];
                if matches!(inner, "*" | "?" | "$") {
                    out.push_str(whole);
                    continue;
                }
                let (key, default) = match inner.split_once(',') {
                    Some((k, d)) => match d
                        .trim()
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''))
                    {
                        Some(d) => (k.trim(), Some(d)),
                        None => (inner.trim(), None),
                    },
                    None => (inner.trim(), None),
                };
                if !is_principal_key(key) {
                    out.push_str(whole);
                    continue;
                }
                let value = match ctx.get(key) {
                    Some(v) if !v.multi && v.values.len() == 1 => v.values[0].as_str(),
                    _ => default?,
                };
                value.chars().for_each(|c| escape(c, &mut out));
                continue;
            }
        }
        // A literal `$` is escaped, so that it cannot start a variable with what follows.
        if c == '$' {
            out.push_str("${$}");
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Some(out)
}

/// Whether every variable `text` uses is a principal key.
fn principal_only(text: &str) -> bool {
    variables::keys_used(text).into_iter().all(is_principal_key)
}

/// Compiled statements, atoms, contexts and instances, shared by every principal of one
/// computation.
pub struct Store<'a> {
    pub universe: Universe,
    compiled: Vec<Compiled<'a>>,
    by_address: HashMap<(usize, bool), u32>,
    by_content: HashMap<(&'a Statement, bool), u32>,
    atoms: Vec<Atom>,
    atom_index: HashMap<AtomKey, AtomId>,
    terms: SetInterner<Lit>,
    /// (compiled statement, context or 0 when it reads none) -> its term, or `None` for never.
    instances: HashMap<(u32, u32), Option<TermId>>,
    contexts: HashMap<String, u32>,
}

impl<'a> Store<'a> {
    pub fn new(universe: Universe) -> Store<'a> {
        Store {
            universe,
            compiled: Vec::new(),
            by_address: HashMap::new(),
            by_content: HashMap::new(),
            atoms: Vec::new(),
            atom_index: HashMap::new(),
            terms: SetInterner::default(),
            instances: HashMap::new(),
            contexts: HashMap::new(),
        }
    }

    /// The context of a principal: AWS's keys for `caller` and its tags.
    pub fn context(&mut self, caller: Caller, tags: &Tags) -> Ctx {
        let context = Context::for_caller_at(&caller, tags, "", "");
        let mut fingerprint = format!("{:?}\n{}\n{}", caller.kind, caller.arn, caller.name);
        for (k, v) in tags {
            fingerprint.push_str(&format!("\n{k}={v}"));
        }
        let next = self.contexts.len() as u32 + 1;
        let id = *self.contexts.entry(fingerprint).or_insert(next);
        Ctx {
            caller,
            context,
            id,
        }
    }

    /// Compiles `s` (of a document whose Version is `version`) once.
    pub fn compile(&mut self, s: &'a Statement, version: Option<&str>) -> u32 {
        let variables = version == Some(DEFAULT_VERSION);
        let address = (s as *const Statement as usize, variables);
        if let Some(id) = self.by_address.get(&address) {
            return *id;
        }
        let id = match self.by_content.get(&(s, variables)) {
            Some(id) => *id,
            None => {
                let id = self.compiled.len() as u32;
                let personal = s.condition.values().flatten().any(|(k, vs)| {
                    is_principal_key(k) || (variables && vs.iter().any(|v| v.contains("${")))
                }) || (variables
                    && [&s.resource, &s.not_resource]
                        .into_iter()
                        .flatten()
                        .flatten()
                        .any(|r| r.contains("${")));
                let actions = self.universe.statement_actions(s);
                self.compiled.push(Compiled {
                    statement: s,
                    variables,
                    deny: s.effect == Effect::Deny,
                    actions,
                    personal,
                });
                self.by_content.insert((s, variables), id);
                id
            }
        };
        self.by_address.insert(address, id);
        id
    }

    pub fn compiled(&self, id: u32) -> &Compiled<'a> {
        &self.compiled[id as usize]
    }

    pub fn atom(&self, id: AtomId) -> &Atom {
        &self.atoms[id as usize]
    }

    pub fn term(&self, id: TermId) -> &[Lit] {
        self.terms.get(id)
    }

    fn resource_atom(&mut self, mut patterns: Vec<String>) -> AtomId {
        patterns.sort();
        patterns.dedup();
        let key = AtomKey::Resource(patterns.clone());
        if let Some(id) = self.atom_index.get(&key) {
            return *id;
        }
        let id = self.atoms.len() as AtomId;
        let shapes = patterns.iter().map(|p| Shape::of(p)).collect();
        self.atoms.push(Atom::Resource { patterns, shapes });
        self.atom_index.insert(key, id);
        id
    }

    fn condition_atom(
        &mut self,
        operator: &str,
        key: &str,
        values: Values,
        tag: Option<String>,
    ) -> AtomId {
        let k = AtomKey::Condition(
            operator.to_ascii_lowercase(),
            key.to_ascii_lowercase(),
            values.clone(),
            tag,
        );
        if let Some(id) = self.atom_index.get(&k) {
            return *id;
        }
        let id = self.atoms.len() as AtomId;
        self.atoms.push(Atom::Condition {
            operator: operator.to_owned(),
            key: key.to_owned(),
            values,
        });
        self.atom_index.insert(k, id);
        id
    }

    /// The statement for the principal of `ctx`: when it applies to a request (its resource and
    /// condition), or `None` when it never does.
    pub fn instance(&mut self, compiled: u32, ctx: &Ctx) -> Option<TermId> {
        let c = &self.compiled[compiled as usize];
        let key = (compiled, if c.personal { ctx.id } else { 0 });
        if let Some(t) = self.instances.get(&key) {
            return *t;
        }
        let (s, variables) = (c.statement, c.variables);
        let term = self.resource_literal(s, variables, ctx).and_then(|r| {
            let mut lits = self.condition_literals(&s.condition, variables, ctx)?;
            lits.extend(r);
            Some(self.terms.intern(lits))
        });
        self.instances.insert(key, term);
        term
    }

    /// The statement for the principal of `ctx` on one resource, `arn` (a role's ARN, for a
    /// trust action): its resource decided, its condition left open.
    pub fn instance_at(&mut self, compiled: u32, ctx: &Ctx, arn: &str) -> Option<TermId> {
        let c = &self.compiled[compiled as usize];
        let (s, variables) = (c.statement, c.variables);
        let request = Request {
            action: String::new(),
            resource: arn.to_owned(),
            context: ctx.context.clone(),
        };
        if !statement::resource_applies(s, &request, variables, &mut Vec::new()) {
            return None;
        }
        let lits = self.condition_literals(&s.condition, variables, ctx)?;
        Some(self.terms.intern(lits))
    }

    /// `Some(None)`: the resource element always applies; `Some(Some(lit))`: when the literal
    /// holds; `None`: never.
    fn resource_literal(
        &mut self,
        s: &Statement,
        variables: bool,
        ctx: &Ctx,
    ) -> Option<Option<Lit>> {
        let (list, positive) = match (&s.resource, &s.not_resource) {
            (Some(list), _) => (list, true),
            (None, Some(list)) => (list, false),
            (None, None) => return Some(None),
        };
        // An entry whose variable has no value names nothing: it neither grants nor excludes.
        let patterns: Vec<String> = list
            .iter()
            .filter_map(|p| normalize(p, variables, &ctx.context))
            .collect();
        let star = patterns.iter().any(|p| p == "*");
        match (positive, star, patterns.is_empty()) {
            (true, true, _) => Some(None),
            (true, false, true) => None,
            (false, true, _) => None,
            (false, false, true) => Some(None),
            _ => Some(Some((self.resource_atom(patterns), positive))),
        }
    }

    /// The condition's entries that remain open, or `None` when one is false for the principal
    /// (or names an operator iamform does not know, which cannot be shown to hold).
    fn condition_literals(
        &mut self,
        condition: &Condition,
        variables: bool,
        ctx: &Ctx,
    ) -> Option<Vec<Lit>> {
        let mut lits = Vec::new();
        for (op, keys) in condition {
            let operator = Operator::parse(op)?;
            for (key, values) in keys {
                let decidable = !variables || values.iter().all(|v| principal_only(v));
                if is_principal_key(key) && decidable {
                    let holds = condition::key_holds(
                        &operator,
                        key,
                        values,
                        &ctx.context,
                        variables,
                        &mut Vec::new(),
                    );
                    if !holds {
                        return None;
                    }
                    continue;
                }
                let values: Values = if reads_variables(operator.base) {
                    values
                        .iter()
                        .filter_map(|v| normalize(v, variables, &ctx.context))
                        .collect()
                } else {
                    values.clone()
                };
                let tag = is_principal_key(key).then(|| format!("{:?}", ctx.context.get(key)));
                lits.push((self.condition_atom(op, key, values, tag), true));
            }
        }
        Some(lits)
    }
}

/// How a trust policy statement names the caller (the evaluator's rule, with a boundary making a
/// `Deny` with `NotPrincipal` always apply).
pub fn trust_match(s: &Statement, caller: &Caller, has_boundary: bool) -> PrincipalMatch {
    match (&s.principal, &s.not_principal) {
        (Some(p), _) => statement::principal_match(p, caller),
        (None, Some(np)) => {
            let deny = s.effect == Effect::Deny;
            if (deny && has_boundary) || statement::not_principal_applies(np, caller) {
                PrincipalMatch::Direct
            } else {
                PrincipalMatch::No
            }
        }
        (None, None) => PrincipalMatch::No,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PolicyDocument;

    fn ctx(store: &mut Store, tags: &[(&str, &str)]) -> Ctx {
        let tags: Tags = tags
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        store.context(Caller::user("123456789012", "/", "a*n"), &tags)
    }

    #[test]
    fn principal_variables_are_substituted_and_escaped() {
        let mut s = Store::new(Universe::new([]));
        let c = ctx(&mut s, &[("team", "web")]);
        let n = |t: &str| normalize(t, true, &c.context);
        assert_eq!(
            n("arn:aws:s3:::home/${aws:username}/*").as_deref(),
            Some("arn:aws:s3:::home/a${*}n/*")
        );
        assert_eq!(
            n("${aws:PrincipalTag/TEAM}-${aws:SourceIp}").as_deref(),
            Some("web-${aws:SourceIp}")
        );
        assert_eq!(n("${aws:PrincipalTag/none}"), None);
        assert_eq!(
            n("${aws:PrincipalTag/none, 'x?'}").as_deref(),
            Some("x${?}")
        );
        assert_eq!(n("a$b").as_deref(), Some("a${$}b"));
        assert_eq!(
            normalize("${aws:username}", false, &c.context).as_deref(),
            Some("${$}{aws:username}")
        );
        drop(s);
    }

    #[test]
    fn principal_conditions_are_decided_and_the_rest_kept() {
        let doc = PolicyDocument::from_json_str(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*",
                 "Condition":{"StringEquals":{"aws:PrincipalTag/team":"web"},"Bool":{"aws:SecureTransport":"true"}}},
                {"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringEquals":{"aws:PrincipalTag/team":"db"}}}]}"#,
        )
        .unwrap();
        let mut s = Store::new(Universe::new(doc.statements()));
        let c = ctx(&mut s, &[("team", "web")]);
        let first = doc
            .statements()
            .iter()
            .position(|st| st.resource.as_ref().is_some_and(|r| !r.contains("*")))
            .unwrap();
        let web = s.compile(&doc.statements()[first], doc.version());
        let db = s.compile(&doc.statements()[1 - first], doc.version());
        assert_eq!(
            s.instance(db, &c),
            None,
            "the tag condition is false for this user"
        );
        let t = s.instance(web, &c).expect("applies");
        let lits = s.term(t).to_vec();
        assert_eq!(
            lits.len(),
            2,
            "the resource and the SecureTransport entry remain"
        );
        let described: Vec<String> = lits
            .iter()
            .map(|(a, _)| match s.atom(*a) {
                Atom::Resource { patterns, .. } => patterns.join(","),
                Atom::Condition { operator, key, .. } => format!("{operator} {key}"),
            })
            .collect();
        assert!(
            described.contains(&"arn:aws:s3:::b/a${*}n/*".to_owned()),
            "{described:?}"
        );
        assert!(
            described.contains(&"Bool aws:SecureTransport".to_owned()),
            "{described:?}"
        );
    }
}
