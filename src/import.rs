//! `iamform import`: the live account (or the part of it in a scope) as a configuration.
//!
//! Reads the account through a backend, keeps what the scope owns — never what AWS reserves
//! (service-linked and `/aws-reserved/` roles, and the roles Organizations, Control Tower and
//! StackSets create, `model::iam::SERVICE_CREATED_ROLES`; AWS managed policies are not account
//! entities) nor what an exclude pattern names — and writes one HCL file per kind with `render::hcl`.
//! Credentials (access keys, login profiles, MFA devices, …) are never written. No backend block
//! is written: the configuration is planned with `--backend` or a backend block the user adds.

use crate::backend::Backend;
use crate::model::{Account, Address, Kind, Name, Scope};
use anyhow::{bail, Context as _};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) struct Options {
    pub out: PathBuf,
    /// `--scope` path prefixes; none means the whole account (and no `settings` block).
    pub paths: Vec<String>,
    /// `--exclude` globs on `kind/name`.
    pub exclude: Vec<String>,
    pub force: bool,
}

/// What an import wrote.
pub(crate) struct Written {
    pub entities: usize,
    pub files: Vec<PathBuf>,
}

pub(crate) async fn run(backend: &dyn Backend, options: &Options) -> anyhow::Result<Written> {
    let scope = scope(options)?;
    check_out_dir(&options.out, options.force)?;
    let live = backend
        .read()
        .await
        .context("could not read the live account")?;
    let account = select(&live, &scope);
    let written_scope =
        (!options.paths.is_empty() || !options.exclude.is_empty()).then_some(&scope);
    let files = crate::render::hcl::files(&account, written_scope)
        .context("could not render the account as HCL")?;
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("could not create {}", options.out.display()))?;
    let mut written = Vec::new();
    for (name, text) in files {
        // The layout `iamform fmt` gives, so that a later `fmt --check` in CI passes as imported.
        let text = crate::fmt::format_source(&text).map_err(|e| {
            anyhow::anyhow!(
                "internal error: the HCL written for {name} does not parse ({e}); please report it"
            )
        })?;
        let path = options.out.join(name);
        crate::fsutil::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("could not write {}", path.display()))?;
        written.push(path);
    }
    Ok(Written {
        entities: account.len(),
        files: written,
    })
}

/// The scope the import reads: `--scope` paths (default `/`) and `--exclude` patterns, checked.
fn scope(options: &Options) -> anyhow::Result<Scope> {
    for p in &options.paths {
        if let Err(e) = crate::model::iam::check_path(p) {
            bail!("--scope {p}: {e} (a scope is an IAM path prefix such as / or /team-a/)");
        }
    }
    for e in &options.exclude {
        let kind = e.split_once('/').map(|(k, _)| k);
        if !kind.is_some_and(|k| k == "*" || Kind::from_keyword(k).is_some()) {
            bail!(
                "--exclude {e}: expected KIND/NAME-GLOB, e.g. user/break-glass or role/aws-* \
                 (kinds: {})",
                Kind::keywords()
            );
        }
    }
    Ok(Scope {
        paths: if options.paths.is_empty() {
            vec!["/".to_owned()]
        } else {
            options.paths.clone()
        },
        exclude: options.exclude.clone(),
        kinds: None,
    })
}

/// Refuses to mix an import with existing files unless `--force`, and a directory holding
/// symbolic links in any case (files are written through [`crate::fsutil::write_atomic`], which
/// refuses to write through a link; refusing them all up front leaves nothing half imported).
fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        bail!("--out {}: exists and is not a directory", out.display());
    }
    let entries: Vec<std::fs::DirEntry> = if out.is_dir() {
        std::fs::read_dir(out)
            .and_then(|d| d.collect::<Result<_, _>>())
            .with_context(|| format!("could not read {}", out.display()))?
    } else {
        Vec::new()
    };
    for entry in &entries {
        if entry.file_type().is_ok_and(|t| t.is_symlink()) {
            bail!(
                "--out {}: {} is a symbolic link; import does not write into a directory holding \
                 links (a link could send a file outside it): remove it or import elsewhere",
                out.display(),
                entry.path().display()
            );
        }
    }
    let non_empty = !entries.is_empty();
    if non_empty && !force {
        bail!(
            "--out {}: the directory is not empty; import into a new directory, or pass --force to \
             write into it anyway (files of the same names are overwritten)",
            out.display()
        );
    }
    Ok(())
}

/// The entities of `live` the scope owns, without their credentials. The kinds without a path
/// (the password policy, the alias, providers, service-linked roles) are imported when the scope
/// covers `/`, unless excluded or reserved by AWS.
pub(crate) fn select(live: &Account, scope: &Scope) -> Account {
    let mut out = Account {
        users: owned(&live.users, Kind::User, |u| &u.path, scope),
        groups: owned(&live.groups, Kind::Group, |g| &g.path, scope),
        roles: owned(&live.roles, Kind::Role, |r| &r.path, scope),
        policies: owned(&live.policies, Kind::Policy, |p| &p.path, scope),
        instance_profiles: owned(
            &live.instance_profiles,
            Kind::InstanceProfile,
            |p| &p.path,
            scope,
        ),
        ..Account::default()
    };
    for u in out.users.values_mut() {
        u.credentials = Default::default();
    }
    // Versions are history, not configuration.
    for p in out.policies.values_mut() {
        p.versions.clear();
    }
    let whole = scope.paths.iter().any(|p| p == "/");
    if !whole {
        return out;
    }
    if !scope.excludes(&Address::password_policy()) {
        out.password_policy = live.password_policy.clone();
    }
    if !scope.excludes(&Address::singleton(Kind::AccountAlias)) {
        out.account_alias = live.account_alias.clone();
    }
    let whole_account = Scope {
        kinds: Some(Kind::ALL.to_vec()),
        ..scope.clone()
    };
    let pathless = |kind, name: &Name, path: Option<&str>| {
        whole_account.owns(&Address::new(kind, name.clone()), path)
    };
    let oidc = live.openid_connect_providers.iter();
    out.openid_connect_providers = oidc
        .filter(|(n, _)| pathless(Kind::OpenIdConnectProvider, n, None))
        .map(|(n, p)| (n.clone(), p.clone()))
        .collect();
    let saml = live.saml_providers.iter();
    out.saml_providers = saml
        .filter(|(n, _)| pathless(Kind::SamlProvider, n, None))
        .map(|(n, p)| (n.clone(), p.clone()))
        .collect();
    let linked = live.service_linked_roles.iter();
    out.service_linked_roles = linked
        .filter(|(n, r)| {
            let path = format!(
                "{}{}/",
                crate::model::iam::SERVICE_ROLE_PATH,
                r.aws_service_name
            );
            pathless(Kind::ServiceLinkedRole, n, Some(&path))
        })
        .map(|(n, r)| {
            let mut r = r.clone();
            r.role_name = None;
            (n.clone(), r)
        })
        .collect();
    out
}

/// The entities of one kind that `scope` owns.
fn owned<T: Clone>(
    entities: &BTreeMap<Name, T>,
    kind: Kind,
    path: impl Fn(&T) -> &str,
    scope: &Scope,
) -> BTreeMap<Name, T> {
    entities
        .iter()
        .filter(|(n, e)| scope.owns(&Address::new(kind, (*n).clone()), Some(path(e))))
        .map(|(n, e)| (n.clone(), e.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_keeps_the_scope_and_drops_credentials_and_reserved_roles() {
        let mut live = crate::synth::account(200, "123456789012");
        let reserved = live.roles.values().next().unwrap().clone();
        let mut slr = reserved.clone();
        slr.name = "AWSServiceRoleForSupport".into();
        slr.path = "/aws-service-role/support.amazonaws.com/".into();
        live.roles.insert(slr.name.clone(), slr);
        let user = live.users.values_mut().next().unwrap();
        user.credentials.access_keys.push("AKIAEXAMPLE".into());
        user.credentials.login_profile = Some(Default::default());
        let all = Scope {
            paths: vec!["/".into()],
            exclude: vec!["user/user-1*".into()],
            kinds: None,
        };
        let got = select(&live, &all);
        assert!(!got.roles.contains_key(&"AWSServiceRoleForSupport".into()));
        assert!(got.users.values().all(|u| u.credentials.is_empty()));
        assert!(got.users.keys().all(|n| !n.as_str().starts_with("user-1")));
        assert!(got.password_policy.is_some());
        let team = Scope {
            paths: vec!["/team-a/".into()],
            exclude: vec![],
            kinds: None,
        };
        let got = select(&live, &team);
        assert!(!got.users.is_empty());
        assert!(got.users.values().all(|u| u.path == "/team-a/"));
        assert!(got.password_policy.is_none());
    }
}
