//! One request to evaluate: who (a [`Caller`]), what action, on which resource, in which context.
//!
//! The request context is what AWS calls the authorization context: condition keys and their
//! values. Keys compare ignoring case ("condition key names are not case-sensitive"); a key holds
//! one value or, for multivalued keys such as `aws:TagKeys`, a list. [`Context::for_caller`] fills
//! it from the principal as AWS does (`aws:username`, `aws:PrincipalArn`, `aws:PrincipalTag/…`,
//! `aws:CurrentTime`, …); everything else comes from the user (`--context KEY=VALUE`) or is missing.

use std::collections::BTreeMap;

/// Keys that AWS defines as multivalued (type ArrayOfString): a value given for them is a list
/// even when there is one.
const MULTIVALUED: [&str; 5] = [
    "aws:tagkeys",
    "aws:calledvia",
    "aws:principalservicenameslist",
    "aws:principalorgpaths",
    "aws:resourceorgpaths",
];

/// Whether AWS documents `key` as multivalued.
pub fn is_multivalued_key(key: &str) -> bool {
    MULTIVALUED.contains(&key.to_ascii_lowercase().as_str())
}

/// The value(s) of one condition key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextValue {
    /// The key as it was spelled where it was set.
    pub key: String,
    pub values: Vec<String>,
    /// A multivalued key (a list, even of one): single-valued operators never match it; only
    /// `ForAllValues:` / `ForAnyValue:` do.
    pub multi: bool,
}

/// The request context: condition keys (compared ignoring case) and their values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    keys: BTreeMap<String, ContextValue>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets a single-valued key (replacing what it had), or a one-element list for a key AWS
    /// defines as multivalued.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.keys.insert(
            key.to_ascii_lowercase(),
            ContextValue {
                key: key.to_owned(),
                values: vec![value.into()],
                multi: is_multivalued_key(key),
            },
        );
    }

    /// Sets a multivalued key to `values` (replacing what it had).
    pub fn set_list(&mut self, key: &str, values: Vec<String>) {
        self.keys.insert(
            key.to_ascii_lowercase(),
            ContextValue {
                key: key.to_owned(),
                values,
                multi: true,
            },
        );
    }

    /// Adds the `KEY=VALUE` pairs of the command line on top: a key given there replaces the
    /// value it had; a key given twice is multivalued.
    pub fn override_with(&mut self, pairs: &[(String, String)]) {
        let mut given: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        for (k, v) in pairs {
            given
                .entry(k.to_ascii_lowercase())
                .or_insert_with(|| (k.clone(), Vec::new()))
                .1
                .push(v.clone());
        }
        for (_, (key, values)) in given {
            if values.len() > 1 {
                self.set_list(&key, values);
            } else {
                let v = values.into_iter().next().expect("one value");
                self.set(&key, v);
            }
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.keys.remove(&key.to_ascii_lowercase());
    }

    /// The value of a key, ignoring case.
    pub fn get(&self, key: &str) -> Option<&ContextValue> {
        // A request has a dozen keys: a scan is faster than folding the key into a new string.
        self.keys
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = &ContextValue> {
        self.keys.values()
    }
}

/// The kind of IAM principal making the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallerKind {
    User,
    /// A role acts as a session of itself (`arn:aws:sts::ID:assumed-role/NAME/SESSION`).
    RoleSession,
}

/// The session name a role's session has when `can` evaluates a role.
pub const SESSION_NAME: &str = "iamform";

/// Who makes the request, as the evaluator needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub kind: CallerKind,
    pub account_id: String,
    /// The IAM name (the user's, or the role's for a session).
    pub name: String,
    /// The user's or role's ARN, path included (`aws:PrincipalArn`).
    pub arn: String,
    /// For a role session, `arn:aws:sts::ID:assumed-role/NAME/SESSION`; for a user, its ARN.
    pub session_arn: String,
}

impl Caller {
    pub fn user(account_id: &str, path: &str, name: &str) -> Caller {
        let arn = format!("arn:aws:iam::{account_id}:user{path}{name}");
        Caller {
            kind: CallerKind::User,
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            session_arn: arn.clone(),
            arn,
        }
    }

    pub fn role(account_id: &str, path: &str, name: &str) -> Caller {
        Caller {
            kind: CallerKind::RoleSession,
            account_id: account_id.to_owned(),
            name: name.to_owned(),
            arn: format!("arn:aws:iam::{account_id}:role{path}{name}"),
            session_arn: format!("arn:aws:sts::{account_id}:assumed-role/{name}/{SESSION_NAME}"),
        }
    }
}

/// One request: an action on a resource, in a context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `service:Action`, e.g. `s3:GetObject`.
    pub action: String,
    /// An ARN, or `*` for actions that take no resource.
    pub resource: String,
    pub context: Context,
}

impl Context {
    /// The keys AWS puts in every request of this principal: `aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType` (`User` / `AssumedRole`), `aws:username` (users
    /// only), `aws:PrincipalTag/KEY` for each tag, and `aws:CurrentTime` / `aws:EpochTime` for
    /// `now` (seconds since the epoch). `aws:userid` is IAM's unique id (`AIDA…`, `AROA…:session`),
    /// which neither a configuration nor the account model holds: give it with `--context`.
    pub fn for_caller<'t>(
        caller: &Caller,
        tags: impl IntoIterator<Item = (&'t String, &'t String)>,
        now: i64,
    ) -> Context {
        Context::for_caller_at(
            caller,
            tags,
            &super::time::format_time(now),
            &now.to_string(),
        )
    }

    /// [`Context::for_caller`] with the time already formatted (`aws:CurrentTime`,
    /// `aws:EpochTime`), for many principals at once.
    pub fn for_caller_at<'t>(
        caller: &Caller,
        tags: impl IntoIterator<Item = (&'t String, &'t String)>,
        current_time: &str,
        epoch_time: &str,
    ) -> Context {
        let mut c = Context::new();
        c.set("aws:PrincipalArn", caller.arn.clone());
        c.set("aws:PrincipalAccount", caller.account_id.clone());
        match caller.kind {
            CallerKind::User => {
                c.set("aws:PrincipalType", "User");
                c.set("aws:username", caller.name.clone());
            }
            CallerKind::RoleSession => c.set("aws:PrincipalType", "AssumedRole"),
        }
        for (k, v) in tags {
            c.set(&format!("aws:PrincipalTag/{k}"), v.clone());
        }
        c.set("aws:CurrentTime", current_time);
        c.set("aws:EpochTime", epoch_time);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_repeats_are_lists() {
        let mut c = Context::new();
        c.set("aws:SourceIp", "10.0.0.1");
        assert_eq!(c.get("AWS:SOURCEIP").unwrap().values, vec!["10.0.0.1"]);
        c.override_with(&[
            ("aws:RequestTag/team".into(), "a".into()),
            ("aws:requesttag/TEAM".into(), "b".into()),
            ("aws:sourceip".into(), "10.0.0.2".into()),
            ("aws:TagKeys".into(), "team".into()),
        ]);
        let team = c.get("aws:RequestTag/team").unwrap();
        assert!(team.multi);
        assert_eq!(team.values, vec!["a", "b"]);
        let ip = c.get("aws:SourceIp").unwrap();
        assert!(!ip.multi);
        assert_eq!(ip.values, vec!["10.0.0.2"]);
        assert!(c.get("aws:TagKeys").unwrap().multi);
    }

    #[test]
    fn caller_context() {
        let tags = BTreeMap::from([("team".to_owned(), "web".to_owned())]);
        let user = Caller::user("123456789012", "/dev/", "ann");
        let c = Context::for_caller(&user, &tags, 0);
        assert_eq!(
            c.get("aws:principalarn").unwrap().values,
            vec!["arn:aws:iam::123456789012:user/dev/ann"]
        );
        assert_eq!(c.get("aws:username").unwrap().values, vec!["ann"]);
        assert_eq!(c.get("aws:PrincipalTag/Team").unwrap().values, vec!["web"]);
        assert_eq!(
            c.get("aws:CurrentTime").unwrap().values,
            vec!["1970-01-01T00:00:00Z"]
        );
        let role = Caller::role("123456789012", "/", "app");
        let c = Context::for_caller(&role, &BTreeMap::new(), 0);
        assert!(c.get("aws:username").is_none());
        assert_eq!(
            c.get("aws:PrincipalType").unwrap().values,
            vec!["AssumedRole"]
        );
        assert_eq!(
            role.session_arn,
            "arn:aws:sts::123456789012:assumed-role/app/iamform"
        );
    }
}
