//! Step 2 of plan building: ordering edges from the effects of each operation (`ops.rs`), then a stable
//! topological order (petgraph), or an error naming the addresses of a cycle.
//!
//! The rules of DESIGN.md section 4, each one relation over keys:
//! - create before use: an operation that uses K runs after the one that creates K;
//! - release before delete: detaching, removing, deleting inline policies and credentials of K
//!   run before K (or a policy K) is deleted;
//! - delete before re-create: a replacement deletes the old entity before creating the new one;
//! - grants before revocations: within one principal that stays, attaching or adding runs before
//!   detaching or removing, so an apply never leaves it with less access than both old and new —
//!   except where granting first would take the principal over an IAM quota (10 managed policies
//!   per user, group or role; 10 groups per user): there its revocations of that kind run first,
//!   as IAM would otherwise refuse the grant with LimitExceeded;
//! - room under a quota is made before it is taken: the oldest policy version is deleted before
//!   a new one is created (five at most), an instance profile's old role is removed before its new
//!   one is added (one at most).

use super::ops::Node;
use crate::model::iam::Quota;
use crate::model::{Account, Address, Kind};
use crate::operation::{Access, Key};
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// `(before, after)` pairs of node indices.
pub(crate) fn edges(
    nodes: &[Node],
    removed: &BTreeSet<Address>,
    live: &Account,
) -> BTreeSet<(usize, usize)> {
    let mut by_key: HashMap<&Key, Roles> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        let e = &n.effects;
        let lists = [
            (&e.creates, Role::Creates),
            (&e.deletes, Role::Deletes),
            (&e.needs, Role::Needs),
            (&e.releases, Role::Releases),
            (&e.frees, Role::Frees),
            (&e.fills, Role::Fills),
        ];
        for (keys, role) in lists {
            for k in keys {
                by_key.entry(k).or_default().0[role as usize].push(i);
            }
        }
    }
    let mut out = BTreeSet::new();
    let mut link = |a: usize, b: usize| {
        if a != b {
            out.insert((a, b));
        }
    };
    for Roles(r) in by_key.values() {
        let [creates, deletes, needs, releases, frees, fills] = r;
        // create before use
        for &c in creates {
            needs.iter().for_each(|&u| link(c, u));
        }
        for &d in deletes {
            // release before delete, delete before re-create
            releases.iter().for_each(|&r| link(r, d));
            creates.iter().for_each(|&c| link(d, c));
        }
        // room under a quota is made before it is taken
        for &f in frees {
            fills.iter().for_each(|&t| link(f, t));
        }
    }
    grants_before_revokes(nodes, removed, live, &mut link);
    out
}

/// What a node does with a key; the index into [`Roles`].
#[derive(Clone, Copy)]
enum Role {
    Creates,
    Deletes,
    Needs,
    Releases,
    Frees,
    Fills,
}

/// Per key, the nodes in each [`Role`].
#[derive(Default)]
struct Roles([Vec<usize>; 6]);

fn grants_before_revokes(
    nodes: &[Node],
    removed: &BTreeSet<Address>,
    live: &Account,
    link: &mut impl FnMut(usize, usize),
) {
    /// Per principal: its grant nodes and its revoke nodes, each with what it is about.
    type Changes<'n> = Vec<(usize, &'n Option<Key>)>;
    let mut by_principal: HashMap<&Key, (Changes, Changes)> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some((access, principal, about)) = &n.effects.access {
            let entry = by_principal.entry(principal).or_default();
            match access {
                Access::Grant => entry.0.push((i, about)),
                Access::Revoke => entry.1.push((i, about)),
            }
        }
    }
    for (principal, (grants, revokes)) in by_principal {
        if let Key::Entity(kind, name) = principal {
            if removed.contains(&Address::new(*kind, name.clone())) {
                continue; // torn down and re-created: its grants come after the teardown
            }
        }
        let quota = |about: &Option<Key>| counted_by(principal, about.as_ref());
        let mut full: Vec<Quota> = Vec::new();
        for q in grants.iter().filter_map(|(_, about)| quota(about)) {
            let granted = grants.iter().filter(|(_, a)| quota(a) == Some(q)).count();
            if !full.contains(&q) && held(live, principal, q) + granted > q.limit() {
                full.push(q);
            }
        }
        for &(g, g_about) in &grants {
            let tight = quota(g_about).filter(|q| full.contains(q));
            for &(r, r_about) in &revokes {
                if tight.is_some() {
                    // No room for the grant until the revocations of its kind made some.
                    if quota(r_about) == tight {
                        link(r, g);
                    }
                } else if g_about.is_none() || g_about != r_about {
                    // Re-attaching a replaced policy follows its own teardown instead.
                    link(g, r);
                }
            }
        }
    }
}

/// The count quota a grant to `principal` about `about` takes room under, if any: a managed
/// policy (a policy key) under the principal's managed policies per entity, a group under the
/// groups per user.
fn counted_by(principal: &Key, about: Option<&Key>) -> Option<Quota> {
    let Key::Entity(kind, _) = principal else {
        return None;
    };
    match about? {
        Key::Policy(_) => Some(Quota::policies_per(*kind)),
        Key::Entity(Kind::Group, _) if *kind == Kind::User => Some(Quota::GroupsPerUser),
        Key::Entity(..) => None,
    }
}

/// How much of `quota` the live principal uses.
fn held(live: &Account, principal: &Key, quota: Quota) -> usize {
    let Key::Entity(kind, name) = principal else {
        return 0;
    };
    match (kind, quota) {
        (Kind::User, Quota::GroupsPerUser) => live.users.get(name).map_or(0, |u| u.groups.len()),
        (Kind::User, _) => live.users.get(name).map_or(0, |u| u.policies.len()),
        (Kind::Group, _) => live.groups.get(name).map_or(0, |g| g.policies.len()),
        (Kind::Role, _) => live.roles.get(name).map_or(0, |r| r.policies.len()),
        _ => 0,
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "the plan has a dependency cycle between {}: {}\n  help: break the cycle, e.g. by not naming a role in the trust policy of a role it trusts",
    addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
    operations.join(" -> ")
)]
pub struct CycleError {
    pub addresses: Vec<Address>,
    pub operations: Vec<String>,
}

/// A topological order; among ready operations the earliest generated runs first, so the
/// order is stable for a given diff.
pub(crate) fn order(
    nodes: &[Node],
    edges: &BTreeSet<(usize, usize)>,
) -> Result<Vec<usize>, CycleError> {
    let mut graph: DiGraph<usize, ()> = DiGraph::with_capacity(nodes.len(), edges.len());
    for i in 0..nodes.len() {
        graph.add_node(i);
    }
    for &(a, b) in edges {
        graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
    }
    let mut indegree: Vec<usize> = (0..nodes.len())
        .map(|i| {
            graph
                .neighbors_directed(NodeIndex::new(i), petgraph::Incoming)
                .count()
        })
        .collect();
    let mut ready: BinaryHeap<Reverse<usize>> = (0..nodes.len())
        .filter(|&i| indegree[i] == 0)
        .map(Reverse)
        .collect();
    let mut out = Vec::with_capacity(nodes.len());
    while let Some(Reverse(i)) = ready.pop() {
        out.push(i);
        for next in graph.neighbors_directed(NodeIndex::new(i), petgraph::Outgoing) {
            let n = next.index();
            indegree[n] -= 1;
            if indegree[n] == 0 {
                ready.push(Reverse(n));
            }
        }
    }
    if out.len() == nodes.len() {
        return Ok(out);
    }
    // Name the smallest strongly connected component that is a real cycle.
    let cycle = petgraph::algo::tarjan_scc(&graph)
        .into_iter()
        .filter(|scc| scc.len() > 1)
        .min_by_key(Vec::len)
        .unwrap_or_default();
    let mut members: Vec<usize> = cycle.iter().map(|n| n.index()).collect();
    members.sort_unstable();
    let addresses: BTreeSet<Address> = members.iter().map(|&i| nodes[i].op.target()).collect();
    Err(CycleError {
        addresses: addresses.into_iter().collect(),
        operations: members.iter().map(|&i| nodes[i].op.to_string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Name};
    use crate::operation::{Access, Effects, GroupOp, Operation};

    /// A node acting on group `name` with these effects (the operation only labels it).
    fn node(name: &str, effects: Effects) -> Node {
        Node {
            op: Operation::from(GroupOp::UpdateGroupPath {
                group: Name::from(name),
                path: "/".into(),
            }),
            effects,
        }
    }

    fn key(name: &str) -> Key {
        Key::Entity(Kind::Group, Name::from(name))
    }

    fn edges_of(nodes: &[Node]) -> Vec<(usize, usize)> {
        edges(nodes, &BTreeSet::new(), &Account::default())
            .into_iter()
            .collect()
    }

    #[test]
    fn each_rule_is_one_relation_over_keys() {
        let e = Effects::default;
        let nodes = [
            node("use", e().needs([key("g")])),
            node("create", e().creates([key("g")])),
            node("release", e().releases([key("old")])),
            node("delete", e().deletes([key("old")])),
            node("recreate", e().creates([key("old")])),
            node("fill", e().fills([key("slot")])),
            node("free", e().frees([key("slot")])),
        ];
        assert_eq!(
            edges_of(&nodes),
            // create before use, release before delete, delete before re-create, free before fill
            vec![(1, 0), (2, 3), (3, 4), (6, 5)]
        );
    }

    #[test]
    fn grants_come_before_revocations_of_a_principal_that_stays() {
        let e = Effects::default;
        let (p, policy_a, policy_b) = (key("p"), Some(key("a")), Some(key("b")));
        let nodes = [
            node(
                "revoke a",
                e().access(Access::Revoke, p.clone(), policy_a.clone()),
            ),
            node("grant b", e().access(Access::Grant, p.clone(), policy_b)),
            node("grant a", e().access(Access::Grant, p.clone(), policy_a)),
        ];
        // Granting b precedes revoking a; re-granting a is not ordered against revoking a.
        assert_eq!(edges_of(&nodes), vec![(1, 0)]);
        let removed: BTreeSet<Address> = [Address::new(Kind::Group, "p")].into();
        assert!(
            edges(&nodes, &removed, &Account::default()).is_empty(),
            "a removed principal's grants follow its teardown instead"
        );
    }

    /// Defect 19.3: a user holding 10 managed policies (IAM's quota) that swaps one: attaching
    /// first would fail with LimitExceeded, so the detach runs first; a group added at the same
    /// time still comes before the group removal (the user is in 1 group).
    #[test]
    fn at_a_quota_the_revocations_of_its_kind_make_room_first() {
        let e = Effects::default;
        let user = Key::Entity(Kind::User, Name::from("ann"));
        let arn = |i: usize| format!("arn:aws:iam::123456789012:policy/p{i}");
        let mut live = Account::default();
        let held = serde_json::json!({ "name": "ann", "groups": ["old"],
            "policies": (0..10).map(arn).collect::<Vec<_>>() });
        live.users
            .insert(Name::from("ann"), serde_json::from_value(held).unwrap());
        let policy = |i: usize| Some(Key::Policy(arn(i)));
        let group = |g: &str| Some(Key::Entity(Kind::Group, Name::from(g)));
        let nodes = [
            node(
                "attach p10",
                e().access(Access::Grant, user.clone(), policy(10)),
            ),
            node(
                "detach p0",
                e().access(Access::Revoke, user.clone(), policy(0)),
            ),
            node(
                "add to new",
                e().access(Access::Grant, user.clone(), group("new")),
            ),
            node(
                "remove from old",
                e().access(Access::Revoke, user.clone(), group("old")),
            ),
        ];
        let edges: Vec<(usize, usize)> =
            edges(&nodes, &BTreeSet::new(), &live).into_iter().collect();
        assert_eq!(edges, vec![(1, 0), (2, 1), (2, 3)]);
        assert_eq!(
            edges_of(&nodes),
            vec![(0, 1), (0, 3), (2, 1), (2, 3)],
            "with room, every grant comes first"
        );
    }

    #[test]
    fn the_order_is_topological_and_stable() {
        let nodes: Vec<Node> = (0..4)
            .map(|i| node(&i.to_string(), Effects::default()))
            .collect();
        let edges: BTreeSet<(usize, usize)> = [(3, 0), (2, 1)].into();
        assert_eq!(order(&nodes, &edges).unwrap(), vec![2, 1, 3, 0]);
        assert_eq!(order(&nodes, &BTreeSet::new()).unwrap(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_cycle_names_its_addresses_and_operations() {
        let nodes: Vec<Node> = ["a", "b", "c"]
            .iter()
            .map(|n| node(n, Effects::default()))
            .collect();
        let edges: BTreeSet<(usize, usize)> = [(0, 1), (1, 0), (2, 0)].into();
        let e = order(&nodes, &edges).unwrap_err();
        let names: Vec<String> = e.addresses.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["group.a", "group.b"]);
        assert_eq!(
            e.operations,
            ["UpdateGroup group.a path /", "UpdateGroup group.b path /"]
        );
        assert!(e.to_string().contains("group.a, group.b"), "{e}");
    }
}
