//! The access model of a principal: for every concrete action its policies can allow, a formula
//! (a [`bdd`] node) over the atoms of [`compile`] saying for which resources and under which
//! conditions the request is allowed — identity allows, intersected with the permissions
//! boundary's allows, minus every explicit Deny (identity or boundary).
//!
//! One [`Engine`] serves both accounts of a plan (desired and live), so that their atoms, terms
//! and nodes are shared and "did this action's access change" is one comparison of nodes. Models
//! are memoised by what goes into them: principals with the same instantiated statements share
//! one.
//!
//! Not modelled here: trust policies as resource policies of `sts:AssumeRole` (the model says
//! what the principal's own policies allow it to assume; `can` adds the role's trust policy).

use super::actions::{ActionId, ActionSet, Universe};
use super::bdd::{Bdd, Node, FALSE, TRUE};
use super::compile::{Atom, Lit, Store, TermId};
use super::intern::SetInterner;
use super::principal::{Origin, PolicyRef, Principal};
use super::resources::{self, Shape};
use crate::model::policy::{Condition, Statement};
use crate::model::{Address, PolicyDocument};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// What goes into a principal's model, with the principal's own values already decided.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inputs {
    /// (compiled statement, its term, the label list of the document it is in).
    allows: Vec<(u32, TermId, u32)>,
    denies: Vec<(u32, TermId)>,
    /// The boundary's allows; `None` without a boundary.
    boundary: Option<Vec<(u32, TermId)>>,
}

/// Actions with the same access: when they are allowed, and through which documents.
#[derive(Clone, Debug)]
pub struct Class {
    pub actions: ActionSet,
    pub node: Node,
    /// Index of the label list ([`Engine::labels`]).
    pub via: u32,
}

/// A principal's model: the actions it is allowed in some case, in classes of equal access
/// (disjoint), so that a principal allowed most of the catalog costs a few bitmaps.
#[derive(Debug, Default)]
pub struct Model {
    pub classes: Vec<Class>,
}

impl Model {
    /// The class of `action`, if it is allowed in some case.
    pub fn get(&self, action: ActionId) -> Option<&Class> {
        self.classes.iter().find(|c| c.actions.contains(action))
    }

    /// How many actions are allowed in some case.
    pub fn len(&self) -> usize {
        self.classes.iter().map(|c| c.actions.iter().count()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
    }

    /// Every action allowed in some case.
    pub fn all(&self, n: usize) -> ActionSet {
        self.classes
            .iter()
            .fold(ActionSet::Sparse(Vec::new()), |acc, c| {
                acc.union(&c.actions, n)
            })
    }
}

/// A region of requests: the resources (minus `not_resources`) for which, under `conditions`
/// and unless one of `unless` holds, a formula is true.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Region {
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    pub conditions: Condition,
    pub unless: Condition,
}

/// The allows, denies and boundary allows (indices into [`Inputs`]) naming an action.
type Signature = (Vec<usize>, Vec<usize>, Vec<usize>);

/// Splits each class into the actions `set` holds (their signature extended by `mark`) and the
/// others.
fn refine(
    classes: Vec<(ActionSet, Signature)>,
    set: &ActionSet,
    mark: impl Fn(&mut Signature),
) -> Vec<(ActionSet, Signature)> {
    let mut out = Vec::with_capacity(classes.len() + 1);
    for (actions, sig) in classes {
        let inside = actions.intersection(set);
        if inside.is_empty() {
            out.push((actions, sig));
            continue;
        }
        let rest = actions.difference(set);
        let mut marked = sig.clone();
        mark(&mut marked);
        out.push((inside, marked));
        if !rest.is_empty() {
            out.push((rest, sig));
        }
    }
    out
}

/// At most this many disjoint cases per formula are read; beyond, the region is widened.
const PATH_LIMIT: usize = 256;

/// Builds and compares models.
pub struct Engine<'a> {
    store: Store<'a>,
    bdd: Bdd,
    term_nodes: HashMap<TermId, Node>,
    models: HashMap<Inputs, Rc<Model>>,
    label_lists: SetInterner<String>,
    /// The label list of a document of the account (whose address names its origin) reaching a
    /// principal through a group or not.
    document_labels: HashMap<(usize, Option<Address>), u32>,
    /// The label list of the union of label lists.
    label_unions: HashMap<Vec<u32>, u32>,
    /// [`Engine::any_of`]'s results.
    disjunctions: HashMap<Vec<TermId>, Node>,
    regions: HashMap<Node, Rc<Vec<Region>>>,
}

/// Every statement of `documents`, each document read once (documents are shared by many
/// principals).
pub fn statements_of<'a>(
    documents: impl IntoIterator<Item = &'a PolicyDocument>,
) -> Vec<&'a Statement> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for doc in documents {
        if seen.insert(std::ptr::from_ref(doc)) {
            out.extend(doc.statements());
        }
    }
    out
}

/// The labels a document is reported with: itself, and the group it comes through.
fn labels(r: &PolicyRef) -> Vec<String> {
    let mut out = vec![r.origin.to_string()];
    if let Some(g) = &r.via {
        out.push(g.to_string());
    }
    out
}

impl<'a> Engine<'a> {
    /// An engine for principals whose documents hold (at most) `statements`.
    pub fn new(statements: impl IntoIterator<Item = &'a Statement>) -> Engine<'a> {
        Engine {
            store: Store::new(Universe::new(statements)),
            bdd: Bdd::default(),
            term_nodes: HashMap::new(),
            models: HashMap::new(),
            label_lists: SetInterner::default(),
            document_labels: HashMap::new(),
            label_unions: HashMap::new(),
            disjunctions: HashMap::new(),
            regions: HashMap::new(),
        }
    }

    pub fn universe(&self) -> &Universe {
        &self.store.universe
    }

    /// The labels (`policy.dev`, `group.dev`, …) of a label list.
    pub fn labels(&self, id: u32) -> &[String] {
        self.label_lists.get(id)
    }

    /// The label list of `r` (whose document is `doc`).
    fn labels_of(&mut self, r: &PolicyRef, doc: &PolicyDocument) -> u32 {
        // An AWS managed document may be named by ARNs spelled differently: its labels are
        // made each time.
        if matches!(r.origin, Origin::Aws { .. }) {
            return self.label_lists.intern(labels(r));
        }
        let key = (std::ptr::from_ref(doc) as usize, r.via.clone());
        if let Some(id) = self.document_labels.get(&key) {
            return *id;
        }
        let id = self.label_lists.intern(labels(r));
        self.document_labels.insert(key, id);
        id
    }

    /// The principal's statements, instantiated for it.
    pub fn inputs(&mut self, p: &Principal<'a>) -> Inputs {
        let ctx = self.store.context(p.caller.clone(), p.tags);
        let mut inputs = Inputs::default();
        for r in &p.identity {
            let Some(doc) = r.document else { continue };
            let label = self.labels_of(r, doc);
            for s in doc.statements() {
                let cid = self.store.compile(s, doc.version());
                if self.store.compiled(cid).actions.is_empty() {
                    continue;
                }
                let Some(term) = self.store.instance(cid, &ctx) else {
                    continue;
                };
                if self.store.compiled(cid).deny {
                    inputs.denies.push((cid, term));
                } else {
                    inputs.allows.push((cid, term, label));
                }
            }
        }
        if let Some(b) = &p.boundary {
            let mut allows = Vec::new();
            for s in b.document.map(|d| d.statements()).unwrap_or_default() {
                let version = b.document.and_then(|d| d.version());
                let cid = self.store.compile(s, version);
                let Some(term) = self.store.instance(cid, &ctx) else {
                    continue;
                };
                if self.store.compiled(cid).deny {
                    inputs.denies.push((cid, term));
                } else {
                    allows.push((cid, term));
                }
            }
            allows.sort_unstable();
            allows.dedup();
            inputs.boundary = Some(allows);
        }
        inputs.allows.sort_unstable();
        inputs.allows.dedup();
        inputs.denies.sort_unstable();
        inputs.denies.dedup();
        inputs
    }

    fn term_node(&mut self, t: TermId) -> Node {
        if let Some(n) = self.term_nodes.get(&t) {
            return *n;
        }
        let lits: Vec<Lit> = self.store.term(t).to_vec();
        let n = self.bdd.cube(&lits);
        self.term_nodes.insert(t, n);
        n
    }

    /// The disjunction of `terms`, made once per set of terms (many principals share a group's
    /// or a managed policy's statements).
    fn any_of(&mut self, terms: impl IntoIterator<Item = TermId>) -> Node {
        let mut terms: Vec<TermId> = terms.into_iter().collect();
        terms.sort_unstable();
        terms.dedup();
        if let Some(n) = self.disjunctions.get(&terms) {
            return *n;
        }
        let mut acc = FALSE;
        for t in &terms {
            let n = self.term_node(*t);
            acc = self.bdd.or(acc, n);
        }
        self.disjunctions.insert(terms, acc);
        acc
    }

    /// The model of a principal with these inputs.
    pub fn model(&mut self, inputs: &Inputs) -> Rc<Model> {
        if let Some(m) = self.models.get(inputs) {
            return m.clone();
        }
        let n = self.store.universe.len();
        // Refine "every action some allow names" by each statement's actions: each class ends
        // with the statements that name all of its actions and none of the others.
        let mut classes: Vec<(ActionSet, Signature)> = Vec::new();
        let store = &self.store;
        let sets = |cids: &mut dyn Iterator<Item = u32>| -> Vec<&ActionSet> {
            cids.map(|c| &store.compiled(c).actions).collect()
        };
        let allow_sets = sets(&mut inputs.allows.iter().map(|a| a.0));
        let deny_sets = sets(&mut inputs.denies.iter().map(|d| d.0));
        let bound_sets = sets(&mut inputs.boundary.iter().flatten().map(|b| b.0));
        let all = allow_sets
            .iter()
            .fold(ActionSet::Sparse(Vec::new()), |acc, s| acc.union(s, n));
        if !all.is_empty() {
            classes.push((all, Signature::default()));
        }
        for (which, list) in [&allow_sets, &deny_sets, &bound_sets]
            .into_iter()
            .enumerate()
        {
            for (i, set) in list.iter().enumerate() {
                classes = refine(classes, set, |sig| match which {
                    0 => sig.0.push(i),
                    1 => sig.1.push(i),
                    _ => sig.2.push(i),
                });
            }
        }
        let mut out = Vec::with_capacity(classes.len());
        for (actions, sig) in classes {
            let (node, via) = self.formula(inputs, &sig.0, &sig.1, &sig.2);
            if node != FALSE {
                out.push(Class { actions, node, via });
            }
        }
        let m = Rc::new(Model { classes: out });
        self.models.insert(inputs.clone(), m.clone());
        m
    }

    fn formula(
        &mut self,
        inputs: &Inputs,
        allow: &[usize],
        deny: &[usize],
        bound: &[usize],
    ) -> (Node, u32) {
        let mut node = self.any_of(allow.iter().map(|i| inputs.allows[*i].1));
        if let Some(b) = &inputs.boundary {
            let in_bound = self.any_of(bound.iter().map(|i| b[*i].1));
            node = self.bdd.and(node, in_bound);
        }
        let denied = self.any_of(deny.iter().map(|i| inputs.denies[*i].1));
        let not_denied = self.bdd.not(denied);
        node = self.bdd.and(node, not_denied);
        let mut lists: Vec<u32> = allow.iter().map(|i| inputs.allows[*i].2).collect();
        lists.sort_unstable();
        lists.dedup();
        if let Some(via) = self.label_unions.get(&lists) {
            return (node, *via);
        }
        let mut via: Vec<String> = Vec::new();
        for l in &lists {
            via.extend(self.label_lists.get(*l).iter().cloned());
        }
        let via = self.label_lists.intern(via);
        self.label_unions.insert(lists, via);
        (node, via)
    }

    /// What `new` allows that `old` does not, and the reverse.
    pub fn difference(&mut self, old: Node, new: Node) -> (Node, Node) {
        let (not_old, not_new) = (self.bdd.not(old), self.bdd.not(new));
        (self.bdd.and(new, not_old), self.bdd.and(old, not_new))
    }

    /// The regions of requests where `node` is true, merged by conditions; empty when none can
    /// happen (a region named by a resource pattern that another excludes).
    pub fn regions(&mut self, node: Node) -> Rc<Vec<Region>> {
        if let Some(r) = self.regions.get(&node) {
            return r.clone();
        }
        let found = match self.bdd.paths(node, PATH_LIMIT) {
            Some(paths) => paths.iter().filter_map(|p| self.region(p)).collect(),
            // Too many cases to list: everything the formula mentions, widened.
            None => vec![Region {
                resources: vec!["*".to_owned()],
                ..Region::default()
            }],
        };
        let merged = Rc::new(merge(found));
        self.regions.insert(node, merged.clone());
        merged
    }

    /// The region of one path, or `None` when no request is in it.
    fn region(&self, path: &[Lit]) -> Option<Region> {
        let mut positive: Vec<&[Shape]> = Vec::new();
        let mut texts: Vec<&[String]> = Vec::new();
        let mut negative: Vec<(&String, &Shape)> = Vec::new();
        let mut r = Region::default();
        for (atom, holds) in path {
            match (self.store.atom(*atom), holds) {
                (Atom::Resource { patterns, shapes }, true) => {
                    positive.push(shapes);
                    texts.push(patterns);
                }
                (Atom::Resource { patterns, shapes }, false) => {
                    negative.extend(patterns.iter().zip(shapes));
                }
                (
                    Atom::Condition {
                        operator,
                        key,
                        values,
                    },
                    holds,
                ) => {
                    let into = if *holds {
                        &mut r.conditions
                    } else {
                        &mut r.unless
                    };
                    into.entry(operator.clone())
                        .or_default()
                        .entry(key.clone())
                        .or_default()
                        .extend(values.iter().cloned());
                }
            }
        }
        let mut kept: Vec<(String, Shape)> = vec![("*".to_owned(), Shape::Star)];
        for (shapes, patterns) in positive.iter().zip(&texts) {
            kept = intersect(&kept, patterns, shapes);
        }
        let kept = resources::without_covered(&kept);
        let kept: Vec<(String, Shape)> = kept
            .into_iter()
            .filter(|(_, s)| !negative.iter().any(|(_, n)| n.covers(s)))
            .collect();
        if kept.is_empty() {
            return None;
        }
        r.not_resources = negative
            .iter()
            .filter(|(_, n)| kept.iter().any(|(_, s)| !n.disjoint(s)))
            .map(|(t, _)| (*t).clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        r.resources = kept.into_iter().map(|(t, _)| t).collect();
        Some(r)
    }

    /// Whether `node` is true for every request (no resource, no condition restricts it).
    pub fn is_everything(node: Node) -> bool {
        node == TRUE
    }
}

/// The patterns named by both `current` and one of `patterns`: of each pair, the narrower when
/// one covers the other, nothing when they are disjoint, else the first (a wider answer).
fn intersect(
    current: &[(String, Shape)],
    patterns: &[String],
    shapes: &[Shape],
) -> Vec<(String, Shape)> {
    let mut out = Vec::new();
    for (text, shape) in current {
        for (p, q) in patterns.iter().zip(shapes) {
            if q.covers(shape) {
                out.push((text.clone(), shape.clone()));
            } else if shape.covers(q) {
                out.push((p.clone(), q.clone()));
            } else if !shape.disjoint(q) {
                out.push((text.clone(), shape.clone()));
            }
        }
    }
    out
}

/// Regions with the same conditions and exclusions, as one with their resources together.
fn merge(found: Vec<Region>) -> Vec<Region> {
    let mut by: BTreeMap<(Condition, Condition, Vec<String>), Vec<String>> = BTreeMap::new();
    for r in found {
        by.entry((r.conditions, r.unless, r.not_resources))
            .or_default()
            .extend(r.resources);
    }
    by.into_iter()
        .map(|((conditions, unless, not_resources), resources)| {
            let shaped: Vec<(String, Shape)> = resources
                .into_iter()
                .map(|t| {
                    let s = Shape::of(&t);
                    (t, s)
                })
                .collect();
            Region {
                resources: resources::without_covered(&shaped)
                    .into_iter()
                    .map(|(t, _)| t)
                    .collect(),
                not_resources,
                conditions,
                unless,
            }
        })
        .collect()
}
