//! `iamform lint [DIR]`: load and lower the configuration as `validate` does, lint the desired
//! account against the embedded catalog, print the findings; exit 1 when one is an error.

use super::{load, lower, Exit, Ui};
use crate::catalog::Catalog;
use crate::cli::LintFormat;
use crate::lint::{self, Summary};
use std::collections::BTreeMap;
use std::path::Path;

/// Lint reads no account, so ARNs are computed for a placeholder account id.
const LINT_ACCOUNT_ID: &str = "000000000000";

pub(super) fn lint(dir: &Path, format: LintFormat, ui: &Ui) -> anyhow::Result<Exit> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let desired = match lower(&config, LINT_ACCOUNT_ID) {
        Ok(d) => d,
        Err(code) => return Ok(code),
    };
    let catalog = Catalog::embedded()?;
    let locations: BTreeMap<_, _> = desired
        .sources
        .iter()
        .map(|(address, location)| (address.clone(), location.to_string()))
        .collect();
    let findings = lint::lint_account(&desired.account, &locations, catalog);
    match format {
        LintFormat::Json => print!("{}", lint::render_json(&findings, &catalog.source_version)),
        LintFormat::Sarif => {
            let fallback = super::audit::first_hcl_file(dir).unwrap_or_else(|| dir.to_owned());
            let fallback = fallback.display().to_string();
            let sarif = lint::render_sarif(&findings, &catalog.source_version, &fallback);
            print!("{sarif}");
        }
        LintFormat::Text if ui.quiet && findings.is_empty() => {}
        LintFormat::Text => print!("{}", lint::render_text(&findings, ui.style)),
    }
    Ok(if Summary::of(&findings).errors > 0 {
        Exit::Error
    } else {
        Exit::Success
    })
}
