//! `moved { from = user.old  to = user.new }`: a rename the configuration asks for, so that the
//! plan renames the live entity in place (UpdateUser / UpdateGroup) instead of deleting it and
//! creating a new one (Terraform's `moved` block).
//!
//! Each end is written one of three ways:
//! - `user.LABEL`: a block label (for `from`, the label of the block that is gone: its IAM name);
//! - `user["IAM-NAME"]`: an IAM name, for names that are not identifiers (`lou.finch`) and for
//!   entities declared under another label, in a `for_each` block or with `name = …`;
//! - `user.LABEL["KEY"]`: an instance of a `for_each` block.
//!
//! [`check`] runs at load time with the other static checks: the ends are well formed, of one
//! kind that AWS can rename (users and groups), a `to` label is declared, a `from` label is not
//! declared any more, an indexed label is a `for_each` block, and no address is moved twice or
//! through a chain as written. [`resolve`] runs after lowering and turns each block into IAM
//! addresses — an instance into the IAM name it evaluates to — and checks what needs them: an
//! IAM name or instance of `to` is declared, one of `from` is not, and the same rules again by
//! IAM name. What the live account says about the move is decided when planning (`plan::moved`).

use super::diagnostic::{did_you_mean, Diagnostic, SourceMap, Span};
use super::parse::Node;
use super::references::Declared;
use super::{Desired, Location};
use crate::model::{iam, Address, Kind, Name};
use hcl::{Expression, TraversalOperator};
use std::collections::BTreeMap;
use std::fmt;

/// One rename, resolved to IAM addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: Address,
    pub to: Address,
    /// Where the `moved` block is, for errors found when planning.
    pub location: Option<Location>,
}

/// What one end of a moved block names, as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// `user.LABEL`.
    Label(String),
    /// `user["IAM-NAME"]`.
    Name(String),
    /// `user.LABEL["KEY"]`.
    Instance { label: String, key: String },
}

/// One end of a moved block, as written.
#[derive(Clone, Debug)]
struct End {
    kind: Kind,
    target: Target,
    span: Span,
}

impl End {
    /// What the static checks compare: the form and its text, ignoring case as IAM does. A
    /// label of `from` is its old IAM name, so it compares with `user["NAME"]`.
    fn key(&self, from: bool) -> (Kind, u8, Name, String) {
        match &self.target {
            Target::Label(l) if from => (self.kind, 0, l.as_str().into(), String::new()),
            Target::Name(n) => (self.kind, 0, n.as_str().into(), String::new()),
            Target::Label(l) => (self.kind, 1, l.as_str().into(), String::new()),
            Target::Instance { label, key } => (self.kind, 2, label.as_str().into(), key.clone()),
        }
    }

    fn label(&self) -> Option<&str> {
        match &self.target {
            Target::Label(l) | Target::Instance { label: l, .. } => Some(l),
            Target::Name(_) => None,
        }
    }
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.keyword();
        match &self.target {
            Target::Label(l) => write!(f, "{kind}.{l}"),
            Target::Name(n) => write!(f, "{kind}[{n:?}]"),
            Target::Instance { label, key } => write!(f, "{kind}.{label}[{key:?}]"),
        }
    }
}

#[derive(Clone, Debug)]
struct Block {
    from: End,
    to: End,
    header: Span,
}

const FORMS: &str = "write `KEY = user.LABEL`, `KEY = user[\"IAM-NAME\"]` or `KEY = user.LABEL[\"INSTANCE-KEY\"]` (group likewise): no quotes around the address, no attribute such as .arn";

/// The kind keyword and what follows it, or why `expr` is no address.
fn target_of(expr: &Expression, key: &str) -> Result<(String, Target), (String, String)> {
    let not_an_address = |help: String| (format!("`{key}` must be an entity address"), help);
    let Expression::Traversal(t) = expr else {
        return Err(not_an_address(FORMS.replace("KEY", key)));
    };
    let Expression::Variable(root) = &t.expr else {
        return Err(not_an_address(FORMS.replace("KEY", key)));
    };
    let root = root.as_str().to_owned();
    let quoted = |e: &Expression| match e {
        Expression::String(s) => Some(s.clone()),
        _ => None,
    };
    let bad_index = || {
        (
            format!("the index in `{key}` must be a quoted name"),
            format!("write `{key} = {root}[\"lou.finch\"]` or `{key} = {root}.LABEL[\"KEY\"]`: a moved block is read before variables and expressions are evaluated"),
        )
    };
    match t.operators.as_slice() {
        [TraversalOperator::GetAttr(label)] => Ok((root, Target::Label(label.to_string()))),
        [TraversalOperator::Index(i)] => {
            let name = quoted(i).ok_or_else(bad_index)?;
            Ok((root, Target::Name(name)))
        }
        [TraversalOperator::GetAttr(label), TraversalOperator::Index(i)] => {
            let key = quoted(i).ok_or_else(bad_index)?;
            Ok((
                root,
                Target::Instance {
                    label: label.to_string(),
                    key,
                },
            ))
        }
        ops if ops.len() > 1
            && ops
                .iter()
                .all(|o| matches!(o, TraversalOperator::GetAttr(_))) =>
        {
            let dotted: Vec<String> = ops
                .iter()
                .filter_map(|o| match o {
                    TraversalOperator::GetAttr(a) => Some(a.to_string()),
                    _ => None,
                })
                .collect();
            Err(not_an_address(format!(
                "an IAM name with a dot is written with an index: `{key} = {root}[\"{}\"]`; and no attribute such as .arn",
                dotted.join(".")
            )))
        }
        _ => Err(not_an_address(FORMS.replace("KEY", key))),
    }
}

fn ends_of(b: &Node, map: &SourceMap, diags: &mut Vec<Diagnostic>) -> Option<Block> {
    let mut end = |key: &str| -> Option<End> {
        let Some(attr) = b.attr(key) else {
            diags.push(
                map.error(b.header, format!("this moved block has no `{key}`"))
                    .with_help("write moved { from = user.old_name  to = user.new_name }"),
            );
            return None;
        };
        let into_module = matches!(&attr.expr, Expression::Traversal(t)
            if matches!(&t.expr, Expression::Variable(v) if v.as_str() == "module"));
        if into_module {
            diags.push(
                map.error(
                    attr.span,
                    "moving an entity into or out of a module needs no moved block",
                )
                .with_help(
                    "an entity keeps its IAM name wherever it is declared, so the plan shows no change: remove this moved block",
                ),
            );
            return None;
        }
        let (root, target) = match target_of(&attr.expr, key) {
            Ok(t) => t,
            Err((message, help)) => {
                diags.push(map.error(attr.span, message).with_help(help));
                return None;
            }
        };
        let Some(kind) = Kind::from_keyword(&root).filter(|k| *k != Kind::PasswordPolicy) else {
            let mut d = map.error(attr.span, format!("`{root}` is not an entity kind"));
            d.help = did_you_mean(&root, ["user", "group"])
                .or_else(|| Some("only users and groups can be renamed".to_owned()));
            diags.push(d);
            return None;
        };
        if let Target::Name(name) = &target {
            if let Err(e) = iam::check_name(kind, name) {
                diags.push(
                    map.error(attr.span, format!("`{key}` names no possible {kind}: {e}"))
                        .with_help(format!(
                            "write the {kind}'s IAM name exactly as the account has it"
                        )),
                );
                return None;
            }
        }
        Some(End {
            kind,
            target,
            span: attr.span,
        })
    };
    let from = end("from");
    let to = end("to");
    Some(Block {
        from: from?,
        to: to?,
        header: b.header,
    })
}

/// Static checks of every `moved` block (see the module documentation).
pub(crate) fn check(blocks: &[Node], declared: &Declared, map: &SourceMap) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let moves: Vec<Block> = blocks
        .iter()
        .filter(|b| b.ident == "moved")
        .filter_map(|b| ends_of(b, map, &mut diags))
        .collect();
    let mut first_from = BTreeMap::new();
    let mut first_to = BTreeMap::new();
    for m in &moves {
        let (from, to) = (&m.from, &m.to);
        if from.kind != to.kind {
            diags.push(
                map.error(
                    to.span,
                    format!(
                        "a moved block cannot change the kind: `from` is a {} but `to` is a {}",
                        from.kind, to.kind
                    ),
                )
                .with_help(format!(
                    "rename a {} to another {}; to turn one kind into another, remove the moved block (the plan then deletes and creates)",
                    from.kind, from.kind
                )),
            );
            continue;
        }
        if !matches!(from.kind, Kind::User | Kind::Group) {
            diags.push(
                map.error(
                    m.header,
                    format!(
                        "AWS cannot rename a {}: IAM has no API that changes a {}'s name",
                        from.kind, from.kind
                    ),
                )
                .with_help(format!(
                    "remove this moved block; the plan will then replace {from} by {to} (delete and create)"
                )),
            );
            continue;
        }
        if from.key(false) == to.key(false) {
            diags.push(same(map, m.header, &to.to_string()));
            continue;
        }
        if let Some(first) = first_from.get(&from.key(true)) {
            diags.push(twice(map, from.span, &from.to_string(), *first));
            continue;
        }
        if let Some(first) = first_to.get(&to.key(false)) {
            diags.push(two_to(map, to.span, &to.to_string(), *first));
            continue;
        }
        first_from.insert(from.key(true), from.span);
        first_to.insert(to.key(false), to.span);
    }
    check_declared(&moves, declared, map, &mut diags);
    diags
}

fn same(map: &SourceMap, header: Span, to: &str) -> Diagnostic {
    map.error(header, format!("`from` and `to` are both {to}"))
        .with_help("remove this moved block: it renames nothing")
}

fn twice(map: &SourceMap, at: Span, from: &str, first: Span) -> Diagnostic {
    map.error(at, format!("{from} is moved twice"))
        .with_note(format!("first moved at {}", map.describe(first)))
        .with_help("keep one moved block per old name")
}

fn two_to(map: &SourceMap, at: Span, to: &str, first: Span) -> Diagnostic {
    map.error(at, format!("two moved blocks rename to {to}"))
        .with_note(format!("the other one is at {}", map.describe(first)))
        .with_help("an entity can have only one old name; keep one of the two blocks")
}

fn chain(map: &SourceMap, at: Span, (a, b, c): (&str, &str, &str), next: Span) -> Diagnostic {
    map.error(at, format!("moved blocks chain: {a} -> {b} -> {c}"))
        .with_note(format!("the next move is at {}", map.describe(next)))
        .with_help(format!("write one moved block from {a} to {c}"))
}

/// The checks of the moves against what is declared: no chains, a declared single `to`, a `from`
/// no longer declared, `for_each` blocks indexed and only they.
fn check_declared(
    moves: &[Block],
    declared: &Declared,
    map: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let labels = |kind: Kind| declared.entities.get(kind.keyword());
    let is_declared = |e: &End| {
        e.label()
            .is_some_and(|l| labels(e.kind).is_some_and(|s| s.contains(l)))
    };
    let for_each = |e: &End| {
        e.label().is_some_and(|l| {
            declared
                .for_each
                .contains(&format!("{}.{l}", e.kind.keyword()))
        })
    };
    for m in moves {
        let (from, to) = (&m.from, &m.to);
        if from.kind != to.kind || !matches!(from.kind, Kind::User | Kind::Group) {
            continue;
        }
        // A chain a -> b -> c: `b` is both a new and an old name.
        if from.key(false) == to.key(false) {
            continue; // renames nothing: reported
        }
        if let Some(next) = moves.iter().find(|n| n.from.key(true) == to.key(true)) {
            let (a, b, c) = (from.to_string(), to.to_string(), next.to.to_string());
            diags.push(chain(map, to.span, (&a, &b, &c), next.header));
            continue;
        }
        if moves.iter().any(|p| p.to.key(true) == from.key(true)) {
            continue; // reported as a chain above
        }
        match &to.target {
            Target::Label(label) if for_each(to) => diags.push(
                map.error(to.span, format!("{to} is a for_each block"))
                    .with_help(format!(
                        "name one of its instances: `to = {}.{label}[\"KEY\"]`",
                        to.kind.keyword()
                    )),
            ),
            Target::Label(_) | Target::Instance { .. } if !is_declared(to) => {
                let label = to.label().unwrap_or_default();
                let mut d = map.error(
                    to.span,
                    format!("{}.{label} is not declared", to.kind.keyword()),
                );
                d.help = labels(to.kind)
                    .and_then(|s| did_you_mean(label, s.iter().map(String::as_str)))
                    .or_else(|| {
                        Some(format!(
                            "`to` names the {} block that replaces {from}; declare it or fix the name",
                            to.kind
                        ))
                    });
                diags.push(d);
            }
            Target::Instance { label, .. } if !for_each(to) => {
                diags.push(not_for_each(map, to, label));
            }
            _ => {}
        }
        match &from.target {
            Target::Label(_) if is_declared(from) => diags.push(
                map.error(from.span, format!("{from} is still declared"))
                    .with_help(format!(
                        "rename its block to {} \"{}\" (the moved block says it is now {to}), or remove the moved block",
                        to.kind,
                        to.label().unwrap_or("NEW-NAME")
                    )),
            ),
            Target::Instance { label, .. } if !for_each(from) => {
                diags.push(not_for_each(map, from, label));
            }
            _ => {}
        }
    }
}

/// `user.LABEL["KEY"]` where `user.LABEL` is no `for_each` block of the configuration.
fn not_for_each(map: &SourceMap, end: &End, label: &str) -> Diagnostic {
    let kind = end.kind.keyword();
    map.error(
        end.span,
        format!("{kind}.{label} is not a for_each block of this configuration"),
    )
    .with_help(format!(
        "only the instances of a for_each block are indexed; name the entity by its IAM name: `{kind}[\"IAM-NAME\"]`, or by its block: `{kind}.LABEL`"
    ))
}

/// The instances of each `for_each` block of the configuration (not of its modules): block
/// (kind, label) -> instance key -> the entity's address.
pub(crate) type Instances = BTreeMap<(Kind, String), BTreeMap<String, Address>>;

/// The moves of a configuration that passed [`check`], as IAM addresses of `desired`; the
/// errors of those whose IAM names contradict the configuration (see the module documentation).
pub(crate) fn resolve(
    blocks: &[Node],
    map: &SourceMap,
    desired: &Desired,
) -> Result<Vec<Move>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut resolved = Vec::new();
    for b in blocks.iter().filter(|b| b.ident == "moved") {
        let Some(m) = ends_of(b, map, &mut diags) else {
            continue;
        };
        let from = resolve_from(&m.from, blocks, map, desired);
        let to = resolve_to(&m.to, blocks, map, desired);
        match (from, to) {
            (Ok(from), Ok(to)) => resolved.push((m, from, to)),
            (from, to) => diags.extend(from.err().into_iter().chain(to.err()).map(|d| *d)),
        }
    }
    diags.extend(by_iam_name(&resolved, map));
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(resolved
        .into_iter()
        .map(|(m, from, to)| Move {
            from,
            to,
            location: map.location(m.header),
        })
        .collect())
}

/// The rules of [`check`] again, by IAM name: ends written differently can name one entity.
fn by_iam_name(resolved: &[(Block, Address, Address)], map: &SourceMap) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, (m, from, to)) in resolved.iter().enumerate() {
        let earlier = &resolved[..i];
        if from == to {
            diags.push(same(map, m.header, &to.to_string()));
        } else if let Some((first, ..)) = earlier.iter().find(|(_, f, _)| f == from) {
            diags.push(twice(map, m.from.span, &from.to_string(), first.from.span));
        } else if let Some((first, ..)) = earlier.iter().find(|(_, _, t)| t == to) {
            diags.push(two_to(map, m.to.span, &to.to_string(), first.to.span));
        } else if let Some((next, _, after)) = resolved.iter().find(|(_, f, _)| f == to) {
            let (a, b, c) = (from.to_string(), to.to_string(), after.to_string());
            diags.push(chain(map, m.to.span, (&a, &b, &c), next.header));
        }
    }
    diags
}

/// The names declared of `kind`, for "did you mean".
fn declared_names(desired: &Desired, kind: Kind) -> Vec<&str> {
    desired
        .sources
        .keys()
        .filter(|a| a.kind == kind)
        .map(|a| a.name.as_str())
        .collect()
}

/// The IAM address `to` names: a declared entity.
fn resolve_to(
    to: &End,
    blocks: &[Node],
    map: &SourceMap,
    desired: &Desired,
) -> Result<Address, Box<Diagnostic>> {
    match &to.target {
        Target::Label(label) => {
            let undeclared = || Box::new(map.error(to.span, format!("{to} is not declared")));
            let declared_at = blocks
                .iter()
                .find(|b| b.ident == to.kind.keyword() && b.label() == Some(label.as_str()))
                .and_then(|b| map.location(b.header))
                .ok_or_else(undeclared)?;
            desired
                .sources
                .iter()
                .find(|(a, loc)| a.kind == to.kind && **loc == declared_at)
                .map(|(a, _)| a.clone())
                .ok_or_else(undeclared)
        }
        Target::Name(name) => {
            let address = Address::new(to.kind, name.as_str());
            if desired.sources.contains_key(&address) {
                return Ok(address);
            }
            let mut d = map.error(
                to.span,
                format!("no {} named `{name}` is declared", to.kind),
            );
            d.help = did_you_mean(name, declared_names(desired, to.kind)).or_else(|| {
                Some(format!(
                    "`to` names the {} that takes the old one's place: declare it, or write its IAM name as the configuration gives it",
                    to.kind
                ))
            });
            Err(Box::new(d))
        }
        Target::Instance { label, key } => {
            let instances = desired.instances.get(&(to.kind, label.clone()));
            if let Some(address) = instances.and_then(|i| i.get(key)) {
                return Ok(address.clone());
            }
            let kind = to.kind.keyword();
            let mut d = map.error(to.span, format!("`{kind}.{label}` has no instance {key:?}"));
            d.help = instances
                .and_then(|i| did_you_mean(key, i.keys().map(String::as_str)))
                .or_else(|| Some(format!("add {key:?} to the for_each of {kind}.{label}")));
            Err(Box::new(d))
        }
    }
}

/// The IAM address `from` names: an entity that is no longer declared.
fn resolve_from(
    from: &End,
    blocks: &[Node],
    map: &SourceMap,
    desired: &Desired,
) -> Result<Address, Box<Diagnostic>> {
    let still_declared = |address: &Address| {
        Box::new(map.error(
            from.span,
            format!("{from} is still declared (as {address})"),
        )
        .with_help("`from` is the old name, which the configuration no longer declares: remove the moved block, or the entity that still has that name"))
    };
    let address = match &from.target {
        // The block is gone (`check` says so): its label was its IAM name.
        Target::Label(label) => Address::new(from.kind, label.as_str()),
        Target::Name(name) => Address::new(from.kind, name.as_str()),
        Target::Instance { label, key } => {
            let instances = desired.instances.get(&(from.kind, label.clone()));
            if let Some(address) = instances.and_then(|i| i.get(key)) {
                return Err(still_declared(address));
            }
            instance_name(from, label, key, blocks, instances)
                .ok_or_else(|| {
                    Box::new(map.error(
                        from.span,
                        format!("cannot tell which IAM name {from} had"),
                    )
                    .with_help(format!(
                        "the block computes its instances' names with `name`, so a removed instance's name is not known: write its IAM name, `from = {}[\"OLD-NAME\"]`",
                        from.kind.keyword()
                    )))
                })
                .map(|name| Address::new(from.kind, name))?
        }
    };
    if desired.sources.contains_key(&address) {
        return Err(still_declared(&address));
    }
    Ok(address)
}

/// The IAM name a removed instance of a `for_each` block had: its key, when the block names its
/// instances by their keys (it has no `name`, or every instance it declares now is named by its
/// key). `None` when the name was computed otherwise.
fn instance_name(
    from: &End,
    label: &str,
    key: &str,
    blocks: &[Node],
    instances: Option<&BTreeMap<String, Address>>,
) -> Option<String> {
    let block = blocks
        .iter()
        .find(|b| b.ident == from.kind.keyword() && b.label() == Some(label))?;
    let by_key = block.attr("name").is_none()
        || instances
            .is_some_and(|i| !i.is_empty() && i.iter().all(|(k, a)| a.name.as_str() == k.as_str()));
    by_key.then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    /// The moves of a one-file configuration, as `from -> to`.
    fn moves(text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        std::fs::write(dir.path().join("main.hcl"), text).expect("write");
        let config = crate::config::load(dir.path()).unwrap_or_else(|d| panic!("{d}"));
        let desired = config
            .lower("111122223333")
            .unwrap_or_else(|d| panic!("{d}"));
        desired
            .moves
            .iter()
            .map(|m| format!("{} -> {}", m.from, m.to))
            .collect()
    }

    #[test]
    fn each_way_of_writing_an_end_resolves_to_iam_names() {
        let people = "user \"person\" {\n  for_each = toset([\"ann\", \"lou.finchley\"])\n  name = each.value\n}\n";
        for (moved, want) in [
            // A label: the old block's label is its IAM name.
            (
                "from = user.lou\n to = user.person[\"lou.finchley\"]",
                "user.lou -> user.lou.finchley",
            ),
            (
                "from = user[\"lou.finch\"]\n to = user[\"lou.finchley\"]",
                "user.lou.finch -> user.lou.finchley",
            ),
            // Every instance is named by its key, so the removed one was too.
            (
                "from = user.person[\"lou.f\"]\n to = user.person[\"lou.finchley\"]",
                "user.lou.f -> user.lou.finchley",
            ),
        ] {
            let text = format!("{people}moved {{\n {moved}\n}}\n");
            assert_eq!(moves(&text), [want], "{text}");
        }
        let named = "group \"ops\" {\n  name = \"Ops.Team\"\n}\nmoved {\n  from = group[\"ops-team\"]\n  to = group.ops\n}\n";
        assert_eq!(moves(named), ["group.ops-team -> group.Ops.Team"]);
    }
}
