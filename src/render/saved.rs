//! What `show` prints above a saved plan: where it was made, and the configuration it carries
//! (its files and its input values), which is what `apply` will plan again.

use crate::plan::saved::Provenance;

/// The most characters of a variable's value shown.
const VALUE_CHARS: usize = 120;

/// The most file names listed.
const FILES_SHOWN: usize = 8;

/// `Plan saved from DIR (DIGEST) against BACKEND (account ID).` and the embedded configuration.
pub(crate) fn header(saved: &Provenance, account_id: &str) -> String {
    let mut out = format!(
        "Plan saved from {} ({}) against {} (account {account_id}).\n",
        saved.config_dir, saved.config_digest, saved.backend
    );
    if let Some(c) = &saved.configuration {
        let names: Vec<&str> = c
            .files
            .iter()
            .take(FILES_SHOWN)
            .map(|f| f.path.as_str())
            .collect();
        out.push_str(&format!(
            "It carries its configuration: {} file(s), {}.\n",
            c.files.len(),
            crate::words::and_more(&names, c.files.len())
        ));
        for (name, v) in &c.variables {
            let value = v.value.to_string();
            let cut: String = value.chars().take(VALUE_CHARS).collect();
            let cut = if cut.len() < value.len() {
                format!("{cut}…")
            } else {
                cut
            };
            out.push_str(&format!("  var.{name} = {cut}  ({})\n", v.origin));
        }
    }
    if let Some(caller) = &saved.caller {
        out.push_str(&format!("To be applied as {caller}.\n"));
    }
    out.push('\n');
    out
}
