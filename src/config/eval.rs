//! Step 3: evaluation. Variables first (their defaults are literals), then locals and entity
//! identities (name, path, ARN) in dependency order, so that a name may come from a local and a
//! local may use an entity's ARN. A reference cycle is an error naming every member.
//!
//! The result is an [`Env`]: the values of `var`, `local`, `user`, `group`, `role`, `policy` and
//! `instance_profile`, and the entity identities by block label, used by `lower` to evaluate every
//! other attribute. Each attribute is evaluated in a context holding only what it references.

use super::arith::error_message;
use super::convert;
use super::diagnostic::{Diagnostic, SourceMap, Span};
use super::functions;
use super::module::Unit;
use super::parse::{Attr, Node};
use super::references::Reference;
use super::variables::{Inputs, VarType};
use crate::model::{self, iam as names, Address, Kind};
use hcl::eval::{Context, Evaluate};
use hcl::{Map, Value};
use petgraph::graph::{DiGraph, NodeIndex};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The entity kinds declared by blocks, with their keywords.
pub(crate) fn entity_kind(ident: &str) -> Option<Kind> {
    match ident {
        "user" => Some(Kind::User),
        "group" => Some(Kind::Group),
        "role" => Some(Kind::Role),
        "policy" => Some(Kind::Policy),
        "instance_profile" => Some(Kind::InstanceProfile),
        "openid_connect_provider" => Some(Kind::OpenIdConnectProvider),
        "saml_provider" => Some(Kind::SamlProvider),
        "service_linked_role" => Some(Kind::ServiceLinkedRole),
        _ => None,
    }
}

/// An entity's IAM name and path, known before anything else is evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub name: String,
    pub path: String,
}

/// One instance of a block with `for_each`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Instance {
    pub key: String,
    /// The object `each` (`{ key, value }`).
    pub each: Value,
    pub id: Identity,
}

/// The `for_each` key, as references write it: `user.web["john"]`.
pub(crate) fn instance_address(kind: Kind, label: &str, key: &str) -> String {
    format!("{}.{label}[{key:?}]", kind.keyword())
}

/// An entity reference by HCL keyword and block label, e.g. `("policy", "billing_read")`.
pub(crate) type EntityRef = (Kind, String);

/// The evaluation environment shared by lowering and policy documents: that of the
/// configuration, or of one instance of a module (each has its own variables, locals and
/// entities; `children` are the module instances it calls).
pub(crate) struct Env<'a> {
    pub map: &'a SourceMap,
    pub diags: Vec<Diagnostic>,
    /// The configuration and its modules (`config::module`).
    pub(super) units: &'a [Unit],
    /// Which of them this environment evaluates.
    pub unit: usize,
    /// `module.baseline`, `module.team["web"]` (with the calling module's path before it when
    /// nested); `None` for the configuration itself.
    pub path: Option<String>,
    /// The module instances this unit's `module` blocks make, in evaluation order.
    pub children: Vec<Env<'a>>,
    /// The outputs of each module block, by label: an object of outputs, or for a block with
    /// `for_each` an object of those by key.
    pub(super) modules: Map<String, Value>,
    /// Entities each module output references: (label, instance key, output) -> addresses.
    pub(super) module_refs: BTreeMap<(String, Option<String>, String), BTreeSet<Address>>,
    /// Entities each input variable's value references in the calling configuration.
    pub(super) var_refs: BTreeMap<String, BTreeSet<Address>>,
    /// Module instances made so far by the whole configuration (shared with the children).
    pub(super) instances_made: Rc<Cell<usize>>,
    /// Identities by (kind, block label), of blocks without `for_each`.
    pub identities: BTreeMap<EntityRef, Identity>,
    /// The instances of blocks with `for_each`, by (kind, block label), in key order.
    pub instances: BTreeMap<EntityRef, Vec<Instance>>,
    /// `each` while the attributes of one `for_each` instance are evaluated.
    pub each: Option<Value>,
    pub(super) account_id: String,
    vars: Map<String, Value>,
    locals: Map<String, Value>,
    entities: BTreeMap<&'static str, Map<String, Value>>,
    /// `local.x`, `var.x`, `user.label`, `module.x`, … whose evaluation failed (already
    /// reported).
    pub(super) failed: BTreeSet<String>,
    /// Entities each local references, directly or through other locals.
    local_refs: BTreeMap<String, BTreeSet<Address>>,
}

/// One node of the dependency graph of locals, entity identities and module calls.
enum Item<'n> {
    Local(&'n Attr),
    Entity(Kind, &'n str, &'n Node),
    /// A `module` block: its `for_each` and inputs are evaluated here, then the module.
    Module(&'n str, &'n Node),
}

impl Item<'_> {
    fn key(&self) -> String {
        match self {
            Item::Local(a) => format!("local.{}", a.key),
            Item::Entity(kind, label, _) => format!("{}.{label}", kind.keyword()),
            Item::Module(label, _) => format!("module.{label}"),
        }
    }

    fn span(&self) -> Span {
        match self {
            Item::Local(a) => a.key_span,
            Item::Entity(_, _, n) | Item::Module(_, n) => n.header,
        }
    }

    fn refs(&self) -> Vec<&Reference> {
        self.attrs()
            .into_iter()
            .flat_map(|a| a.refs.iter())
            .collect()
    }

    /// The attributes evaluating the item evaluates.
    fn attrs(&self) -> Vec<&Attr> {
        match self {
            Item::Local(a) => vec![a],
            Item::Entity(_, _, n) => IDENTITY_ATTRS
                .into_iter()
                .filter_map(|k| n.attr(k))
                .collect(),
            Item::Module(_, n) => n.attrs.iter().filter(|a| a.key != "source").collect(),
        }
    }
}

/// The attributes evaluated before the rest of an entity: what its identity depends on (an
/// OpenID Connect provider is named by its `url`, a service-linked role by its service and
/// `custom_suffix`).
const IDENTITY_ATTRS: [&str; 5] = ["for_each", "name", "path", "url", "custom_suffix"];

/// The instances a `for_each` value declares: a map's keys and values, or a set's strings (each
/// both key and value), in key order.
pub(super) fn for_each_keys(v: &Value) -> Result<Vec<(String, Value)>, String> {
    match v {
        Value::Object(obj) => {
            let mut out: Vec<(String, Value)> =
                obj.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(out)
        }
        Value::Array(items) => {
            let mut keys = BTreeSet::new();
            for item in items {
                match item {
                    Value::String(s) => {
                        keys.insert(s.clone());
                    }
                    other => {
                        return Err(format!(
                            "for_each over a set needs strings, found an element that is {}",
                            convert::describe(other)
                        ))
                    }
                }
            }
            Ok(keys
                .into_iter()
                .map(|k| (k.clone(), Value::String(k)))
                .collect())
        }
        other => Err(format!(
            "for_each needs a set of strings or a map, found {}; e.g. for_each = toset([\"a\", \"b\"])",
            convert::describe(other)
        )),
    }
}

/// The key of the thing a reference names (`local.x`, `user.mary`), when it names one.
fn ref_key(r: &Reference) -> Option<String> {
    let label = r.label.as_ref()?;
    match r.root.as_str() {
        "var" | "local" | "module" => Some(format!("{}.{label}", r.root)),
        _ if r.is_entity() => Some(format!("{}.{label}", r.root)),
        _ => None,
    }
}

impl<'a> Env<'a> {
    /// Evaluates variables, locals, entity identities and module calls of the configuration
    /// (`units[0]`), and of every module instance it calls.
    pub(super) fn evaluate(
        map: &'a SourceMap,
        units: &'a [Unit],
        account_id: &str,
        inputs: &Inputs,
    ) -> Env<'a> {
        let mut env = Env::new(map, units, 0, account_id, None, Rc::default());
        env.run(inputs);
        env
    }

    /// An environment for `units[unit]`, not evaluated yet.
    pub(super) fn new(
        map: &'a SourceMap,
        units: &'a [Unit],
        unit: usize,
        account_id: &str,
        path: Option<String>,
        instances_made: Rc<Cell<usize>>,
    ) -> Env<'a> {
        let mut env = Env {
            map,
            diags: Vec::new(),
            units,
            unit,
            path,
            children: Vec::new(),
            modules: Map::new(),
            module_refs: BTreeMap::new(),
            var_refs: BTreeMap::new(),
            instances_made,
            identities: BTreeMap::new(),
            instances: BTreeMap::new(),
            each: None,
            account_id: account_id.to_owned(),
            vars: Map::new(),
            locals: Map::new(),
            entities: BTreeMap::new(),
            failed: BTreeSet::new(),
            local_refs: BTreeMap::new(),
        };
        for kw in super::references::entity_roots() {
            env.entities.insert(kw, Map::new());
        }
        env
    }

    /// The top-level blocks this environment evaluates.
    pub(super) fn blocks(&self) -> &'a [Node] {
        let units: &'a [Unit] = self.units;
        &units[self.unit].blocks
    }

    /// Evaluates variables (from `inputs`), their validations, then locals, identities and
    /// module calls in dependency order.
    pub(super) fn run(&mut self, inputs: &Inputs) {
        let blocks = self.blocks();
        self.variables(blocks, inputs);
        self.validations(blocks);
        self.locals_and_identities(blocks);
    }

    /// The value of every variable: its input, else its default, converted to its type.
    fn variables(&mut self, blocks: &[Node], inputs: &Inputs) {
        let declared: Vec<&str> = blocks
            .iter()
            .filter(|b| b.ident == "variable")
            .filter_map(Node::label)
            .collect();
        self.diags
            .extend(inputs.undeclared(declared.iter().copied()));
        for b in blocks.iter().filter(|b| b.ident == "variable") {
            let Some(name) = b.label() else { continue };
            let key = format!("var.{name}");
            let ty = match b.attr("type") {
                None => VarType::Any,
                Some(a) => match VarType::parse(&a.expr) {
                    Ok(t) => t,
                    Err(_) => {
                        // Reported by `load`.
                        self.failed.insert(key);
                        continue;
                    }
                },
            };
            let given = inputs.values.get(name);
            let (value, origin, span) = match (given, b.attr("default")) {
                (Some(input), _) => (
                    input.value.clone(),
                    input.origin.clone(),
                    input.at.unwrap_or(b.header),
                ),
                (None, Some(a)) => {
                    let ctx = self.context_for(&[], &[a]);
                    match self.eval_in(a, &ctx) {
                        Some(v) => (v, "its default".to_owned(), a.span),
                        None => {
                            self.failed.insert(key);
                            continue;
                        }
                    }
                }
                (None, None) => {
                    self.diags.push(
                        self.map
                            .error(b.header, format!("variable `{name}` has no value"))
                            .with_help(format!(
                                "pass --var {name}=…, --var-file FILE, set {}{name}, or give it a default",
                                super::variables::ENV_PREFIX
                            )),
                    );
                    self.failed.insert(key);
                    continue;
                }
            };
            match ty.convert(&value) {
                Ok(v) => {
                    self.vars.insert(name.to_owned(), v);
                }
                Err(e) => {
                    self.diags.push(
                        self.map
                            .error(span, format!("variable `{name}` must be of type {ty}: {e}"))
                            .with_note(format!("the value comes from {origin}")),
                    );
                    self.failed.insert(key);
                }
            }
        }
    }

    /// `validation { condition, error_message }` blocks of variables, once every variable has a
    /// value (a condition may compare variables).
    fn validations(&mut self, blocks: &[Node]) {
        for b in blocks.iter().filter(|b| b.ident == "variable") {
            let Some(name) = b.label() else { continue };
            if self.failed.contains(&format!("var.{name}")) {
                continue;
            }
            for v in b.blocks_named("validation") {
                let Some(cond) = v.attr("condition") else {
                    continue; // reported by `load`
                };
                let Some(value) = self.eval(cond) else {
                    continue;
                };
                match value {
                    Value::Bool(true) => {}
                    Value::Bool(false) => {
                        let message = match v.attr("error_message") {
                            Some(a) => match self.eval(a) {
                                Some(Value::String(s)) => s,
                                Some(other) => convert::describe(&other),
                                None => continue,
                            },
                            None => "the validation condition is false".to_owned(),
                        };
                        self.diags.push(
                            self.map
                                .error(
                                    cond.span,
                                    format!("invalid value for variable `{name}`: {message}"),
                                )
                                .with_help("give the variable a value that meets the condition"),
                        );
                    }
                    other => self.diags.push(self.map.error(
                        cond.span,
                        format!(
                            "a validation condition must be true or false, found {}",
                            convert::describe(&other)
                        ),
                    )),
                }
            }
        }
    }

    fn locals_and_identities(&mut self, blocks: &[Node]) {
        let mut items: Vec<Item> = Vec::new();
        for b in blocks {
            if b.ident == "locals" {
                items.extend(b.attrs.iter().map(Item::Local));
            } else if let (Some(kind), Some(label)) = (entity_kind(&b.ident), b.label()) {
                items.push(Item::Entity(kind, label, b));
            } else if let ("module", Some(label)) = (b.ident.as_str(), b.label()) {
                items.push(Item::Module(label, b));
            }
        }
        let index: BTreeMap<String, usize> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.key(), i))
            .collect();
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..items.len()).map(|i| graph.add_node(i)).collect();
        for (i, item) in items.iter().enumerate() {
            for r in item.refs() {
                let targets: Vec<usize> = match ref_key(r) {
                    Some(k) => index.get(&k).copied().into_iter().collect(),
                    // A bare `local` or `user` depends on every member.
                    None => {
                        let prefix = format!("{}.", r.root);
                        index
                            .iter()
                            .filter(|(k, _)| k.starts_with(&prefix))
                            .map(|(_, i)| *i)
                            .collect()
                    }
                };
                for t in targets {
                    graph.update_edge(nodes[i], nodes[t], ());
                }
            }
        }
        // Strongly connected components come dependencies first.
        for scc in petgraph::algo::tarjan_scc(&graph) {
            let cyclic = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
            if cyclic {
                let mut members: Vec<&Item> = scc.iter().map(|n| &items[graph[*n]]).collect();
                members.sort_by_key(|m| m.span());
                self.cycle(&members);
                continue;
            }
            let item = &items[graph[scc[0]]];
            let refs = item.refs();
            if refs
                .iter()
                .filter_map(|r| ref_key(r))
                .any(|k| self.failed.contains(&k))
            {
                self.failed.insert(item.key());
                continue;
            }
            match item {
                Item::Local(a) => {
                    let ctx = self.context_for(&refs, &item.attrs());
                    self.local(a, &ctx);
                }
                Item::Entity(kind, label, node) => self.identity(*kind, label, node),
                Item::Module(label, node) => self.module_call(label, node),
            }
        }
    }

    fn cycle(&mut self, members: &[&Item]) {
        let keys: Vec<String> = members.iter().map(|m| m.key()).collect();
        for k in &keys {
            self.failed.insert(k.clone());
        }
        let listed = match keys.as_slice() {
            [one] => format!("`{one}` references itself"),
            [init @ .., last] => format!(
                "reference cycle between {} and `{last}`",
                crate::words::backquoted(init, ", ")
            ),
            [] => return,
        };
        let mut d = self.map.error(members[0].span(), listed);
        for m in &members[1..] {
            d = d.with_note(format!(
                "`{}` is declared at {}",
                m.key(),
                self.map.describe(m.span())
            ));
        }
        self.diags
            .push(d.with_help("break the cycle: a value cannot depend on itself"));
    }

    /// A context holding exactly the values `refs` name, and the functions `attrs` call (copying
    /// the whole function table would be most of the cost of a context).
    pub(super) fn context_for(&self, refs: &[&Reference], attrs: &[&Attr]) -> Context<'static> {
        let mut ctx = Context::new();
        if attrs.iter().any(|a| a.calls) {
            functions::declare_only(
                &mut ctx,
                attrs
                    .iter()
                    .flat_map(|a| a.funcs.iter().map(|f| f.name.as_str())),
            );
        }
        let mut roots: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for r in refs {
            let source = match r.root.as_str() {
                "var" => &self.vars,
                "local" => &self.locals,
                "module" => &self.modules,
                root => match self.entities.get(root) {
                    Some(m) => m,
                    None => continue,
                },
            };
            let target = roots.entry(r.root.as_str()).or_default();
            match &r.label {
                Some(l) => {
                    if let Some(v) = source.get(l) {
                        target.insert(l.clone(), v.clone());
                    }
                }
                None => target.extend(source.iter().map(|(k, v)| (k.clone(), v.clone()))),
            }
        }
        for (root, values) in roots {
            ctx.declare_var(root, Value::Object(values));
        }
        if refs.iter().any(|r| r.root == "account_id") {
            ctx.declare_var("account_id", Value::String(self.account_id.clone()));
        }
        if let Some(each) = &self.each {
            if refs.iter().any(|r| r.root == "each") {
                ctx.declare_var("each", each.clone());
            }
        }
        ctx
    }

    fn local(&mut self, attr: &Attr, ctx: &Context) {
        match self.eval_in(attr, ctx) {
            Some(v) => {
                self.locals.insert(attr.key.clone(), v);
            }
            None => {
                self.failed.insert(format!("local.{}", attr.key));
            }
        }
        let refs = self.entity_refs(attr.refs.iter());
        self.local_refs.insert(attr.key.clone(), refs);
    }

    /// The identity of an entity block, or of each instance of a `for_each` block. The context
    /// of `name` and `path` holds only what they reference (not the `for_each` collection, which
    /// may be large), and `each` is replaced in it for each instance rather than copied: a block
    /// of n instances costs O(n), not O(n²).
    fn identity(&mut self, kind: Kind, label: &str, node: &Node) {
        let key = format!("{}.{label}", kind.keyword());
        let id_attrs: Vec<&Attr> = IDENTITY_ATTRS[1..]
            .iter()
            .filter_map(|k| node.attr(k))
            .collect();
        let id_refs: Vec<&Reference> = id_attrs.iter().flat_map(|a| a.refs.iter()).collect();
        let mut ctx = self.context_for(&id_refs, &id_attrs);
        let Some(a) = node.attr("for_each") else {
            match self.one_identity(kind, label, node, &ctx, None) {
                Some((id, value)) => {
                    if let Some(m) = self.entities.get_mut(kind.keyword()) {
                        m.insert(label.to_owned(), value);
                    }
                    self.identities.insert((kind, label.to_owned()), id);
                }
                None => {
                    self.failed.insert(key);
                }
            }
            return;
        };
        let for_each_refs: Vec<&Reference> = a.refs.iter().collect();
        let for_each_ctx = self.context_for(&for_each_refs, &[a]);
        let keys = self.eval_in(a, &for_each_ctx);
        drop(for_each_ctx);
        let Some(keys) = keys.and_then(|v| self.convert(a, &v, for_each_keys)) else {
            self.failed.insert(key);
            return;
        };
        let mut instances = Vec::new();
        let mut values = Map::new();
        let mut ok = true;
        for (k, v) in keys {
            let mut each = Map::new();
            each.insert("key".to_owned(), Value::String(k.clone()));
            each.insert("value".to_owned(), v);
            let each = Value::Object(each);
            ctx.declare_var("each", each.clone());
            match self.one_identity(kind, label, node, &ctx, Some(&k)) {
                Some((id, value)) => {
                    values.insert(k.clone(), value);
                    instances.push(Instance { key: k, each, id });
                }
                None => ok = false,
            }
        }
        if !ok {
            self.failed.insert(key);
            return;
        }
        if let Some(m) = self.entities.get_mut(kind.keyword()) {
            m.insert(label.to_owned(), Value::Object(values));
        }
        self.instances.insert((kind, label.to_owned()), instances);
    }

    /// The name, path and ARN of one entity (one instance of a `for_each` block when `instance`
    /// is its key; the IAM name defaults to the key).
    fn one_identity(
        &mut self,
        kind: Kind,
        label: &str,
        node: &Node,
        ctx: &Context,
        instance: Option<&str>,
    ) -> Option<(Identity, Value)> {
        let default_name = instance.unwrap_or(label);
        let text = |env: &mut Self, attr: &str, default: &str| -> Option<(String, Span)> {
            match node.attr(attr) {
                None => Some((default.to_owned(), node.header)),
                Some(a) => match env.eval_in(a, ctx)? {
                    Value::Null => Some((default.to_owned(), node.header)),
                    v => env.convert(a, &v, convert::string).map(|s| (s, a.span)),
                },
            }
        };
        let (Some((name, name_span)), Some((path, path_span))) =
            (text(self, "name", default_name), text(self, "path", "/"))
        else {
            return None;
        };
        let which = |e: String| match instance {
            Some(k) => format!("{}: {e}", instance_address(kind, label, k)),
            None => e,
        };
        let (name, path, arn) = match kind {
            Kind::OpenIdConnectProvider => {
                if node.attr("url").is_none() {
                    let e = format!("openid_connect_provider `{label}` needs `url`");
                    let d = self.map.error(node.header, which(e));
                    self.diags.push(
                        d.with_help("e.g. url = \"https://token.actions.githubusercontent.com\""),
                    );
                    return None;
                }
                let (url, span) = text(self, "url", "")?;
                match names::oidc_provider_name(&url) {
                    Ok(name) => (name, "/".to_owned(), None),
                    Err(e) => {
                        self.diags.push(self.map.error(span, which(e.into())));
                        return None;
                    }
                }
            }
            Kind::ServiceLinkedRole => {
                let suffix = match node.attr("custom_suffix") {
                    None => None,
                    Some(_) => Some(text(self, "custom_suffix", "")?),
                };
                if let Err(e) = names::check_service_name(&name) {
                    self.diags.push(self.map.error(name_span, which(e.into())));
                }
                if let Some((s, span)) = &suffix {
                    if let Err(e) = names::check_custom_suffix(s) {
                        self.diags.push(self.map.error(*span, which(e.into())));
                    }
                }
                let suffix = suffix.map(|(s, _)| s);
                let role = names::service_linked_role_name(&name, suffix.as_deref());
                let path = format!("{}{name}/", names::SERVICE_ROLE_PATH);
                let arn = model::arn(&self.account_id, Kind::Role, &path, &role);
                let key = model::ServiceLinkedRole::key(&name, suffix.as_deref());
                (key.as_str().to_owned(), path, Some(arn))
            }
            Kind::SamlProvider => {
                if let Err(e) = names::check_saml_provider_name(&name) {
                    self.diags.push(self.map.error(name_span, which(e.into())));
                }
                (name, "/".to_owned(), None)
            }
            _ => {
                if let Err(e) = names::check_name(kind, &name) {
                    self.diags.push(self.map.error(name_span, which(e.into())));
                }
                if let Err(e) = names::check_path(&path) {
                    self.diags.push(self.map.error(path_span, which(e.into())));
                } else if let Err(e) = names::check_not_lock(kind, &name, &path) {
                    let at = if path.starts_with(names::LOCK_PATH) {
                        path_span
                    } else {
                        name_span
                    };
                    self.diags.push(self.map.error(at, which(e.into())));
                }
                (name, path, None)
            }
        };
        let arn = arn.unwrap_or_else(|| model::arn(&self.account_id, kind, &path, &name));
        let mut obj = Map::new();
        obj.insert("name".to_owned(), Value::String(name.clone()));
        obj.insert("path".to_owned(), Value::String(path.clone()));
        obj.insert("arn".to_owned(), Value::String(arn));
        Some((Identity { name, path }, Value::Object(obj)))
    }

    /// The IAM addresses of the entities that `refs` name, directly or through locals; an
    /// indexed reference to a `for_each` block (`user.web["john"]`) names that instance only.
    pub(super) fn entity_refs<'r>(
        &self,
        refs: impl Iterator<Item = &'r Reference>,
    ) -> BTreeSet<Address> {
        let mut out = BTreeSet::new();
        for r in refs {
            if let Some(kind) = entity_kind(&r.root) {
                let blocks: Vec<EntityRef> = match &r.label {
                    Some(l) => vec![(kind, l.clone())],
                    None => self
                        .identities
                        .keys()
                        .chain(self.instances.keys())
                        .filter(|(k, _)| *k == kind)
                        .cloned()
                        .collect(),
                };
                for key in blocks {
                    if let Some(id) = self.identities.get(&key) {
                        out.insert(Address::new(kind, id.name.as_str()));
                    }
                    let instances = self.instances.get(&key).into_iter().flatten();
                    let only = r.label.as_ref().and(r.attr.as_ref()).filter(|_| r.indexed);
                    for i in instances.filter(|i| only.is_none_or(|k| *k == i.key)) {
                        out.insert(Address::new(kind, i.id.name.as_str()));
                    }
                }
            } else if r.root == "local" {
                match &r.label {
                    Some(l) => out.extend(self.local_refs.get(l).into_iter().flatten().cloned()),
                    None => out.extend(self.local_refs.values().flatten().cloned()),
                }
            } else if r.root == "var" {
                match &r.label {
                    Some(l) => out.extend(self.var_refs.get(l).into_iter().flatten().cloned()),
                    None => out.extend(self.var_refs.values().flatten().cloned()),
                }
            } else if r.root == "module" {
                out.extend(self.output_refs(r));
            }
        }
        out
    }

    /// Evaluates an attribute; `None` when it failed (reported) or depends on
    /// something that failed (reported before).
    pub(super) fn eval(&mut self, attr: &Attr) -> Option<Value> {
        if attr
            .refs
            .iter()
            .filter_map(ref_key)
            .any(|k| self.failed.contains(&k))
        {
            return None;
        }
        // Only what the attribute references: evaluating a traversal clones its root value.
        let refs: Vec<&Reference> = attr.refs.iter().collect();
        let ctx = self.context_for(&refs, &[attr]);
        self.eval_in(attr, &ctx)
    }

    pub(super) fn eval_in(&mut self, attr: &Attr, ctx: &Context) -> Option<Value> {
        super::budget::reset();
        let result = if attr.lazy {
            super::lazy::evaluate(&attr.expr, ctx)
        } else {
            attr.expr.evaluate(ctx)
        };
        match result {
            Ok(v) => {
                match functions::too_big(&v) {
                    None => Some(v),
                    Some(e) => {
                        self.diags.push(
                        self.map
                            .error(attr.span, format!("cannot evaluate `{}`: {e}", attr.key))
                            .with_help("a value this big cannot be an IAM setting: check what builds it"),
                    );
                        None
                    }
                }
            }
            Err(_) if self.unknown_instance(attr) => None,
            Err(e) => {
                self.diags.push(self.map.error(
                    attr.span,
                    format!("cannot evaluate `{}`: {}", attr.key, error_message(&e)),
                ));
                None
            }
        }
    }

    /// Reports an indexed reference to a `for_each` instance that does not exist (what makes
    /// the evaluation of `attr` fail), with the keys that do; `false` when there is none.
    fn unknown_instance(&mut self, attr: &Attr) -> bool {
        let mut found = false;
        for r in attr.refs.iter().filter(|r| r.indexed) {
            let (Some(kind), Some(label), Some(key)) = (entity_kind(&r.root), &r.label, &r.attr)
            else {
                continue;
            };
            let Some(instances) = self.instances.get(&(kind, label.clone())) else {
                continue;
            };
            if instances.iter().any(|i| i.key == *key) {
                continue;
            }
            let keys: Vec<String> = instances.iter().map(|i| format!("{:?}", i.key)).collect();
            let d = self.map.error(
                r.span,
                format!(
                    "{} has no instance {key:?}",
                    format_args!("`{}.{label}`", r.root)
                ),
            );
            let d = match super::diagnostic::did_you_mean(
                key,
                instances.iter().map(|i| i.key.as_str()),
            ) {
                Some(h) => d.with_help(h),
                None if keys.is_empty() => d.with_help("its for_each is empty"),
                None => d.with_help(format!("its keys are {}", keys.join(", "))),
            };
            self.diags.push(d);
            found = true;
        }
        found
    }

    /// Converts a value, reporting a type error at the attribute.
    pub(super) fn convert<T>(&mut self, attr: &Attr, v: &Value, f: convert::View<T>) -> Option<T> {
        match f(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.diags
                    .push(self.map.error(attr.span, format!("`{}`: {e}", attr.key)));
                None
            }
        }
    }

    /// The typed value of `node.key`; `None` when absent, null, or wrong (reported).
    pub(super) fn get<T>(&mut self, node: &Node, key: &str, f: convert::View<T>) -> Option<T> {
        let attr = node.attr(key)?;
        let v = self.eval(attr)?;
        if v.is_null() {
            return None;
        }
        self.convert(attr, &v, f)
    }

    /// Reports an error at a span.
    pub(super) fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(self.map.error(span, message));
        let last = self.diags.len() - 1;
        &mut self.diags[last]
    }
}
