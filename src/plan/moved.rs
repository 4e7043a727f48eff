//! Planning the renames of `moved` blocks (config → diff → **plan**): between reading the live
//! account and diffing it.
//!
//! [`rename_live`] decides, per move, what the live account says: the old entity exists and the
//! new name is free → a rename; only the new one exists → already done, nothing to do; neither
//! exists → nothing to rename (the entity is created as any other); both exist → an error. It
//! returns the live account *as if* the renames were done (users keep their groups, a renamed
//! group keeps its members), so that the diff against it holds only the real changes, and
//! [`mark_renames`] then flags (or adds) the change of each renamed entity with `moved_from`.
//! [`add_rename_nodes`] turns those changes into `UpdateUser` / `UpdateGroup` calls that run
//! before every other call on the new name. [`unmatched`] warns of the moves whose old name
//! matches nothing while the new one does not exist yet: most likely a wrong old name
//! (`user.lou_finch` for `lou.finch`), with which the plan creates a new entity and, when the
//! scope owns the old one, deletes it with its keys and MFA devices.

use super::ops::{Context, Node};
use super::Warning;
use crate::diff::{Action, Change, Diff, Entity};
use crate::model::{suggest, Account, Address, Kind, Name};
use crate::operation::{GroupOp, Key, UserOp};
use std::borrow::Cow;

/// A rename the plan will make: `from` exists live, `to` is declared and free.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rename {
    pub from: Address,
    pub to: Address,
}

fn exists(account: &Account, a: &Address) -> bool {
    match a.kind {
        Kind::User => account.users.contains_key(&a.name),
        Kind::Group => account.groups.contains_key(&a.name),
        _ => false,
    }
}

/// A `moved` block that cannot be planned: both of its ends exist in the account.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot rename {} to {}: both exist in the account", .0.from, .0.to)]
pub struct BothExist(pub Rename);

/// The live account with the moves (`moved` blocks, from old to new address) applied, and the
/// renames the plan must make. (Borrowed, not copied, when there is nothing to rename.)
pub fn rename_live<'a>(
    moves: &[Rename],
    live: &'a Account,
) -> Result<(Cow<'a, Account>, Vec<Rename>), Vec<BothExist>> {
    let mut renamed = Cow::Borrowed(live);
    let mut renames = Vec::new();
    let mut errors = Vec::new();
    for m in moves {
        if !matches!(m.from.kind, Kind::User | Kind::Group) || m.from.kind != m.to.kind {
            // The configuration check refuses these; never rename anything else.
            continue;
        }
        match (exists(live, &m.from), exists(live, &m.to)) {
            (true, false) => {
                rename(renamed.to_mut(), m.from.kind, &m.from.name, &m.to.name);
                renames.push(Rename {
                    from: m.from.clone(),
                    to: m.to.clone(),
                });
            }
            (true, true) => errors.push(BothExist(m.clone())),
            // Already renamed, or never existed: nothing to do.
            (false, _) => {}
        }
    }
    if errors.is_empty() {
        Ok((renamed, renames))
    } else {
        Err(errors)
    }
}

/// The warning for a move (`at` its block) whose ends both do not exist in `live`; `None`
/// when one does (a rename to make, or one made already).
pub fn unmatched(m: &Rename, live: &Account, at: Option<String>) -> Option<Warning> {
    if exists(live, &m.from) || exists(live, &m.to) {
        return None;
    }
    let names: Vec<&str> = match m.from.kind {
        Kind::User => live.users.values().map(|u| u.name.as_str()).collect(),
        Kind::Group => live.groups.values().map(|g| g.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let kind = m.from.kind;
    let close = suggest::closest(m.from.name.as_str(), names);
    let help = match close {
        Some(name) => format!(
            "did you mean `from = {}[{name:?}]`? The account has that {kind}.",
            kind.keyword()
        ),
        None => format!(
            "write the {kind}'s IAM name as the account has it, e.g. `from = {}[\"NAME\"]`; if nothing is renamed, remove the moved block",
            kind.keyword()
        ),
    };
    Some(Warning {
        message: format!(
            "this moved block renames nothing: the account has no {kind} named `{}`, so {} is created as a new {kind}",
            m.from.name, m.to
        ),
        at,
        help: Some(help),
    })
}

fn rename(account: &mut Account, kind: Kind, from: &Name, to: &Name) {
    match kind {
        Kind::User => {
            if let Some(mut u) = account.users.remove(from) {
                u.name = to.clone();
                account.users.insert(to.clone(), u);
            }
        }
        Kind::Group => {
            if let Some(mut g) = account.groups.remove(from) {
                g.name = to.clone();
                account.groups.insert(to.clone(), g);
            }
            for u in account.users.values_mut() {
                if u.groups.remove(from) {
                    u.groups.insert(to.clone());
                }
            }
        }
        _ => {}
    }
}

/// Sets `moved_from` on the change of each renamed entity, adding an update when the rename is
/// its only change. `renamed_live` is the account [`rename_live`] returned.
pub fn mark_renames(
    diff: &mut Diff,
    renames: &[Rename],
    desired: &Account,
    renamed_live: &Account,
) {
    for r in renames {
        if let Some(c) = diff.changes.iter_mut().find(|c| c.address == r.to) {
            c.moved_from = Some(r.from.clone());
            continue;
        }
        let change = Change {
            address: r.to.clone(),
            action: Action::Update,
            before: Entity::of(renamed_live, &r.to),
            after: Entity::of(desired, &r.to),
            reason: None,
            moved_from: Some(r.from.clone()),
            module: None,
        };
        let at = diff
            .changes
            .iter()
            .position(|c| c.address > r.to)
            .unwrap_or(diff.changes.len());
        diff.changes.insert(at, change);
    }
}

/// Adds the rename calls of the plan's changes; every other call on a renamed entity runs after
/// its rename (it uses the new name).
pub(crate) fn add_rename_nodes(changes: &[Change], nodes: &mut Vec<Node>, ctx: &Context) {
    for c in changes {
        let Some(from) = &c.moved_from else {
            continue;
        };
        let to = &c.address;
        let node = match to.kind {
            Kind::User => ctx.node(UserOp::RenameUser {
                user: from.name.clone(),
                new_name: to.name.clone(),
            }),
            Kind::Group => ctx.node(GroupOp::RenameGroup {
                group: from.name.clone(),
                new_name: to.name.clone(),
            }),
            _ => continue,
        };
        let key = Key::Entity(to.kind, to.name.clone());
        for n in nodes.iter_mut() {
            if n.op.target() == *to {
                n.effects.needs.push(key.clone());
            }
        }
        nodes.push(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::User;
    use crate::plan::tests::{group, user};
    use std::collections::BTreeSet;

    fn mv(from: &str, to: &str) -> Rename {
        Rename {
            from: from.parse().expect("address"),
            to: to.parse().expect("address"),
        }
    }

    fn account(users: Vec<User>, groups: Vec<crate::model::Group>) -> Account {
        let mut a = Account::default();
        for u in users {
            a.users.insert(u.name.clone(), u);
        }
        for g in groups {
            a.groups.insert(g.name.clone(), g);
        }
        a
    }

    #[test]
    fn a_renamed_group_keeps_its_members_and_a_renamed_user_its_groups() {
        let live = account(vec![user("old", &["devs"])], vec![group("devs", &[])]);
        let (renamed, renames) = rename_live(
            &[
                mv("user.old", "user.new"),
                mv("group.devs", "group.engineers"),
            ],
            &live,
        )
        .expect("no conflict");
        assert_eq!(renames.len(), 2);
        assert!(!renamed.users.contains_key(&Name::from("old")));
        let new = &renamed.users[&Name::from("new")];
        assert_eq!(new.name.as_str(), "new");
        assert_eq!(new.groups, BTreeSet::from([Name::from("engineers")]));
        assert!(renamed.groups.contains_key(&Name::from("engineers")));
    }

    #[test]
    fn what_the_live_account_says_decides_the_move() {
        let both = account(vec![user("old", &[]), user("new", &[])], vec![]);
        let errors = rename_live(&[mv("user.old", "user.new")], &both).expect_err("both exist");
        assert!(
            errors[0].to_string().contains("both exist"),
            "{:?}",
            errors[0]
        );

        let done = account(vec![user("new", &[])], vec![]);
        let (same, renames) = rename_live(&[mv("user.old", "user.new")], &done).expect("ok");
        assert!(renames.is_empty());
        assert_eq!(*same, done);

        let none = Account::default();
        let (same, renames) = rename_live(&[mv("user.old", "user.new")], &none).expect("ok");
        assert!(renames.is_empty());
        assert_eq!(*same, none);
    }

    #[test]
    fn a_move_whose_ends_are_both_missing_warns_with_the_closest_live_name() {
        let live = account(vec![user("lou.finch", &[])], vec![]);
        let w = unmatched(
            &mv("user.lou_finch", "user.lou"),
            &live,
            Some("main.hcl:3:1".into()),
        )
        .expect("a warning");
        assert!(w.message.contains("no user named `lou_finch`"), "{w:?}");
        assert_eq!(w.at.as_deref(), Some("main.hcl:3:1"));
        assert!(
            w.help
                .as_deref()
                .is_some_and(|h| h.contains("user[\"lou.finch\"]")),
            "{w:?}"
        );
        // A rename to make, or one made: no warning.
        assert_eq!(
            unmatched(&mv("user.lou.finch", "user.lou"), &live, None),
            None
        );
        assert_eq!(
            unmatched(&mv("user.gone", "user.lou.finch"), &live, None),
            None
        );
    }
}
