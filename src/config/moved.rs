//! `moved { from = user.old  to = user.new }`: a rename the configuration asks for, so that the
//! plan renames the live entity in place (UpdateUser / UpdateGroup) instead of deleting it and
//! creating a new one (Terraform's `moved` block).
//!
//! [`check`] runs at load time with the other static checks: both ends are `KIND.LABEL`
//! addresses of one kind that AWS can rename (users and groups), `to` is declared, `from` is not
//! declared any more, and no address is moved twice or through a chain. [`resolve`] runs after
//! lowering and turns each block into IAM addresses: `from` is the old IAM name (the label the
//! block had), `to` is the IAM name of the declared block (its `name` attribute or label).
//! What the live account says about the move is decided when planning (`plan::moved`).

use super::diagnostic::{did_you_mean, Diagnostic, SourceMap, Span};
use super::parse::Node;
use super::references::Declared;
use super::{Desired, Location};
use crate::model::{Address, Kind, Name};
use std::collections::BTreeMap;

/// One rename, resolved to IAM addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: Address,
    pub to: Address,
    /// Where the `moved` block is, for errors found when planning.
    pub location: Option<Location>,
}

/// One end of a moved block, as written.
#[derive(Clone, Debug)]
struct End {
    kind: Kind,
    label: String,
    span: Span,
}

#[derive(Clone, Debug)]
struct Block {
    from: End,
    to: End,
    header: Span,
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
        let address = match &attr.expr {
            hcl::Expression::Traversal(t) => match (&t.expr, t.operators.as_slice()) {
                (hcl::Expression::Variable(root), [hcl::TraversalOperator::GetAttr(label)]) => {
                    Some((root.as_str().to_owned(), label.as_str().to_owned()))
                }
                _ => None,
            },
            _ => None,
        };
        let into_module = matches!(&attr.expr, hcl::Expression::Traversal(t)
            if matches!(&t.expr, hcl::Expression::Variable(v) if v.as_str() == "module"));
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
        let Some((root, label)) = address else {
            diags.push(
                map.error(attr.span, format!("`{key}` must be an entity address"))
                    .with_help(format!(
                        "write `{key} = user.NAME` or `{key} = group.NAME`: no quotes, no attribute such as .arn, no index"
                    )),
            );
            return None;
        };
        let Some(kind) = Kind::from_keyword(&root).filter(|k| *k != Kind::PasswordPolicy) else {
            let mut d = map.error(attr.span, format!("`{root}` is not an entity kind"));
            d.help = did_you_mean(&root, ["user", "group"])
                .or_else(|| Some("only users and groups can be renamed".to_owned()));
            diags.push(d);
            return None;
        };
        Some(End {
            kind,
            label,
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
    let mut first_from: BTreeMap<(Kind, Name), Span> = BTreeMap::new();
    let mut first_to: BTreeMap<(Kind, Name), Span> = BTreeMap::new();
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
                    "remove this moved block; the plan will then replace {}.{} by {}.{} (delete and create)",
                    from.kind, from.label, to.kind, to.label
                )),
            );
            continue;
        }
        if Name::from(from.label.clone()) == Name::from(to.label.clone()) {
            diags.push(
                map.error(
                    m.header,
                    format!("`from` and `to` are both {}.{}", to.kind, to.label),
                )
                .with_help("remove this moved block: it renames nothing"),
            );
            continue;
        }
        let from_key = (from.kind, Name::from(from.label.clone()));
        let to_key = (to.kind, Name::from(to.label.clone()));
        if let Some(first) = first_from.get(&from_key) {
            diags.push(
                map.error(
                    from.span,
                    format!("{}.{} is moved twice", from.kind, from.label),
                )
                .with_note(format!("first moved at {}", map.describe(*first)))
                .with_help("keep one moved block per old name"),
            );
            continue;
        }
        if let Some(first) = first_to.get(&to_key) {
            diags.push(
                map.error(
                    to.span,
                    format!("two moved blocks rename to {}.{}", to.kind, to.label),
                )
                .with_note(format!("the other one is at {}", map.describe(*first)))
                .with_help("an entity can have only one old name; keep one of the two blocks"),
            );
            continue;
        }
        first_from.insert(from_key, from.span);
        first_to.insert(to_key, to.span);
    }
    check_declared(&moves, blocks, declared, map, &mut diags);
    diags
}

/// The checks of the moves against what is declared: no chains, a declared single `to`, a `from`
/// no longer declared.
fn check_declared(
    moves: &[Block],
    blocks: &[Node],
    declared: &Declared,
    map: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let labels = |kind: Kind| declared.entities.get(kind.keyword());
    let is_declared = |e: &End| labels(e.kind).is_some_and(|s| s.contains(&e.label));
    for m in moves {
        let (from, to) = (&m.from, &m.to);
        if from.kind != to.kind || !matches!(from.kind, Kind::User | Kind::Group) {
            continue;
        }
        // A chain a -> b -> c: `b` is both a new and an old name.
        if let Some(next) = moves.iter().find(|n| {
            n.from.kind == to.kind && Name::from(n.from.label.clone()) == to.label.as_str().into()
        }) {
            diags.push(
                map.error(
                    to.span,
                    format!(
                        "moved blocks chain: {k}.{a} -> {k}.{b} -> {k}.{c}",
                        k = to.kind,
                        a = from.label,
                        b = to.label,
                        c = next.to.label
                    ),
                )
                .with_note(format!("the next move is at {}", map.describe(next.header)))
                .with_help(format!(
                    "write one moved block from {k}.{a} to {k}.{c}",
                    k = to.kind,
                    a = from.label,
                    c = next.to.label
                )),
            );
            continue;
        }
        if moves.iter().any(|p| {
            p.to.kind == from.kind && Name::from(p.to.label.clone()) == from.label.as_str().into()
        }) {
            continue; // reported as a chain above
        }
        let to_block = blocks
            .iter()
            .find(|b| b.ident == to.kind.keyword() && b.label() == Some(to.label.as_str()));
        if let Some(each) = to_block.and_then(|b| b.attr("for_each")) {
            diags.push(
                map.error(
                    to.span,
                    format!("{}.{} is a for_each block", to.kind, to.label),
                )
                .with_note(format!("for_each at {}", map.describe(each.key_span)))
                .with_help("moved blocks rename single entities; declare the renamed entity in a block of its own"),
            );
            continue;
        }
        if !is_declared(to) {
            let mut d = map.error(to.span, format!("{}.{} is not declared", to.kind, to.label));
            d.help = labels(to.kind)
                .and_then(|s| did_you_mean(&to.label, s.iter().map(String::as_str)))
                .or_else(|| {
                    Some(format!(
                        "`to` names the {} block that replaces {}.{}; declare it or fix the name",
                        to.kind, from.kind, from.label
                    ))
                });
            diags.push(d);
        }
        if is_declared(from) {
            diags.push(
                map.error(
                    from.span,
                    format!("{}.{} is still declared", from.kind, from.label),
                )
                .with_help(format!(
                    "rename its block to {} \"{}\" (the moved block says it is now {}.{}), or remove the moved block",
                    to.kind, to.label, to.kind, to.label
                )),
            );
        }
    }
}

/// The moves of a configuration that passed [`check`], as IAM addresses of `desired`.
pub(crate) fn resolve(blocks: &[Node], map: &SourceMap, desired: &Desired) -> Vec<Move> {
    let mut ignored = Vec::new();
    blocks
        .iter()
        .filter(|b| b.ident == "moved")
        .filter_map(|b| ends_of(b, map, &mut ignored))
        .filter_map(|m| {
            let declared_at = blocks
                .iter()
                .find(|b| b.ident == m.to.kind.keyword() && b.label() == Some(m.to.label.as_str()))
                .and_then(|b| map.location(b.header))?;
            let to = desired
                .sources
                .iter()
                .find(|(a, loc)| a.kind == m.to.kind && **loc == declared_at)
                .map(|(a, _)| a.clone())?;
            Some(Move {
                from: Address::new(m.from.kind, m.from.label.as_str()),
                to,
                location: map.location(m.header),
            })
        })
        .collect()
}
