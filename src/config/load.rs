//! `config::load`: everything that can be checked without an account id. Parses every file,
//! checks blocks and attributes against the schema, checks declarations (duplicates, blocks that
//! may appear once) and every reference and function name, and reads the backend block.

use super::arith::error_message;
use super::convert;
use super::diagnostic::{Diagnostic, Diagnostics, SourceMap, Span};
use super::eval::entity_kind;
use super::functions;
use super::module::{self, Frame, Root, Unit};
use super::moved;
use super::parse::{self, Node};
use super::references::{self, Allowed, Declared, DeclaredModule};
use super::schema;
use super::variables::VarType;
use super::BackendSpec;
use hcl::eval::Context;
use std::collections::BTreeMap;
use std::path::Path;

/// A configuration that parsed and passed every static check.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    pub map: SourceMap,
    /// The configuration (first), then every module directory it uses, each loaded once.
    pub units: Vec<Unit>,
    pub backend: Option<BackendSpec>,
    /// Set once the blocks were taken out ([`super::Config::release_syntax`]).
    pub released: bool,
}

impl Loaded {
    /// The top-level blocks of the configuration itself.
    pub(super) fn blocks(&self) -> &[Node] {
        &self.units[0].blocks
    }
}

/// Loads the configuration of `dir` and the modules it uses, none outside `root`.
pub(crate) fn load(dir: &Path, root: &Root) -> Result<Loaded, Diagnostics> {
    let mut loader = Loader {
        map: SourceMap::default(),
        units: Vec::new(),
        diags: Vec::new(),
        root,
    };
    loader.unit(dir, dir, &mut Vec::new());
    let Loader {
        map,
        units,
        mut diags,
        ..
    } = loader;
    let backend = backend(&units[0].blocks, dir, &map, &mut diags);
    if diags.is_empty() {
        Ok(Loaded {
            map,
            units,
            backend,
            released: false,
        })
    } else {
        Err(Diagnostics::deduplicated(diags))
    }
}

struct Loader<'r> {
    map: SourceMap,
    units: Vec<Unit>,
    diags: Vec<Diagnostic>,
    root: &'r Root,
}

impl Loader<'_> {
    /// Loads the unit whose files are in `dir` (shown as `shown`) and, depth first, the modules
    /// it calls; `stack` holds the module blocks that led here (empty for the configuration).
    /// Returns the unit's index.
    fn unit(&mut self, dir: &Path, shown: &Path, stack: &mut Vec<Frame>) -> usize {
        let (roots, parse_errors) = parse::parse_dir_into(&mut self.map, dir, shown);
        let complete = parse_errors.is_empty();
        self.diags.extend(parse_errors);
        let map = &self.map;
        for root in &roots {
            self.diags.extend(schema::check_file(root, map));
            self.diags.extend(repeated_keys(root, map));
        }
        let blocks: Vec<Node> = roots.into_iter().flat_map(|r| r.blocks).collect();
        if !stack.is_empty() {
            self.diags
                .extend(module::check_module_blocks(&blocks, &self.map));
        }
        let mut declared = declarations(&blocks, &self.map, &mut self.diags);
        let index = self.units.len();
        self.units.push(Unit::default());
        let mut calls = BTreeMap::new();
        for b in blocks.iter().filter(|b| b.ident == "module") {
            let Some(label) = b.label() else { continue };
            let Some(child) = self.call(b, dir, shown, stack) else {
                continue;
            };
            calls.insert(label.to_owned(), child);
            let callee = &self.units[child];
            if let Some(m) = declared.modules.get_mut(label) {
                m.outputs = callee.complete.then(|| callee.outputs.clone());
            }
            self.diags
                .extend(module::check_inputs(b, callee, &self.map));
        }
        for b in &blocks {
            check_references(b, &declared, &self.map, &mut self.diags);
        }
        if stack.is_empty() {
            self.diags
                .extend(moved::check(&blocks, &declared, &self.map));
        }
        let mut unit = Unit::new(dir.to_path_buf(), shown.to_path_buf(), blocks, complete);
        unit.calls = calls;
        self.units[index] = unit;
        index
    }

    /// The unit module block `b` uses, loaded if it is not yet; `None` after reporting why it
    /// cannot be.
    fn call(
        &mut self,
        b: &Node,
        dir: &Path,
        shown: &Path,
        stack: &mut Vec<Frame>,
    ) -> Option<usize> {
        let source = match module::source(b, dir, shown, self.root, &self.map) {
            Ok(s) => s,
            Err(d) => {
                self.diags.push(*d);
                return None;
            }
        };
        let call = format!("module.{}", b.label().unwrap_or_default());
        if let Some(d) = module::cycle_or_depth(stack, &source.dir, &call, b.header, &self.map) {
            self.diags.push(d);
            return None;
        }
        if let Some(i) = self.units.iter().position(|u| u.dir == source.dir) {
            return Some(i);
        }
        stack.push(Frame {
            dir: source.dir.clone(),
            call,
            shown: source.shown.clone(),
        });
        let i = self.unit(&source.dir, &source.shown, stack);
        stack.pop();
        Some(i)
    }
}

/// The keys an object literal of `root` sets twice.
fn repeated_keys(root: &Node, map: &SourceMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for a in root.all_attrs() {
        for r in &a.repeated_keys {
            out.push(
                map.error(
                    r.second,
                    format!("the key `{}` is set twice in this object", r.key),
                )
                .with_note(format!("first set at {}", map.describe(r.first)))
                .with_help(
                    "an object keeps only the last value of a key, so what a reader sees first is not what is used: remove one",
                ),
            );
        }
    }
    out
}

/// Collects what is declared; reports duplicate labels, variables and locals, and blocks that
/// may appear only once in a configuration.
fn declarations(blocks: &[Node], map: &SourceMap, diags: &mut Vec<Diagnostic>) -> Declared {
    let mut declared = Declared::default();
    for kw in references::entity_roots() {
        declared.entities.insert(kw, Default::default());
    }
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    let mut duplicate =
        |key: String, what: String, span: Span, diags: &mut Vec<Diagnostic>| match seen.get(&key) {
            Some(first) => diags.push(
                map.error(span, format!("{what} is declared twice"))
                    .with_note(format!("first declared at {}", map.describe(*first))),
            ),
            None => {
                seen.insert(key, span);
            }
        };
    let mut locals: BTreeMap<&str, &parse::Attr> = BTreeMap::new();
    for b in blocks {
        let ident = b.ident.as_str();
        match ident {
            "backend" | "settings" | "password_policy" | "account_alias" => {
                duplicate(
                    ident.to_owned(),
                    format!("a `{ident}` block"),
                    b.header,
                    diags,
                );
            }
            "module" | "output" => {
                if let Some(name) = b.label() {
                    duplicate(
                        format!("{ident}.{name}"),
                        format!("{ident} `{name}`"),
                        b.header,
                        diags,
                    );
                    if ident == "module" {
                        let m = DeclaredModule {
                            for_each: b.attr("for_each").is_some(),
                            outputs: None,
                        };
                        declared.modules.insert(name.to_owned(), m);
                    }
                }
            }
            "variable" => {
                if let Some(name) = b.label() {
                    duplicate(
                        format!("var.{name}"),
                        format!("variable `{name}`"),
                        b.header,
                        diags,
                    );
                    declared.variables.insert(name.to_owned());
                }
            }
            "locals" => {
                for a in &b.attrs {
                    if let Some(first) = locals.get(a.key.as_str()) {
                        diags.push(
                            map.error(
                                a.key_span,
                                format!("local value `{}` is declared twice", a.key),
                            )
                            .with_note(format!(
                                "first declared at {}",
                                map.describe(first.key_span)
                            )),
                        );
                        continue;
                    }
                    locals.insert(&a.key, a);
                    declared.locals.insert(a.key.clone());
                }
            }
            _ => {
                if let (Some(kind), Some(label)) = (entity_kind(ident), b.label()) {
                    duplicate(
                        format!("{ident}.{label}"),
                        format!("{kind} `{label}`"),
                        b.header,
                        diags,
                    );
                    if let Some(set) = declared.entities.get_mut(kind.keyword()) {
                        set.insert(label.to_owned());
                    }
                    if b.attr("for_each").is_some() {
                        declared.for_each.insert(format!("{ident}.{label}"));
                    }
                }
            }
        }
    }
    declared
}

fn check_references(b: &Node, declared: &Declared, map: &SourceMap, diags: &mut Vec<Diagnostic>) {
    // Unknown blocks and blocks with unsupported meta-arguments are reported as such only.
    if schema::uses_unsupported(b) || !schema::top_level_keywords().any(|k| k == b.ident.as_str()) {
        return;
    }
    match b.ident.as_str() {
        // Their addresses name entities that are no longer declared: `moved::check` checks them.
        "moved" => {}
        "variable" => {
            if let Some(a) = b.attr("default") {
                let why = Allowed::Nothing("a variable default must be a literal value");
                diags.extend(references::check(a, why, declared, map));
            }
            if let Some(a) = b.attr("type") {
                if let Err(e) = VarType::parse(&a.expr) {
                    diags.push(
                        map.error(a.span, format!("invalid type for variable: {e}"))
                            .with_help(VarType::help()),
                    );
                }
            }
            for v in b.blocks_named("validation") {
                if v.attr("condition").is_none() {
                    diags.push(
                        map.error(v.header, "a validation block needs a `condition`")
                            .with_help("e.g. condition = length(var.users) > 0"),
                    );
                }
                for a in &v.attrs {
                    for r in a.refs.iter().filter(|r| r.root != "var") {
                        diags.push(map.error(
                            r.span,
                            "a validation condition can only reference variables (`var.NAME`)",
                        ));
                    }
                    diags.extend(references::check(a, Allowed::All, declared, map));
                }
            }
        }
        "backend" => {
            let why = Allowed::Nothing("backend settings are read before anything is evaluated");
            for a in &b.attrs {
                diags.extend(references::check(a, why, declared, map));
            }
        }
        _ => {
            let allowed = if b.attr("for_each").is_some() {
                Allowed::WithEach
            } else {
                Allowed::All
            };
            for a in b.all_attrs() {
                diags.extend(references::check(a, allowed, declared, map));
            }
        }
    }
}

/// The backend block, evaluated (its values are literals), with a relative mock path resolved
/// against the configuration directory.
fn backend(
    blocks: &[Node],
    dir: &Path,
    map: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<BackendSpec> {
    let b = blocks.iter().find(|b| b.ident == "backend")?;
    let before = diags.len();
    let mut ctx = Context::new();
    functions::declare(&mut ctx);
    let text = |key: &str, diags: &mut Vec<Diagnostic>| -> Option<String> {
        let a = b.attr(key)?;
        if !a.refs.is_empty() {
            return None; // reported by the reference check
        }
        let v = functions::with_file_root(dir, dir, || super::lazy::evaluate(&a.expr, &ctx));
        let v = match v {
            Ok(v) if v.is_null() => return None,
            Ok(v) => v,
            Err(e) => {
                diags.push(map.error(
                    a.span,
                    format!("cannot evaluate `{key}`: {}", error_message(&e)),
                ));
                return None;
            }
        };
        match convert::string(&v) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(map.error(a.span, format!("`{key}`: {e}")));
                None
            }
        }
    };
    let account_id = text("account_id", diags);
    if let (Some(id), Some(a)) = (&account_id, b.attr("account_id")) {
        if let Err(e) = crate::model::iam::check_account_id(id) {
            diags.push(map.error(a.span, e));
        }
    }
    let spec = match b.label() {
        Some("mock") => {
            let path = text("path", diags);
            if path.is_none() && b.attr("path").is_none() {
                diags.push(
                    map.error(b.header, "backend \"mock\" needs `path`")
                        .with_help("e.g. backend \"mock\" { path = \"account.json\" }"),
                );
            }
            let faults = text("faults", diags);
            if let (Some(f), Some(a)) = (&faults, b.attr("faults")) {
                if let Err(e) = crate::settings::Faults::parse(f) {
                    diags.push(map.error(a.span, format!("`faults`: {e}")).with_help(
                        "e.g. faults = \"latency_ms=20,throttle=0.3,fail_call=5:ServiceFailure\"",
                    ));
                }
            }
            let caller = text("caller", diags);
            if let (Some(c), Some(a)) = (&caller, b.attr("caller")) {
                if let Err(e) = crate::settings::parse_mock_caller(c) {
                    diags.push(map.error(a.span, format!("`caller`: {e}")));
                }
            }
            BackendSpec::Mock {
                path: dir.join(path.unwrap_or_default()),
                account_id,
                faults,
                caller,
            }
        }
        Some("aws") => BackendSpec::Aws(crate::settings::AwsSettings {
            region: text("region", diags),
            profile: text("profile", diags),
            endpoint_url: text("endpoint_url", diags),
            account_id,
            assume_role_arn: text("assume_role_arn", diags),
        }),
        _ => return None,
    };
    (diags.len() == before).then_some(spec)
}
