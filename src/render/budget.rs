//! Markdown within a pull-request comment's size: GitHub refuses a comment over 65,536
//! characters, and a plan of a thousand entities is several times that.

use std::fmt::Write;

/// GitHub refuses a comment over 65,536 characters. A Markdown plan or drift report stays under
/// this many bytes (bytes are never fewer than characters), leaving room for a workflow's own
/// lines around it: the summary first, then the riskiest changes, then as much detail as fits.
pub(crate) const COMMENT_BUDGET: usize = 60_000;

/// Where a budgeted plan's whole is.
pub(crate) const WHOLE_PLAN: &str =
    "The whole plan is in the job's artifact (`iamform show PLANFILE`).";

/// Where a budgeted drift report's whole is.
pub(crate) const WHOLE_DRIFT: &str =
    "The whole report is in the job's artifact (`iamform drift --format json`).";

/// Kept free for the closing "N more" line.
const TAIL: usize = 400;

/// One row of a budgeted table and its collapsible detail; lower `risk` is shown first.
pub(crate) struct Item {
    pub risk: u8,
    pub row: String,
    pub detail: String,
}

/// Writes `header` (a table's first two lines), then the rows of `items`, riskiest first, then
/// their details, while `out` stays within `limit` bytes; what does not fit is counted in a
/// last line that ends with `rest`, the sentence saying where the whole is.
pub(crate) fn budgeted(
    out: &mut String,
    header: &str,
    mut items: Vec<Item>,
    limit: usize,
    rest: &str,
) {
    items.sort_by_key(|i| i.risk);
    let room = |out: &String, more: usize| out.len() + more + TAIL <= limit;
    // The riskiest items' details are kept room for (up to half of what is left), so that a long
    // table of creations cannot push the details of a deletion out.
    let riskiest = items.first().map(|i| i.risk);
    let reserved: usize = (items.iter())
        .filter(|i| Some(i.risk) == riskiest)
        .map(|i| i.detail.len() + 1)
        .sum::<usize>()
        .min(limit.saturating_sub(out.len()) / 2);
    out.push_str(header);
    let mut listed = 0;
    for item in &items {
        if !room(out, item.row.len() + 1 + reserved) {
            break;
        }
        out.push_str(&item.row);
        out.push('\n');
        listed += 1;
    }
    out.push('\n');
    let mut detailed = 0;
    for item in &items[..listed] {
        if !room(out, item.detail.len() + 1) {
            break;
        }
        out.push_str(&item.detail);
        out.push('\n');
        detailed += 1;
    }
    if listed < items.len() || detailed < listed {
        let _ = writeln!(
            out,
            "\n_{} more not listed and {} without details: a comment holds 65,536 characters. \
             {rest}_",
            items.len() - listed,
            listed - detailed
        );
    }
}
