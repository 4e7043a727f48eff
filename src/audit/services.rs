//! Access Advisor (`--last-accessed`): permissions for services a principal does not use. No CIS
//! item; the practice is the references' "review access regularly, remove what is not needed".

use super::input::date;
use super::{AuditInput, Finding, Rule, Subject};

/// At most this many services are named in one message.
const SHOWN: usize = 8;

pub(super) fn unused(input: &AuditInput<'_>, rule: &Rule) -> Result<Vec<Finding>, String> {
    let Some(advisor) = &input.data.last_accessed else {
        return Err("needs Access Advisor data: run with --last-accessed".into());
    };
    let window = input.thresholds.max_unused_days;
    let mut out = Vec::new();
    for (address, services) in advisor {
        let unused: Vec<String> = services
            .iter()
            .filter(|s| {
                s.last_authenticated
                    .is_none_or(|t| input.older_than(t, window))
            })
            .map(|s| match s.last_authenticated {
                None => format!("{} (never)", s.namespace),
                Some(t) => format!("{} (last {})", s.namespace, date(t)),
            })
            .collect();
        if unused.is_empty() {
            continue;
        }
        let list = crate::words::and_more(&unused[..unused.len().min(SHOWN)], unused.len());
        out.push(Finding::new(
            rule,
            Subject::Entity(address.clone()),
            format!(
                "{address} is allowed {} of {} it has not used in {}: {list}",
                unused.len(),
                crate::words::count(services.len(), "service"),
                super::input::days(window)
            ),
            format!("remove those services' permissions from the policies of {address}"),
        ));
    }
    Ok(out)
}
