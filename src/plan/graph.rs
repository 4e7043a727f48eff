//! Step 2 of plan building: ordering edges from the annotations of `ops.rs`, then a stable
//! topological order (petgraph), or an error naming the addresses of a cycle.
//!
//! The rules of DESIGN.md section 4, each one relation over keys:
//! - create before use: an operation that uses K runs after the one that creates K;
//! - release before delete: detaching, removing, deleting inline policies and credentials of K
//!   run before K (or a policy K) is deleted;
//! - delete before re-create: a replacement deletes the old entity before creating the new one;
//! - grants before revocations: within one principal that stays, attaching or adding runs before
//!   detaching or removing, so an apply never leaves it with less access than both old and new;
//! - the oldest policy version is deleted before a new one is created (five at most);
//! - an instance profile's old role is removed before its new one is added (one at most).

use super::ops::{Access, Key, Node};
use crate::model::Address;
use crate::plan::operation::Operation;
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// `(before, after)` pairs of node indices.
pub(crate) fn edges(nodes: &[Node], removed: &BTreeSet<Address>) -> BTreeSet<(usize, usize)> {
    let mut by_key: HashMap<&Key, Roles> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        for k in &n.creates {
            by_key.entry(k).or_default().creates.push(i);
        }
        for k in &n.deletes {
            by_key.entry(k).or_default().deletes.push(i);
        }
        for k in &n.uses {
            by_key.entry(k).or_default().uses.push(i);
        }
        for k in &n.releases {
            by_key.entry(k).or_default().releases.push(i);
        }
    }
    let mut out = BTreeSet::new();
    let mut link = |a: usize, b: usize| {
        if a != b {
            out.insert((a, b));
        }
    };
    for roles in by_key.values() {
        for &c in &roles.creates {
            roles.uses.iter().for_each(|&u| link(c, u));
        }
        for &d in &roles.deletes {
            roles.releases.iter().for_each(|&r| link(r, d));
            roles.creates.iter().for_each(|&c| link(d, c));
        }
    }
    grants_before_revokes(nodes, removed, &mut link);
    one_at_a_time(nodes, &mut link);
    out
}

#[derive(Default)]
struct Roles {
    creates: Vec<usize>,
    deletes: Vec<usize>,
    uses: Vec<usize>,
    releases: Vec<usize>,
}

fn grants_before_revokes(
    nodes: &[Node],
    removed: &BTreeSet<Address>,
    link: &mut impl FnMut(usize, usize),
) {
    /// Per principal: its grant nodes and its revoke nodes, each with what it is about.
    type Changes<'n> = Vec<(usize, &'n Option<Key>)>;
    let mut by_principal: HashMap<&Key, (Changes, Changes)> = HashMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if let Some((access, principal, about)) = &n.access {
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
        for &(g, g_about) in &grants {
            for &(r, r_about) in &revokes {
                // Re-attaching a replaced policy follows its own teardown instead.
                if g_about.is_none() || g_about != r_about {
                    link(g, r);
                }
            }
        }
    }
}

fn one_at_a_time(nodes: &[Node], link: &mut impl FnMut(usize, usize)) {
    for (i, a) in nodes.iter().enumerate() {
        for (j, b) in nodes.iter().enumerate() {
            let ordered = match (&a.op, &b.op) {
                (
                    Operation::DeletePolicyVersion { policy_arn: x, .. },
                    Operation::CreatePolicyVersion { policy_arn: y, .. },
                ) => x == y,
                (
                    Operation::RemoveRoleFromInstanceProfile {
                        instance_profile: x,
                        ..
                    },
                    Operation::AddRoleToInstanceProfile {
                        instance_profile: y,
                        ..
                    },
                ) => x == y,
                _ => false,
            };
            if ordered {
                link(i, j);
            }
        }
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
