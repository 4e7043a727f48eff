//! Step 1 of plan building: each entity change becomes IAM operations, each with its [`Effects`]
//! — what the operation itself says it creates, deletes, needs and releases, plus what only the
//! plan knows: the references of the configuration and what the live entity held. Step 2
//! (`graph.rs`) turns effects into ordering edges, so that every rule of DESIGN.md section 4 is
//! one generic relation.

mod federation;

use crate::diff::{Action, Change, Entity};
use crate::model::{
    arn, Account, Address, InlinePolicies, InstanceProfile, Kind, ManagedPolicy, Name,
    PolicyDocument, Role, Tags, User,
};
use crate::operation::{
    Access, AccountOp, BoundaryOp, BoundaryTarget, Effects, GroupOp, Identity, InstanceProfileOp,
    Key, Operation, PermissionOp, PolicyOp, RoleOp, TagChange, TagOp, TagTarget, UserOp,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The managed policies (by ARN) and inline policies a user, group or role holds.
type Held<'a> = (&'a BTreeSet<String>, &'a InlinePolicies);

/// An operation and what it means for ordering.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub op: Operation,
    pub effects: Effects,
}

impl Node {
    fn releases(mut self, k: impl IntoIterator<Item = Key>) -> Self {
        self.effects.releases.extend(k);
        self
    }
}

fn ek(kind: Kind, name: &Name) -> Key {
    Key::Entity(kind, name.clone())
}

/// What the generator needs besides the changes.
pub(crate) struct Context<'a> {
    pub desired: &'a Account,
    pub live: &'a Account,
    pub account_id: &'a str,
    pub references: &'a BTreeMap<Address, BTreeSet<Address>>,
    /// Entities deleted or replaced by this plan.
    pub removed: BTreeSet<Address>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(
        changes: &[Change],
        desired: &'a Account,
        live: &'a Account,
        account_id: &'a str,
        references: &'a BTreeMap<Address, BTreeSet<Address>>,
    ) -> Self {
        let removed = changes
            .iter()
            .filter(|c| matches!(c.action, Action::Delete | Action::Replace))
            .map(|c| c.address.clone())
            .collect();
        Context {
            desired,
            live,
            account_id,
            references,
            removed,
        }
    }

    fn policy_arn(&self, p: &ManagedPolicy) -> String {
        arn(self.account_id, Kind::Policy, &p.path, p.name.as_str())
    }

    /// A node for `op`, with the effects the operation declares.
    pub(crate) fn node(&self, op: impl Into<Operation>) -> Node {
        let op = op.into();
        let effects = op.effects(self.account_id);
        Node { op, effects }
    }

    fn reference_keys(&self, address: &Address) -> Vec<Key> {
        self.references
            .get(address)
            .into_iter()
            .flatten()
            .map(|a| ek(a.kind, &a.name))
            .collect()
    }
}

/// Collects nodes, merging duplicates (the same call planned for two reasons, e.g. removing a user
/// from a group because the user is deleted and because the group is).
pub(crate) struct Nodes<'c, 'a> {
    pub(super) ctx: &'c Context<'a>,
    pub nodes: Vec<Node>,
    index: HashMap<String, usize>,
}

impl<'c, 'a> Nodes<'c, 'a> {
    fn new(ctx: &'c Context<'a>) -> Self {
        Nodes {
            ctx,
            nodes: Vec::new(),
            index: HashMap::new(),
        }
    }

    fn push(&mut self, node: Node) {
        let key = serde_json::to_string(&node.op).expect("operations always serialise");
        match self.index.get(&key) {
            Some(&i) => {
                let existing = &mut self.nodes[i].effects;
                let e = node.effects;
                existing.creates.extend(e.creates);
                existing.deletes.extend(e.deletes);
                existing.needs.extend(e.needs);
                existing.releases.extend(e.releases);
            }
            None => {
                self.index.insert(key, self.nodes.len());
                self.nodes.push(node);
            }
        }
    }

    /// Pushes the operation with its own effects.
    pub(super) fn op(&mut self, op: impl Into<Operation>) {
        let node = self.ctx.node(op);
        self.push(node);
    }
}

/// Turns every change into operations with their effects.
pub(crate) fn generate(changes: &[Change], ctx: &Context) -> Vec<Node> {
    let mut out = Nodes::new(ctx);
    for change in changes {
        let start = out.nodes.len();
        let before = change.before.as_ref();
        let after = change.after.as_ref();
        match (before, after) {
            (None, Some(after)) => create(&mut out, after),
            (Some(before), None) => delete(&mut out, ctx, before),
            (Some(before), Some(after)) if change.action == Action::Replace => {
                delete(&mut out, ctx, before);
                create(&mut out, after);
                reattach(&mut out, ctx, before, after);
            }
            (Some(before), Some(after)) => update(&mut out, ctx, before, after),
            (None, None) => {}
        }
        // Whatever the configuration references must exist before this entity is created or changed.
        if change.after.is_some() {
            let refs = ctx.reference_keys(&change.address);
            let own = ek(change.address.kind, &change.address.name);
            for node in &mut out.nodes[start..] {
                if node.effects.deletes.is_empty() && !refs.is_empty() {
                    node.effects
                        .needs
                        .extend(refs.iter().filter(|k| **k != own).cloned());
                }
            }
        }
    }
    out.nodes
}

/// What creating `entity` as declared needs to exist first (`--target` follows these).
pub(crate) fn creation_needs(entity: &Entity, ctx: &Context) -> Vec<Key> {
    let mut out = Nodes::new(ctx);
    create(&mut out, entity);
    out.nodes
        .into_iter()
        .flat_map(|n| n.effects.needs)
        .collect()
}

fn create(out: &mut Nodes, entity: &Entity) {
    use federation as f;
    match entity {
        Entity::User(u) => {
            out.op(UserOp::CreateUser {
                user: u.name.clone(),
                path: u.path.clone(),
                permissions_boundary: u.permissions_boundary.clone(),
                tags: u.tags.clone(),
            });
            for g in &u.groups {
                out.op(in_group(Access::Grant, &u.name, g));
            }
        }
        Entity::Group(g) => {
            out.op(GroupOp::CreateGroup {
                group: g.name.clone(),
                path: g.path.clone(),
            });
        }
        Entity::Role(r) => {
            out.op(RoleOp::CreateRole {
                role: r.name.clone(),
                path: r.path.clone(),
                assume_role_policy: r.assume_role_policy.clone(),
                description: r.description.clone(),
                max_session_duration: r.max_session_duration,
                permissions_boundary: r.permissions_boundary.clone(),
                tags: r.tags.clone(),
            });
        }
        Entity::Policy(p) => out.op(PolicyOp::CreatePolicy {
            policy: p.name.clone(),
            path: p.path.clone(),
            description: p.description.clone(),
            document: p.document.clone(),
            tags: p.tags.clone(),
        }),
        Entity::InstanceProfile(ip) => {
            out.op(InstanceProfileOp::CreateInstanceProfile {
                instance_profile: ip.name.clone(),
                path: ip.path.clone(),
                tags: ip.tags.clone(),
            });
            for r in &ip.roles {
                out.op(in_profile(Access::Grant, &ip.name, r));
            }
        }
        Entity::PasswordPolicy(p) => {
            out.op(AccountOp::UpdateAccountPasswordPolicy { policy: p.clone() })
        }
        Entity::OpenIdConnectProvider(p) => f::create_oidc(out, p),
        Entity::SamlProvider(p) => f::create_saml(out, p),
        Entity::AccountAlias(a) => out.op(AccountOp::create_alias(a)),
        Entity::ServiceLinkedRole(r) => f::create_linked_role(out, r),
    }
    if let Some((identity, held)) = identity(entity) {
        grants(out, identity, held);
    }
    if let Entity::User(u) = entity {
        f::console_access(out, out.ctx, None, u);
    }
}

fn delete(out: &mut Nodes, ctx: &Context, entity: &Entity) {
    use federation as f;
    match entity {
        Entity::User(u) => delete_user(out, entity, u),
        Entity::Group(g) => {
            let members = ctx.live.users.values();
            let removals = members
                .filter(|u| u.groups.contains(&g.name))
                .map(|u| in_group(Access::Revoke, &u.name, &g.name).into());
            let delete = ctx.node(GroupOp::DeleteGroup {
                group: g.name.clone(),
            });
            tear_down(out, entity, removals, delete);
        }
        Entity::Role(r) => {
            let profiles = ctx.live.instance_profiles.values();
            let removals = profiles
                .filter(|ip| ip.roles.contains(&r.name))
                .map(|ip| in_profile(Access::Revoke, &ip.name, &r.name).into());
            let delete = ctx.node(RoleOp::DeleteRole {
                role: r.name.clone(),
            });
            let delete = delete
                .releases(r.permissions_boundary.clone().map(Key::Policy))
                .releases(f::released_providers(
                    &r.assume_role_policy,
                    None,
                    ctx.account_id,
                ));
            tear_down(out, entity, removals, delete);
        }
        Entity::Policy(p) => delete_policy(out, ctx, p),
        Entity::InstanceProfile(ip) => {
            for r in &ip.roles {
                out.op(in_profile(Access::Revoke, &ip.name, r));
            }
            out.op(InstanceProfileOp::DeleteInstanceProfile {
                instance_profile: ip.name.clone(),
            });
        }
        Entity::PasswordPolicy(_) => out.op(AccountOp::DeleteAccountPasswordPolicy),
        Entity::OpenIdConnectProvider(p) => f::delete_oidc(out, p),
        Entity::SamlProvider(p) => f::delete_saml(out, p),
        Entity::AccountAlias(a) => f::delete_alias(out, a),
        Entity::ServiceLinkedRole(r) => f::delete_linked_role(out, r),
    }
}

/// A user's credentials, groups and policies go before the user.
fn delete_user(out: &mut Nodes, entity: &Entity, u: &User) {
    let credentials = UserOp::credential_removals(&u.name, &u.credentials);
    let groups = u
        .groups
        .iter()
        .map(|g| in_group(Access::Revoke, &u.name, g));
    let removals = credentials.into_iter().chain(groups).map(Operation::from);
    let delete = out.ctx.node(UserOp::DeleteUser {
        user: u.name.clone(),
    });
    let delete = delete.releases(u.permissions_boundary.clone().map(Key::Policy));
    tear_down(out, entity, removals, delete);
}

/// An identity's deletion: what holds it or what it holds first (`removals`), then its inline and
/// managed policies, then the `delete` itself.
fn tear_down(
    out: &mut Nodes,
    entity: &Entity,
    removals: impl IntoIterator<Item = Operation>,
    delete: Node,
) {
    for op in removals {
        out.op(op);
    }
    if let Some((identity, held)) = identity(entity) {
        revokes(out, identity, held);
    }
    out.push(delete);
}

/// A user, group or role as an identity, with the policies it holds (`None` for other entities).
fn identity(entity: &Entity) -> Option<(Identity, Held<'_>)> {
    let (identity, policies, inline) = match entity {
        Entity::User(u) => (
            Identity::User(u.name.clone()),
            &u.policies,
            &u.inline_policies,
        ),
        Entity::Group(g) => (
            Identity::Group(g.name.clone()),
            &g.policies,
            &g.inline_policies,
        ),
        Entity::Role(r) => (
            Identity::Role(r.name.clone()),
            &r.policies,
            &r.inline_policies,
        ),
        _ => return None,
    };
    Some((identity, (policies, inline)))
}

/// A policy is detached everywhere, and its non-default versions deleted, before it is.
fn delete_policy(out: &mut Nodes, ctx: &Context, p: &ManagedPolicy) {
    let policy_arn = ctx.policy_arn(p);
    for holder in holders(ctx.live, &policy_arn) {
        out.op(PermissionOp::detach(holder, policy_arn.clone()));
    }
    for (kind, name) in boundary_holders(ctx.live, &policy_arn) {
        // A holder that is itself deleted, or whose configuration sets another boundary,
        // releases the policy through its own operations.
        let address = Address::new(kind, name.clone());
        if !ctx.removed.contains(&address) && !ctx.desired.contains(&address) {
            out.push(delete_boundary(ctx, kind, &name, &policy_arn));
        }
    }
    for v in p.versions.iter().filter(|v| !v.is_default) {
        out.op(PolicyOp::DeletePolicyVersion {
            policy_arn: policy_arn.clone(),
            version_id: v.id.clone(),
        });
    }
    out.op(PolicyOp::DeletePolicy { policy_arn });
}

/// After a replacement, put back what the old entity's teardown took from entities that stay.
fn reattach(out: &mut Nodes, ctx: &Context, before: &Entity, after: &Entity) {
    match (before, after) {
        (Entity::Policy(old), Entity::Policy(new)) => {
            let old_arn = ctx.policy_arn(old);
            let new_arn = ctx.policy_arn(new);
            for holder in holders(ctx.live, &old_arn) {
                if ctx.removed.contains(&holder.address()) {
                    continue;
                }
                let wants = match desired_policies(ctx.desired, &holder) {
                    Some(policies) => policies.contains(&new_arn),
                    None => true, // unmanaged: keep what it had
                };
                if wants {
                    out.op(PermissionOp::attach(holder, new_arn.clone()));
                }
            }
        }
        (Entity::Role(_), Entity::Role(new)) => {
            for ip in ctx.live.instance_profiles.values() {
                let address = Address::new(Kind::InstanceProfile, ip.name.clone());
                let kept = ctx
                    .desired
                    .instance_profiles
                    .get(&ip.name)
                    .is_some_and(|d| d.roles.contains(&new.name));
                if ip.roles.contains(&new.name) && kept && !ctx.removed.contains(&address) {
                    out.op(in_profile(Access::Grant, &ip.name, &new.name));
                }
            }
        }
        _ => {}
    }
}

fn update(out: &mut Nodes, ctx: &Context, before: &Entity, after: &Entity) {
    use federation as f;
    match (before, after) {
        (Entity::User(l), Entity::User(d)) => update_user(out, ctx, l, d),
        (Entity::Group(l), Entity::Group(d)) => {
            if l.path != d.path {
                out.op(GroupOp::UpdateGroupPath {
                    group: d.name.clone(),
                    path: d.path.clone(),
                });
            }
            let held = (
                (&l.policies, &l.inline_policies),
                (&d.policies, &d.inline_policies),
            );
            update_permissions(out, Identity::Group(d.name.clone()), held);
        }
        (Entity::Role(l), Entity::Role(d)) => update_role(out, ctx, l, d),
        (Entity::Policy(l), Entity::Policy(d)) => update_policy(out, ctx, l, d),
        (Entity::InstanceProfile(l), Entity::InstanceProfile(d)) => update_profile(out, l, d),
        (Entity::PasswordPolicy(_), Entity::PasswordPolicy(d)) => {
            out.op(AccountOp::UpdateAccountPasswordPolicy { policy: d.clone() })
        }
        (Entity::OpenIdConnectProvider(l), Entity::OpenIdConnectProvider(d)) => {
            f::update_oidc(out, l, d)
        }
        (Entity::SamlProvider(l), Entity::SamlProvider(d)) => f::update_saml(out, l, d),
        // An account has one alias: creating another replaces it.
        (Entity::AccountAlias(_), Entity::AccountAlias(d)) => out.op(AccountOp::create_alias(d)),
        (Entity::ServiceLinkedRole(l), Entity::ServiceLinkedRole(d)) => {
            f::update_linked_role(out, l, d)
        }
        _ => {}
    }
}

fn update_user(out: &mut Nodes, ctx: &Context, l: &User, d: &User) {
    if l.path != d.path {
        out.op(UserOp::UpdateUserPath {
            user: d.name.clone(),
            path: d.path.clone(),
        });
    }
    let boundaries = (&l.permissions_boundary, &d.permissions_boundary);
    boundary_and_tags(
        out,
        ctx,
        Kind::User,
        &d.name,
        boundaries,
        (&l.tags, &d.tags),
    );
    for g in d.groups.difference(&l.groups) {
        out.op(in_group(Access::Grant, &d.name, g));
    }
    for g in l.groups.difference(&d.groups) {
        out.op(in_group(Access::Revoke, &d.name, g));
    }
    let held = (
        (&l.policies, &l.inline_policies),
        (&d.policies, &d.inline_policies),
    );
    update_permissions(out, Identity::User(d.name.clone()), held);
    federation::console_access(out, ctx, Some(l), d);
}

fn update_role(out: &mut Nodes, ctx: &Context, l: &Role, d: &Role) {
    if l.description != d.description || l.max_session_duration != d.max_session_duration {
        out.op(RoleOp::UpdateRole {
            role: d.name.clone(),
            description: d.description.clone(),
            max_session_duration: d.max_session_duration,
        });
    }
    if l.assume_role_policy != d.assume_role_policy {
        let node = ctx.node(RoleOp::UpdateAssumeRolePolicy {
            role: d.name.clone(),
            document: d.assume_role_policy.clone(),
        });
        let (old, new) = (&l.assume_role_policy, &d.assume_role_policy);
        let released = federation::released_providers(old, Some(new), ctx.account_id);
        out.push(node.releases(released));
    }
    let boundaries = (&l.permissions_boundary, &d.permissions_boundary);
    boundary_and_tags(
        out,
        ctx,
        Kind::Role,
        &d.name,
        boundaries,
        (&l.tags, &d.tags),
    );
    let held = (
        (&l.policies, &l.inline_policies),
        (&d.policies, &d.inline_policies),
    );
    update_permissions(out, Identity::Role(d.name.clone()), held);
}

/// The permissions boundary and the tags of a user or role, before and after.
fn boundary_and_tags(
    out: &mut Nodes,
    ctx: &Context,
    kind: Kind,
    name: &Name,
    (before, after): (&Option<String>, &Option<String>),
    (old_tags, new_tags): (&Tags, &Tags),
) {
    if let Some(target) = BoundaryTarget::of(kind, name) {
        boundary(out, ctx, target, before, after);
    }
    if let Some(target) = TagTarget::of(kind, name, None) {
        tags(out, target, old_tags, new_tags);
    }
}

fn update_policy(out: &mut Nodes, ctx: &Context, l: &ManagedPolicy, d: &ManagedPolicy) {
    let policy_arn = ctx.policy_arn(d);
    if l.document != d.document {
        // IAM keeps at most five versions: make room by deleting the oldest non-default one.
        if l.versions.len() >= 5 {
            if let Some(oldest) = l.versions.iter().filter(|v| !v.is_default).min_by_key(|v| {
                v.id.trim_start_matches('v')
                    .parse::<u64>()
                    .unwrap_or(u64::MAX)
            }) {
                out.op(PolicyOp::DeletePolicyVersion {
                    policy_arn: policy_arn.clone(),
                    version_id: oldest.id.clone(),
                });
            }
        }
        out.op(PolicyOp::CreatePolicyVersion {
            policy_arn: policy_arn.clone(),
            document: d.document.clone(),
        });
    }
    tags(out, TagTarget::Policy(policy_arn), &l.tags, &d.tags);
}

fn update_profile(out: &mut Nodes, l: &InstanceProfile, d: &InstanceProfile) {
    for r in l.roles.difference(&d.roles) {
        out.op(in_profile(Access::Revoke, &d.name, r));
    }
    for r in d.roles.difference(&l.roles) {
        out.op(in_profile(Access::Grant, &d.name, r));
    }
    tags(
        out,
        TagTarget::InstanceProfile(d.name.clone()),
        &l.tags,
        &d.tags,
    );
}

fn update_permissions(out: &mut Nodes, identity: Identity, ((lp, li), (dp, di)): (Held, Held)) {
    for a in dp.difference(lp) {
        out.op(PermissionOp::attach(identity.clone(), a.clone()));
    }
    for a in lp.difference(dp) {
        out.op(PermissionOp::detach(identity.clone(), a.clone()));
    }
    for (pname, doc) in di {
        if li.get(pname) != Some(doc) {
            out.op(put_inline(&identity, pname, doc));
        }
    }
    for pname in li.keys().filter(|p| !di.contains_key(*p)) {
        out.op(PermissionOp::delete(identity.clone(), pname.clone()));
    }
}

fn grants(out: &mut Nodes, identity: Identity, (policies, inline): Held) {
    for a in policies {
        out.op(PermissionOp::attach(identity.clone(), a.clone()));
    }
    for (pname, doc) in inline {
        out.op(put_inline(&identity, pname, doc));
    }
}

fn revokes(out: &mut Nodes, identity: Identity, (policies, inline): Held) {
    for pname in inline.keys() {
        out.op(PermissionOp::delete(identity.clone(), pname.clone()));
    }
    for a in policies {
        out.op(PermissionOp::detach(identity.clone(), a.clone()));
    }
}

fn put_inline(identity: &Identity, policy_name: &Name, document: &PolicyDocument) -> PermissionOp {
    PermissionOp::put(identity.clone(), policy_name.clone(), document.clone())
}

fn boundary(
    out: &mut Nodes,
    ctx: &Context,
    target: BoundaryTarget,
    before: &Option<String>,
    after: &Option<String>,
) {
    match after {
        Some(arn) if before.as_ref() != Some(arn) => {
            let node = ctx.node(BoundaryOp {
                target,
                policy_arn: Some(arn.clone()),
            });
            out.push(node.releases(before.clone().map(Key::Policy)));
        }
        None => {
            if let Some(old) = before {
                out.push(delete_boundary(ctx, target.kind(), target.name(), old));
            }
        }
        _ => {}
    }
}

/// Removing a boundary releases the policy that was the boundary.
fn delete_boundary(ctx: &Context, kind: Kind, name: &Name, policy_arn: &str) -> Node {
    let target = BoundaryTarget::of(kind, name).expect("only users and roles have boundaries");
    ctx.node(BoundaryOp {
        target,
        policy_arn: None,
    })
    .releases([Key::Policy(policy_arn.to_owned())])
}

/// Tag and untag operations.
pub(super) fn tags(out: &mut Nodes, target: TagTarget, before: &Tags, after: &Tags) {
    let set: Tags = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let unset: Vec<String> = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    if !set.is_empty() {
        out.op(TagOp {
            target: target.clone(),
            change: TagChange::Set(set),
        });
    }
    if !unset.is_empty() {
        out.op(TagOp {
            target,
            change: TagChange::Unset(unset),
        });
    }
}

/// Adds `user` to `group` (`Grant`) or removes it from it (`Revoke`).
fn in_group(access: Access, user: &Name, group: &Name) -> UserOp {
    let (user, group) = (user.clone(), group.clone());
    match access {
        Access::Grant => UserOp::AddUserToGroup { user, group },
        Access::Revoke => UserOp::RemoveUserFromGroup { user, group },
    }
}

/// Adds `role` to `profile` (`Grant`) or removes it from it (`Revoke`).
fn in_profile(access: Access, profile: &Name, role: &Name) -> InstanceProfileOp {
    let (instance_profile, role) = (profile.clone(), role.clone());
    match access {
        Access::Grant => InstanceProfileOp::AddRoleToInstanceProfile {
            instance_profile,
            role,
        },
        Access::Revoke => InstanceProfileOp::RemoveRoleFromInstanceProfile {
            instance_profile,
            role,
        },
    }
}

/// Every live identity the policy is attached to: users, then groups, then roles.
fn holders(live: &Account, policy_arn: &str) -> Vec<Identity> {
    let mut out = Vec::new();
    out.extend(
        live.users
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| Identity::User(e.name.clone())),
    );
    out.extend(
        live.groups
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| Identity::Group(e.name.clone())),
    );
    out.extend(
        live.roles
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| Identity::Role(e.name.clone())),
    );
    out
}

/// Every live principal using the policy as its permissions boundary.
fn boundary_holders(live: &Account, policy_arn: &str) -> Vec<(Kind, Name)> {
    let is = |b: &Option<String>| b.as_deref() == Some(policy_arn);
    let mut out = Vec::new();
    out.extend(
        live.users
            .values()
            .filter(|e| is(&e.permissions_boundary))
            .map(|e| (Kind::User, e.name.clone())),
    );
    out.extend(
        live.roles
            .values()
            .filter(|e| is(&e.permissions_boundary))
            .map(|e| (Kind::Role, e.name.clone())),
    );
    out
}

fn desired_policies<'a>(desired: &'a Account, identity: &Identity) -> Option<&'a BTreeSet<String>> {
    match identity {
        Identity::User(n) => desired.users.get(n).map(|e| &e.policies),
        Identity::Group(n) => desired.groups.get(n).map(|e| &e.policies),
        Identity::Role(n) => desired.roles.get(n).map(|e| &e.policies),
    }
}
