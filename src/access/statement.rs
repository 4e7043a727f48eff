//! Whether one statement applies to one request: `Action` / `NotAction`, `Resource` /
//! `NotResource`, `Principal` / `NotPrincipal` (resource policies only) and `Condition`.
//!
//! These pieces are public so that the per-principal access model (which expands what a
//! principal's statements allow) asks the same questions the evaluator does.

use super::condition;
use super::matcher;
use super::request::{Caller, CallerKind, Request};
use super::variables::{self, Mode};
use crate::model::glob;
use crate::model::policy::{Principal as PolicyPrincipal, Statement};

/// `Action` matches the action, or `NotAction` does not; a statement with neither applies to none.
pub fn action_applies(s: &Statement, action: &str) -> bool {
    match (&s.action, &s.not_action) {
        (Some(a), _) => a.iter().any(|p| matcher::action_matches(p, action)),
        (None, Some(n)) => !n.iter().any(|p| matcher::action_matches(p, action)),
        (None, None) => false,
    }
}

/// Whether one `Resource` / `NotResource` entry names the resource. An entry holding a policy
/// variable with no value names nothing: "there is no equal or like value" for a null value, so it
/// neither grants (`Resource`) nor excludes (`NotResource`).
fn entry_matches(
    pattern: &str,
    request: &Request,
    variables: bool,
    missing: &mut Vec<String>,
) -> bool {
    if pattern == "*" {
        return true;
    }
    if !variables || !pattern.contains("${") {
        return plain_entry_matches(pattern, &request.resource);
    }
    let mode = Mode {
        variables,
        wildcards: true,
    };
    match matcher::split_arn_pattern(pattern) {
        Some(parts) => variables::resolve_parts(parts, &request.context, mode, missing)
            .is_some_and(|toks| matcher::arn_pattern_matches(&toks, &request.resource)),
        // Not an ARN pattern (validation rejects those in configurations): compared whole.
        None => variables::resolve(pattern, &request.context, mode, missing)
            .is_some_and(|t| matcher::glob(&t, &request.resource, false)),
    }
}

/// A pattern without variables, matched part by part without allocating.
fn plain_entry_matches(pattern: &str, resource: &str) -> bool {
    let (Some(p), Some(r)) = (pattern.strip_prefix("arn:"), resource.strip_prefix("arn:")) else {
        return pattern == resource
            || (!pattern.starts_with("arn:") && glob::text(pattern, resource, false));
    };
    let mut ps = p.splitn(5, ':');
    let mut rs = r.splitn(5, ':');
    let mut last_pattern = "";
    for _ in 0..5 {
        match (ps.next(), rs.next()) {
            (Some(pp), Some(rp)) => {
                if !glob::text(pp, rp, false) {
                    return false;
                }
                last_pattern = pp;
            }
            // A short pattern stands for anything after a part ending in `*`.
            (None, Some(_)) => return last_pattern.ends_with('*'),
            (_, None) => return false,
        }
    }
    true
}

/// `Resource` matches the resource, or `NotResource` does not. Statements with neither (trust
/// policies) apply to any resource.
pub fn resource_applies(
    s: &Statement,
    request: &Request,
    variables: bool,
    missing: &mut Vec<String>,
) -> bool {
    // Every entry is looked at (no short cut), so that `missing` names every variable without a
    // value.
    let mut any = |list: &crate::model::policy::Values| {
        let mut found = false;
        for p in list {
            found |= entry_matches(p, request, variables, missing);
        }
        found
    };
    match (&s.resource, &s.not_resource) {
        (Some(r), _) => any(r),
        (None, Some(n)) => !any(n),
        (None, None) => true,
    }
}

/// How a resource policy statement's `Principal` names the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    No,
    /// The caller's account (`arn:aws:iam::ID:root` or a bare id): in a trust policy this only
    /// delegates to the account's identity policies, which must allow too.
    Account,
    /// The role of a role session (its role ARN): allowed without an identity policy, but limited
    /// by the role's permissions boundary.
    Role,
    /// The caller itself (a user ARN, a session ARN) or anyone (`*`).
    Direct,
}

/// The `AWS` values of a principal element, or `None` for `"*"`.
fn aws_values(p: &PolicyPrincipal) -> Option<Vec<&str>> {
    match p {
        PolicyPrincipal::Any => None,
        PolicyPrincipal::Map(m) => Some(
            m.get("AWS")
                .map(|v| v.iter().map(String::as_str).collect())
                .unwrap_or_default(),
        ),
    }
}

/// How `Principal` names `caller` (the best of its values).
pub fn principal_match(p: &PolicyPrincipal, caller: &Caller) -> PrincipalMatch {
    let Some(values) = aws_values(p) else {
        return PrincipalMatch::Direct;
    };
    let root = format!("arn:aws:iam::{}:root", caller.account_id);
    values
        .iter()
        .map(|v| {
            if *v == "*" || *v == caller.session_arn {
                PrincipalMatch::Direct
            } else if caller.kind == CallerKind::RoleSession && *v == caller.arn {
                PrincipalMatch::Role
            } else if *v == root || *v == caller.account_id {
                PrincipalMatch::Account
            } else {
                PrincipalMatch::No
            }
        })
        .max()
        .unwrap_or(PrincipalMatch::No)
}

/// Whether a statement with `NotPrincipal` applies to `caller`: it does unless every identity the
/// request carries is listed — the user and its account; the session, its role and its account
/// ("IAM JSON policy elements: NotPrincipal").
pub fn not_principal_applies(p: &PolicyPrincipal, caller: &Caller) -> bool {
    let Some(values) = aws_values(p) else {
        return false;
    };
    let root = format!("arn:aws:iam::{}:root", caller.account_id);
    let listed = |x: &str| values.contains(&x);
    if listed("*") {
        return false;
    }
    let account = listed(&root) || listed(&caller.account_id);
    let me = listed(&caller.session_arn);
    let role = caller.kind == CallerKind::User || listed(&caller.arn);
    !(account && me && role)
}

/// The outcome of one statement for one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applies {
    /// Action, resource and principal match (the condition aside).
    pub scope: bool,
    /// How the principal element named the caller (resource policies; `Direct` elsewhere).
    pub principal: Option<PrincipalMatch>,
    pub condition: condition::Outcome,
}

impl Applies {
    /// The statement applies: scope and condition.
    pub fn applies(&self) -> bool {
        self.scope && self.condition.holds
    }
}

/// Evaluates one statement. `caller` is given for resource policies, whose statements name
/// principals; `boundary` says whether the caller has a permissions boundary (a Deny with
/// `NotPrincipal` in a resource policy then always applies, "Permissions boundaries for IAM
/// entities").
pub fn evaluate(
    s: &Statement,
    request: &Request,
    variables: bool,
    caller: Option<(&Caller, bool)>,
) -> Applies {
    if !action_applies(s, &request.action) {
        return Applies::default();
    }
    evaluate_given_action(s, request, variables, caller)
}

/// [`evaluate`] for a statement whose `Action` / `NotAction` is known to apply (memoised by the
/// caller: `who-can` asks the same action of the same shared documents for every principal).
pub fn evaluate_given_action(
    s: &Statement,
    request: &Request,
    variables: bool,
    caller: Option<(&Caller, bool)>,
) -> Applies {
    let mut out = Applies::default();
    if let Some((caller, has_boundary)) = caller {
        let m = match (&s.principal, &s.not_principal) {
            (Some(p), _) => principal_match(p, caller),
            (None, Some(np)) => {
                let deny = s.effect == crate::model::policy::Effect::Deny;
                if (deny && has_boundary) || not_principal_applies(np, caller) {
                    PrincipalMatch::Direct
                } else {
                    PrincipalMatch::No
                }
            }
            (None, None) => PrincipalMatch::No,
        };
        if m == PrincipalMatch::No {
            return out;
        }
        out.principal = Some(m);
    }
    let mut missing = Vec::new();
    if !resource_applies(s, request, variables, &mut missing) {
        out.condition.missing = missing;
        return out;
    }
    out.scope = true;
    out.condition = condition::evaluate(&s.condition, &request.context, variables);
    out.condition.missing.extend(missing);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::request::Context;
    use crate::model::PolicyDocument;

    fn statement(json: &str) -> Statement {
        let doc = PolicyDocument::from_json_str(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{json}]}}"#
        ))
        .unwrap();
        doc.statements()[0].clone()
    }

    fn req(action: &str, resource: &str) -> Request {
        let mut context = Context::new();
        context.set("aws:username", "ann");
        Request {
            action: action.into(),
            resource: resource.into(),
            context,
        }
    }

    #[test]
    fn actions_and_not_actions() {
        let s =
            statement(r#"{"Effect":"Allow","NotAction":["iam:*","s3:Delete*"],"Resource":"*"}"#);
        assert!(action_applies(&s, "s3:GetObject"));
        assert!(!action_applies(&s, "IAM:CreateUser"));
        assert!(!action_applies(&s, "s3:deleteobject"));
    }

    #[test]
    fn resources_with_variables() {
        let s = statement(
            r#"{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}"#,
        );
        let mut m = Vec::new();
        assert!(resource_applies(
            &s,
            &req("s3:GetObject", "arn:aws:s3:::home/ann/x"),
            true,
            &mut m
        ));
        assert!(!resource_applies(
            &s,
            &req("s3:GetObject", "arn:aws:s3:::home/bob/x"),
            true,
            &mut m
        ));
        // A NotResource entry whose variable has no value excludes nothing.
        let s = statement(
            r#"{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::${aws:PrincipalTag/x}"}"#,
        );
        assert!(resource_applies(
            &s,
            &req("s3:GetObject", "arn:aws:s3:::b"),
            true,
            &mut m
        ));
        assert_eq!(m, vec!["aws:PrincipalTag/x"]);
    }

    #[test]
    fn principals() {
        let user = Caller::user("123456789012", "/", "ann");
        let role = Caller::role("123456789012", "/x/", "app");
        let p = |json: &str| {
            statement(&format!(
                r#"{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{json}}}"#
            ))
            .principal
            .unwrap()
        };
        assert_eq!(principal_match(&p(r#""*""#), &user), PrincipalMatch::Direct);
        assert_eq!(
            principal_match(&p(r#"{"AWS":"arn:aws:iam::123456789012:user/ann"}"#), &user),
            PrincipalMatch::Direct
        );
        assert_eq!(
            principal_match(&p(r#"{"AWS":"123456789012"}"#), &user),
            PrincipalMatch::Account
        );
        assert_eq!(
            principal_match(&p(r#"{"AWS":"arn:aws:iam::111111111111:root"}"#), &user),
            PrincipalMatch::No
        );
        assert_eq!(
            principal_match(
                &p(r#"{"AWS":"arn:aws:iam::123456789012:role/x/app"}"#),
                &role
            ),
            PrincipalMatch::Role
        );
        assert_eq!(
            principal_match(
                &p(r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/app/iamform"}"#),
                &role
            ),
            PrincipalMatch::Direct
        );
        assert_eq!(
            principal_match(&p(r#"{"Service":"ec2.amazonaws.com"}"#), &role),
            PrincipalMatch::No
        );
        let np = |v: &[&str]| {
            let list = v
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(",");
            statement(&format!(
                r#"{{"Effect":"Deny","Action":"sts:AssumeRole","NotPrincipal":{{"AWS":[{list}]}}}}"#
            ))
            .not_principal
            .unwrap()
        };
        let ann = "arn:aws:iam::123456789012:user/ann";
        let root = "arn:aws:iam::123456789012:root";
        assert!(not_principal_applies(&np(&[ann]), &user));
        assert!(not_principal_applies(&np(&[root]), &user));
        assert!(!not_principal_applies(&np(&[ann, root]), &user));
        let session = "arn:aws:sts::123456789012:assumed-role/app/iamform";
        let role_arn = "arn:aws:iam::123456789012:role/x/app";
        assert!(not_principal_applies(&np(&[session, root]), &role));
        assert!(!not_principal_applies(
            &np(&[session, role_arn, root]),
            &role
        ));
    }
}
