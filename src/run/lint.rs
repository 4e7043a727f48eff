//! `iamform lint [DIR]`: load and lower the configuration as `validate` does, lint the desired
//! account against the embedded catalog, print the findings; exit 1 when one is an error.
//! `iamform lint --document FILE…` lints JSON policy documents instead.

use super::{load, lower, Exit, Ui};
use crate::catalog::Catalog;
use crate::lint::{self, Finding, Sources, Summary};
use crate::render;
use crate::render::printer::{err, out};
use crate::settings::LintFormat;
use std::path::{Path, PathBuf};

/// Lint reads no account, so ARNs are computed for a placeholder account id.
const LINT_ACCOUNT_ID: &str = "000000000000";

/// The most `--document` reads from one file, as `file()` does for a configuration.
const MAX_DOCUMENT_BYTES: u64 = 1 << 20;

pub(super) fn lint(
    dir: &Path,
    documents: &[PathBuf],
    format: LintFormat,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let catalog = Catalog::embedded()?;
    let findings = if documents.is_empty() {
        let config = match load(dir, ui) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        let desired = match lower(&config, LINT_ACCOUNT_ID) {
            Ok(d) => d,
            Err(code) => return Ok(code),
        };
        let sources = Sources {
            entities: &desired.sources,
            documents: &desired.documents,
        };
        lint::lint_account(&desired.account, sources, catalog)
    } else {
        match lint_files(documents, catalog) {
            Ok(f) => f,
            Err(message) => {
                err(&format!("error: {message}\n"));
                return Ok(Exit::Error);
            }
        }
    };
    match format {
        LintFormat::Json => out(&render::lint::json(&findings, &catalog.source_version)),
        LintFormat::Sarif => {
            let fallback = super::audit::first_hcl_file(dir).unwrap_or_else(|| dir.to_owned());
            let fallback = fallback.display().to_string();
            out(&render::lint_sarif::render_sarif(
                &findings,
                &catalog.source_version,
                &fallback,
            ));
        }
        LintFormat::Text if ui.quiet && findings.is_empty() => {}
        LintFormat::Text => out(&render::lint::text(&findings, ui.style)),
    }
    Ok(if Summary::of(&findings).errors > 0 {
        Exit::Error
    } else {
        Exit::Success
    })
}

/// The findings of every file, in the order given; the first file that cannot be read or is not a
/// policy document stops the run.
fn lint_files(files: &[PathBuf], catalog: &Catalog) -> Result<Vec<Finding>, String> {
    let mut out = Vec::new();
    for path in files {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("{} is not a file", path.display()));
        }
        let size = meta.len();
        if size > MAX_DOCUMENT_BYTES {
            return Err(format!(
                "{} is {size} bytes; a policy document is at most a few kilobytes (lint reads at most {MAX_DOCUMENT_BYTES})",
                path.display()
            ));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        out.extend(lint::lint_json_file(path, &text, catalog)?);
    }
    Ok(out)
}
