//! Diff: (desired, live, scope) -> entity-level changes.
//!
//! Pure and symmetric: both sides are `Account`s. A declared entity's whole IAM state is
//! authoritative; an undeclared live entity is deleted only when the scope owns it. Fields that exist
//! only live (credentials, policy versions) never cause a change.

use crate::model::{
    Account, AccountAlias, Address, Group, InstanceProfile, Kind, ManagedPolicy, Name,
    OpenIdConnectProvider, PasswordPolicy, Role, SamlProvider, Scope, ServiceLinkedRole, User,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

/// One entity's state, before or after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entity {
    User(User),
    Group(Group),
    Role(Role),
    Policy(ManagedPolicy),
    InstanceProfile(InstanceProfile),
    PasswordPolicy(PasswordPolicy),
    #[serde(rename = "openid_connect_provider")]
    OpenIdConnectProvider(OpenIdConnectProvider),
    SamlProvider(SamlProvider),
    AccountAlias(AccountAlias),
    ServiceLinkedRole(ServiceLinkedRole),
}

#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    #[serialize_always]
    pub before: Option<Entity>,
    #[serialize_always]
    pub after: Option<Entity>,
    /// Why a replacement is needed; for display only.
    pub reason: Option<String>,
    /// The entity's old address when a `moved` block renames it in place (action `update`).
    pub moved_from: Option<Address>,
    /// The module instance declaring the entity (`module.baseline`), when a module does; for
    /// display only: the address, an IAM name, is the same wherever the entity is declared.
    pub module: Option<String>,
}

impl Change {
    /// The address with where the entity comes from: `module.baseline.role.ci`, or `role.ci`
    /// for an entity the configuration itself declares (or one it does not declare).
    pub fn shown_address(&self) -> String {
        match &self.module {
            Some(m) => format!("{m}.{}", self.address),
            None => self.address.to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Live entities this configuration does not manage, per kind.
    pub unmanaged: BTreeMap<Kind, usize>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Says which module declares each changed entity (`module` of [`Change`]).
    pub fn mark_modules(&mut self, modules: &BTreeMap<Address, String>) {
        for c in &mut self.changes {
            c.module = modules.get(&c.address).cloned();
        }
    }
}

impl Entity {
    /// The entity of `account` at `address`, if it exists.
    pub fn of(account: &Account, address: &Address) -> Option<Entity> {
        fn get<T: Described>(account: &Account, name: &Name) -> Option<Entity> {
            T::in_account(account).get(name).cloned().map(T::wrap)
        }
        let n = &address.name;
        match address.kind {
            Kind::User => get::<User>(account, n),
            Kind::Group => get::<Group>(account, n),
            Kind::Role => get::<Role>(account, n),
            Kind::Policy => get::<ManagedPolicy>(account, n),
            Kind::InstanceProfile => get::<InstanceProfile>(account, n),
            Kind::PasswordPolicy => account.password_policy.clone().map(Entity::PasswordPolicy),
            Kind::OpenIdConnectProvider => get::<OpenIdConnectProvider>(account, n),
            Kind::SamlProvider => get::<SamlProvider>(account, n),
            Kind::AccountAlias => account.account_alias.clone().map(Entity::AccountAlias),
            Kind::ServiceLinkedRole => get::<ServiceLinkedRole>(account, n),
        }
    }

    /// The entity's fields as a JSON object, without `kind` (what the renderings show).
    pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => {
                m.shift_remove("kind");
                m
            }
            _ => serde_json::Map::new(),
        }
    }
}

/// Compares the two accounts. `scope` decides which undeclared live entities are deleted.
pub fn diff(desired: &Account, live: &Account, scope: Option<&Scope>) -> Diff {
    let mut out = Diff::default();
    let owns = |address: &Address, path: Option<&str>| scope.is_some_and(|s| s.owns(address, path));
    let (d, l) = (desired, live);
    diff_kind(&mut out, (d, l), &owns, user_change);
    diff_kind(&mut out, (d, l), &owns, group_change);
    diff_kind(&mut out, (d, l), &owns, role_change);
    diff_kind(&mut out, (d, l), &owns, policy_change);
    diff_kind(&mut out, (d, l), &owns, profile_change);
    diff_kind(&mut out, (d, l), &owns, oidc_change);
    diff_kind(&mut out, (d, l), &owns, saml_change);
    diff_kind(&mut out, (d, l), &owns, linked_role_change);
    let policies = (d.password_policy.as_ref(), l.password_policy.as_ref());
    let kind = (Kind::PasswordPolicy, Entity::PasswordPolicy as fn(_) -> _);
    diff_singleton(&mut out, kind, policies, &owns, |d, l| {
        d.without_defaults() != l.without_defaults()
    });
    let aliases = (d.account_alias.as_ref(), l.account_alias.as_ref());
    let kind = (Kind::AccountAlias, Entity::AccountAlias as fn(_) -> _);
    diff_singleton(&mut out, kind, aliases, &owns, |d, l| d != l);
    out
}

/// One of an account's singletons (the password policy, the alias): created or updated when
/// declared, deleted only when the scope lists its kind.
fn diff_singleton<T: Clone>(
    out: &mut Diff,
    (kind, wrap): (Kind, fn(T) -> Entity),
    (desired, live): (Option<&T>, Option<&T>),
    owns: &dyn Fn(&Address, Option<&str>) -> bool,
    differs: fn(&T, &T) -> bool,
) {
    let address = Address::singleton(kind);
    let change = |action, before: Option<&T>, after: Option<&T>| Change {
        address: address.clone(),
        action,
        before: before.cloned().map(wrap),
        after: after.cloned().map(wrap),
        reason: None,
        moved_from: None,
        module: None,
    };
    match (desired, live) {
        (Some(d), Some(l)) if differs(d, l) => {
            out.changes.push(change(Action::Update, live, desired))
        }
        (Some(_), None) => out.changes.push(change(Action::Create, None, desired)),
        (None, Some(_)) if owns(&address, None) => {
            out.changes.push(change(Action::Delete, live, None))
        }
        (None, Some(_)) => *out.unmanaged.entry(kind).or_default() += 1,
        _ => {}
    }
}

/// How a kind's entities compare: `None` when equal, else the action and an optional reason.
type Compare<T> = fn(desired: &T, live: &T) -> Option<(Action, Option<String>)>;

/// A kind of entity that an account holds by name.
trait Described: Clone {
    const KIND: Kind;
    /// The account's entities of this kind, by name.
    fn in_account(account: &Account) -> &BTreeMap<Name, Self>;
    /// The entity's path, for the scope (`None`: it has none).
    fn path(&self) -> Option<String>;
    fn name(&self) -> &Name;
    fn wrap(self) -> Entity;
    /// The live entity as the plan shows it next to `desired` (live-only facts said in the
    /// configuration's terms).
    fn observed(&self, _desired: &Self) -> Self {
        self.clone()
    }
    /// Whether the live entity is compared as another kind (a service-linked role's role).
    fn compared_elsewhere(&self) -> bool {
        false
    }
}

/// [`Described`] for each kind: its type, its variant of [`Kind`] and [`Entity`], the account's
/// map of it, its path (`path`: the field; `linked`: a service-linked role's; `-`: none), and
/// the methods it does not take from the trait's defaults, in braces.
macro_rules! described {
    (@path $e:ident path) => { Some($e.path.clone()) };
    (@path $e:ident linked) => {
        Some(format!("{}{}/", crate::model::iam::SERVICE_ROLE_PATH, $e.aws_service_name))
    };
    (@path $e:ident -) => { None };
    ($($t:ty => $variant:ident, $field:ident, $path:tt $({ $($own:tt)* })?);* $(;)?) => {$(
        impl Described for $t {
            const KIND: Kind = Kind::$variant;
            fn in_account(account: &Account) -> &BTreeMap<Name, Self> {
                &account.$field
            }
            fn path(&self) -> Option<String> {
                described!(@path self $path)
            }
            fn name(&self) -> &Name {
                &self.name
            }
            fn wrap(self) -> Entity {
                Entity::$variant(self)
            }
            $($($own)*)?
        }
    )*};
}

/// A change of a name's case only (`Bob` to `bob`): IAM keeps names as spelled, so it is a change,
/// though the name is the same to IAM's uniqueness rule. Users and groups are renamed in place
/// (the change is an update with `moved_from`, as for a `moved` block); roles, managed policies
/// and instance profiles cannot be renamed and are replaced.
fn case_change<T: Described>(
    kind: Kind,
    d: &T,
    l: &T,
    compared: Option<(Action, Option<String>)>,
) -> (Option<(Action, Option<String>)>, Option<Address>) {
    let (new, old) = (d.name().as_str(), l.name().as_str());
    if new == old {
        return (compared, None);
    }
    match kind {
        Kind::User | Kind::Group => (
            compared.or(Some((Action::Update, None))),
            Some(Address::new(kind, l.name().clone())),
        ),
        _ => (
            Some((
                Action::Replace,
                Some(format!(
                    "the name changes from {old:?} to {new:?} (only its case), and IAM cannot rename a {kind}"
                )),
            )),
            None,
        ),
    }
}
described!(
    User => User, users, path {
        /// Console access as `console_access` says it, when the configuration says it.
        fn observed(&self, desired: &User) -> User {
            let mut out = self.clone();
            if desired.console_access.is_some() {
                out.console_access = Some(self.observed_console_access());
            }
            out
        }
    };
    Group => Group, groups, path;
    Role => Role, roles, path {
        fn compared_elsewhere(&self) -> bool {
            crate::model::iam::service_of_linked_role_path(&self.path).is_some()
        }
    };
    ManagedPolicy => Policy, policies, path;
    InstanceProfile => InstanceProfile, instance_profiles, path;
    OpenIdConnectProvider => OpenIdConnectProvider, openid_connect_providers, -;
    SamlProvider => SamlProvider, saml_providers, -;
    ServiceLinkedRole => ServiceLinkedRole, service_linked_roles, linked;
);

/// The changes of the entities of `T`'s kind between the `desired` and the `live` account.
fn diff_kind<T: Described>(
    out: &mut Diff,
    (desired, live): (&Account, &Account),
    owns: &dyn Fn(&Address, Option<&str>) -> bool,
    compare: Compare<T>,
) {
    let (kind, desired, live) = (T::KIND, T::in_account(desired), T::in_account(live));
    for (name, d) in desired {
        let address = Address::new(kind, name.clone());
        match live.get(name) {
            None => out.changes.push(Change {
                address,
                action: Action::Create,
                before: None,
                after: Some(d.clone().wrap()),
                reason: None,
                moved_from: None,
                module: None,
            }),
            Some(l) => {
                let (compared, moved_from) = case_change(kind, d, l, compare(d, l));
                if let Some((action, reason)) = compared {
                    out.changes.push(Change {
                        address,
                        action,
                        before: Some(l.observed(d).wrap()),
                        after: Some(d.clone().wrap()),
                        reason,
                        moved_from,
                        module: None,
                    });
                }
            }
        }
    }
    for (name, l) in live {
        if desired.contains_key(name) || l.compared_elsewhere() {
            continue;
        }
        let address = Address::new(kind, name.clone());
        if owns(&address, l.path().as_deref()) {
            out.changes.push(Change {
                address,
                action: Action::Delete,
                before: Some(l.clone().wrap()),
                after: None,
                reason: None,
                moved_from: None,
                module: None,
            });
        } else {
            *out.unmanaged.entry(kind).or_default() += 1;
        }
    }
}

/// Whether `d` and `l` differ in any of the named fields.
macro_rules! differ {
    ($d:ident, $l:ident: $($field:ident),+) => {
        false $(|| $d.$field != $l.$field)+
    };
}

fn update_if(changed: bool) -> Option<(Action, Option<String>)> {
    changed.then_some((Action::Update, None))
}

fn replace(reason: String) -> Option<(Action, Option<String>)> {
    Some((Action::Replace, Some(reason)))
}

fn user_change(d: &User, l: &User) -> Option<(Action, Option<String>)> {
    let console = d
        .console_access
        .is_some_and(|c| c.enabled != l.credentials.has_login_profile());
    let fields = differ!(d, l: path, permissions_boundary, tags, groups, policies, inline_policies);
    update_if(fields || console)
}

fn group_change(d: &Group, l: &Group) -> Option<(Action, Option<String>)> {
    update_if(differ!(d, l: path, policies, inline_policies))
}

fn role_change(d: &Role, l: &Role) -> Option<(Action, Option<String>)> {
    if d.path != l.path {
        return replace(format!(
            "path changes from {:?} to {:?}, and IAM cannot move a role",
            l.path, d.path
        ));
    }
    update_if(differ!(
        d, l: description, max_session_duration, permissions_boundary, tags, assume_role_policy,
        policies, inline_policies
    ))
}

fn policy_change(d: &ManagedPolicy, l: &ManagedPolicy) -> Option<(Action, Option<String>)> {
    if d.path != l.path {
        return replace(format!(
            "path changes from {:?} to {:?}, and IAM cannot move a managed policy",
            l.path, d.path
        ));
    }
    if d.description != l.description {
        return replace(
            "description changes, and IAM cannot change a managed policy's description".to_owned(),
        );
    }
    update_if(differ!(d, l: document, tags))
}

/// Client ids, thumbprints (when declared) and tags change in place; the URL is the provider's
/// name, so another URL is another provider.
fn oidc_change(
    d: &OpenIdConnectProvider,
    l: &OpenIdConnectProvider,
) -> Option<(Action, Option<String>)> {
    let thumbprints = d
        .thumbprint_list
        .as_ref()
        .is_some_and(|t| Some(t) != l.thumbprint_list.as_ref());
    update_if(differ!(d, l: client_id_list, tags) || thumbprints)
}

fn saml_change(d: &SamlProvider, l: &SamlProvider) -> Option<(Action, Option<String>)> {
    update_if(differ!(d, l: metadata, tags))
}

/// Only a declared description is compared: AWS describes the roles it creates itself.
fn linked_role_change(
    d: &ServiceLinkedRole,
    l: &ServiceLinkedRole,
) -> Option<(Action, Option<String>)> {
    update_if(d.description.is_some() && d.description != l.description)
}

fn profile_change(d: &InstanceProfile, l: &InstanceProfile) -> Option<(Action, Option<String>)> {
    if d.path != l.path {
        return replace(format!(
            "path changes from {:?} to {:?}, and IAM cannot move an instance profile",
            l.path, d.path
        ));
    }
    update_if(differ!(d, l: roles, tags))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Credentials, PolicyDocument};

    fn user(name: &str, path: &str) -> User {
        User {
            name: name.into(),
            path: path.into(),
            permissions_boundary: None,
            tags: Default::default(),
            groups: Default::default(),
            policies: Default::default(),
            inline_policies: Default::default(),
            credentials: Default::default(),
            console_access: None,
        }
    }

    fn account(users: &[User]) -> Account {
        Account {
            users: users.iter().map(|u| (u.name.clone(), u.clone())).collect(),
            ..Default::default()
        }
    }

    fn actions(d: &Diff) -> Vec<(String, Action)> {
        d.changes
            .iter()
            .map(|c| (c.address.to_string(), c.action))
            .collect()
    }

    #[test]
    fn create_update_delete_and_unmanaged() {
        let mut changed = user("b", "/");
        changed.groups.insert("g".into());
        let desired = account(&[user("a", "/"), changed]);
        let live = account(&[user("B", "/"), user("c", "/"), user("d", "/other/")]);
        let scope = Scope {
            paths: vec!["/".into()],
            exclude: vec!["user/d".into()],
            kinds: None,
        };
        let d = diff(&desired, &live, Some(&scope));
        assert_eq!(
            actions(&d),
            [
                ("user.a".into(), Action::Create),
                ("user.b".into(), Action::Update),
                ("user.c".into(), Action::Delete)
            ]
        );
        assert_eq!(d.unmanaged[&Kind::User], 1);
    }

    #[test]
    fn without_scope_nothing_undeclared_is_deleted() {
        let d = diff(
            &account(&[]),
            &account(&[user("x", "/"), user("y", "/")]),
            None,
        );
        assert!(d.changes.is_empty());
        assert_eq!(d.unmanaged[&Kind::User], 2);
    }

    #[test]
    fn live_only_fields_cause_no_change() {
        let mut live = user("john", "/");
        live.credentials = Credentials {
            login_profile: Some(Default::default()),
            ..Default::default()
        };
        let d = diff(&account(&[user("john", "/")]), &account(&[live]), None);
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_case_only_rename_is_a_change() {
        // Regression: `Bob` -> `bob` planned "No changes".
        let d = diff(
            &account(&[user("bob", "/")]),
            &account(&[user("Bob", "/")]),
            None,
        );
        assert_eq!(actions(&d), [("user.bob".into(), Action::Update)]);
        let c = &d.changes[0];
        assert_eq!(c.address.name.as_str(), "bob");
        assert_eq!(
            c.moved_from.as_ref().map(|a| a.name.as_str()),
            Some("Bob"),
            "renamed in place, from the live spelling"
        );

        // Another change of the same user stays in the same update.
        let mut changed = user("bob", "/x/");
        changed.groups.insert("g".into());
        let d = diff(&account(&[changed]), &account(&[user("Bob", "/")]), None);
        assert_eq!(d.changes.len(), 1);
        assert_eq!(d.changes[0].action, Action::Update);
        assert!(d.changes[0].moved_from.is_some());

        let group = |name: &str| Group {
            name: name.into(),
            path: "/".into(),
            policies: Default::default(),
            inline_policies: Default::default(),
        };
        let groups = |g: Group| Account {
            groups: [(g.name.clone(), g)].into(),
            ..Default::default()
        };
        let d = diff(&groups(group("devs")), &groups(group("Devs")), None);
        assert_eq!(d.changes[0].action, Action::Update);
        assert_eq!(
            d.changes[0].moved_from.as_ref().map(|a| a.to_string()),
            Some("group.Devs".to_owned())
        );
    }

    #[test]
    fn a_case_only_rename_replaces_what_iam_cannot_rename() {
        let doc = PolicyDocument::from_json_str(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#,
        )
        .unwrap();
        let policy = |name: &str| ManagedPolicy {
            name: name.into(),
            path: "/".into(),
            description: None,
            tags: Default::default(),
            document: doc.clone(),
            versions: vec![],
        };
        let acct = |p: ManagedPolicy| Account {
            policies: [(p.name.clone(), p)].into(),
            ..Default::default()
        };
        let d = diff(&acct(policy("ReadData")), &acct(policy("readdata")), None);
        assert_eq!(actions(&d), [("policy.ReadData".into(), Action::Replace)]);
        let reason = d.changes[0].reason.as_deref().unwrap();
        assert!(reason.contains("only its case"), "{reason}");
        assert!(d.changes[0].moved_from.is_none());
        // Spelled the same: nothing to do.
        assert!(diff(&acct(policy("ReadData")), &acct(policy("ReadData")), None).is_empty());
    }

    #[test]
    fn policy_path_and_description_force_replacement_document_updates() {
        let doc = |a: &str| {
            PolicyDocument::from_json_str(&format!(
                r#"{{"Statement":{{"Effect":"Allow","Action":"{a}","Resource":"*"}}}}"#
            ))
            .unwrap()
        };
        let p = |path: &str, desc: Option<&str>, d: PolicyDocument| ManagedPolicy {
            name: "p".into(),
            path: path.into(),
            description: desc.map(Into::into),
            tags: Default::default(),
            document: d,
            versions: vec![],
        };
        let acct = |p: ManagedPolicy| Account {
            policies: [(p.name.clone(), p)].into(),
            ..Default::default()
        };
        let live = acct(p("/", None, doc("s3:GetObject")));
        let cases = [
            (p("/", None, doc("s3:PutObject")), Action::Update),
            (p("/x/", None, doc("s3:GetObject")), Action::Replace),
            (p("/", Some("new"), doc("s3:GetObject")), Action::Replace),
        ];
        for (desired, action) in cases {
            let d = diff(&acct(desired), &live, None);
            assert_eq!(d.changes[0].action, action);
        }
        assert!(diff(&acct(p("/", None, doc("s3:GetObject"))), &live, None).is_empty());
    }
}
