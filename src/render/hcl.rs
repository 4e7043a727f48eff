//! An `Account` as iamform HCL: the configuration that declares exactly that account (used by
//! `iamform import` and the synthetic accounts of `synth`).
//!
//! Built as an `hcl::Body` and printed by hcl-rs's formatter, so quoting and escaping (`${` in a
//! policy, say) are always right. Block labels are HCL identifiers (a name such as `web.app@x`
//! gets the label `web_app_x` and `name = "web.app@x"`), so that other blocks can reference it:
//! group memberships, attached policies, permissions boundaries and instance profile roles are
//! written as `group.dev.name`, `policy.x.arn`, `role.app.name` when the entity is in the same
//! account, as literals otherwise (AWS managed policies, entities left out of an import).
//! Policy documents are `statement` blocks; a document they cannot express (an `Id`, another
//! `Version`, an unusual principal type, an empty list) is written as `jsonencode({...})` of its
//! canonical JSON. Both read back as the identical canonical document. Credentials are never
//! written.

use crate::model::policy::{Effect, Principal, Statement, Values, DEFAULT_VERSION};
use crate::model::{Account, Kind, Name, PasswordPolicy, PolicyDocument, Scope, Tags};
use hcl::expr::{FuncCall, Traversal, Variable};
use hcl::{Block, BlockBuilder, Body, Expression};
use std::collections::{BTreeMap, BTreeSet};

/// The whole account as one configuration file.
pub fn account(account: &Account) -> Result<String, hcl::Error> {
    let mut body = Body::builder();
    for (_, b) in blocks(account)? {
        body = body.add_block(b);
    }
    format(body.build())
}

/// The account as one file per kind (`users.hcl`, `groups.hcl`, `roles.hcl`, `policies.hcl`,
/// `instance_profiles.hcl`, `password_policy.hcl`), plus `settings.hcl` holding `scope` when one
/// is given. Kinds without entities get no file. Sorted by file name.
pub(crate) fn files(
    account: &Account,
    scope: Option<&Scope>,
) -> Result<Vec<(&'static str, String)>, hcl::Error> {
    let mut per_file: BTreeMap<&'static str, hcl::BodyBuilder> = BTreeMap::new();
    for (kind, b) in blocks(account)? {
        let file = file_name(kind);
        let body = per_file.remove(file).unwrap_or_else(Body::builder);
        per_file.insert(file, body.add_block(b));
    }
    if let Some(scope) = scope {
        let mut sb =
            Block::builder("scope").add_attribute(("paths", Expression::from(scope.paths.clone())));
        if !scope.exclude.is_empty() {
            sb = sb.add_attribute(("exclude", Expression::from(scope.exclude.clone())));
        }
        let settings = Block::builder("settings").add_block(sb.build()).build();
        per_file.insert("settings.hcl", Body::builder().add_block(settings));
    }
    per_file
        .into_iter()
        .map(|(file, body)| Ok((file, format(body.build())?)))
        .collect()
}

/// Formats `body`, writing the strings hcl-rs would escape wrongly with our own escaping.
///
/// hcl-primitives 0.1.13's `escape_markers` reads `$`/`%` in pairs once it has found a marker, so a
/// literal `$${` after an earlier `${` or `%{` is written as `$${` (which reads back as `${`): an
/// import of `%{ x }$${` changed the value. Such strings become quoted templates escaped here.
fn format(mut body: Body) -> Result<String, hcl::Error> {
    for structure in &mut body.0 {
        fix_structure(structure);
    }
    hcl::format::to_string(&body)
}

fn fix_structure(structure: &mut hcl::Structure) {
    match structure {
        hcl::Structure::Attribute(a) => fix_expression(&mut a.expr),
        hcl::Structure::Block(b) => b.body.0.iter_mut().for_each(fix_structure),
    }
}

fn fix_expression(expr: &mut Expression) {
    match expr {
        Expression::String(s) if s.contains('{') => {
            *expr = Expression::TemplateExpr(Box::new(hcl::TemplateExpr::QuotedString(
                escape_string(s),
            )));
        }
        Expression::Array(items) => items.iter_mut().for_each(fix_expression),
        Expression::Object(object) => {
            let entries = std::mem::take(object);
            for (mut key, mut value) in entries {
                if let hcl::ObjectKey::Expression(k) = &mut key {
                    fix_expression(k);
                }
                fix_expression(&mut value);
                object.insert(key, value);
            }
        }
        Expression::FuncCall(call) => call.args.iter_mut().for_each(fix_expression),
        _ => {}
    }
}

/// `s` as the inside of an HCL quoted string: quotes, backslashes and control characters
/// escaped, and every `${` / `%{` written `$${` / `%%{`.
fn escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn file_name(kind: Kind) -> &'static str {
    match kind {
        Kind::User => "users.hcl",
        Kind::Group => "groups.hcl",
        Kind::Role => "roles.hcl",
        Kind::Policy => "policies.hcl",
        Kind::InstanceProfile => "instance_profiles.hcl",
        Kind::PasswordPolicy => "password_policy.hcl",
        Kind::AccountAlias => "account_alias.hcl",
        Kind::OpenIdConnectProvider | Kind::SamlProvider => "providers.hcl",
        Kind::ServiceLinkedRole => "service_linked_roles.hcl",
    }
}

/// One block per entity, in a stable order: users, groups, roles, policies, instance profiles
/// (those not created by a role's `instance_profile = true`), the password policy.
pub(crate) fn blocks(account: &Account) -> Result<Vec<(Kind, Block)>, hcl::Error> {
    let labels = Labels::new(account);
    let mut out = Vec::new();
    for u in account.users.values() {
        let mut b = labels.block(Kind::User, &u.name, &u.path);
        b = labels.policy_ref(b, "permissions_boundary", u.permissions_boundary.as_deref());
        b = tags(b, &u.tags);
        b = list(
            b,
            "groups",
            u.groups
                .iter()
                .map(|g| labels.reference(Kind::Group, g, "name", g.as_str())),
        );
        b = list(b, "policies", u.policies.iter().map(|p| labels.policy(p)));
        b = inline(b, &u.inline_policies)?;
        out.push((Kind::User, b.build()));
    }
    for g in account.groups.values() {
        let mut b = labels.block(Kind::Group, &g.name, &g.path);
        b = list(b, "policies", g.policies.iter().map(|p| labels.policy(p)));
        b = inline(b, &g.inline_policies)?;
        out.push((Kind::Group, b.build()));
    }
    // A profile with the role's own name and path, holding only that role, is the role's
    // `instance_profile = true`.
    let mut owned_profiles = BTreeSet::new();
    for r in account.roles.values() {
        let mut b = labels.block(Kind::Role, &r.name, &r.path);
        b = optional(b, "description", r.description.as_deref());
        if r.max_session_duration != crate::model::DEFAULT_MAX_SESSION_DURATION {
            b = b.add_attribute(("max_session_duration", u64::from(r.max_session_duration)));
        }
        b = labels.policy_ref(b, "permissions_boundary", r.permissions_boundary.as_deref());
        b = tags(b, &r.tags);
        let provider = |v: &str| labels.provider(v);
        b = match statement_blocks_with(&r.assume_role_policy, &provider) {
            Some(statements) => b.add_block(
                Block::builder("assume_role_policy")
                    .add_blocks(statements)
                    .build(),
            ),
            None => b.add_attribute(("assume_role_policy", json(&r.assume_role_policy)?)),
        };
        b = list(b, "policies", r.policies.iter().map(|p| labels.policy(p)));
        b = inline(b, &r.inline_policies)?;
        if let Some(p) = account.instance_profiles.get(&r.name) {
            let only_this_role = p.roles.len() == 1 && p.roles.contains(&r.name);
            if only_this_role && p.name == r.name && p.path == r.path && p.tags.is_empty() {
                b = b.add_attribute(("instance_profile", true));
                owned_profiles.insert(p.name.clone());
            }
        }
        out.push((Kind::Role, b.build()));
    }
    for p in account.policies.values() {
        let mut b = labels.block(Kind::Policy, &p.name, &p.path);
        b = optional(b, "description", p.description.as_deref());
        b = tags(b, &p.tags);
        b = document(b, &p.document)?;
        out.push((Kind::Policy, b.build()));
    }
    for p in account.instance_profiles.values() {
        if owned_profiles.contains(&p.name) {
            continue;
        }
        let mut b = labels.block(Kind::InstanceProfile, &p.name, &p.path);
        if let Some(role) = p.roles.iter().next() {
            b = b.add_attribute((
                "role",
                labels.reference(Kind::Role, role, "name", role.as_str()),
            ));
        }
        b = tags(b, &p.tags);
        out.push((Kind::InstanceProfile, b.build()));
    }
    federation_blocks(&labels, account, &mut out);
    if let Some(pp) = &account.password_policy {
        out.push((Kind::PasswordPolicy, password_policy(pp)));
    }
    Ok(out)
}

/// The providers, the service-linked roles and the alias. An OIDC provider is named by its
/// `url`; a SAML provider's metadata is written as a string (it reads back the same); a
/// service-linked role's label or `name` is its service.
fn federation_blocks(labels: &Labels, account: &Account, out: &mut Vec<(Kind, Block)>) {
    for p in account.openid_connect_providers.values() {
        let kind = Kind::OpenIdConnectProvider;
        let label = labels.label(kind, &p.name).unwrap_or(p.name.as_str());
        let mut b = Block::builder(kind.keyword())
            .add_label(label)
            .add_attribute(("url", p.url()));
        let ids = p.client_id_list.iter().cloned().collect::<Vec<String>>();
        b = b.add_attribute(("client_id_list", Expression::from(ids)));
        if let Some(t) = &p.thumbprint_list {
            let t = t.iter().cloned().collect::<Vec<String>>();
            b = b.add_attribute(("thumbprint_list", Expression::from(t)));
        }
        out.push((kind, tags(b, &p.tags).build()));
    }
    for p in account.saml_providers.values() {
        let b = labels.block(Kind::SamlProvider, &p.name, "/");
        let b = b.add_attribute(("metadata", p.metadata.0.as_str()));
        out.push((Kind::SamlProvider, tags(b, &p.tags).build()));
    }
    for r in account.service_linked_roles.values() {
        let kind = Kind::ServiceLinkedRole;
        let label = labels.label(kind, &r.name).unwrap_or(r.name.as_str());
        let mut b = Block::builder(kind.keyword()).add_label(label);
        b = b.add_attribute(("name", r.aws_service_name.as_str()));
        b = optional(b, "custom_suffix", r.custom_suffix.as_deref());
        b = optional(b, "description", r.description.as_deref());
        out.push((kind, b.build()));
    }
    if let Some(a) = &account.account_alias {
        let b = Block::builder(Kind::AccountAlias.keyword()).add_label(a.alias.as_str());
        out.push((Kind::AccountAlias, b.build()));
    }
}

/// The HCL label of every entity: its name where that is an identifier, else a sanitised one
/// that no other entity of its kind uses (compared ignoring case, as IAM names are).
struct Labels<'a> {
    account: &'a Account,
    labels: BTreeMap<(Kind, Name), String>,
}

impl<'a> Labels<'a> {
    fn new(account: &'a Account) -> Labels<'a> {
        let mut labels = BTreeMap::new();
        let kinds: [(Kind, Vec<&Name>); 8] = [
            (Kind::User, account.users.keys().collect()),
            (Kind::Group, account.groups.keys().collect()),
            (Kind::Role, account.roles.keys().collect()),
            (Kind::Policy, account.policies.keys().collect()),
            (
                Kind::InstanceProfile,
                account.instance_profiles.keys().collect(),
            ),
            (
                Kind::OpenIdConnectProvider,
                account.openid_connect_providers.keys().collect(),
            ),
            (Kind::SamlProvider, account.saml_providers.keys().collect()),
            (
                Kind::ServiceLinkedRole,
                account.service_linked_roles.keys().collect(),
            ),
        ];
        for (kind, names) in kinds {
            // Names that are identifiers already keep them; the others pick a free label after.
            let mut taken: BTreeSet<String> = names
                .iter()
                .filter(|n| crate::config::is_identifier(n.as_str()))
                .map(|n| n.as_str().to_ascii_lowercase())
                .collect();
            for name in names {
                let label = if crate::config::is_identifier(name.as_str()) {
                    name.as_str().to_owned()
                } else {
                    let base = sanitise(name.as_str());
                    let mut label = base.clone();
                    let mut i = 2;
                    while taken.contains(&label.to_ascii_lowercase()) {
                        label = format!("{base}_{i}");
                        i += 1;
                    }
                    taken.insert(label.to_ascii_lowercase());
                    label
                };
                labels.insert((kind, name.clone()), label);
            }
        }
        Labels { account, labels }
    }

    fn label(&self, kind: Kind, name: &Name) -> Option<&str> {
        self.labels.get(&(kind, name.clone())).map(String::as_str)
    }

    /// `kind "label" {` with `name` when the label is not the name, and `path` when not `/`.
    fn block(&self, kind: Kind, name: &Name, path: &str) -> BlockBuilder {
        let label = self.label(kind, name).unwrap_or(name.as_str());
        let mut b = Block::builder(kind.keyword()).add_label(label);
        if label != name.as_str() {
            b = b.add_attribute(("name", name.as_str()));
        }
        if path != "/" {
            b = b.add_attribute(("path", path));
        }
        b
    }

    /// `kind.label.attr` when the entity is in the account, else the literal.
    fn reference(&self, kind: Kind, name: &Name, attr: &str, literal: &str) -> Expression {
        match self.label(kind, name) {
            Some(label) => match Variable::new(kind.keyword()) {
                Ok(var) => Traversal::builder(var)
                    .attr(label)
                    .attr(attr)
                    .build()
                    .into(),
                Err(_) => Expression::from(literal),
            },
            None => Expression::from(literal),
        }
    }

    /// A managed policy by ARN: `policy.label.arn` for a customer managed policy of this account,
    /// the ARN otherwise (AWS managed policies, policies not imported).
    fn policy(&self, policy_arn: &str) -> Expression {
        match self.customer_policy(policy_arn) {
            Some(name) => self.reference(Kind::Policy, name, "arn", policy_arn),
            None => Expression::from(policy_arn),
        }
    }

    fn customer_policy(&self, policy_arn: &str) -> Option<&'a Name> {
        let rest = policy_arn.strip_prefix("arn:aws:iam::")?;
        let (account_id, resource) = rest.split_once(':')?;
        if account_id == "aws" {
            return None;
        }
        let path_and_name = resource.strip_prefix("policy")?;
        let name = path_and_name.rsplit('/').next()?;
        let (key, p) = self.account.policies.get_key_value(&Name::from(name))?;
        (format!("{}{}", p.path, p.name.as_str()) == path_and_name).then_some(key)
    }

    /// A trust policy's principal: `openid_connect_provider.LABEL.arn` or
    /// `saml_provider.LABEL.arn` for a provider of this account, the text otherwise.
    fn provider(&self, principal: &str) -> Expression {
        let address = crate::model::Arn::parse(principal)
            .ok()
            .and_then(|a| a.entity_address())
            .filter(|a| matches!(a.kind, Kind::OpenIdConnectProvider | Kind::SamlProvider));
        match address {
            Some(a) => self.reference(a.kind, &a.name, "arn", principal),
            None => Expression::from(principal),
        }
    }

    fn policy_ref(&self, b: BlockBuilder, key: &str, policy_arn: Option<&str>) -> BlockBuilder {
        match policy_arn {
            Some(arn) => b.add_attribute((key, self.policy(arn))),
            None => b,
        }
    }
}

/// An HCL identifier for an IAM name: other characters become `_`, and one that does not start
/// with a letter or `_` gets a leading `_`.
pub(crate) fn sanitise(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        out.insert(0, '_');
    }
    out
}

fn optional(b: BlockBuilder, key: &str, value: Option<&str>) -> BlockBuilder {
    match value {
        Some(v) => b.add_attribute((key, v)),
        None => b,
    }
}

fn list(b: BlockBuilder, key: &str, values: impl Iterator<Item = Expression>) -> BlockBuilder {
    let values: Vec<Expression> = values.collect();
    if values.is_empty() {
        b
    } else {
        b.add_attribute((key, Expression::Array(values)))
    }
}

fn strings(values: &Values) -> Expression {
    Expression::from(values.iter().cloned().collect::<Vec<String>>())
}

fn tags(b: BlockBuilder, tags: &Tags) -> BlockBuilder {
    if tags.is_empty() {
        return b;
    }
    let object: Expression = tags
        .iter()
        .map(|(k, v)| {
            (
                hcl::ObjectKey::from(k.as_str()),
                Expression::from(v.as_str()),
            )
        })
        .collect();
    b.add_attribute(("tags", object))
}

/// `jsonencode({...})` of the canonical JSON.
fn json(doc: &PolicyDocument) -> Result<Expression, hcl::Error> {
    let value = hcl::to_expression(doc.to_value())?;
    Ok(FuncCall::builder("jsonencode").arg(value).build().into())
}

/// A block's document: `statement` blocks where they can say it, else `document = jsonencode(…)`.
fn document(b: BlockBuilder, doc: &PolicyDocument) -> Result<BlockBuilder, hcl::Error> {
    Ok(match statement_blocks(doc) {
        Some(statements) => b.add_blocks(statements),
        None => b.add_attribute(("document", json(doc)?)),
    })
}

/// The document as `statement` blocks, or `None` when they cannot express it exactly.
pub(crate) fn statement_blocks(doc: &PolicyDocument) -> Option<Vec<Block>> {
    statement_blocks_with(doc, &|v| Expression::from(v))
}

/// [`statement_blocks`], writing each principal with `principal` (a reference to an imported
/// identity provider, say).
fn statement_blocks_with(
    doc: &PolicyDocument,
    principal: &dyn Fn(&str) -> Expression,
) -> Option<Vec<Block>> {
    if doc.version() != Some(DEFAULT_VERSION) || doc.id().is_some() {
        return None;
    }
    if doc.statements().is_empty() {
        return None;
    }
    // Statement blocks turn `&{` into `${` (a policy variable): a literal `&{` needs jsonencode.
    if doc.statements().iter().any(has_ampersand_brace) {
        return None;
    }
    doc.statements()
        .iter()
        .map(|s| statement(s, principal))
        .collect()
}

/// Whether a value of `s` holds `&{`, which statement blocks would not keep as written.
fn has_ampersand_brace(s: &crate::model::policy::Statement) -> bool {
    let principals = [&s.principal, &s.not_principal]
        .into_iter()
        .flatten()
        .filter_map(|p| match p {
            crate::model::policy::Principal::Map(m) => Some(m.values().flatten()),
            crate::model::policy::Principal::Any => None,
        })
        .flatten();
    s.lists()
        .into_iter()
        .flat_map(|(_, values)| values.iter().flatten())
        .chain(principals)
        .chain(s.condition.values().flat_map(|k| k.values().flatten()))
        .any(|v| v.contains("&{"))
}

const PRINCIPAL_TYPES: [(&str, &str); 4] = [
    ("AWS", "aws"),
    ("Service", "service"),
    ("Federated", "federated"),
    ("CanonicalUser", "canonical_user"),
];

/// A statement list's attribute in a statement block: its JSON key in snake case, plural
/// (`NotAction` -> `not_actions`).
fn list_attribute(json_key: &str) -> String {
    crate::words::plural(&json_key.replace("Not", "not_").to_ascii_lowercase())
}

fn statement(s: &Statement, written: &dyn Fn(&str) -> Expression) -> Option<Block> {
    let mut b = Block::builder("statement");
    if let Some(sid) = &s.sid {
        b = b.add_attribute(("sid", sid.as_str()));
    }
    if s.effect == Effect::Deny {
        b = b.add_attribute(("effect", "Deny"));
    }
    for (key, values) in s.lists() {
        if let Some(values) = values {
            // An empty list reads back as "not set".
            if values.is_empty() {
                return None;
            }
            b = b.add_attribute((list_attribute(key), strings(values)));
        }
    }
    for (key, principal) in [
        ("principals", &s.principal),
        ("not_principals", &s.not_principal),
    ] {
        match principal {
            None => {}
            Some(Principal::Any) => {
                b = b.add_block(
                    Block::builder(key)
                        .add_attribute(("type", "*"))
                        .add_attribute(("identifiers", Expression::from(vec!["*"])))
                        .build(),
                )
            }
            Some(Principal::Map(map)) => {
                if map.is_empty() {
                    return None;
                }
                let mut pb = Block::builder(key);
                for (typ, values) in map {
                    let (_, short) = PRINCIPAL_TYPES.iter().find(|(t, _)| t == typ)?;
                    if values.is_empty() {
                        return None;
                    }
                    let values = values.iter().map(|v| written(v)).collect();
                    pb = pb.add_attribute((*short, Expression::Array(values)));
                }
                b = b.add_block(pb.build());
            }
        }
    }
    for (test, variables) in &s.condition {
        if variables.is_empty() {
            return None;
        }
        for (variable, values) in variables {
            b = b.add_block(
                Block::builder("condition")
                    .add_attribute(("test", test.as_str()))
                    .add_attribute(("variable", variable.as_str()))
                    .add_attribute(("values", strings(values)))
                    .build(),
            );
        }
    }
    Some(b.build())
}

fn inline(
    mut b: BlockBuilder,
    policies: &BTreeMap<crate::model::Name, PolicyDocument>,
) -> Result<BlockBuilder, hcl::Error> {
    for (name, doc) in policies {
        let ib = Block::builder("inline_policy").add_label(name.as_str());
        b = b.add_block(document(ib, doc)?.build());
    }
    Ok(b)
}

fn password_policy(pp: &PasswordPolicy) -> Block {
    let mut b = Block::builder("password_policy");
    let fields = [
        ("minimum_length", pp.minimum_length.map(Expression::from)),
        ("require_symbols", pp.require_symbols.map(Expression::from)),
        ("require_numbers", pp.require_numbers.map(Expression::from)),
        (
            "require_uppercase",
            pp.require_uppercase.map(Expression::from),
        ),
        (
            "require_lowercase",
            pp.require_lowercase.map(Expression::from),
        ),
        (
            "allow_users_to_change_password",
            pp.allow_users_to_change_password.map(Expression::from),
        ),
        ("max_age_days", pp.max_age_days.map(Expression::from)),
        (
            "reuse_prevention",
            pp.reuse_prevention.map(Expression::from),
        ),
        ("hard_expiry", pp.hard_expiry.map(Expression::from)),
    ];
    for (key, value) in fields {
        if let Some(v) = value {
            b = b.add_attribute((key, v));
        }
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `account`, loads the result as a configuration, and returns the desired account.
    fn round_trip(account: &Account) -> Account {
        let dir = tempfile::tempdir().unwrap();
        let text = super::account(account).unwrap();
        std::fs::write(dir.path().join("main.hcl"), &text).unwrap();
        let config = crate::config::load(dir.path()).unwrap_or_else(|d| panic!("{d}\n{text}"));
        config
            .lower("123456789012")
            .unwrap_or_else(|d| panic!("{d}\n{text}"))
            .account
    }

    #[test]
    fn a_synthetic_account_reads_back_identical() {
        let account = crate::synth::account(300, "123456789012");
        assert_eq!(round_trip(&account), account);
    }

    #[test]
    fn statement_lists_are_written_as_terraform_names_them() {
        let names = Statement::allow()
            .lists()
            .map(|(key, _)| list_attribute(key));
        assert_eq!(
            names,
            ["actions", "not_actions", "resources", "not_resources"]
        );
    }

    fn policy(name: &str, json: &str) -> crate::model::ManagedPolicy {
        crate::model::ManagedPolicy {
            name: name.into(),
            path: "/".into(),
            description: None,
            tags: Tags::new(),
            document: PolicyDocument::from_json_str(json).unwrap(),
            versions: Vec::new(),
        }
    }

    #[test]
    fn every_statement_form_reads_back_and_only_the_inexpressible_is_jsonencoded() {
        let cases = [
            (
                "anyone",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
                   "Action":"sts:AssumeRole"}]}"#,
                false,
            ),
            (
                "not_principal",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Sid":"NoOthers",
                   "NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root"],"Service":"ec2.amazonaws.com"},
                   "NotAction":"s3:*",
                   "Condition":{"StringEquals":{"aws:x":"1","aws:y":["2","3"]},"Bool":{"aws:z":true}}}]}"#,
                false,
            ),
            (
                "not_resource",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny",
                   "NotAction":"s3:*","NotResource":["arn:aws:s3:::a","arn:aws:s3:::b"]}]}"#,
                false,
            ),
            (
                "old_version",
                r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                true,
            ),
            (
                "with_id",
                r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
                true,
            ),
            (
                "literal_ampersand_brace",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                   "Resource":"arn:aws:s3:::b/&{x}/${aws:username}"}]}"#,
                true,
            ),
            (
                "policy_variable",
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",
                   "Resource":"arn:aws:s3:::b/${aws:username}"}]}"#,
                false,
            ),
        ];
        let mut account = Account::default();
        let template = crate::synth::account(20, "123456789012")
            .roles
            .into_values()
            .next()
            .unwrap();
        for (name, json, _) in cases {
            if json.contains("Principal") {
                // Principals belong in trust policies.
                let mut role = template.clone();
                role.name = name.into();
                role.assume_role_policy = PolicyDocument::from_json_str(json).unwrap();
                account.roles.insert(name.into(), role);
            } else {
                account.policies.insert(name.into(), policy(name, json));
            }
        }
        let text = super::account(&account).unwrap();
        for (name, _, fallback) in cases {
            let block = text
                .split("\n}\n")
                .find(|b| b.contains(&format!(" \"{name}\" {{")))
                .unwrap();
            assert_eq!(block.contains("jsonencode("), fallback, "{name}:\n{block}");
        }
        assert_eq!(round_trip(&account), account, "{text}");
    }

    #[test]
    fn labels_are_identifiers_unique_per_kind_and_references_use_them() {
        let mut account = crate::synth::account(20, "123456789012");
        let p = account.policies.values().next().unwrap().clone();
        for name in ["web.app@x", "web_app_x", "9lives", "a+b=c,d"] {
            let mut q = p.clone();
            q.name = name.into();
            account.policies.insert(name.into(), q);
        }
        let user = account.users.values_mut().next().unwrap();
        user.policies = ["arn:aws:iam::123456789012:policy/web.app@x".to_owned()].into();
        let text = super::account(&account).unwrap();
        assert!(text.contains("policy \"web_app_x\" {\n"), "{text}");
        assert!(
            text.contains("policy \"web_app_x_2\" {\n  name = \"web.app@x\""),
            "{text}"
        );
        assert!(
            text.contains("policy \"_9lives\" {\n  name = \"9lives\""),
            "{text}"
        );
        assert!(
            text.contains("policy \"a_b_c_d\" {\n  name = \"a+b=c,d\""),
            "{text}"
        );
        assert!(text.contains("policy.web_app_x_2.arn"), "{text}");
        assert_eq!(round_trip(&account), account);
    }

    #[test]
    fn policy_variables_and_quotes_survive() {
        let mut account = Account::default();
        let mut home = policy(
            "home",
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
               "Resource":"arn:aws:s3:::home/${aws:username}/*",
               "Condition":{"StringLike":{"s3:prefix":["say \"hi\"", "%{x}"]}}}]}"#,
        );
        home.description = Some("${not a template}".into());
        account
            .policies
            .insert(crate::model::Name::from("home"), home);
        assert_eq!(round_trip(&account), account);
    }

    #[test]
    fn escapes_that_are_already_written_as_escapes_survive() {
        // Found by the import fuzz target: a live `$${` came back as `${`.
        for text in [
            "$${",
            "%{ if true }$${",
            "$$${x}",
            "%%{",
            "a$${b}%%{c}",
            "$",
            "%",
            "$$",
        ] {
            let mut account = Account::default();
            let json = format!(
                r#"{{"Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
                   "Condition":{{"StringLike":{{"s3:prefix":[{}]}}}}}}]}}"#,
                serde_json::Value::String(text.to_owned())
            );
            account
                .policies
                .insert(crate::model::Name::from("p"), policy("p", &json));
            let mut role = crate::synth::account(6, "123456789012")
                .roles
                .into_values()
                .next()
                .unwrap();
            role.description = Some(text.to_owned());
            account.roles.insert(role.name.clone(), role);
            assert_eq!(round_trip(&account), account, "{text}");
        }
    }
}
