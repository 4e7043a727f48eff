//! The actions the access model speaks of, as small integers: every action of the embedded
//! catalog (about 22,000), then the actions the documents at hand name explicitly that the catalog
//! does not know (`s3:BrandNewAction`, or a made-up name a test uses), so that a grant of them is
//! still reported. A statement's `Action` / `NotAction` becomes a set of these integers, expanded
//! once with the evaluator's own matching ([`matcher::action_matches`]), so that the model and
//! `can` never disagree on which actions a pattern names.

use super::matcher;
use crate::catalog::{AccessLevel, Action as CatalogAction, Catalog, Service};
use crate::model::policy::Statement;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

pub type ActionId = u32;

/// The catalog's actions, numbered once per process.
struct Base {
    /// `prefix:Name`, as the catalog spells them, by id.
    names: Vec<String>,
    /// Lowercase `prefix:name` -> id.
    index: HashMap<String, ActionId>,
    /// Lowercase prefix -> the ids of its actions, sorted by prefix.
    services: Vec<(String, Range<ActionId>)>,
    entries: Vec<(&'static Service, &'static CatalogAction)>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut b = Base {
            names: Vec::new(),
            index: HashMap::new(),
            services: Vec::new(),
            entries: Vec::new(),
        };
        // An unreadable catalog (a corrupt build) leaves only the explicitly named actions.
        if let Ok(catalog) = Catalog::embedded() {
            for service in catalog.services() {
                let start = b.names.len() as ActionId;
                for action in service.actions() {
                    let name = format!("{}:{}", service.prefix, action.name);
                    b.index
                        .insert(name.to_ascii_lowercase(), b.names.len() as ActionId);
                    b.names.push(name);
                    b.entries.push((service, action));
                }
                let end = b.names.len() as ActionId;
                b.services
                    .push((service.prefix.to_ascii_lowercase(), start..end));
            }
            b.services.sort_by(|x, y| x.0.cmp(&y.0));
        }
        b
    })
}

/// How many actions the catalog has: a principal granted all of them has every action (`*`).
pub fn catalog_len() -> usize {
    base().names.len()
}

/// The catalog's access level of an action named `prefix:Name` (case ignored).
pub fn level_of(action: &str) -> Option<AccessLevel> {
    let b = base();
    let id = *b.index.get(&action.to_ascii_lowercase())?;
    Some(b.entries[id as usize].1.level)
}

/// The catalog's actions and the extra ones of one computation.
pub struct Universe {
    base: &'static Base,
    extras: Vec<String>,
    extra_index: HashMap<String, ActionId>,
    expansions: HashMap<String, ActionSet>,
}

impl Universe {
    /// The catalog's actions, plus every action `statements` name without a wildcard that the
    /// catalog does not know.
    pub fn new<'s>(statements: impl IntoIterator<Item = &'s Statement>) -> Universe {
        let base = base();
        let mut u = Universe {
            base,
            extras: Vec::new(),
            extra_index: HashMap::new(),
            expansions: HashMap::new(),
        };
        for s in statements {
            for list in [&s.action, &s.not_action].into_iter().flatten() {
                for name in list {
                    u.add_extra(name);
                }
            }
        }
        u
    }

    fn add_extra(&mut self, name: &str) {
        if name.contains(['*', '?']) {
            return;
        }
        let lower = name.to_ascii_lowercase();
        if self.base.index.contains_key(&lower) || self.extra_index.contains_key(&lower) {
            return;
        }
        let id = (self.base.names.len() + self.extras.len()) as ActionId;
        self.extra_index.insert(lower, id);
        self.extras.push(name.to_owned());
    }

    /// How many actions there are.
    pub fn len(&self) -> usize {
        self.base.names.len() + self.extras.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of an action, as the catalog (or the first document naming it) spells it.
    pub fn name(&self, id: ActionId) -> &str {
        let i = id as usize;
        match self.base.names.get(i) {
            Some(n) => n,
            None => &self.extras[i - self.base.names.len()],
        }
    }

    /// The id of an action named `prefix:Name` (case ignored), if it is one of the universe.
    pub fn id(&self, name: &str) -> Option<ActionId> {
        let lower = name.to_ascii_lowercase();
        self.base
            .index
            .get(&lower)
            .or_else(|| self.extra_index.get(&lower))
            .copied()
    }

    /// The catalog's entry of an action; `None` for an action the catalog does not know.
    pub fn entry(&self, id: ActionId) -> Option<(&'static Service, &'static CatalogAction)> {
        self.base.entries.get(id as usize).copied()
    }

    pub fn level(&self, id: ActionId) -> Option<AccessLevel> {
        self.entry(id).map(|(_, a)| a.level)
    }

    /// Whether the action is one of the catalog's.
    pub fn in_catalog(&self, id: ActionId) -> bool {
        (id as usize) < self.base.names.len()
    }

    /// The actions a statement's `Action` (or, complemented, `NotAction`) names.
    pub fn statement_actions(&mut self, s: &Statement) -> ActionSet {
        match (&s.action, &s.not_action) {
            (Some(list), _) => self.union_of(list),
            (None, Some(list)) => self.union_of(list).complement(self.len()),
            (None, None) => ActionSet::Sparse(Vec::new()),
        }
    }

    fn union_of<'v>(&mut self, patterns: impl IntoIterator<Item = &'v String>) -> ActionSet {
        let mut acc = ActionSet::Sparse(Vec::new());
        for p in patterns {
            let one = self.expand(p);
            acc = acc.union(&one, self.len());
        }
        acc
    }

    /// Every action `pattern` matches, as the evaluator matches it (case ignored).
    fn expand(&mut self, pattern: &str) -> ActionSet {
        if let Some(found) = self.expansions.get(pattern) {
            return found.clone();
        }
        let n = self.len();
        let set = if pattern == "*" {
            ActionSet::full(n)
        } else if pattern.is_ascii() && !pattern.contains(['*', '?']) {
            // No wildcard: the action of that name (case ignored), as matching would find it.
            ActionSet::Sparse(self.id(pattern).into_iter().collect())
        } else {
            let range = match pattern.split_once(':') {
                Some((prefix, _)) if !prefix.contains(['*', '?']) => {
                    let lower = prefix.to_ascii_lowercase();
                    let services = &self.base.services;
                    services
                        .binary_search_by(|(p, _)| p.as_str().cmp(lower.as_str()))
                        .map_or(0..0, |i| services[i].1.clone())
                }
                _ => 0..self.base.names.len() as ActionId,
            };
            let mut ids: Vec<ActionId> = range
                .filter(|id| matcher::action_matches(pattern, &self.base.names[*id as usize]))
                .collect();
            let first_extra = self.base.names.len();
            ids.extend(
                self.extras
                    .iter()
                    .enumerate()
                    .filter(|(_, name)| matcher::action_matches(pattern, name))
                    .map(|(i, _)| (first_extra + i) as ActionId),
            );
            ActionSet::from_sorted(ids, n)
        };
        self.expansions.insert(pattern.to_owned(), set.clone());
        set
    }
}

/// Above this many members a set is kept as a bitmap.
const SPARSE_LIMIT: usize = 512;

/// A set of actions: a sorted list when small, a bitmap over the universe when large.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ActionSet {
    Sparse(Vec<ActionId>),
    Dense(Vec<u64>),
}

impl ActionSet {
    fn full(n: usize) -> ActionSet {
        let mut words = vec![u64::MAX; n.div_ceil(64)];
        if !n.is_multiple_of(64) {
            if let Some(last) = words.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        ActionSet::Dense(words)
    }

    fn from_sorted(ids: Vec<ActionId>, n: usize) -> ActionSet {
        if ids.len() <= SPARSE_LIMIT {
            ActionSet::Sparse(ids)
        } else {
            let mut words = vec![0u64; n.div_ceil(64)];
            for id in ids {
                words[id as usize / 64] |= 1 << (id % 64);
            }
            ActionSet::Dense(words)
        }
    }

    fn dense(&self, n: usize) -> Vec<u64> {
        match self {
            ActionSet::Dense(w) => w.clone(),
            ActionSet::Sparse(ids) => {
                let mut words = vec![0u64; n.div_ceil(64)];
                for id in ids {
                    words[*id as usize / 64] |= 1 << (id % 64);
                }
                words
            }
        }
    }

    fn compact(words: Vec<u64>) -> ActionSet {
        let count: u32 = words.iter().map(|w| w.count_ones()).sum();
        if count as usize <= SPARSE_LIMIT {
            ActionSet::Sparse(Self::iter_words(&words).collect())
        } else {
            ActionSet::Dense(words)
        }
    }

    fn iter_words(words: &[u64]) -> impl Iterator<Item = ActionId> + '_ {
        words.iter().enumerate().flat_map(|(i, w)| {
            let mut w = *w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros();
                w &= w - 1;
                Some(i as ActionId * 64 + bit)
            })
        })
    }

    /// The actions of the universe of `n` actions that are not in the set.
    pub fn complement(&self, n: usize) -> ActionSet {
        let mut words = self.dense(n);
        let full = Self::full(n).dense(n);
        for (w, f) in words.iter_mut().zip(full) {
            *w = !*w & f;
        }
        Self::compact(words)
    }

    pub fn union(&self, other: &ActionSet, n: usize) -> ActionSet {
        match (self, other) {
            (ActionSet::Sparse(a), ActionSet::Sparse(b)) if a.len() + b.len() <= SPARSE_LIMIT => {
                let mut ids: Vec<ActionId> = a.iter().chain(b).copied().collect();
                ids.sort_unstable();
                ids.dedup();
                ActionSet::Sparse(ids)
            }
            _ => {
                let mut words = self.dense(n);
                match other {
                    ActionSet::Dense(o) => {
                        for (w, x) in words.iter_mut().zip(o) {
                            *w |= x;
                        }
                    }
                    ActionSet::Sparse(ids) => {
                        for id in ids {
                            words[*id as usize / 64] |= 1 << (id % 64);
                        }
                    }
                }
                Self::compact(words)
            }
        }
    }

    /// The actions in both sets.
    pub fn intersection(&self, other: &ActionSet) -> ActionSet {
        match (self, other) {
            (ActionSet::Dense(a), ActionSet::Dense(b)) => {
                Self::compact(a.iter().zip(b).map(|(x, y)| x & y).collect())
            }
            (ActionSet::Sparse(ids), set) | (set, ActionSet::Sparse(ids)) => {
                ActionSet::Sparse(ids.iter().copied().filter(|id| set.contains(*id)).collect())
            }
        }
    }

    /// The actions of the set that are not in `other`.
    pub fn difference(&self, other: &ActionSet) -> ActionSet {
        match (self, other) {
            (ActionSet::Sparse(ids), _) => ActionSet::Sparse(
                ids.iter()
                    .copied()
                    .filter(|id| !other.contains(*id))
                    .collect(),
            ),
            (ActionSet::Dense(a), ActionSet::Dense(b)) => {
                Self::compact(a.iter().zip(b).map(|(x, y)| x & !y).collect())
            }
            (ActionSet::Dense(a), ActionSet::Sparse(ids)) => {
                let mut words = a.clone();
                for id in ids {
                    if let Some(w) = words.get_mut(*id as usize / 64) {
                        *w &= !(1 << (id % 64));
                    }
                }
                Self::compact(words)
            }
        }
    }

    pub fn contains(&self, id: ActionId) -> bool {
        match self {
            ActionSet::Sparse(ids) => ids.binary_search(&id).is_ok(),
            ActionSet::Dense(words) => words
                .get(id as usize / 64)
                .is_some_and(|w| w & (1 << (id % 64)) != 0),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            ActionSet::Sparse(ids) => ids.is_empty(),
            ActionSet::Dense(words) => words.iter().all(|w| *w == 0),
        }
    }

    /// The members, in order.
    pub fn iter(&self) -> Box<dyn Iterator<Item = ActionId> + '_> {
        match self {
            ActionSet::Sparse(ids) => Box::new(ids.iter().copied()),
            ActionSet::Dense(words) => Box::new(Self::iter_words(words)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PolicyDocument;

    fn statement(json: &str) -> Statement {
        PolicyDocument::from_json_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{json}]}}"#
        ))
        .unwrap()
        .statements()[0]
            .clone()
    }

    #[test]
    fn patterns_expand_through_the_catalog_and_not_action_complements() {
        let s = statement(
            r#"{"Effect":"Allow","Action":["s3:Get*","S3:putobject","s3:MadeUp"],"Resource":"*"}"#,
        );
        let n = statement(r#"{"Effect":"Allow","NotAction":"s3:*","Resource":"*"}"#);
        let mut u = Universe::new([&s, &n]);
        assert!(u.len() > 20_000, "{}", u.len());
        let made_up = u.id("s3:madeup").expect("an extra action");
        assert!(!u.in_catalog(made_up));
        assert_eq!(u.name(made_up), "s3:MadeUp");
        let set = u.statement_actions(&s);
        let get = u.id("s3:GetObject").unwrap();
        let put = u.id("s3:PutObject").unwrap();
        let delete = u.id("s3:DeleteObject").unwrap();
        assert!(set.contains(get) && set.contains(put) && set.contains(made_up));
        assert!(!set.contains(delete));
        let not = u.statement_actions(&n);
        assert!(!not.contains(get) && !not.contains(made_up));
        let ec2 = u.id("ec2:RunInstances").unwrap();
        assert!(not.contains(ec2));
        assert_eq!(
            u.level(get),
            Some(AccessLevel::Read),
            "the catalog's access level"
        );
        // Every id the complement holds is a real action, and no s3 action is in it.
        assert!(not.iter().all(|id| (id as usize) < u.len()));
        assert!(not.iter().all(|id| !u.name(id).starts_with("s3:")));
    }

    #[test]
    fn sets_combine() {
        let n = 1000;
        let a = ActionSet::from_sorted((0..600).collect(), n);
        let b = ActionSet::Sparse(vec![5, 700, 999]);
        assert!(matches!(a, ActionSet::Dense(_)));
        let u = a.union(&b, n);
        assert!(u.contains(700) && u.contains(599) && !u.contains(600));
        let i = a.intersection(&b);
        assert_eq!(i, ActionSet::Sparse(vec![5]));
        assert_eq!(a.difference(&b).iter().count(), 599);
        assert_eq!(b.difference(&a), ActionSet::Sparse(vec![700, 999]));
        assert_eq!(a.difference(&a), ActionSet::Sparse(Vec::new()));
        let c = b.complement(n);
        assert_eq!(c.iter().count(), 997);
        assert!(!c.contains(5) && c.contains(6));
        assert!(ActionSet::full(n).complement(n).is_empty());
    }

    #[test]
    fn a_name_without_wildcard_is_the_one_action_matching_finds() {
        // No two catalog actions differ only by case, so a name finds one action by lookup.
        assert_eq!(base().index.len(), base().names.len());
        let s =
            statement(r#"{"Effect":"Allow","Action":["S3:GETOBJECT","s3:MadeUp"],"Resource":"*"}"#);
        let mut u = Universe::new([&s]);
        let set = u.statement_actions(&s);
        let matched: Vec<ActionId> = (0..u.len() as ActionId)
            .filter(|id| {
                ["S3:GETOBJECT", "s3:MadeUp"]
                    .iter()
                    .any(|p| matcher::action_matches(p, u.name(*id)))
            })
            .collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), matched);
        assert_eq!(matched.len(), 2);
    }
}
