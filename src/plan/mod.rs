//! Plans: the operations DAG built from a diff, as versioned serde data.
//!
//! `build` runs the steps in order — generate annotated operations (`ops`), derive ordering edges
//! and a topological order (`graph`) — and returns a `Plan` that `render` prints and `apply` runs
//! with nothing but a backend.

pub mod blast;
mod graph;
pub mod moved;
mod ops;
pub mod saved;
pub mod target;

pub use graph::CycleError;

use crate::access::change::AccessChange;
use crate::diff::{Action, Change, Diff, Entity};
use crate::model::{Account, Address, Kind};
use crate::operation::Operation;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const FORMAT_VERSION: u32 = 1;

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: u32,
    pub account_id: String,
    /// Entity-level changes, for display.
    pub changes: Vec<Change>,
    /// IAM calls in a valid order; `depends_on` holds ids of earlier operations.
    pub operations: Vec<PlannedOperation>,
    /// Live entities this configuration does not manage, per kind.
    pub unmanaged: BTreeMap<Kind, usize>,
    /// `--target` addresses when the plan is targeted: it holds only their changes and those of
    /// what they depend on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Address>,
    /// `settings { max_destroy = N }` of the configuration it was made from, for `apply` of the
    /// saved plan (src/plan/blast.rs).
    pub max_destroy: Option<usize>,
    /// Who gains and who loses access: each user and role whose effective permissions the plan
    /// changes.
    #[serde(default)]
    pub access_changes: Vec<AccessChange>,
    /// What the configuration probably gets wrong, though the plan can be made: a `moved` block
    /// whose old name matches nothing, say. Shown with the plan; never read by apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// A warning about the configuration, shown with the plan.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub message: String,
    /// Where in the configuration: `file:line:col`.
    pub at: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedOperation {
    pub id: usize,
    pub address: Address,
    pub operation: Operation,
    pub depends_on: Vec<usize>,
}

/// Counts for the summary line, Terraform's way: a replacement is one add and one destroy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub destroy: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.action {
                Action::Create => s.add += 1,
                Action::Update => s.change += 1,
                Action::Replace => {
                    s.add += 1;
                    s.destroy += 1
                }
                Action::Delete => s.destroy += 1,
            }
        }
        s
    }
}

/// Operations of the plan that act on an entity without a change of its own: the detachments,
/// boundary removals and group removals that destroying an entity makes on entities this
/// configuration does not manage (IAM refuses the delete while they hold it). The entity-level
/// plan does not show them, so users must be told before applying.
pub fn effects_outside(plan: &Plan) -> Vec<&PlannedOperation> {
    let changed: std::collections::BTreeSet<&Address> =
        plan.changes.iter().map(|c| &c.address).collect();
    plan.operations
        .iter()
        .filter(|o| !changed.contains(&o.address))
        .collect()
}

/// The warning for [`effects_outside`]; empty when there is nothing to say.
pub fn outside_warning(plan: &Plan) -> String {
    let ops = effects_outside(plan);
    if ops.is_empty() {
        return String::new();
    }
    let mut msg = format!(
        "warning: {} of this plan {} entities the configuration does not manage, \
         because something they hold is destroyed:\n",
        crate::words::count(ops.len(), "operation"),
        if ops.len() == 1 { "changes" } else { "change" }
    );
    for o in ops {
        msg.push_str(&format!("  {}\n", o.operation));
    }
    msg.push_str("To leave them as they are, keep what they hold declared (and in the scope).\n");
    msg
}

/// The account `live` becomes once `plan` is applied: each changed entity as the plan leaves it.
/// What the plan does not touch (unmanaged entities, those outside `--target`) stays as it is.
pub fn after(live: &Account, plan: &Plan) -> Account {
    let mut account = live.clone();
    for c in &plan.changes {
        if let Some(from) = &c.moved_from {
            remove(&mut account, from);
        }
        match &c.after {
            Some(e) => insert(&mut account, e.clone()),
            None => remove(&mut account, &c.address),
        }
    }
    account
}

/// Puts `entity` into `account`, replacing the one of its address.
pub(crate) fn insert(account: &mut Account, entity: Entity) {
    match entity {
        Entity::User(e) => drop(account.users.insert(e.name.clone(), e)),
        Entity::Group(e) => drop(account.groups.insert(e.name.clone(), e)),
        Entity::Role(e) => drop(account.roles.insert(e.name.clone(), e)),
        Entity::Policy(e) => drop(account.policies.insert(e.name.clone(), e)),
        Entity::InstanceProfile(e) => drop(account.instance_profiles.insert(e.name.clone(), e)),
        Entity::PasswordPolicy(e) => account.password_policy = Some(e),
        Entity::OpenIdConnectProvider(e) => {
            drop(account.openid_connect_providers.insert(e.name.clone(), e))
        }
        Entity::SamlProvider(e) => drop(account.saml_providers.insert(e.name.clone(), e)),
        Entity::AccountAlias(e) => account.account_alias = Some(e),
        Entity::ServiceLinkedRole(e) => {
            drop(account.service_linked_roles.insert(e.name.clone(), e))
        }
    }
}

fn remove(account: &mut Account, address: &Address) {
    let n = &address.name;
    match address.kind {
        Kind::User => drop(account.users.remove(n)),
        Kind::Group => drop(account.groups.remove(n)),
        Kind::Role => drop(account.roles.remove(n)),
        Kind::Policy => drop(account.policies.remove(n)),
        Kind::InstanceProfile => drop(account.instance_profiles.remove(n)),
        Kind::PasswordPolicy => account.password_policy = None,
        Kind::OpenIdConnectProvider => drop(account.openid_connect_providers.remove(n)),
        Kind::SamlProvider => drop(account.saml_providers.remove(n)),
        Kind::AccountAlias => account.account_alias = None,
        Kind::ServiceLinkedRole => drop(account.service_linked_roles.remove(n)),
    }
}

/// Builds the operations DAG for a diff.
pub fn build(
    diff: Diff,
    desired: &Account,
    live: &Account,
    account_id: &str,
    references: &BTreeMap<Address, BTreeSet<Address>>,
) -> Result<Plan, CycleError> {
    let ctx = ops::Context::new(&diff.changes, desired, live, account_id, references);
    let mut nodes = ops::generate(&diff.changes, &ctx);
    moved::add_rename_nodes(&diff.changes, &mut nodes, &ctx);
    let edges = graph::edges(&nodes, &ctx.removed, live);
    let order = graph::order(&nodes, &edges)?;
    let mut id_of = vec![0; nodes.len()];
    for (id, &i) in order.iter().enumerate() {
        id_of[i] = id;
    }
    let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); nodes.len()];
    for &(a, b) in &edges {
        deps[id_of[b]].insert(id_of[a]);
    }
    let mut nodes: Vec<Option<ops::Node>> = nodes.into_iter().map(Some).collect();
    let operations = order
        .iter()
        .enumerate()
        .map(|(id, &i)| {
            let node = nodes[i].take().expect("each node is ordered once");
            PlannedOperation {
                id,
                address: node.op.target(),
                operation: node.op,
                depends_on: deps[id].iter().copied().collect(),
            }
        })
        .collect();
    Ok(Plan {
        format_version: FORMAT_VERSION,
        account_id: account_id.to_owned(),
        changes: diff.changes,
        operations,
        unmanaged: diff.unmanaged,
        targets: Vec::new(),
        max_destroy: None,
        access_changes: Vec::new(),
        warnings: Vec::new(),
    })
}

/// The stable text form of a plan's graph, one operation a line, for tests and `-v`.
pub fn graph_text(plan: &Plan) -> String {
    let mut out = String::new();
    for op in &plan.operations {
        out.push_str(&format!("{:>3} {}", op.id, op.operation));
        if !op.depends_on.is_empty() {
            let deps: Vec<String> = op.depends_on.iter().map(ToString::to_string).collect();
            out.push_str(&format!("  <- {}", deps.join(",")));
        }
        out.push('\n');
    }
    out
}

/// Convenience for tests: the operations as display strings, in order.
pub fn operation_lines(plan: &Plan) -> Vec<String> {
    plan.operations
        .iter()
        .map(|o| o.operation.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::model::{
        Group, InstanceProfile, ManagedPolicy, PolicyDocument, PolicyVersion, Role, Scope, User,
    };

    const ACCT: &str = "123456789012";

    fn doc(action: &str) -> PolicyDocument {
        PolicyDocument::from_json_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#
        ))
        .unwrap()
    }

    fn trust() -> PolicyDocument {
        PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        )
        .unwrap()
    }

    pub(super) fn user(name: &str, groups: &[&str]) -> User {
        User {
            name: name.into(),
            path: "/".into(),
            permissions_boundary: None,
            tags: Default::default(),
            groups: groups.iter().map(|g| (*g).into()).collect(),
            policies: Default::default(),
            inline_policies: Default::default(),
            credentials: Default::default(),
            console_access: None,
        }
    }

    pub(super) fn group(name: &str, policies: &[&str]) -> Group {
        Group {
            name: name.into(),
            path: "/".into(),
            policies: policies.iter().map(|p| p.to_string()).collect(),
            inline_policies: Default::default(),
        }
    }

    fn policy(name: &str, d: PolicyDocument) -> ManagedPolicy {
        ManagedPolicy {
            name: name.into(),
            path: "/".into(),
            description: None,
            tags: Default::default(),
            document: d,
            versions: vec![],
        }
    }

    fn role(name: &str) -> Role {
        Role {
            name: name.into(),
            path: "/".into(),
            description: None,
            max_session_duration: 3600,
            permissions_boundary: None,
            tags: Default::default(),
            assume_role_policy: trust(),
            policies: Default::default(),
            inline_policies: Default::default(),
        }
    }

    fn plan(desired: &Account, live: &Account, scope: Option<&Scope>) -> Plan {
        build(
            diff(desired, live, scope),
            desired,
            live,
            ACCT,
            &BTreeMap::new(),
        )
        .unwrap()
    }

    fn pos(plan: &Plan, line: &str) -> usize {
        let lines = operation_lines(plan);
        lines
            .iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("`{line}` not in plan:\n{}", graph_text(plan)))
    }

    fn assert_before(plan: &Plan, pairs: &[(&str, &str)]) {
        for (a, b) in pairs {
            let (ia, ib) = (pos(plan, a), pos(plan, b));
            assert!(
                ia < ib,
                "`{a}` must come before `{b}`:\n{}",
                graph_text(plan)
            );
        }
    }

    fn all() -> Scope {
        Scope {
            paths: vec!["/".into()],
            exclude: vec![],
            kinds: None,
        }
    }

    #[test]
    fn teardown_of_everything_at_once_is_ordered() {
        let arn = format!("arn:aws:iam::{ACCT}:policy/shared");
        let mut live = Account::default();
        let mut u = user("john", &["web"]);
        u.inline_policies.insert("own".into(), doc("s3:GetObject"));
        u.credentials.access_keys.push("AKIAEXAMPLE".into());
        live.users.insert(u.name.clone(), u);
        live.groups.insert("web".into(), group("web", &[&arn]));
        live.groups.insert("ops".into(), group("ops", &[&arn]));
        let mut r = role("app");
        r.inline_policies.insert("data".into(), doc("s3:GetObject"));
        live.roles.insert(r.name.clone(), r);
        live.instance_profiles.insert(
            "app".into(),
            InstanceProfile {
                name: "app".into(),
                path: "/".into(),
                roles: ["app".into()].into(),
                tags: Default::default(),
            },
        );
        live.policies
            .insert("shared".into(), policy("shared", doc("s3:ListBucket")));
        let p = plan(&Account::default(), &live, Some(&all()));
        assert_eq!(
            p.summary(),
            Summary {
                add: 0,
                change: 0,
                destroy: 6
            }
        );
        assert_before(
            &p,
            &[
                (
                    "DeleteAccessKey user.john AKIAEXAMPLE",
                    "DeleteUser user.john",
                ),
                (
                    "DeleteUserPolicy user.john inline own",
                    "DeleteUser user.john",
                ),
                (
                    "RemoveUserFromGroup user.john group.web",
                    "DeleteUser user.john",
                ),
                (
                    "RemoveUserFromGroup user.john group.web",
                    "DeleteGroup group.web",
                ),
                (
                    &format!("DetachGroupPolicy group.web {arn}"),
                    "DeleteGroup group.web",
                ),
                (
                    &format!("DetachGroupPolicy group.web {arn}"),
                    "DeletePolicy policy.shared",
                ),
                (
                    &format!("DetachGroupPolicy group.ops {arn}"),
                    "DeletePolicy policy.shared",
                ),
                (
                    "RemoveRoleFromInstanceProfile instance_profile.app role.app",
                    "DeleteRole role.app",
                ),
                (
                    "RemoveRoleFromInstanceProfile instance_profile.app role.app",
                    "DeleteInstanceProfile instance_profile.app",
                ),
                (
                    "DeleteRolePolicy role.app inline data",
                    "DeleteRole role.app",
                ),
            ],
        );
        // The membership removal is planned once although both the user and the group need it.
        assert_eq!(
            operation_lines(&p)
                .iter()
                .filter(|l| l.starts_with("RemoveUserFromGroup"))
                .count(),
            1
        );
    }

    #[test]
    fn creation_follows_references_and_grants_precede_revokes() {
        let arn = format!("arn:aws:iam::{ACCT}:policy/billing");
        let mut desired = Account::default();
        desired
            .policies
            .insert("billing".into(), policy("billing", doc("s3:GetObject")));
        desired.groups.insert("acct".into(), group("acct", &[&arn]));
        desired.users.insert("mary".into(), user("mary", &["acct"]));
        let mut live = Account::default();
        live.users.insert("mary".into(), user("mary", &["old"]));
        live.groups.insert("old".into(), group("old", &[]));
        let p = plan(&desired, &live, None);
        assert_before(
            &p,
            &[
                (
                    "CreatePolicy policy.billing",
                    &format!("AttachGroupPolicy group.acct {arn}"),
                ),
                (
                    "CreateGroup group.acct",
                    &format!("AttachGroupPolicy group.acct {arn}"),
                ),
                (
                    "CreateGroup group.acct",
                    "AddUserToGroup user.mary group.acct",
                ),
                (
                    "AddUserToGroup user.mary group.acct",
                    "RemoveUserFromGroup user.mary group.old",
                ),
            ],
        );
        // Without a scope the undeclared group is left alone and counted.
        assert!(!operation_lines(&p)
            .iter()
            .any(|l| l.starts_with("DeleteGroup")));
        assert_eq!(p.unmanaged[&Kind::Group], 1);
    }

    #[test]
    fn document_change_is_a_new_version_making_room_when_five_exist() {
        let mut live_p = policy("p", doc("s3:GetObject"));
        live_p.versions = (1..=5)
            .map(|i| PolicyVersion {
                id: format!("v{i}"),
                is_default: i == 5,
                document: doc("s3:GetObject"),
            })
            .collect();
        let live = Account {
            policies: [("p".into(), live_p)].into(),
            ..Default::default()
        };
        let desired = Account {
            policies: [("p".into(), policy("p", doc("s3:PutObject")))].into(),
            ..Default::default()
        };
        let p = plan(&desired, &live, None);
        assert_eq!(
            operation_lines(&p),
            [
                "DeletePolicyVersion policy.p v1".to_owned(),
                "CreatePolicyVersion policy.p".to_owned()
            ]
        );
        assert_eq!(p.operations[1].depends_on, vec![0]);
    }

    #[test]
    fn replaced_role_is_torn_down_recreated_and_put_back_in_its_profile() {
        let profile = InstanceProfile {
            name: "app".into(),
            path: "/".into(),
            roles: ["app".into()].into(),
            tags: Default::default(),
        };
        let mut old = role("app");
        old.policies
            .insert("arn:aws:iam::aws:policy/ReadOnlyAccess".into());
        let live = Account {
            roles: [("app".into(), old.clone())].into(),
            instance_profiles: [("app".into(), profile.clone())].into(),
            ..Default::default()
        };
        let mut new = old.clone();
        new.path = "/apps/".into();
        let desired = Account {
            roles: [("app".into(), new)].into(),
            instance_profiles: [("app".into(), profile)].into(),
            ..Default::default()
        };
        let p = plan(&desired, &live, None);
        assert_eq!(p.changes[0].action, Action::Replace);
        assert_before(
            &p,
            &[
                (
                    "RemoveRoleFromInstanceProfile instance_profile.app role.app",
                    "DeleteRole role.app",
                ),
                (
                    "DetachRolePolicy role.app arn:aws:iam::aws:policy/ReadOnlyAccess",
                    "DeleteRole role.app",
                ),
                ("DeleteRole role.app", "CreateRole role.app"),
                (
                    "CreateRole role.app",
                    "AttachRolePolicy role.app arn:aws:iam::aws:policy/ReadOnlyAccess",
                ),
                (
                    "CreateRole role.app",
                    "AddRoleToInstanceProfile instance_profile.app role.app",
                ),
            ],
        );
    }

    #[test]
    fn trust_policy_naming_a_new_role_waits_for_it() {
        let mut a = role("a");
        a.assume_role_policy = PolicyDocument::from_json_str(&format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:role/b"}},"Action":"sts:AssumeRole"}}}}"#
        ))
        .unwrap();
        let desired = Account {
            roles: [("a".into(), a), ("b".into(), role("b"))].into(),
            ..Default::default()
        };
        let p = plan(&desired, &Account::default(), None);
        assert_before(&p, &[("CreateRole role.b", "CreateRole role.a")]);
    }

    #[test]
    fn cycle_is_an_error_naming_addresses() {
        let trusting = |other: &str| {
            let mut r = role(other);
            r.assume_role_policy = PolicyDocument::from_json_str(&format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:role/{}"}},"Action":"sts:AssumeRole"}}}}"#,
                if other == "a" { "b" } else { "a" }
            ))
            .unwrap();
            r
        };
        let desired = Account {
            roles: [("a".into(), trusting("a")), ("b".into(), trusting("b"))].into(),
            ..Default::default()
        };
        let live = Account::default();
        let e = build(
            diff(&desired, &live, None),
            &desired,
            &live,
            ACCT,
            &BTreeMap::new(),
        )
        .unwrap_err();
        let names: Vec<String> = e.addresses.iter().map(ToString::to_string).collect();
        assert_eq!(names, ["role.a", "role.b"]);
        assert!(e.to_string().contains("role.a, role.b"), "{e}");
    }
}
