//! `resource-mismatch`: an `Allow` statement whose resources cannot be resources of (some of) its
//! actions. IAM accepts the statement, but it grants nothing for such an action: `s3:ListBucket`
//! on `arn:aws:s3:::bucket/*` (an object, not a bucket), `logs:DescribeLogGroups` on a named log
//! group (the action takes only Resource `*`).
//!
//! Per statement: each action as written (a pattern stands for the actions it matches in the
//! catalog) that none of the resources can apply to, and each resource that none of the actions
//! can use. A pattern is reported only when none of its actions applies: `s3:Get*` on objects
//! grants the object reads it is written for, and the bucket-level `Get` actions it also matches
//! were never the point. One finding per statement, a warning, or an error when the statement
//! grants nothing at all. Whether a resource can be of a type is [`crate::catalog::ArnPattern`]'s
//! overlap, which never says no when some ARN could match both.

use super::conditions::list;
use super::place::{sid, Place};
use super::{Finding, Severity};
use crate::catalog::{Action, Catalog, PolicyResource, ResourceType, Service};
use crate::model::policy::Statement;
use std::collections::HashMap;

/// Whether resource `r` can be used by `action`, remembering each (resource type, resource) pair
/// (`s3:*` expands to hundreds of actions over a few dozen resource types).
struct Applies<'a> {
    resources: Vec<(&'a str, PolicyResource)>,
    memo: HashMap<(*const ResourceType, usize), bool>,
}

impl Applies<'_> {
    fn get(&mut self, service: &Service, action: &Action, r: usize) -> bool {
        let resource = &self.resources[r].1;
        if resource.matches_star() {
            return true;
        }
        if service.complete() && action.only_star() {
            return false;
        }
        // Where the catalog's types for an action may be incomplete, any type of its service.
        let types: Vec<&ResourceType> = if service.complete() {
            service
                .action_resource_types(action)
                .map(|(t, _)| t)
                .collect()
        } else {
            service.resource_types().iter().collect()
        };
        for t in types {
            let hit = *self
                .memo
                .entry((t as *const ResourceType, r))
                .or_insert_with(|| t.overlaps(resource));
            if hit {
                return true;
            }
        }
        false
    }
}

/// An action as written that the resources do not fit, with what it expands to.
struct Unfit<'a> {
    written: &'a str,
    actions: Vec<(&'a Service, &'a Action)>,
}

pub(super) fn resource_mismatch(
    s: &Statement,
    at: &Place,
    catalog: &Catalog,
    out: &mut Vec<Finding>,
) {
    let (Some(written), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    let mut applies = Applies {
        resources: resources
            .iter()
            .map(|r| (r.as_str(), PolicyResource::new(r)))
            .collect(),
        memo: HashMap::new(),
    };
    let n = applies.resources.len();
    let mut used = vec![false; n];
    // An action the catalog does not know may use any resource: then no resource is called unused
    // and the statement is not said to grant nothing.
    let mut unknown = false;
    let mut unfit = Vec::new();
    for w in written {
        if w == "*" {
            return;
        }
        let expanded = catalog.expand(w);
        if expanded.is_empty() {
            unknown = true;
            continue;
        }
        let mut fits = false;
        for (service, action) in &expanded {
            for (r, u) in used.iter_mut().enumerate() {
                if applies.get(service, action, r) {
                    *u = true;
                    fits = true;
                }
            }
        }
        if !fits {
            unfit.push(Unfit {
                written: w,
                actions: expanded,
            });
        }
    }
    let unused: Vec<&str> = if unknown {
        Vec::new()
    } else {
        (0..n)
            .filter(|r| !used[*r])
            .map(|r| applies.resources[r].0)
            .collect()
    };
    if unfit.is_empty() && unused.is_empty() {
        return;
    }
    let nothing = !unknown && unfit.len() == written.len();
    let mut parts = Vec::new();
    for u in unfit.iter().take(4) {
        parts.push(describe(u));
    }
    if unfit.len() > 4 {
        parts.push(format!(
            "and {} more",
            crate::words::count(unfit.len() - 4, "action")
        ));
    }
    if !unused.is_empty() && !nothing {
        let one = unused.len() == 1;
        parts.push(format!(
            "{} {} {} of none of the statement's actions",
            if one { "Resource" } else { "Resources" },
            list(&unused),
            if one {
                "is a resource"
            } else {
                "are resources"
            }
        ));
    }
    let (severity, lead) = if nothing {
        (
            Severity::Error,
            format!(
                "the statement{} grants nothing: none of its resources can be a resource of its actions",
                sid(s)
            ),
        )
    } else {
        (
            Severity::Warning,
            format!("the statement{} grants less than it says", sid(s)),
        )
    };
    let mut f = at.finding(
        severity,
        "resource-mismatch",
        "Resource",
        format!("{lead}: {}", parts.join("; ")),
        hint(&unfit),
    );
    let mut actions: Vec<String> = unfit
        .iter()
        .flat_map(|u| u.actions.iter())
        .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
        .collect();
    actions.sort();
    actions.dedup();
    f.actions = actions;
    f.resources = unused.iter().map(|r| (*r).to_owned()).collect();
    out.push(f);
}

/// What the resources would have to be for `u`.
fn describe(u: &Unfit) -> String {
    if let [(service, _)] = u.actions.as_slice() {
        if !service.complete() {
            return format!(
                "`{}` applies only to resources of {}",
                u.written, service.name
            );
        }
    }
    if let [(service, action)] = u.actions.as_slice() {
        if action.only_star() {
            return format!(
                "`{}` takes only Resource `*` (it has no resource-level permissions)",
                u.written
            );
        }
        let types: Vec<String> = service
            .action_resource_types(action)
            .map(|(t, _)| {
                let arn = t.patterns.first().map_or("", |p| p.as_str());
                format!("{} (`{arn}`)", t.name)
            })
            .collect();
        let shown = match types.as_slice() {
            [one] => one.clone(),
            [first @ .., last] if types.len() <= 3 => format!("{} or {last}", first.join(", ")),
            _ => format!(
                "{} or {}",
                types[..3].join(", "),
                crate::words::count(types.len() - 3, "other type")
            ),
        };
        return format!("`{}` applies only to resources of type {shown}", u.written);
    }
    let star = u.actions.iter().all(|(_, a)| a.only_star());
    format!(
        "none of the {} `{}` matches applies to these resources{}",
        crate::words::count(u.actions.len(), "action"),
        u.written,
        if star {
            " (they take only Resource `*`)"
        } else {
            ""
        }
    )
}

fn hint(unfit: &[Unfit]) -> String {
    let star = unfit
        .iter()
        .any(|u| u.actions.iter().all(|(_, a)| a.only_star()));
    // The simplest ARN of the first action that has resource types: the fewest placeholders.
    let example = unfit.iter().find_map(|u| {
        let (service, action) = u.actions.iter().find(|(_, a)| !a.only_star())?;
        let arn = service
            .action_resource_types(action)
            .flat_map(|(t, _)| t.patterns.iter())
            .map(|p| p.as_str())
            .min_by_key(|p| (p.matches("${").count(), p.len()))?;
        Some(format!(
            "e.g. `{arn}` for `{}:{}`",
            service.prefix, action.name
        ))
    });
    match (star, example) {
        (true, Some(e)) => format!("give actions that take only `*` a statement with Resource `*`, and the others resources of their types ({e})"),
        (true, None) => "give actions that take only `*` a statement of their own with Resource `*`".to_owned(),
        (false, Some(e)) => format!("give each action resources of its types ({e}), or remove what the statement cannot grant"),
        (false, None) => "remove the resources no action of the statement can use".to_owned(),
    }
}
