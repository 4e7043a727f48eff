//! Saved plans between the files and the pipeline: embedding the configuration a plan was made
//! from, writing (and signing) the plan, reading it back with every check that needs no account,
//! loading its embedded configuration again, and comparing it with a configuration directory.

use super::{Exit, Ui};
use crate::config::{self, Config};
use crate::plan::saved::load::{self, Refusal};
use crate::plan::saved::{signature, Configuration, PlanDocument, Variable};
use crate::render::printer::err;
use anyhow::{anyhow, bail, Context as _};
use std::path::Path;

/// The largest plan file read (a saved plan of a 10,000-entity configuration is a few tens of
/// MB).
const MAX_PLAN_BYTES: u64 = 512 << 20;

/// `IAMFORM_PLAN_KEY`, when set and not empty.
fn plan_key() -> Option<Vec<u8>> {
    std::env::var_os(signature::KEY_VARIABLE)
        .filter(|v| !v.is_empty())
        .map(std::ffi::OsString::into_encoded_bytes)
}

/// The configuration `config` read (after lowering: also the files its functions read) and its
/// input values, as a saved plan embeds it.
pub(super) fn embed(config: &Config) -> anyhow::Result<Configuration> {
    let sources = config.sources();
    if let Some(path) = sources.outside.first() {
        bail!(
            "the configuration reads `{path}` by an absolute path: a saved plan embeds the files \
             the configuration reads by their path inside {}; write the path relative to it",
            config.dir().display()
        );
    }
    let variables = config
        .declared_inputs()
        .values
        .into_iter()
        .map(|(name, input)| {
            let value = serde_json::to_value(&input.value)?;
            let origin = input.origin;
            Ok((name, Variable { value, origin }))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut embedded = Configuration::new(sources.files, variables)
        .map_err(|e| anyhow!("the configuration cannot be embedded in a saved plan: {e}"))?;
    embedded.dir = sources.dir;
    embedded
        .check()
        .map_err(|e| anyhow!("the configuration cannot be embedded in a saved plan: {e}"))?;
    Ok(embedded)
}

/// The input values an embedded configuration was planned with.
fn inputs_of(embedded: &Configuration) -> anyhow::Result<config::Inputs> {
    let values = embedded
        .variables
        .iter()
        .map(|(name, v)| {
            let value: hcl::Value = serde_json::from_value(v.value.clone())
                .with_context(|| format!("the value of variable `{name}` in the plan"))?;
            let input = config::Input {
                value,
                origin: v.origin.clone(),
                strict: true,
                at: None,
            };
            Ok((name.clone(), input))
        })
        .collect::<anyhow::Result<_>>()?;
    Ok(config::Inputs { values })
}

/// The JSON text of `doc` as a plan file holds it (its access changes packed into its
/// provenance, when it has one), signed when `IAMFORM_PLAN_KEY` is set. `doc` itself is left as
/// it was, but for the signature.
pub(super) fn document_text(doc: &mut PlanDocument) -> anyhow::Result<String> {
    doc.signature = None;
    let changes = std::mem::take(&mut doc.plan.access_changes);
    if let Some(saved) = &mut doc.saved {
        saved.access_changes = crate::plan::saved::packed::pack(&changes);
    } else {
        doc.plan.access_changes = changes;
        return signed_text(doc);
    }
    let text = signed_text(doc);
    doc.plan.access_changes = changes;
    if let Some(saved) = &mut doc.saved {
        saved.access_changes.clear();
    }
    text
}

fn signed_text(doc: &mut PlanDocument) -> anyhow::Result<String> {
    if let Some(key) = plan_key() {
        let value = serde_json::to_value(&*doc)?;
        doc.signature = Some(signature::sign(&key, &value));
    }
    Ok(serde_json::to_string_pretty(doc)? + "\n")
}

/// Writes a saved plan, never through a link planted at `file`.
pub(super) fn write(file: &Path, text: &str) -> anyhow::Result<()> {
    crate::fsutil::write_atomic(file, text.as_bytes())
        .with_context(|| format!("could not write the plan to {}", file.display()))
}

/// Reads a plan file written by `plan --out`, with every check that needs no account: its size,
/// its signature when `IAMFORM_PLAN_KEY` is set, its format, its shape and that of its embedded
/// configuration.
pub(crate) fn read_plan_file(file: &Path) -> anyhow::Result<PlanDocument> {
    let shown = file.display();
    let bytes = crate::fsutil::read_regular(file, MAX_PLAN_BYTES, true)
        .with_context(|| format!("could not read plan file {shown}"))?;
    load::parse(&bytes, plan_key().as_deref()).map_err(|e| match e {
        Refusal::NotAPlan(e) => anyhow!(
            "{shown} is not an iamform plan file (write one with `iamform plan --out FILE`): {e}"
        ),
        Refusal::Signature(e) => anyhow!("the plan {shown} is refused: {e}"),
        Refusal::Structure(e) => anyhow!(
            "the plan {shown} is refused: {e}. Make a new one with this version's \
             `iamform plan --out`"
        ),
    })
}

/// The embedded configuration of a saved plan, written to a directory of its own and loaded
/// with its input values; the directory lives as long as the returned value.
pub(super) fn load_embedded(
    embedded: &Configuration,
    file: &Path,
) -> anyhow::Result<Result<(tempfile::TempDir, Config), Exit>> {
    let dir = tempfile::Builder::new()
        .prefix("iamform-plan-")
        .tempdir()
        .context("could not create a directory for the plan's configuration")?;
    embedded
        .write_to(dir.path())
        .context("could not write out the plan's configuration")?;
    let at = if embedded.dir.is_empty() {
        dir.path().to_path_buf()
    } else {
        // The top of the written files is the repository its modules must stay in.
        std::fs::create_dir(dir.path().join(".git"))
            .context("could not write out the plan's configuration")?;
        dir.path().join(&embedded.dir)
    };
    match config::load(&at) {
        Ok(mut config) => {
            config.set_inputs(inputs_of(embedded)?);
            Ok(Ok((dir, config)))
        }
        Err(diags) => {
            err(&format!(
                "error: the configuration embedded in {} does not load (was the file altered?):\n{diags}",
                file.display()
            ));
            Ok(Err(Exit::Error))
        }
    }
}

/// `apply PLANFILE --config-dir DIR`: the plan's embedded configuration must be DIR's, file for
/// file (DIR evaluated with the plan's input values). `Err(exit)` after saying which file differs.
pub(super) fn check_config_dir(
    embedded: &Configuration,
    dir: &Path,
    account_id: &str,
    file: &Path,
) -> anyhow::Result<Result<(), Exit>> {
    let shown = dir.display().to_string();
    let refuse = |what: &str| {
        err(&format!(
            "error: the saved plan {} was not made from the configuration in {shown}: {what}.\n\
             Nothing was applied. Make the plan from {shown} (the reviewed commit) with \
             `iamform plan --out`.\n",
            file.display()
        ));
        Ok(Err(Exit::Error))
    };
    let mut config = match config::load(dir) {
        Ok(c) => c,
        Err(diags) => {
            err(&format!(
                "error: the configuration in {shown} does not load:\n{diags}"
            ));
            return Ok(Err(Exit::Error));
        }
    };
    // The `*.hcl` files first: a difference there is the answer, even if DIR does not lower
    // with the plan's input values.
    let hcl_only = |c: &Configuration| {
        let prefix = if c.dir.is_empty() {
            String::new()
        } else {
            format!("{}/", c.dir)
        };
        let files = c
            .files
            .iter()
            .filter(|f| {
                f.path.strip_prefix(&prefix).is_some_and(|rest| {
                    !rest.contains('/') && rest.ends_with(".hcl") && !rest.starts_with('.')
                })
            })
            .cloned()
            .collect();
        Configuration {
            files,
            variables: Default::default(),
            dir: c.dir.clone(),
        }
    };
    let sources = config.sources();
    let mut loaded = Configuration::new(sources.files, Default::default())
        .map_err(|e| anyhow!("the configuration in {shown}: {e}"))?;
    loaded.dir = sources.dir;
    if let Some(what) = hcl_only(embedded).first_difference(&hcl_only(&loaded), &shown) {
        return refuse(&what);
    }
    config.set_inputs(inputs_of(embedded)?);
    if let Err(diags) = config.lower(account_id) {
        err(&format!(
            "error: the configuration in {shown} does not evaluate with the plan's variables:\n{diags}"
        ));
        return Ok(Err(Exit::Error));
    }
    let theirs = embed(&config)?;
    match embedded.first_difference(&theirs, &shown) {
        Some(what) => refuse(&what),
        None => Ok(Ok(())),
    }
}

/// `--var` and `--var-file` have no place in the apply of a saved plan: its variables are those
/// it was made with (`IAMFORM_VAR_*` from the environment are ignored, as for undeclared names).
pub(super) fn refuse_variables(ui: &Ui, file: &Path) -> anyhow::Result<()> {
    if let Some((name, input)) = ui.inputs.values.iter().find(|(_, i)| i.strict) {
        bail!(
            "{} is a saved plan, made with its own variable values; `{name}` is given again ({}). \
             Leave out --var and --var-file, or make a new plan with them",
            file.display(),
            input.origin
        );
    }
    Ok(())
}
