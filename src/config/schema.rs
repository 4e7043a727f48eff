//! Step 2 of loading: which blocks and attributes each block accepts (DESIGN.md section 2).
//!
//! [`check_file`] walks a parsed file against these tables and reports unknown blocks and
//! attributes (with "did you mean"), wrong label counts, attributes set twice, blocks that may
//! appear once, and the Terraform meta-arguments that are not supported yet.

use super::diagnostic::{did_you_mean, Diagnostic, SourceMap, Span};
use super::parse::Node;

/// What one kind of block accepts.
pub(crate) struct Schema {
    /// The block keyword, for messages (`user`, `statement`, …).
    pub name: &'static str,
    /// Label names, e.g. `["name"]` for `user "NAME"`.
    pub labels: &'static [&'static str],
    pub attrs: &'static [&'static str],
    /// Nested blocks: keyword, schema.
    pub blocks: &'static [(&'static str, &'static Schema)],
    /// Any attribute is accepted (`locals`).
    pub any_attrs: bool,
    /// As a nested block, it may appear once in its block (`lifecycle`); otherwise it may repeat.
    pub once: bool,
}

const fn schema(
    name: &'static str,
    labels: &'static [&'static str],
    attrs: &'static [&'static str],
    blocks: &'static [(&'static str, &'static Schema)],
) -> Schema {
    Schema {
        name,
        labels,
        attrs,
        blocks,
        any_attrs: false,
        once: false,
    }
}

impl Schema {
    /// The same schema for a nested block that may appear once in its block.
    const fn once(mut self) -> Schema {
        self.once = true;
        self
    }
}

const NAME: &[&str] = &["name"];

pub(crate) static CONDITION: Schema =
    schema("condition", &[], &["test", "variable", "values"], &[]);
pub(crate) static PRINCIPALS: Schema = schema(
    "principals",
    &[],
    &[
        "type",
        "identifiers",
        "aws",
        "service",
        "federated",
        "canonical_user",
    ],
    &[],
);
pub(crate) static STATEMENT: Schema = schema(
    "statement",
    &[],
    &[
        "sid",
        "effect",
        "actions",
        "not_actions",
        "resources",
        "not_resources",
    ],
    &[
        ("principals", &PRINCIPALS),
        ("not_principals", &PRINCIPALS),
        ("condition", &CONDITION),
    ],
);
pub(crate) static INLINE_POLICY: Schema = schema(
    "inline_policy",
    NAME,
    &["document"],
    &[("statement", &STATEMENT)],
);
pub(crate) static ASSUME_ROLE_POLICY: Schema =
    schema("assume_role_policy", &[], &[], &[("statement", &STATEMENT)]).once();

pub(crate) static LIFECYCLE: Schema = schema("lifecycle", &[], &["prevent_destroy"], &[]).once();
pub(crate) static VALIDATION: Schema =
    schema("validation", &[], &["condition", "error_message"], &[]);

pub(crate) static USER: Schema = schema(
    "user",
    NAME,
    &[
        "for_each",
        "name",
        "path",
        "permissions_boundary",
        "tags",
        "groups",
        "policies",
        "console_access",
    ],
    &[
        ("lifecycle", &LIFECYCLE),
        ("inline_policy", &INLINE_POLICY),
        ("console_access", &CONSOLE_ACCESS),
    ],
);
pub(crate) static CONSOLE_ACCESS: Schema =
    schema("console_access", &[], &["password_reset_required"], &[]).once();
pub(crate) static GROUP: Schema = schema(
    "group",
    NAME,
    &["for_each", "name", "path", "policies"],
    &[("lifecycle", &LIFECYCLE), ("inline_policy", &INLINE_POLICY)],
);
pub(crate) static ROLE: Schema = schema(
    "role",
    NAME,
    &[
        "for_each",
        "name",
        "path",
        "description",
        "max_session_duration",
        "permissions_boundary",
        "tags",
        "assume_role_policy",
        "policies",
        "instance_profile",
    ],
    &[
        ("lifecycle", &LIFECYCLE),
        ("assume_role_policy", &ASSUME_ROLE_POLICY),
        ("inline_policy", &INLINE_POLICY),
    ],
);
pub(crate) static POLICY: Schema = schema(
    "policy",
    NAME,
    &[
        "for_each",
        "name",
        "path",
        "description",
        "tags",
        "document",
    ],
    &[("lifecycle", &LIFECYCLE), ("statement", &STATEMENT)],
);
pub(crate) static INSTANCE_PROFILE: Schema = schema(
    "instance_profile",
    NAME,
    &["for_each", "name", "path", "role", "tags"],
    &[("lifecycle", &LIFECYCLE)],
);
pub(crate) static OPENID_CONNECT_PROVIDER: Schema = schema(
    "openid_connect_provider",
    NAME,
    &[
        "for_each",
        "url",
        "client_id_list",
        "thumbprint_list",
        "tags",
    ],
    &[("lifecycle", &LIFECYCLE)],
);
pub(crate) static SAML_PROVIDER: Schema = schema(
    "saml_provider",
    NAME,
    &["for_each", "name", "metadata", "tags"],
    &[("lifecycle", &LIFECYCLE)],
);
pub(crate) static SERVICE_LINKED_ROLE: Schema = schema(
    "service_linked_role",
    &["service"],
    &["for_each", "name", "custom_suffix", "description"],
    &[("lifecycle", &LIFECYCLE)],
);
pub(crate) static ACCOUNT_ALIAS: Schema = schema("account_alias", &["alias"], &[], &[]);
pub(crate) static PASSWORD_POLICY: Schema = schema(
    "password_policy",
    &[],
    &[
        "minimum_length",
        "require_symbols",
        "require_numbers",
        "require_uppercase",
        "require_lowercase",
        "allow_users_to_change_password",
        "max_age_days",
        "reuse_prevention",
        "hard_expiry",
    ],
    &[],
);
pub(crate) static SCOPE: Schema = schema("scope", &[], &["paths", "exclude", "kinds"], &[]).once();
pub(crate) static AUDIT: Schema = schema("audit", &[], &["ignore"], &[]).once();
/// The attributes are [`crate::model::iam::Quota::setting`]'s (a unit test checks).
pub(crate) static QUOTAS: Schema = schema(
    "quotas",
    &[],
    &[
        "policies_per_user",
        "policies_per_group",
        "policies_per_role",
    ],
    &[],
)
.once();
pub(crate) static SETTINGS: Schema = schema(
    "settings",
    &[],
    &["max_destroy"],
    &[("scope", &SCOPE), ("audit", &AUDIT), ("quotas", &QUOTAS)],
);
pub(crate) static BACKEND_MOCK: Schema = schema(
    "backend \"mock\"",
    &["type"],
    &["path", "account_id", "faults", "caller"],
    &[],
);
pub(crate) static BACKEND_AWS: Schema = schema(
    "backend \"aws\"",
    &["type"],
    &[
        "region",
        "profile",
        "endpoint_url",
        "account_id",
        "assume_role_arn",
    ],
    &[],
);
pub(crate) static VARIABLE: Schema = schema(
    "variable",
    NAME,
    &["default", "description", "type"],
    &[("validation", &VALIDATION)],
);
pub(crate) static MOVED: Schema = schema("moved", &[], &["from", "to"], &[]);
/// `module "NAME" { source = "./modules/x"  for_each = …  INPUT = … }`: its attributes other
/// than `source` and `for_each` are the module's inputs, checked against its variables
/// (`config::module`).
pub(crate) static MODULE: Schema = Schema {
    name: "module",
    labels: NAME,
    attrs: &[],
    blocks: &[],
    any_attrs: true,
    once: false,
};
pub(crate) static OUTPUT: Schema = schema("output", NAME, &["value", "description"], &[]);
pub(crate) static LOCALS: Schema = Schema {
    name: "locals",
    labels: &[],
    attrs: &[],
    blocks: &[],
    any_attrs: true,
    once: false,
};

/// The top-level blocks other than the entities', by keyword (`backend` is chosen by its label).
const OTHER_TOP_LEVEL: [&str; 9] = [
    "account_alias",
    "password_policy",
    "settings",
    "backend",
    "variable",
    "locals",
    "moved",
    "module",
    "output",
];

/// The top-level blocks, by keyword: the entities', then the others.
pub(crate) fn top_level_keywords() -> impl Iterator<Item = &'static str> + Clone {
    super::references::entity_roots().chain(OTHER_TOP_LEVEL)
}

fn top_level(ident: &str) -> Option<&'static Schema> {
    Some(match ident {
        "user" => &USER,
        "group" => &GROUP,
        "role" => &ROLE,
        "policy" => &POLICY,
        "instance_profile" => &INSTANCE_PROFILE,
        "openid_connect_provider" => &OPENID_CONNECT_PROVIDER,
        "saml_provider" => &SAML_PROVIDER,
        "service_linked_role" => &SERVICE_LINKED_ROLE,
        "account_alias" => &ACCOUNT_ALIAS,
        "password_policy" => &PASSWORD_POLICY,
        "settings" => &SETTINGS,
        "variable" => &VARIABLE,
        "locals" => &LOCALS,
        "moved" => &MOVED,
        "module" => &MODULE,
        "output" => &OUTPUT,
        _ => return None,
    })
}

/// Terraform meta-arguments and blocks that a later version will support.
const NOT_YET_ATTRS: [&str; 3] = ["count", "depends_on", "provider"];
const NOT_YET_BLOCKS: [&str; 1] = ["dynamic"];

fn not_yet(map: &SourceMap, span: Span, what: &str) -> Diagnostic {
    map.error(span, format!("`{what}` is not supported yet"))
        .with_help(match what {
            "count" => "use for_each = toset([…]) instead",
            "dynamic" => "declare one block per entity for now",
            _ => "remove it; a later version of iamform will support it",
        })
}

/// Checks the top-level blocks of one parsed file.
pub(crate) fn check_file(root: &Node, map: &SourceMap) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for attr in &root.attrs {
        out.push(
            map.error(
                attr.key_span,
                format!("unexpected attribute `{}` at the top level", attr.key),
            )
            .with_help("attributes belong inside a block, e.g. `locals { … }`"),
        );
    }
    for block in &root.blocks {
        if NOT_YET_BLOCKS.contains(&block.ident.as_str()) {
            out.push(not_yet(map, block.header, &block.ident));
            continue;
        }
        let schema = if block.ident == "backend" {
            match block.label() {
                Some("mock") => Some(&BACKEND_MOCK),
                Some("aws") => Some(&BACKEND_AWS),
                Some(other) => {
                    let span = block.labels[0].1;
                    let mut d = map.error(span, format!("unknown backend `{other}`"));
                    d.help = did_you_mean(other, ["mock", "aws"])
                        .or_else(|| Some("use backend \"mock\" or backend \"aws\"".to_owned()));
                    out.push(d);
                    continue;
                }
                None => {
                    out.push(
                        map.error(block.header, "a backend block needs a type label")
                            .with_help("write backend \"mock\" { … } or backend \"aws\" { … }"),
                    );
                    continue;
                }
            }
        } else {
            top_level(&block.ident)
        };
        match schema {
            Some(s) => check_block(block, s, map, &mut out),
            None => {
                let mut d = map.error(
                    block.header,
                    format!("unknown block type `{}`", block.ident),
                );
                d.help = did_you_mean(&block.ident, top_level_keywords()).or_else(|| {
                    Some(format!(
                        "the block types are {}",
                        top_level_keywords().collect::<Vec<_>>().join(", ")
                    ))
                });
                out.push(d);
            }
        }
    }
    out
}

/// Whether a block uses a meta-argument that is not supported yet (its contents are not checked
/// further, to report only that).
pub(crate) fn uses_unsupported(block: &Node) -> bool {
    block.ident != "locals"
        && block
            .attrs
            .iter()
            .any(|a| NOT_YET_ATTRS.contains(&a.key.as_str()))
}

fn check_block(block: &Node, schema: &Schema, map: &SourceMap, out: &mut Vec<Diagnostic>) {
    check_labels(block, schema, map, out);
    let mut unsupported = false;
    for attr in &block.attrs {
        // A module's inputs are any attributes, but not these.
        let meta = !schema.any_attrs || std::ptr::eq(schema, &MODULE);
        if meta && NOT_YET_ATTRS.contains(&attr.key.as_str()) {
            out.push(not_yet(map, attr.key_span, &attr.key));
            unsupported = true;
        }
    }
    for b in &block.blocks {
        if NOT_YET_BLOCKS.contains(&b.ident.as_str()) {
            out.push(not_yet(map, b.header, &b.ident));
            unsupported = true;
        }
    }
    if unsupported {
        return;
    }
    let mut seen: Vec<&super::parse::Attr> = Vec::new();
    for attr in &block.attrs {
        if let Some(first) = seen.iter().find(|a| a.key == attr.key) {
            out.push(
                map.error(
                    attr.key_span,
                    format!(
                        "attribute `{}` is set twice in this {} block",
                        attr.key, schema.name
                    ),
                )
                .with_note(format!("first set at {}", map.describe(first.key_span))),
            );
            continue;
        }
        seen.push(attr);
        if schema.any_attrs || schema.attrs.contains(&attr.key.as_str()) {
            continue;
        }
        out.push(unknown_attr(attr, schema, map));
    }
    let mut seen_blocks: Vec<&Node> = Vec::new();
    for b in &block.blocks {
        let Some((_, nested)) = schema.blocks.iter().find(|(k, _)| *k == b.ident) else {
            out.push(unknown_block(b, schema, map));
            continue;
        };
        if nested.once {
            if let Some(first) = seen_blocks.iter().find(|f| f.ident == b.ident) {
                out.push(
                    map.error(
                        b.header,
                        format!(
                            "only one `{}` block is allowed in a {} block",
                            b.ident, schema.name
                        ),
                    )
                    .with_note(format!("first declared at {}", map.describe(first.header))),
                );
                continue;
            }
            seen_blocks.push(b);
        }
        if let Some(a) = block.attr(&b.ident) {
            out.push(
                map.error(
                    b.header,
                    format!("`{}` is set both as an attribute and as a block", b.ident),
                )
                .with_note(format!("attribute at {}", map.describe(a.key_span)))
                .with_help("keep one of the two forms"),
            );
        }
        check_block(b, nested, map, out);
    }
}

fn check_labels(block: &Node, schema: &Schema, map: &SourceMap, out: &mut Vec<Diagnostic>) {
    let want = schema.labels.len();
    let got = block.labels.len();
    if want == got {
        return;
    }
    let example = match schema.labels {
        [] => format!("{} {{ … }}", block.ident),
        labels => format!(
            "{} {} {{ … }}",
            block.ident,
            labels
                .iter()
                .map(|l| format!("\"{}\"", l.to_ascii_uppercase()))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    let message = if want == 0 {
        format!("a {} block takes no label", schema.name)
    } else if got < want {
        format!(
            "a {} block needs a {} label",
            schema.name, schema.labels[got]
        )
    } else {
        format!(
            "a {} block takes {}, found {got}",
            schema.name,
            crate::words::count(want, "label")
        )
    };
    out.push(
        map.error(block.header, message)
            .with_help(format!("write `{example}`")),
    );
}

fn unknown_attr(attr: &super::parse::Attr, schema: &Schema, map: &SourceMap) -> Diagnostic {
    let key = attr.key.as_str();
    let d = map.error(
        attr.key_span,
        format!("unknown attribute `{key}` in {} block", schema.name),
    );
    if schema.name == "group" && key == "tags" {
        return d.with_help("IAM groups cannot be tagged; tag the users or roles instead");
    }
    if schema.blocks.iter().any(|(k, _)| *k == key) {
        return d.with_help(format!(
            "`{key}` is a block: write `{key} {{ … }}` without `=`"
        ));
    }
    match did_you_mean(key, schema.attrs.iter().copied()) {
        Some(h) => d.with_help(h),
        None if schema.attrs.is_empty() => d,
        None => d.with_help(format!(
            "a {} block accepts {}",
            schema.name,
            crate::words::backquoted(schema.attrs, ", ")
        )),
    }
}

fn unknown_block(b: &Node, schema: &Schema, map: &SourceMap) -> Diagnostic {
    let key = b.ident.as_str();
    let d = map.error(
        b.header,
        format!("unknown block `{key}` in {} block", schema.name),
    );
    if schema.attrs.contains(&key) {
        return d.with_help(format!("`{key}` is an attribute: write `{key} = …`"));
    }
    let names = schema.blocks.iter().map(|(k, _)| *k);
    match did_you_mean(key, names) {
        Some(h) => d.with_help(h),
        None if schema.blocks.is_empty() => d,
        None => d.with_help(format!(
            "a {} block contains {}",
            schema.name,
            schema
                .blocks
                .iter()
                .map(|(k, _)| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}
