//! The HCL configuration loader: `*.hcl` -> [`Config`] -> [`Desired`] account (DESIGN.md section 2).
//!
//! ```text
//! load(dir):   parse (hcl-edit, with spans) -> schema check -> declarations, references, backend
//! lower(id):   variables -> locals and entity names in dependency order -> entities -> Account
//! ```
//!
//! Every step collects all of its errors as [`Diagnostics`] with `file:line:col` and a snippet;
//! `lower` runs only on a configuration that loaded cleanly.

pub mod accounts;
mod arith;
mod budget;
mod convert;
mod diagnostic;
mod document;
mod eval;
pub(crate) mod functions;
mod instance;
mod lazy;
mod lifecycle;
pub(crate) mod limits;
mod load;
mod lower;
mod module;
mod moved;
mod object_keys;
mod parse;
mod references;
mod schema;
pub mod sources;
mod syntax;
mod variables;

#[cfg(test)]
mod module_tests;
#[cfg(test)]
mod tests;

pub use diagnostic::{Diagnostic, Diagnostics, Location, Snippet};
pub use document::{DocumentSlot, DocumentSource, StatementSource};
pub use lifecycle::{check_prevent_destroy, Removal};
pub use moved::Move;
pub use sources::Sources;
pub use variables::{Input, Inputs, ENV_PREFIX};

/// A syntax error of HCL `text` (hcl-edit's `message` at byte `offset`), located and worded as
/// the loader reports it (for `fmt`).
pub(crate) fn explain_syntax_error(text: &str, offset: usize, message: &str) -> syntax::Explained {
    syntax::explain(text, offset, message)
}

use crate::model::{Account, Address, Scope};
pub use crate::settings::BackendSpec;

/// Whether `s` is an identifier of the configuration language as written (ASCII, as iamform
/// writes and accepts labels and variable names): a letter or `_`, then letters, digits, `_`, `-`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A parsed and statically checked configuration directory.
#[derive(Clone, Debug)]
pub struct Config {
    dir: PathBuf,
    loaded: load::Loaded,
    inputs: Inputs,
    /// The files read besides the `*.hcl` ones, as loading and lowering observe them.
    recorder: sources::Recorder,
}

/// The desired state a configuration declares, for one account id.
#[derive(Clone, Debug, PartialEq)]
pub struct Desired {
    pub account: Account,
    /// From `settings { scope { … } }`; `None` when there is no scope block.
    pub scope: Option<Scope>,
    /// Entity -> the entities its configuration references (dependency graph edges).
    pub references: BTreeMap<Address, BTreeSet<Address>>,
    /// Where each entity is declared.
    pub sources: BTreeMap<Address, Location>,
    /// Entities declared with `lifecycle { prevent_destroy = true }`, and where the flag is set.
    pub prevent_destroy: BTreeMap<Address, Location>,
    /// Where the parts of each policy document are written, by entity and document (for lint).
    pub documents: BTreeMap<(Address, DocumentSlot), DocumentSource>,
    /// Where the statements of each policy document are, by document (`policy.read`,
    /// `user.ann inline_policy.s3`, `role.app assume_role_policy`): one location per `statement`
    /// block in written order, or the one of the attribute for `document = …` /
    /// `assume_role_policy = …`. `can` and `who-can` name statements with them.
    pub statements: BTreeMap<String, Vec<Location>>,
    /// `settings { audit { ignore = [...] } }`: `RULE:KIND/NAME` globs of accepted audit findings.
    pub audit_ignore: Vec<String>,
    /// `settings { max_destroy = N }`: the most entities one plan may destroy (src/plan/blast.rs).
    pub max_destroy: Option<usize>,
    /// The entities declared inside a module, and the module instance they come from
    /// (`module.baseline`, `module.team["web"]`, `module.a.module.b`); plans show them as
    /// `module.baseline.role.ci`.
    pub modules: BTreeMap<Address, String>,
    /// The instances of the configuration's `for_each` blocks (not its modules'), by block and
    /// key, for `moved` blocks that name one (`user.person["lou"]`).
    pub instances: moved::Instances,
    /// The renames its `moved` blocks ask for, as IAM addresses.
    pub moves: Vec<Move>,
}

/// Parses every `*.hcl` file of `dir` (sorted by name, not recursive) and of the modules it
/// uses, and checks everything that does not need an account id. All errors of all files are
/// returned together. Modules are read only inside the repository holding `dir` (the nearest
/// directory at or above it with a `.git`; without one, `dir` itself).
pub fn load(dir: &Path) -> Result<Config, Diagnostics> {
    load_in(dir, module::Root::of(dir))
}

/// [`load`] with modules read only inside `root` unless `dir` is in a repository (then its top):
/// for `--all ROOT`, whose accounts share modules beside them.
pub fn load_within(dir: &Path, root: &Path) -> Result<Config, Diagnostics> {
    let within = module::Root::of(root);
    load_in(dir, within)
}

fn load_in(dir: &Path, root: module::Root) -> Result<Config, Diagnostics> {
    let recorder = sources::Recorder::default();
    let loaded = limits::on_big_stack(|| sources::recording(&recorder, || load::load(dir, &root)))
        .map_err(Diagnostics::sorted)?;
    Ok(Config {
        dir: dir.to_path_buf(),
        loaded,
        inputs: Inputs::default(),
        recorder,
    })
}

impl Config {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The configuration's backend block, if it has one.
    pub fn backend(&self) -> Option<&BackendSpec> {
        self.loaded.backend.as_ref()
    }

    /// Sets the values of input variables (`--var`, `--var-file`, `IAMFORM_VAR_*`) used by
    /// [`Config::lower`].
    pub fn set_inputs(&mut self, inputs: Inputs) {
        self.inputs = inputs;
    }

    /// Evaluates the configuration and builds the desired account; ARNs use `account_id`.
    pub fn lower(&self, account_id: &str) -> Result<Desired, Diagnostics> {
        let loaded = &self.loaded;
        if loaded.released {
            let message = "internal error: the configuration was lowered after its parsed blocks \
                           were released; please report it";
            return Err(Diagnostics(vec![Diagnostic::error(message)]));
        }
        let mut desired = limits::on_big_stack(|| {
            sources::recording(&self.recorder, || {
                lower::lower(loaded, &self.dir, account_id, &self.inputs)
            })
        })
        .map_err(Diagnostics::sorted)?;
        desired.moves = moved::resolve(loaded.blocks(), &loaded.map, &desired)
            .map_err(|d| Diagnostics(d).sorted())?;
        Ok(desired)
    }

    /// Takes the parsed blocks out of a lowered configuration, to be dropped while the plan goes
    /// on: a plan needs the files' text and the declared variables after lowering, not the
    /// syntax (about 46 MB at 10k entities, alive while the access changes are computed).
    /// [`Config::lower`] refuses to run afterwards.
    pub(crate) fn release_syntax(&mut self) -> Vec<Vec<parse::Node>> {
        self.loaded.released = true;
        (self.loaded.units.iter_mut())
            .map(|u| std::mem::take(&mut u.blocks))
            .collect()
    }

    /// Every file the configuration read so far, relative to its directory: the `*.hcl` files,
    /// and, once lowered, what `file`, `templatefile`, `fileexists` and `fileset` looked at.
    ///
    /// When modules come from outside the directory, every file is named relative to the
    /// deepest directory holding them all, and `dir` says where the configuration is among them.
    pub fn sources(&self) -> Sources {
        let recorded = self
            .recorder
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let dir = sources::absolute(&self.dir);
        let hcl: Vec<(PathBuf, &str)> = (self.loaded.map.files.iter())
            .map(|f| (sources::absolute(&f.path), f.text.as_str()))
            .collect();
        let read: Vec<(PathBuf, Option<String>)> = (recorded.files.into_iter())
            .map(|(k, v)| (PathBuf::from(k), v))
            .collect();
        let base = sources::common_ancestor(
            std::iter::once(dir.as_path())
                .chain(hcl.iter().filter_map(|(p, _)| p.parent()))
                .chain(read.iter().filter_map(|(p, _)| p.parent())),
        )
        .unwrap_or_else(|| dir.clone());
        let mut out = Sources {
            files: BTreeMap::new(),
            outside: recorded.outside,
            dir: sources::relative(&base, &dir).unwrap_or_default(),
        };
        for (path, text) in read {
            if let Some(key) = sources::relative(&base, &path) {
                out.files.insert(key, text);
            }
        }
        for (path, text) in hcl {
            if let Some(key) = sources::relative(&base, &path) {
                out.files.insert(key, Some(text.to_owned()));
            }
        }
        out
    }

    /// The input values of the variables the configuration declares (values given for other
    /// names, from the environment, are ignored by lowering and left out here).
    pub fn declared_inputs(&self) -> Inputs {
        let declared: BTreeSet<&str> = (self.loaded.units.first())
            .map(|u| u.variables.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let values = self
            .inputs
            .values
            .iter()
            .filter(|(name, _)| declared.contains(name.as_str()))
            .map(|(name, input)| (name.clone(), input.clone()))
            .collect();
        Inputs { values }
    }

    /// The module directories the configuration uses, as read (links resolved), in load order.
    pub fn module_dirs(&self) -> Vec<&Path> {
        self.loaded.units[1..]
            .iter()
            .map(|u| u.dir.as_path())
            .collect()
    }
}
