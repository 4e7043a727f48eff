//! Step 1 of plan building: each entity change becomes IAM operations, each annotated with the
//! keys it creates, deletes, uses and releases. Step 2 (`graph.rs`) turns those annotations into
//! ordering edges, so that every rule of DESIGN.md section 4 is one generic relation.

use crate::diff::{Action, Change, Entity};
use crate::model::{
    arn, Account, Address, Group, InlinePolicies, InstanceProfile, Kind, ManagedPolicy, Name,
    PolicyDocument, Role, Tags, User,
};
use crate::plan::operation::Operation;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Something an operation can depend on: an entity by name, or a managed policy by ARN.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Entity(Kind, Name),
    Policy(String),
}

/// An operation and what it means for ordering.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub op: Operation,
    pub creates: Vec<Key>,
    pub deletes: Vec<Key>,
    /// Must exist first: runs after whatever creates these.
    pub uses: Vec<Key>,
    /// Stops referring to these: runs before whatever deletes these.
    pub releases: Vec<Key>,
    /// Gives (`Grant`) or takes (`Revoke`) a principal's access, and about what.
    pub access: Option<(Access, Key, Option<Key>)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Grant,
    Revoke,
}

impl Node {
    fn new(op: Operation) -> Self {
        Node {
            op,
            creates: vec![],
            deletes: vec![],
            uses: vec![],
            releases: vec![],
            access: None,
        }
    }
    fn creates(mut self, k: Key) -> Self {
        self.creates.push(k);
        self
    }
    fn deletes(mut self, k: Key) -> Self {
        self.deletes.push(k);
        self
    }
    fn uses(mut self, k: impl IntoIterator<Item = Key>) -> Self {
        self.uses.extend(k);
        self
    }
    fn releases(mut self, k: impl IntoIterator<Item = Key>) -> Self {
        self.releases.extend(k);
        self
    }
    fn access(mut self, a: Access, principal: Key, about: Option<Key>) -> Self {
        self.access = Some((a, principal, about));
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
    pub fn new(
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

    /// Keys of the entities a trust policy names, when they are in this account's configuration.
    fn principal_keys(&self, doc: &PolicyDocument) -> Vec<Key> {
        let prefix = format!("arn:aws:iam::{}:", self.account_id);
        doc.principal_values()
            .filter_map(|v| v.strip_prefix(&prefix))
            .filter_map(|rest| {
                let (segment, _) = rest.split_once('/')?;
                let name = Name::from(rest.rsplit('/').next()?);
                let kind = match segment {
                    "role" => Kind::Role,
                    "user" => Kind::User,
                    _ => return None,
                };
                Some(ek(kind, &name))
            })
            .collect()
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
#[derive(Default)]
pub(crate) struct Nodes {
    pub nodes: Vec<Node>,
    index: HashMap<String, usize>,
}

impl Nodes {
    fn push(&mut self, node: Node) {
        let key = serde_json::to_string(&node.op).expect("operations always serialise");
        match self.index.get(&key) {
            Some(&i) => {
                let existing = &mut self.nodes[i];
                existing.creates.extend(node.creates);
                existing.deletes.extend(node.deletes);
                existing.uses.extend(node.uses);
                existing.releases.extend(node.releases);
            }
            None => {
                self.index.insert(key, self.nodes.len());
                self.nodes.push(node);
            }
        }
    }
}

/// Turns every change into annotated operations.
pub(crate) fn generate(changes: &[Change], ctx: &Context) -> Vec<Node> {
    let mut out = Nodes::default();
    for change in changes {
        let start = out.nodes.len();
        let before = change.before.as_ref();
        let after = change.after.as_ref();
        match (before, after) {
            (None, Some(after)) => create(&mut out, ctx, after),
            (Some(before), None) => delete(&mut out, ctx, before),
            (Some(before), Some(after)) if change.action == Action::Replace => {
                delete(&mut out, ctx, before);
                create(&mut out, ctx, after);
                reattach(&mut out, ctx, before, after);
            }
            (Some(before), Some(after)) => update(&mut out, ctx, before, after),
            (None, None) => {}
        }
        // Whatever the configuration references must exist before this entity is created or changed.
        if change.after.is_some() {
            let refs = ctx.reference_keys(&change.address);
            for node in &mut out.nodes[start..] {
                if node.deletes.is_empty() && !refs.is_empty() {
                    let own = ek(change.address.kind, &change.address.name);
                    node.uses
                        .extend(refs.iter().filter(|k| **k != own).cloned());
                }
            }
        }
    }
    out.nodes
}

fn create(out: &mut Nodes, ctx: &Context, entity: &Entity) {
    match entity {
        Entity::User(u) => {
            let k = ek(Kind::User, &u.name);
            out.push(
                Node::new(Operation::CreateUser {
                    user: u.name.clone(),
                    path: u.path.clone(),
                    permissions_boundary: u.permissions_boundary.clone(),
                    tags: u.tags.clone(),
                })
                .creates(k)
                .uses(u.permissions_boundary.clone().map(Key::Policy)),
            );
            for g in &u.groups {
                out.push(add_to_group(&u.name, g));
            }
            principal_grants(out, Kind::User, &u.name, &u.policies, &u.inline_policies);
        }
        Entity::Group(g) => {
            out.push(
                Node::new(Operation::CreateGroup {
                    group: g.name.clone(),
                    path: g.path.clone(),
                })
                .creates(ek(Kind::Group, &g.name)),
            );
            principal_grants(out, Kind::Group, &g.name, &g.policies, &g.inline_policies);
        }
        Entity::Role(r) => {
            out.push(
                Node::new(Operation::CreateRole {
                    role: r.name.clone(),
                    path: r.path.clone(),
                    assume_role_policy: r.assume_role_policy.clone(),
                    description: r.description.clone(),
                    max_session_duration: r.max_session_duration,
                    permissions_boundary: r.permissions_boundary.clone(),
                    tags: r.tags.clone(),
                })
                .creates(ek(Kind::Role, &r.name))
                .uses(r.permissions_boundary.clone().map(Key::Policy))
                .uses(ctx.principal_keys(&r.assume_role_policy)),
            );
            principal_grants(out, Kind::Role, &r.name, &r.policies, &r.inline_policies);
        }
        Entity::Policy(p) => {
            let arn = ctx.policy_arn(p);
            out.push(
                Node::new(Operation::CreatePolicy {
                    policy: p.name.clone(),
                    path: p.path.clone(),
                    description: p.description.clone(),
                    document: p.document.clone(),
                    tags: p.tags.clone(),
                })
                .creates(Key::Policy(arn))
                .creates(ek(Kind::Policy, &p.name)),
            );
        }
        Entity::InstanceProfile(ip) => {
            out.push(
                Node::new(Operation::CreateInstanceProfile {
                    instance_profile: ip.name.clone(),
                    path: ip.path.clone(),
                    tags: ip.tags.clone(),
                })
                .creates(ek(Kind::InstanceProfile, &ip.name)),
            );
            for r in &ip.roles {
                out.push(add_role(&ip.name, r));
            }
        }
        Entity::PasswordPolicy(p) => out.push(Node::new(Operation::UpdateAccountPasswordPolicy {
            policy: p.clone(),
        })),
    }
}

fn delete(out: &mut Nodes, ctx: &Context, entity: &Entity) {
    match entity {
        Entity::User(u) => {
            let k = ek(Kind::User, &u.name);
            let user = || u.name.clone();
            let c = &u.credentials;
            let mut teardown: Vec<Operation> = Vec::new();
            if c.has_login_profile() {
                teardown.push(Operation::DeleteLoginProfile { user: user() });
            }
            teardown.extend(c.access_key_ids().map(|id| Operation::DeleteAccessKey {
                user: user(),
                access_key_id: id.to_owned(),
            }));
            teardown.extend(
                c.mfa_devices
                    .iter()
                    .map(|id| Operation::DeactivateMfaDevice {
                        user: user(),
                        serial_number: id.clone(),
                    }),
            );
            teardown.extend(
                c.ssh_public_keys
                    .iter()
                    .map(|id| Operation::DeleteSshPublicKey {
                        user: user(),
                        ssh_public_key_id: id.clone(),
                    }),
            );
            teardown.extend(c.signing_certificates.iter().map(|id| {
                Operation::DeleteSigningCertificate {
                    user: user(),
                    certificate_id: id.clone(),
                }
            }));
            teardown.extend(c.service_specific_credentials.iter().map(|id| {
                Operation::DeleteServiceSpecificCredential {
                    user: user(),
                    credential_id: id.clone(),
                }
            }));
            for op in teardown {
                out.push(Node::new(op).releases([k.clone()]));
            }
            for g in &u.groups {
                out.push(remove_from_group(&u.name, g));
            }
            principal_revokes(out, Kind::User, &u.name, &u.policies, &u.inline_policies);
            out.push(
                Node::new(Operation::DeleteUser { user: user() })
                    .deletes(k)
                    .releases(u.permissions_boundary.clone().map(Key::Policy)),
            );
        }
        Entity::Group(g) => {
            for member in ctx
                .live
                .users
                .values()
                .filter(|u| u.groups.contains(&g.name))
            {
                out.push(remove_from_group(&member.name, &g.name));
            }
            principal_revokes(out, Kind::Group, &g.name, &g.policies, &g.inline_policies);
            out.push(
                Node::new(Operation::DeleteGroup {
                    group: g.name.clone(),
                })
                .deletes(ek(Kind::Group, &g.name)),
            );
        }
        Entity::Role(r) => {
            for ip in ctx
                .live
                .instance_profiles
                .values()
                .filter(|ip| ip.roles.contains(&r.name))
            {
                out.push(remove_role(&ip.name, &r.name));
            }
            principal_revokes(out, Kind::Role, &r.name, &r.policies, &r.inline_policies);
            out.push(
                Node::new(Operation::DeleteRole {
                    role: r.name.clone(),
                })
                .deletes(ek(Kind::Role, &r.name))
                .releases(r.permissions_boundary.clone().map(Key::Policy)),
            );
        }
        Entity::Policy(p) => {
            let policy_arn = ctx.policy_arn(p);
            for (kind, name) in holders(ctx.live, &policy_arn) {
                out.push(detach(kind, &name, &policy_arn));
            }
            for (kind, name) in boundary_holders(ctx.live, &policy_arn) {
                // A holder that is itself deleted, or whose configuration sets another boundary,
                // releases the policy through its own operations.
                let address = Address::new(kind, name.clone());
                if !ctx.removed.contains(&address) && !ctx.desired.contains(&address) {
                    out.push(delete_boundary(kind, &name, &policy_arn));
                }
            }
            for v in p.versions.iter().filter(|v| !v.is_default) {
                out.push(
                    Node::new(Operation::DeletePolicyVersion {
                        policy_arn: policy_arn.clone(),
                        version_id: v.id.clone(),
                    })
                    .releases([Key::Policy(policy_arn.clone())]),
                );
            }
            out.push(
                Node::new(Operation::DeletePolicy {
                    policy_arn: policy_arn.clone(),
                })
                .deletes(Key::Policy(policy_arn))
                .deletes(ek(Kind::Policy, &p.name)),
            );
        }
        Entity::InstanceProfile(ip) => {
            for r in &ip.roles {
                out.push(remove_role(&ip.name, r));
            }
            out.push(
                Node::new(Operation::DeleteInstanceProfile {
                    instance_profile: ip.name.clone(),
                })
                .deletes(ek(Kind::InstanceProfile, &ip.name)),
            );
        }
        Entity::PasswordPolicy(_) => out.push(Node::new(Operation::DeleteAccountPasswordPolicy)),
    }
}

/// After a replacement, put back what the old entity's teardown took from entities that stay.
fn reattach(out: &mut Nodes, ctx: &Context, before: &Entity, after: &Entity) {
    match (before, after) {
        (Entity::Policy(old), Entity::Policy(new)) => {
            let old_arn = ctx.policy_arn(old);
            let new_arn = ctx.policy_arn(new);
            for (kind, name) in holders(ctx.live, &old_arn) {
                let address = Address::new(kind, name.clone());
                if ctx.removed.contains(&address) {
                    continue;
                }
                let wants = match desired_policies(ctx.desired, &address) {
                    Some(policies) => policies.contains(&new_arn),
                    None => true, // unmanaged: keep what it had
                };
                if wants {
                    out.push(attach(kind, &name, &new_arn));
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
                    out.push(add_role(&ip.name, &new.name));
                }
            }
        }
        _ => {}
    }
}

fn update(out: &mut Nodes, ctx: &Context, before: &Entity, after: &Entity) {
    match (before, after) {
        (Entity::User(l), Entity::User(d)) => update_user(out, l, d),
        (Entity::Group(l), Entity::Group(d)) => {
            let k = ek(Kind::Group, &d.name);
            if l.path != d.path {
                out.push(
                    Node::new(Operation::UpdateGroupPath {
                        group: d.name.clone(),
                        path: d.path.clone(),
                    })
                    .uses([k]),
                );
            }
            update_principal(
                out,
                Kind::Group,
                &d.name,
                (&l.policies, &l.inline_policies),
                (&d.policies, &d.inline_policies),
            );
        }
        (Entity::Role(l), Entity::Role(d)) => update_role(out, ctx, l, d),
        (Entity::Policy(l), Entity::Policy(d)) => update_policy(out, ctx, l, d),
        (Entity::InstanceProfile(l), Entity::InstanceProfile(d)) => update_profile(out, l, d),
        (Entity::PasswordPolicy(_), Entity::PasswordPolicy(d)) => {
            out.push(Node::new(Operation::UpdateAccountPasswordPolicy {
                policy: d.clone(),
            }))
        }
        _ => {}
    }
}

fn update_user(out: &mut Nodes, l: &User, d: &User) {
    let k = ek(Kind::User, &d.name);
    if l.path != d.path {
        out.push(
            Node::new(Operation::UpdateUserPath {
                user: d.name.clone(),
                path: d.path.clone(),
            })
            .uses([k.clone()]),
        );
    }
    boundary(
        out,
        Kind::User,
        &d.name,
        &l.permissions_boundary,
        &d.permissions_boundary,
    );
    tags(out, Kind::User, &d.name, None, &l.tags, &d.tags);
    for g in d.groups.difference(&l.groups) {
        out.push(add_to_group(&d.name, g));
    }
    for g in l.groups.difference(&d.groups) {
        out.push(remove_from_group(&d.name, g));
    }
    update_principal(
        out,
        Kind::User,
        &d.name,
        (&l.policies, &l.inline_policies),
        (&d.policies, &d.inline_policies),
    );
}

fn update_role(out: &mut Nodes, ctx: &Context, l: &Role, d: &Role) {
    let k = ek(Kind::Role, &d.name);
    if l.description != d.description || l.max_session_duration != d.max_session_duration {
        out.push(
            Node::new(Operation::UpdateRole {
                role: d.name.clone(),
                description: d.description.clone(),
                max_session_duration: d.max_session_duration,
            })
            .uses([k.clone()]),
        );
    }
    if l.assume_role_policy != d.assume_role_policy {
        out.push(
            Node::new(Operation::UpdateAssumeRolePolicy {
                role: d.name.clone(),
                document: d.assume_role_policy.clone(),
            })
            .uses([k.clone()])
            .uses(ctx.principal_keys(&d.assume_role_policy)),
        );
    }
    boundary(
        out,
        Kind::Role,
        &d.name,
        &l.permissions_boundary,
        &d.permissions_boundary,
    );
    tags(out, Kind::Role, &d.name, None, &l.tags, &d.tags);
    update_principal(
        out,
        Kind::Role,
        &d.name,
        (&l.policies, &l.inline_policies),
        (&d.policies, &d.inline_policies),
    );
}

fn update_policy(out: &mut Nodes, ctx: &Context, l: &ManagedPolicy, d: &ManagedPolicy) {
    let policy_arn = ctx.policy_arn(d);
    let k = Key::Policy(policy_arn.clone());
    if l.document != d.document {
        // IAM keeps at most five versions: make room by deleting the oldest non-default one.
        if l.versions.len() >= 5 {
            if let Some(oldest) = l.versions.iter().filter(|v| !v.is_default).min_by_key(|v| {
                v.id.trim_start_matches('v')
                    .parse::<u64>()
                    .unwrap_or(u64::MAX)
            }) {
                out.push(
                    Node::new(Operation::DeletePolicyVersion {
                        policy_arn: policy_arn.clone(),
                        version_id: oldest.id.clone(),
                    })
                    .releases([k.clone()]),
                );
            }
        }
        out.push(
            Node::new(Operation::CreatePolicyVersion {
                policy_arn: policy_arn.clone(),
                document: d.document.clone(),
            })
            .uses([k]),
        );
    }
    tags(
        out,
        Kind::Policy,
        &d.name,
        Some(&policy_arn),
        &l.tags,
        &d.tags,
    );
}

fn update_profile(out: &mut Nodes, l: &InstanceProfile, d: &InstanceProfile) {
    for r in l.roles.difference(&d.roles) {
        out.push(remove_role(&d.name, r));
    }
    for r in d.roles.difference(&l.roles) {
        out.push(add_role(&d.name, r));
    }
    tags(out, Kind::InstanceProfile, &d.name, None, &l.tags, &d.tags);
}

fn update_principal(
    out: &mut Nodes,
    kind: Kind,
    name: &Name,
    (lp, li): (&BTreeSet<String>, &InlinePolicies),
    (dp, di): (&BTreeSet<String>, &InlinePolicies),
) {
    for a in dp.difference(lp) {
        out.push(attach(kind, name, a));
    }
    for a in lp.difference(dp) {
        out.push(detach(kind, name, a));
    }
    for (pname, doc) in di {
        if li.get(pname) != Some(doc) {
            out.push(put_inline(kind, name, pname, doc));
        }
    }
    for pname in li.keys().filter(|p| !di.contains_key(*p)) {
        out.push(delete_inline(kind, name, pname));
    }
}

fn principal_grants(
    out: &mut Nodes,
    kind: Kind,
    name: &Name,
    policies: &BTreeSet<String>,
    inline: &InlinePolicies,
) {
    for a in policies {
        out.push(attach(kind, name, a));
    }
    for (pname, doc) in inline {
        out.push(put_inline(kind, name, pname, doc));
    }
}

fn principal_revokes(
    out: &mut Nodes,
    kind: Kind,
    name: &Name,
    policies: &BTreeSet<String>,
    inline: &InlinePolicies,
) {
    for pname in inline.keys() {
        out.push(delete_inline(kind, name, pname));
    }
    for a in policies {
        out.push(detach(kind, name, a));
    }
}

fn boundary(
    out: &mut Nodes,
    kind: Kind,
    name: &Name,
    before: &Option<String>,
    after: &Option<String>,
) {
    let k = ek(kind, name);
    let old = before.clone().map(Key::Policy);
    match after {
        Some(arn) if before.as_ref() != Some(arn) => {
            let op = match kind {
                Kind::User => Operation::PutUserPermissionsBoundary {
                    user: name.clone(),
                    policy_arn: arn.clone(),
                },
                _ => Operation::PutRolePermissionsBoundary {
                    role: name.clone(),
                    policy_arn: arn.clone(),
                },
            };
            out.push(
                Node::new(op)
                    .uses([k, Key::Policy(arn.clone())])
                    .releases(old),
            );
        }
        None if before.is_some() => {
            out.push(delete_boundary(
                kind,
                name,
                before.as_deref().unwrap_or_default(),
            ));
        }
        _ => {}
    }
}

fn delete_boundary(kind: Kind, name: &Name, policy_arn: &str) -> Node {
    let op = match kind {
        Kind::User => Operation::DeleteUserPermissionsBoundary { user: name.clone() },
        _ => Operation::DeleteRolePermissionsBoundary { role: name.clone() },
    };
    Node::new(op).releases([ek(kind, name), Key::Policy(policy_arn.to_owned())])
}

/// Tag and untag operations; `policy_arn` is set for managed policies, which IAM tags by ARN.
fn tags(
    out: &mut Nodes,
    kind: Kind,
    name: &Name,
    policy_arn: Option<&String>,
    before: &Tags,
    after: &Tags,
) {
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
    let key = match policy_arn {
        Some(a) => Key::Policy(a.clone()),
        None => ek(kind, name),
    };
    let n = || name.clone();
    if !set.is_empty() {
        let op = match (kind, policy_arn) {
            (_, Some(a)) => Operation::TagPolicy {
                policy_arn: a.clone(),
                tags: set,
            },
            (Kind::User, _) => Operation::TagUser {
                user: n(),
                tags: set,
            },
            (Kind::Role, _) => Operation::TagRole {
                role: n(),
                tags: set,
            },
            _ => Operation::TagInstanceProfile {
                instance_profile: n(),
                tags: set,
            },
        };
        out.push(Node::new(op).uses([key.clone()]));
    }
    if !unset.is_empty() {
        let op = match (kind, policy_arn) {
            (_, Some(a)) => Operation::UntagPolicy {
                policy_arn: a.clone(),
                keys: unset,
            },
            (Kind::User, _) => Operation::UntagUser {
                user: n(),
                keys: unset,
            },
            (Kind::Role, _) => Operation::UntagRole {
                role: n(),
                keys: unset,
            },
            _ => Operation::UntagInstanceProfile {
                instance_profile: n(),
                keys: unset,
            },
        };
        out.push(Node::new(op).uses([key]));
    }
}

fn add_to_group(user: &Name, group: &Name) -> Node {
    let (u, g) = (ek(Kind::User, user), ek(Kind::Group, group));
    Node::new(Operation::AddUserToGroup {
        user: user.clone(),
        group: group.clone(),
    })
    .uses([u.clone(), g.clone()])
    .access(Access::Grant, u, Some(g))
}

fn remove_from_group(user: &Name, group: &Name) -> Node {
    let (u, g) = (ek(Kind::User, user), ek(Kind::Group, group));
    Node::new(Operation::RemoveUserFromGroup {
        user: user.clone(),
        group: group.clone(),
    })
    .releases([u.clone(), g.clone()])
    .access(Access::Revoke, u, Some(g))
}

fn add_role(profile: &Name, role: &Name) -> Node {
    Node::new(Operation::AddRoleToInstanceProfile {
        instance_profile: profile.clone(),
        role: role.clone(),
    })
    .uses([ek(Kind::InstanceProfile, profile), ek(Kind::Role, role)])
}

fn remove_role(profile: &Name, role: &Name) -> Node {
    Node::new(Operation::RemoveRoleFromInstanceProfile {
        instance_profile: profile.clone(),
        role: role.clone(),
    })
    .releases([ek(Kind::InstanceProfile, profile), ek(Kind::Role, role)])
}

fn attach(kind: Kind, name: &Name, policy_arn: &str) -> Node {
    let (n, a) = (name.clone(), policy_arn.to_owned());
    let op = match kind {
        Kind::User => Operation::AttachUserPolicy {
            user: n,
            policy_arn: a,
        },
        Kind::Group => Operation::AttachGroupPolicy {
            group: n,
            policy_arn: a,
        },
        _ => Operation::AttachRolePolicy {
            role: n,
            policy_arn: a,
        },
    };
    let (k, p) = (ek(kind, name), Key::Policy(policy_arn.to_owned()));
    Node::new(op)
        .uses([k.clone(), p.clone()])
        .access(Access::Grant, k, Some(p))
}

fn detach(kind: Kind, name: &Name, policy_arn: &str) -> Node {
    let (n, a) = (name.clone(), policy_arn.to_owned());
    let op = match kind {
        Kind::User => Operation::DetachUserPolicy {
            user: n,
            policy_arn: a,
        },
        Kind::Group => Operation::DetachGroupPolicy {
            group: n,
            policy_arn: a,
        },
        _ => Operation::DetachRolePolicy {
            role: n,
            policy_arn: a,
        },
    };
    let (k, p) = (ek(kind, name), Key::Policy(policy_arn.to_owned()));
    Node::new(op)
        .releases([k.clone(), p.clone()])
        .access(Access::Revoke, k, Some(p))
}

fn put_inline(kind: Kind, name: &Name, policy_name: &Name, document: &PolicyDocument) -> Node {
    let (n, p, document) = (name.clone(), policy_name.clone(), document.clone());
    let op = match kind {
        Kind::User => Operation::PutUserPolicy {
            user: n,
            policy_name: p,
            document,
        },
        Kind::Group => Operation::PutGroupPolicy {
            group: n,
            policy_name: p,
            document,
        },
        _ => Operation::PutRolePolicy {
            role: n,
            policy_name: p,
            document,
        },
    };
    let k = ek(kind, name);
    Node::new(op)
        .uses([k.clone()])
        .access(Access::Grant, k, None)
}

fn delete_inline(kind: Kind, name: &Name, policy_name: &Name) -> Node {
    let (n, p) = (name.clone(), policy_name.clone());
    let op = match kind {
        Kind::User => Operation::DeleteUserPolicy {
            user: n,
            policy_name: p,
        },
        Kind::Group => Operation::DeleteGroupPolicy {
            group: n,
            policy_name: p,
        },
        _ => Operation::DeleteRolePolicy {
            role: n,
            policy_name: p,
        },
    };
    let k = ek(kind, name);
    Node::new(op)
        .releases([k.clone()])
        .access(Access::Revoke, k, None)
}

/// Every live principal the policy is attached to.
fn holders(live: &Account, policy_arn: &str) -> Vec<(Kind, Name)> {
    let mut out = Vec::new();
    out.extend(
        live.users
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| (Kind::User, e.name.clone())),
    );
    out.extend(
        live.groups
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| (Kind::Group, e.name.clone())),
    );
    out.extend(
        live.roles
            .values()
            .filter(|e| e.policies.contains(policy_arn))
            .map(|e| (Kind::Role, e.name.clone())),
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

fn desired_policies<'a>(desired: &'a Account, address: &Address) -> Option<&'a BTreeSet<String>> {
    match address.kind {
        Kind::User => desired.users.get(&address.name).map(|e| &e.policies),
        Kind::Group => desired
            .groups
            .get(&address.name)
            .map(|e: &Group| &e.policies),
        Kind::Role => desired.roles.get(&address.name).map(|e| &e.policies),
        _ => None,
    }
}
