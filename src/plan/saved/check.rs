//! What a saved plan must satisfy before anything reads it as a plan: its shape (operation ids,
//! dependencies, no cycle, the summary of its changes), the agreement of its operations with its
//! changes (what `show` prints with what `apply` runs), and the first difference between a saved
//! plan and the plan its configuration makes now.
//!
//! Every check answers with a sentence naming the operation or change concerned, never a panic:
//! the file may have been written by anyone.

use crate::diff::{Change, Diff, Entity};
use crate::model::{Account, Address};
use crate::plan::{Plan, PlannedOperation, Summary, FORMAT_VERSION};
use std::collections::{BTreeMap, BTreeSet};

/// The shape every plan must have: a known format, operation ids numbering the operations in
/// order, dependencies on other operations of the plan without a cycle, each change once, each
/// operation's address the entity its call acts on, and `summary` the count of its changes.
pub fn structure(plan: &Plan, summary: &Summary) -> Result<(), String> {
    if plan.format_version != FORMAT_VERSION {
        return Err(format!(
            "it has format_version {}, but this iamform reads {FORMAT_VERSION}",
            plan.format_version
        ));
    }
    ids(&plan.operations)?;
    dependencies(&plan.operations)?;
    if let Some(cycle) = cycle(&plan.operations) {
        let path: Vec<String> = cycle.iter().map(ToString::to_string).collect();
        return Err(format!(
            "operations {} depend on each other in a cycle: no order can apply them",
            path.join(" -> ")
        ));
    }
    for o in &plan.operations {
        let target = o.operation.target();
        if o.address != target {
            return Err(format!(
                "operation {} gives the address {}, but `{}` acts on {target}",
                o.id, o.address, o.operation
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for c in &plan.changes {
        if !seen.insert(&c.address) {
            return Err(format!("the change of {} is listed twice", c.address));
        }
    }
    if *summary != plan.summary() {
        return Err(
            "its summary does not count its changes (the counts were edited, or the changes)"
                .to_owned(),
        );
    }
    Ok(())
}

fn ids(ops: &[PlannedOperation]) -> Result<(), String> {
    let n = ops.len();
    let mut at: BTreeMap<usize, usize> = BTreeMap::new();
    for (position, o) in ops.iter().enumerate() {
        if let Some(first) = at.insert(o.id, position) {
            return Err(format!(
                "operation id {} appears twice (the operations at positions {first} and {position})",
                o.id
            ));
        }
    }
    for (position, o) in ops.iter().enumerate() {
        if o.id >= n {
            return Err(format!(
                "operation id {} is out of range: the {n} operations are numbered 0 to {}",
                o.id,
                n.saturating_sub(1)
            ));
        }
        if o.id != position {
            return Err(format!(
                "the operation at position {position} has id {}: operations are listed in id order",
                o.id
            ));
        }
    }
    Ok(())
}

fn dependencies(ops: &[PlannedOperation]) -> Result<(), String> {
    let n = ops.len();
    for o in ops {
        let mut seen = BTreeSet::new();
        for &d in &o.depends_on {
            if d >= n {
                return Err(format!(
                    "operation {} depends on {d}, which is not an operation of this plan (ids 0 to {})",
                    o.id,
                    n.saturating_sub(1)
                ));
            }
            if d == o.id {
                return Err(format!("operation {} depends on itself", o.id));
            }
            if !seen.insert(d) {
                return Err(format!("operation {} lists dependency {d} twice", o.id));
            }
        }
    }
    Ok(())
}

/// A cycle of dependencies, as ids from one operation back to it; `None` when there is none.
/// Ids and dependencies must already be in range.
fn cycle(ops: &[PlannedOperation]) -> Option<Vec<usize>> {
    // Iterative depth-first search: 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; ops.len()];
    for start in 0..ops.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let deps = &ops[node].depends_on;
            if *next == deps.len() {
                state[node] = 2;
                stack.pop();
                continue;
            }
            let d = deps[*next];
            *next += 1;
            match state[d] {
                0 => {
                    state[d] = 1;
                    stack.push((d, 0));
                }
                1 => {
                    let from = stack.iter().position(|(n, _)| *n == d).unwrap_or(0);
                    let mut path: Vec<usize> = stack[from..].iter().map(|(n, _)| *n).collect();
                    path.push(d);
                    return Some(path);
                }
                _ => {}
            }
        }
    }
    None
}

/// Whether the plan's operations are exactly what its changes do, as far as the file alone can
/// tell: every operation the changes call for is in the plan, and every other operation acts on
/// an entity the plan does not change, because of one the plan deletes or replaces (a detachment
/// from a holder outside the configuration, say, which `show` lists apart). The error names the
/// first operation that does not fit.
pub fn operations_match_changes(plan: &Plan) -> Result<(), String> {
    let mut before = Account::default();
    let mut after = Account::default();
    for c in &plan.changes {
        c.before.iter().for_each(|e| put(&mut before, e));
        c.after.iter().for_each(|e| put(&mut after, e));
    }
    let diff = Diff {
        changes: plan.changes.clone(),
        unmanaged: plan.unmanaged.clone(),
    };
    let rebuilt = crate::plan::build(diff, &after, &before, &plan.account_id, &BTreeMap::new())
        .map_err(|e| format!("its changes cannot be planned: {e}"))?;
    let key = |o: &PlannedOperation| serde_json::to_string(&o.operation).unwrap_or_default();
    let expected: BTreeSet<String> = rebuilt.operations.iter().map(key).collect();
    let present: BTreeSet<String> = plan.operations.iter().map(key).collect();
    if let Some(missing) = rebuilt
        .operations
        .iter()
        .find(|o| !present.contains(&key(o)))
    {
        return Err(format!(
            "its changes call for `{}`, which is not among its operations",
            missing.operation
        ));
    }
    let changed: BTreeSet<&Address> = plan.changes.iter().map(|c| &c.address).collect();
    let removed: BTreeSet<&Address> = plan
        .changes
        .iter()
        .filter(|c| c.before.is_some() && c.action != crate::diff::Action::Update)
        .map(|c| &c.address)
        .collect();
    for o in plan
        .operations
        .iter()
        .filter(|o| !expected.contains(&key(o)))
    {
        let target = o.operation.target();
        let because_of_a_removal = !changed.contains(&target)
            && o.operation
                .effects(&plan.account_id)
                .dependencies()
                .iter()
                .any(|a| *a != target && removed.contains(a));
        if !because_of_a_removal {
            return Err(format!(
                "operation {} `{}` is not what any of its changes does",
                o.id, o.operation
            ));
        }
    }
    Ok(())
}

fn put(account: &mut Account, entity: &Entity) {
    crate::plan::insert(account, entity.clone());
}

/// The first way in which `saved` is not `derived` (the plan its configuration makes of the
/// account now), as a sentence; `None` when they are the same plan.
pub fn first_difference(saved: &Plan, derived: &Plan) -> Option<String> {
    let (s, d) = (&saved.operations, &derived.operations);
    for i in 0..s.len().max(d.len()) {
        let line = |o: &PlannedOperation| format!("`{}`", o.operation);
        match (s.get(i), d.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) if a.operation != b.operation => {
                return Some(if a.operation.to_string() == b.operation.to_string() {
                    format!(
                        "operation {i} {} is not what the configuration plans: a document or \
                         another value in it differs",
                        line(a)
                    )
                } else {
                    format!(
                        "operation {i} is {} in the file, but the configuration plans {} there",
                        line(a),
                        line(b)
                    )
                });
            }
            (Some(a), Some(b)) => {
                return Some(format!(
                    "operation {i} {} has other dependencies in the file ({:?}) than the \
                     configuration plans ({:?})",
                    line(a),
                    a.depends_on,
                    b.depends_on
                ))
            }
            (Some(a), None) => {
                return Some(format!(
                "operation {i} {} is in the file, but the configuration plans only {} operations",
                line(a),
                d.len()
            ))
            }
            (None, Some(b)) => {
                return Some(format!(
                    "the configuration plans operation {i} {}, which the file does not hold",
                    line(b)
                ))
            }
            (None, None) => {}
        }
    }
    first_change_difference(&saved.changes, &derived.changes).or_else(|| {
        if saved.account_id != derived.account_id {
            Some("its account id differs".to_owned())
        } else if saved.targets != derived.targets {
            Some("its targets differ".to_owned())
        } else if saved.unmanaged != derived.unmanaged {
            Some("its counts of unmanaged entities differ".to_owned())
        } else {
            None
        }
    })
}

fn first_change_difference(saved: &[Change], derived: &[Change]) -> Option<String> {
    for i in 0..saved.len().max(derived.len()) {
        match (saved.get(i), derived.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) if a.address == b.address => {
                return Some(format!("the change of {} differs", a.address))
            }
            (Some(a), _) => {
                return Some(format!(
                    "the change of {} is not what the configuration plans",
                    a.address
                ))
            }
            (None, Some(b)) => {
                return Some(format!(
                    "the configuration plans a change of {}, which the file does not hold",
                    b.address
                ))
            }
            (None, None) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::model::{Group, Kind, Name, Scope, User};
    use crate::operation::{Operation, UserOp};

    fn sample() -> Plan {
        let mut live = Account::default();
        let old: User =
            serde_json::from_value(serde_json::json!({"name": "old", "groups": ["g"]})).unwrap();
        live.users.insert("old".into(), old);
        let g = Group {
            name: "g".into(),
            path: "/".into(),
            policies: ["arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()].into(),
            inline_policies: Default::default(),
        };
        live.groups.insert("g".into(), g.clone());
        let mut desired = Account::default();
        let new: User =
            serde_json::from_value(serde_json::json!({"name": "new", "groups": ["g"]})).unwrap();
        desired.users.insert("new".into(), new);
        desired.groups.insert("g".into(), g);
        let scope = Scope {
            paths: vec!["/".into()],
            exclude: vec![],
            kinds: None,
        };
        crate::plan::build(
            diff(&desired, &live, Some(&scope)),
            &desired,
            &live,
            "123456789012",
            &BTreeMap::new(),
        )
        .unwrap()
    }

    fn check(plan: &Plan) -> Result<(), String> {
        structure(plan, &plan.summary())
    }

    #[test]
    fn a_real_plan_passes_every_check() {
        let plan = sample();
        assert!(plan.operations.len() >= 4, "{plan:?}");
        assert_eq!(check(&plan), Ok(()));
        assert_eq!(operations_match_changes(&plan), Ok(()));
        assert_eq!(first_difference(&plan, &plan), None);
    }

    #[test]
    fn bad_shapes_are_named() {
        let plan = sample();
        let with = |f: &dyn Fn(&mut Plan)| {
            let mut p = plan.clone();
            f(&mut p);
            check(&p).unwrap_err()
        };
        let e = with(&|p| p.operations[1].id = 0);
        assert!(e.contains("operation id 0 appears twice"), "{e}");
        let e = with(&|p| p.operations[1].id = 99);
        assert!(e.contains("operation id 99 is out of range"), "{e}");
        let e = with(&|p| p.operations.swap(0, 1));
        assert!(e.contains("position 0 has id 1"), "{e}");
        let e = with(&|p| p.operations[2].depends_on = vec![17]);
        assert!(
            e.contains("depends on 17, which is not an operation"),
            "{e}"
        );
        let e = with(&|p| p.operations[2].depends_on = vec![2]);
        assert!(e.contains("operation 2 depends on itself"), "{e}");
        let e = with(&|p| p.operations[2].depends_on = vec![1, 1]);
        assert!(e.contains("lists dependency 1 twice"), "{e}");
        let e = with(&|p| {
            p.operations[0].depends_on = vec![2];
            p.operations[2].depends_on = vec![1];
            p.operations[1].depends_on = vec![0];
        });
        assert!(
            e.contains("operations 0 -> 2 -> 1 -> 0 depend on each other"),
            "{e}"
        );
        let e = with(&|p| p.format_version = 7);
        assert!(e.contains("format_version 7"), "{e}");
        let e = with(&|p| p.operations[0].address = "user.someone".parse().unwrap());
        assert!(e.contains("gives the address user.someone"), "{e}");
        let e = with(&|p| {
            let c = p.changes[0].clone();
            p.changes.push(c);
        });
        assert!(e.contains("listed twice"), "{e}");
        let e = structure(&plan, &Summary::default()).unwrap_err();
        assert!(e.contains("summary"), "{e}");
    }

    #[test]
    fn operations_that_the_changes_do_not_explain_are_named() {
        let plan = sample();
        let mut added = plan.clone();
        let op = Operation::from(UserOp::DeleteUser {
            user: Name::from("bystander"),
        });
        added.operations.push(PlannedOperation {
            id: added.operations.len(),
            address: Address::new(Kind::User, "bystander"),
            operation: op,
            depends_on: vec![],
        });
        let e = operations_match_changes(&added).unwrap_err();
        assert!(
            e.contains("`DeleteUser user.bystander` is not what any of its changes does"),
            "{e}"
        );

        let mut removed = plan.clone();
        let gone = removed.operations.pop().unwrap();
        let e = operations_match_changes(&removed).unwrap_err();
        assert!(e.contains(&format!("call for `{}`", gone.operation)), "{e}");
        let d = first_difference(&removed, &plan).unwrap();
        assert!(d.contains("which the file does not hold"), "{d}");
        let d = first_difference(&added, &plan).unwrap();
        assert!(
            d.contains("`DeleteUser user.bystander` is in the file"),
            "{d}"
        );
    }
}
