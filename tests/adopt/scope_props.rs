//! Property: over random live accounts, configurations, scopes and targets, no planned operation
//! touches an entity that is neither declared nor owned by the scope — nothing outside the scope's
//! paths, nothing excluded, nothing AWS reserves. Runs the real diff, targeting and plan building.

use iamform::diff::diff;
use iamform::model::{is_aws_managed_policy_arn, Account, Address, Kind, Name, Role, Scope};
use iamform::operation::{
    BoundaryOp, BoundaryTarget, InstanceProfileOp, Operation, PermissionChange, PermissionOp,
    UserOp,
};
use iamform::plan::{self, target};
use proptest::prelude::*;
use proptest::sample::subsequence;
use std::collections::{BTreeMap, BTreeSet};

const ACCT: &str = "123456789012";

/// The live account: a synthetic one plus roles AWS reserves.
fn live(n: usize) -> Account {
    let mut a = iamform::synth::account(n, ACCT);
    let template: Role = a.roles.values().next().expect("roles").clone();
    for (name, path) in [
        (
            "AWSServiceRoleForSupport",
            "/aws-service-role/support.amazonaws.com/",
        ),
        (
            "AWSReservedSSO_Admin_1234",
            "/aws-reserved/sso.amazonaws.com/",
        ),
    ] {
        let mut r = template.clone();
        r.name = Name::from(name);
        r.path = path.into();
        r.permissions_boundary = None;
        r.policies = ["arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()].into();
        a.roles.insert(r.name.clone(), r);
    }
    a
}

fn reserved(live: &Account, address: &Address) -> bool {
    iamform::model::scope::is_reserved(address, live.path_of(address))
}

/// A configuration: some live entities (never reserved or excluded ones), some of them changed,
/// and a few new ones.
fn desired(live: &Account, keep: u64, change: u64, scope: Option<&Scope>) -> Account {
    let declarable = |a: &Address| !reserved(live, a) && !scope.is_some_and(|s| s.excludes(a));
    let bit = |mask: u64, name: &Name| {
        let h = name
            .as_str()
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
        mask >> (h % 64) & 1 == 1
    };
    let mut d = live.clone();
    d.users
        .retain(|n, _| bit(keep, n) && declarable(&Address::new(Kind::User, n.clone())));
    d.groups
        .retain(|n, _| bit(keep, n) && declarable(&Address::new(Kind::Group, n.clone())));
    d.roles
        .retain(|n, _| bit(keep, n) && declarable(&Address::new(Kind::Role, n.clone())));
    d.policies
        .retain(|n, _| bit(keep, n) && declarable(&Address::new(Kind::Policy, n.clone())));
    d.instance_profiles
        .retain(|n, _| bit(keep, n) && declarable(&Address::new(Kind::InstanceProfile, n.clone())));
    for u in d.users.values_mut() {
        u.credentials = Default::default();
        if bit(change, &u.name) {
            u.groups.clear();
            u.path = "/team-b/".into();
        }
    }
    for r in d.roles.values_mut() {
        if bit(change, &r.name) {
            r.policies.clear();
            r.inline_policies.clear();
        }
    }
    for p in d.policies.values_mut() {
        p.versions.clear();
    }
    let mut new = live.users.values().next().expect("users").clone();
    new.name = Name::from("newcomer");
    new.credentials = Default::default();
    d.users.insert(new.name.clone(), new);
    d
}

/// The entities an operation touches: the one it acts on, and for a relationship (membership,
/// attachment, boundary, profile role) the other side when it is an account entity.
fn touched(op: &Operation, live: &Account) -> (Address, Option<Address>) {
    let policy = |arn: &str| {
        (!is_aws_managed_policy_arn(arn))
            .then(|| Address::new(Kind::Policy, arn.rsplit('/').next().unwrap_or(arn)))
    };
    let other = match op {
        Operation::User(
            UserOp::AddUserToGroup { group, .. } | UserOp::RemoveUserFromGroup { group, .. },
        ) => Some(Address::new(Kind::Group, group.clone())),
        Operation::Permission(PermissionOp {
            change:
                PermissionChange::Attach { policy_arn } | PermissionChange::Detach { policy_arn },
            ..
        })
        | Operation::Boundary(BoundaryOp {
            policy_arn: Some(policy_arn),
            ..
        }) => policy(policy_arn),
        Operation::InstanceProfile(
            InstanceProfileOp::AddRoleToInstanceProfile { role, .. }
            | InstanceProfileOp::RemoveRoleFromInstanceProfile { role, .. },
        ) => Some(Address::new(Kind::Role, role.clone())),
        // Removed because the policy that is the boundary is deleted (IAM requires it first).
        Operation::Boundary(BoundaryOp {
            target: BoundaryTarget::User(user),
            policy_arn: None,
        }) => live
            .users
            .get(user)
            .and_then(|u| u.permissions_boundary.as_deref())
            .and_then(policy),
        Operation::Boundary(BoundaryOp {
            target: BoundaryTarget::Role(role),
            policy_arn: None,
        }) => live
            .roles
            .get(role)
            .and_then(|r| r.permissions_boundary.as_deref())
            .and_then(policy),
        _ => None,
    };
    (op.target(), other)
}

fn scope_from(paths: Vec<&str>, exclude: Vec<&str>) -> Scope {
    Scope {
        paths: paths.into_iter().map(str::to_owned).collect(),
        exclude: exclude.into_iter().map(str::to_owned).collect(),
        kinds: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn no_operation_touches_what_is_neither_declared_nor_owned(
        n in 20usize..160,
        keep in any::<u64>(),
        change in any::<u64>(),
        scoped in any::<bool>(),
        paths in subsequence(
            vec!["/", "/team-a/", "/team-b/", "/aws-service-role/", "/aws-reserved/"], 1..3),
        exclude in subsequence(
            vec!["user/user-1*", "role/*", "group/ops*", "policy/policy-2*",
                 "instance_profile/profile-?", "*/*-3", "role/aws*"], 0..3),
        target_pick in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let live = live(n);
        let scope = scoped.then(|| scope_from(paths, exclude));
        let desired = desired(&live, keep, change, scope.as_ref());
        let declared: BTreeSet<Address> = desired.addresses().into_iter().collect();
        let owned = |a: &Address| {
            declared.contains(a)
                || scope.as_ref().is_some_and(|s| s.owns(a, live.path_of(a)))
        };

        let mut changes = diff(&desired, &live, scope.as_ref());
        let mut targets = Vec::new();
        if let Some(pick) = target_pick {
            let all: Vec<Address> = declared.iter().chain(live.addresses().iter()).cloned().collect();
            targets.push(pick.get(&all).clone());
            target::check(&targets, &desired, &live)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let keep = target::with_dependencies(&targets, &desired, ACCT, &BTreeMap::new());
            changes = target::filter(changes, &targets, &keep);
        }
        let plan = plan::build(changes, &desired, &live, ACCT, &BTreeMap::new())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;

        for planned in &plan.operations {
            let (subject, other) = touched(&planned.operation, &live);
            let op = planned.operation.to_string();
            prop_assert!(!reserved(&live, &subject), "{op} touches a reserved role");
            if let Some(s) = &scope {
                prop_assert!(
                    declared.contains(&subject) || !s.excludes(&subject)
                        || other.as_ref().is_some_and(&owned),
                    "{op} touches an excluded entity"
                );
            }
            prop_assert!(
                owned(&subject) || other.as_ref().is_some_and(&owned),
                "{op} touches {subject}, which is neither declared nor in the scope"
            );
        }
        for c in &plan.changes {
            prop_assert!(owned(&c.address), "change of {} outside the scope", c.address);
            if !targets.is_empty() && c.action == iamform::diff::Action::Delete {
                prop_assert!(targets.contains(&c.address), "untargeted delete of {}", c.address);
            }
        }
    }
}
