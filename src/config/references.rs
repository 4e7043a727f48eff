//! References (`KIND.LABEL.ATTR`, `var.x`, `local.x`) and function calls found in expressions.
//!
//! [`collect`] walks an hcl-edit expression before evaluation, while spans are known; variables
//! bound by `for` expressions and template `for` directives are not references. [`check`] then
//! verifies every reference against what the configuration declares, with "did you mean".

use super::diagnostic::{did_you_mean, Diagnostic, SourceMap, Span};
use super::functions;
use crate::model::Kind;
use hcl::edit::expr::{Expression, ForExpr, TraversalOperator};
use hcl::edit::template::ForTemplateExpr;
use hcl::edit::visit::{self, Visit};
use hcl::edit::Span as _;
use std::collections::{BTreeMap, BTreeSet};

/// The entity kinds that can be referenced (every kind with a name), by HCL keyword.
pub(crate) fn entity_roots() -> impl Iterator<Item = &'static str> + Clone {
    Kind::ALL
        .into_iter()
        .filter(|k| !k.is_singleton())
        .map(Kind::keyword)
}

/// Attributes of an entity object in the evaluation context.
pub(crate) const ENTITY_ATTRS: [&str; 3] = ["name", "path", "arn"];

/// `root.label.attr`, e.g. `policy.billing_read.arn` or `var.users`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    pub root: String,
    pub label: Option<String>,
    pub attr: Option<String>,
    /// The key after `attr`: the attribute of an indexed `for_each` reference
    /// (`user.web["john"].arn`).
    pub field: Option<String>,
    /// Whether the second key is written `[…]` (an index), not `.name`.
    pub indexed: bool,
    pub span: Span,
}

impl Reference {
    pub(super) fn is_entity(&self) -> bool {
        entity_roots().any(|k| k == self.root)
    }
}

/// A call `name(...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FuncCall {
    pub name: String,
    pub span: Span,
}

/// Every reference and function call in `expr`.
pub(crate) fn collect(expr: &Expression, file: usize) -> (Vec<Reference>, Vec<FuncCall>) {
    let mut c = Collector {
        file,
        bound: Vec::new(),
        refs: Vec::new(),
        funcs: Vec::new(),
    };
    c.visit_expr(expr);
    (c.refs, c.funcs)
}

struct Collector {
    file: usize,
    bound: Vec<String>,
    refs: Vec<Reference>,
    funcs: Vec<FuncCall>,
}

impl Collector {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let r = range.unwrap_or(0..0);
        Span {
            file: self.file,
            start: r.start,
            end: r.end,
        }
    }

    fn reference(&mut self, root: &str, keys: [Option<String>; 3], span: Span) {
        if self.bound.iter().any(|b| b == root) {
            return;
        }
        let [label, attr, field] = keys;
        self.refs.push(Reference {
            root: root.to_owned(),
            label,
            attr,
            field,
            indexed: false,
            span,
        });
    }
}

/// The key an operator selects: `.x` or `["x"]`.
fn key_of(op: &TraversalOperator) -> Option<String> {
    match op {
        TraversalOperator::GetAttr(ident) => Some(ident.as_str().to_owned()),
        TraversalOperator::Index(Expression::String(s)) => Some(s.value().clone()),
        _ => None,
    }
}

impl Visit for Collector {
    fn visit_expr(&mut self, expr: &Expression) {
        match expr {
            Expression::Variable(v) => {
                let span = self.span(v.span());
                self.reference(v.as_str(), [None, None, None], span);
            }
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr {
                    let label = t.operators.first().and_then(|op| key_of(op));
                    let attr = label
                        .as_ref()
                        .and(t.operators.get(1))
                        .and_then(|op| key_of(op));
                    let field = attr
                        .as_ref()
                        .and(t.operators.get(2))
                        .and_then(|op| key_of(op));
                    // `.arn` after `user.web` is an attribute; `["john"]` is an instance key.
                    let indexed = t
                        .operators
                        .get(1)
                        .is_some_and(|op| matches!(op.value(), TraversalOperator::Index(_)));
                    let span = self.span(t.span());
                    self.reference(v.as_str(), [label, attr, field], span);
                    if let Some(r) = self.refs.last_mut() {
                        r.indexed = indexed;
                    }
                    for op in &t.operators {
                        self.visit_traversal_operator(op);
                    }
                } else {
                    visit::visit_traversal(self, t);
                }
            }
            _ => visit::visit_expr(self, expr),
        }
    }

    fn visit_for_expr(&mut self, node: &ForExpr) {
        self.visit_expr(&node.intro.collection_expr);
        let before = self.bound.len();
        if let Some(k) = &node.intro.key_var {
            self.bound.push(k.as_str().to_owned());
        }
        self.bound.push(node.intro.value_var.as_str().to_owned());
        if let Some(k) = &node.key_expr {
            self.visit_expr(k);
        }
        self.visit_expr(&node.value_expr);
        if let Some(cond) = &node.cond {
            self.visit_expr(&cond.expr);
        }
        self.bound.truncate(before);
    }

    fn visit_for_template_expr(&mut self, node: &ForTemplateExpr) {
        self.visit_expr(&node.collection_expr);
        let before = self.bound.len();
        if let Some(k) = &node.key_var {
            self.bound.push(k.as_str().to_owned());
        }
        self.bound.push(node.value_var.as_str().to_owned());
        self.visit_template(&node.template);
        self.bound.truncate(before);
    }

    fn visit_func_call(&mut self, node: &hcl::edit::expr::FuncCall) {
        let mut name = String::new();
        for ns in &node.name.namespace {
            name.push_str(ns.as_str());
            name.push_str("::");
        }
        name.push_str(node.name.name.as_str());
        let span = self.span(node.name.name.span());
        self.funcs.push(FuncCall { name, span });
        visit::visit_func_args(self, &node.args);
    }
}

/// What a configuration declares, by the names references use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Declared {
    /// Entity keyword -> block labels.
    pub entities: BTreeMap<&'static str, BTreeSet<String>>,
    pub variables: BTreeSet<String>,
    pub locals: BTreeSet<String>,
    /// `KIND.LABEL` of blocks declared with `for_each`.
    pub for_each: BTreeSet<String>,
    /// The `module` blocks, by label.
    pub modules: BTreeMap<String, DeclaredModule>,
}

/// A `module` block as references see it.
#[derive(Clone, Debug, Default)]
pub(crate) struct DeclaredModule {
    pub for_each: bool,
    /// The module's `output` blocks; `None` when the module could not be loaded (its errors
    /// are reported, so references to it are not checked).
    pub outputs: Option<BTreeSet<String>>,
}

/// Where references are allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allowed {
    /// Entities, variables and locals.
    All,
    /// Entities, variables, locals and `each` (inside a block with `for_each`).
    WithEach,
    /// Nothing: the value must be known before anything is evaluated (variable defaults, backend).
    Nothing(&'static str),
}

/// What an attribute holds that [`check`] looks at (the parser's `Attr` is one).
pub(crate) trait Uses {
    fn funcs(&self) -> &[FuncCall];
    fn refs(&self) -> &[Reference];
}

/// Checks every reference and function call of one attribute.
pub(crate) fn check(
    attr: &impl Uses,
    allowed: Allowed,
    declared: &Declared,
    map: &SourceMap,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in attr.funcs() {
        if !functions::NAMES.contains(&f.name.as_str()) {
            let mut d = map.error(f.span, format!("unknown function `{}`", f.name));
            d.help = did_you_mean(&f.name, functions::NAMES).or_else(|| {
                Some(format!(
                    "available functions: {}",
                    functions::NAMES.join(", ")
                ))
            });
            out.push(d);
        }
    }
    for r in attr.refs() {
        if let Allowed::Nothing(why) = allowed {
            out.push(map.error(
                r.span,
                format!("`{}` cannot be referenced here: {why}", shown(r)),
            ));
            continue;
        }
        if let Some(d) = check_one(r, declared, map, allowed == Allowed::WithEach) {
            out.push(d);
        }
    }
    out
}

fn shown(r: &Reference) -> String {
    let mut s = r.root.clone();
    for part in [&r.label, &r.attr].into_iter().flatten() {
        s.push('.');
        s.push_str(part);
    }
    s
}

fn check_one(
    r: &Reference,
    declared: &Declared,
    map: &SourceMap,
    with_each: bool,
) -> Option<Diagnostic> {
    let root = r.root.as_str();
    if let Some(kind) = entity_roots().find(|k| *k == root) {
        let labels = declared.entities.get(kind);
        let label = r.label.as_ref()?;
        if !labels.is_some_and(|l| l.contains(label)) {
            let mut d = map.error(
                r.span,
                format!("reference to undeclared {kind} `{label}` in `{}`", shown(r)),
            );
            let candidates = labels.into_iter().flatten().map(String::as_str);
            d.help = did_you_mean(label, candidates)
                .map(|h| format!("{h} (`{kind}.LABEL` uses the block label)"))
                .or_else(|| Some(format!("declare it with `{kind} \"{label}\" {{ … }}`")));
            return Some(d);
        }
        let mut attr = r.attr.as_ref()?;
        if declared.for_each.contains(&format!("{kind}.{label}")) {
            if !r.indexed && ENTITY_ATTRS.contains(&attr.as_str()) {
                let block = format!("{kind}.{label}");
                return Some(needs_instance_key(map, r, &block, "x", attr));
            }
            attr = r.field.as_ref()?;
        } else if r.indexed {
            let block = format!("{kind}.{label}");
            let help = format!("write {block}.arn, .name or .path");
            return Some(not_indexable(map, r, &block, help));
        }
        if !ENTITY_ATTRS.contains(&attr.as_str()) {
            let mut d = map.error(r.span, format!("a {kind} has no attribute `{attr}`"));
            d.help = did_you_mean(attr, ENTITY_ATTRS)
                .or_else(|| Some("use `.name`, `.path` or `.arn`".to_owned()));
            return Some(d);
        }
        return None;
    }
    match root {
        "module" => check_module(r, declared, map),
        "var" => {
            let name = r.label.as_ref()?;
            if declared.variables.contains(name) {
                return None;
            }
            let mut d = map.error(r.span, format!("undeclared variable `var.{name}`"));
            d.help =
                did_you_mean(name, declared.variables.iter().map(String::as_str)).or_else(|| {
                    Some(format!(
                        "declare it with `variable \"{name}\" {{ default = … }}`"
                    ))
                });
            Some(d)
        }
        "local" => {
            let name = r.label.as_ref()?;
            if declared.locals.contains(name) {
                return None;
            }
            let mut d = map.error(r.span, format!("undeclared local value `local.{name}`"));
            d.help = did_you_mean(name, declared.locals.iter().map(String::as_str))
                .or_else(|| Some(format!("declare it in a `locals {{ {name} = … }}` block")));
            Some(d)
        }
        "locals" | "variable" | "vars" => {
            let fixed = if root == "locals" { "local" } else { "var" };
            Some(
                map.error(r.span, format!("unknown variable `{root}`"))
                    .with_help(format!("did you mean `{fixed}`?")),
            )
        }
        "each" if with_each => match r.label.as_deref() {
            Some("key" | "value") | None => None,
            Some(other) => Some(
                map.error(r.span, format!("`each` has no attribute `{other}`"))
                    .with_help("use each.key or each.value"),
            ),
        },
        "each" => Some(
            map.error(r.span, "`each` is only available in a block with for_each")
                .with_help("add for_each = … to this block, or use a variable or local"),
        ),
        "account_id" => None,
        "count" => Some(
            map.error(r.span, "`count` is not supported")
                .with_help("use for_each and each.key instead"),
        ),
        _ => {
            let roots = ["var", "local", "account_id", "module"]
                .into_iter()
                .chain(entity_roots());
            let mut d = map.error(r.span, format!("unknown variable `{root}`"));
            d.help = did_you_mean(root, roots).or_else(|| {
                Some(
                    "references are var.NAME, local.NAME or KIND.LABEL.ATTR (e.g. policy.read.arn)"
                        .to_owned(),
                )
            });
            Some(d)
        }
    }
}

/// `ATTR` of `block` (an entity's `KIND.LABEL` or `module.NAME`) with for_each, taken without an
/// instance key; `x` is the name of an instance in the example loop.
fn needs_instance_key(
    map: &SourceMap,
    r: &Reference,
    block: &str,
    x: &str,
    attr: &str,
) -> Diagnostic {
    map.error(
        r.span,
        format!("`{block}` is declared with for_each: `{}` needs an instance key", shown(r)),
    )
    .with_help(format!(
        "name one instance, e.g. {block}[\"KEY\"].{attr}, or all of them: [for {x} in values({block}) : {x}.{attr}]"
    ))
}

/// `block` (as for [`needs_instance_key`]) indexed though it has no for_each.
fn not_indexable(map: &SourceMap, r: &Reference, block: &str, help: String) -> Diagnostic {
    map.error(
        r.span,
        format!("`{block}` has no for_each: it cannot be indexed"),
    )
    .with_help(help)
}

/// `module.NAME.OUTPUT`, or `module.NAME["KEY"].OUTPUT` for a module with `for_each`.
fn check_module(r: &Reference, declared: &Declared, map: &SourceMap) -> Option<Diagnostic> {
    let label = r.label.as_ref()?;
    let Some(module) = declared.modules.get(label) else {
        let mut d = map.error(
            r.span,
            format!("reference to undeclared module `{label}` in `{}`", shown(r)),
        );
        d.help = did_you_mean(label, declared.modules.keys().map(String::as_str)).or_else(|| {
            Some(format!(
                "declare it with `module \"{label}\" {{ source = \"./modules/…\" }}`"
            ))
        });
        return Some(d);
    };
    let outputs = module.outputs.as_ref()?;
    let attr = r.attr.as_ref()?;
    let output = if module.for_each {
        if !r.indexed {
            let block = format!("module.{label}");
            return Some(needs_instance_key(map, r, &block, "m", attr));
        }
        r.field.as_ref()?
    } else if r.indexed {
        let block = format!("module.{label}");
        let help = format!("write {block}.OUTPUT");
        return Some(not_indexable(map, r, &block, help));
    } else {
        attr
    };
    if outputs.contains(output) {
        return None;
    }
    let mut d = map.error(r.span, format!("module `{label}` has no output `{output}`"));
    d.help = did_you_mean(output, outputs.iter().map(String::as_str)).or_else(|| {
        Some(if outputs.is_empty() {
            "the module declares no output: add `output \"NAME\" { value = … }` to it".to_owned()
        } else {
            format!(
                "its outputs are {}",
                crate::words::backquoted(outputs, ", ")
            )
        })
    });
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(src: &str) -> Vec<String> {
        let expr = hcl::edit::parser::parse_expr(src).unwrap();
        let (refs, _) = collect(&expr, 0);
        refs.iter().map(shown).collect()
    }

    #[test]
    fn collects_traversals_but_not_for_variables() {
        let table: [(&str, &[&str]); 6] = [
            ("policy.billing_read.arn", &["policy.billing_read.arn"]),
            ("\"arn:aws:s3:::${local.bucket}/*\"", &["local.bucket"]),
            (
                "[for u in var.users : \"${u}-${group.g.name}\"]",
                &["var.users", "group.g.name"],
            ),
            ("user[\"john.doe\"].arn", &["user.john.doe.arn"]),
            ("jsonencode({ a = role.app.arn })", &["role.app.arn"]),
            ("var.m[local.k]", &["var.m", "local.k"]),
        ];
        for (src, want) in table {
            assert_eq!(refs(src), want.to_vec(), "{src}");
        }
    }

    #[test]
    fn collects_function_names() {
        let expr = hcl::edit::parser::parse_expr("concat(lowr(\"A\"), [])").unwrap();
        let (_, funcs) = collect(&expr, 0);
        let names: Vec<_> = funcs.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["concat", "lowr"]);
    }
}
