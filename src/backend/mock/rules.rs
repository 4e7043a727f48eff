//! IAM's quotas and input rules (`model::iam`) as the mock enforces them, with the error codes
//! and, as near as practical, the messages AWS returns.

use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::{self, check_name, check_path, Quota, SizeQuota};
use crate::model::{
    DocumentKind, InlinePolicies, Kind, Name, PasswordPolicy, PolicyDocument, Tags,
};

pub(super) fn invalid(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::InvalidInput, message)
}

pub(super) fn no_such(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::NoSuchEntity, message)
}

pub(super) fn conflict(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::DeleteConflict, message)
}

pub(super) fn limit(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::LimitExceeded, message)
}

/// AWS's wording for "not found", per kind.
pub(super) fn not_found(kind: Kind, name: &str) -> BackendError {
    no_such(match kind {
        Kind::InstanceProfile => format!("Instance Profile {name} cannot be found."),
        Kind::Policy => format!("Policy {name} does not exist or is not attachable."),
        _ => format!("The {kind} with name {name} cannot be found."),
    })
}

/// AWS's wording for a duplicate name (names are unique ignoring case).
pub(super) fn already_exists(kind: Kind, name: &str) -> BackendError {
    let message = match kind {
        Kind::User => format!("User with name {name} already exists."),
        Kind::Group => format!("Group with name {name} already exists."),
        Kind::Role => format!("Role with name {name} already exists."),
        Kind::Policy => {
            format!("A policy called {name} already exists. Duplicate names are not allowed.")
        }
        _ => format!("Instance Profile {name} already exists."),
    };
    BackendError::api(ErrorCode::EntityAlreadyExists, message)
}

pub(super) fn name(kind: Kind, name: &str) -> Result<(), BackendError> {
    check_name(kind, name).map_err(invalid)
}

pub(super) fn path(path: &str) -> Result<(), BackendError> {
    check_path(path).map_err(invalid)
}

/// Grammar and size of one document; `MalformedPolicyDocument` or `LimitExceeded` as AWS says.
pub(super) fn document(
    doc: &PolicyDocument,
    kind: DocumentKind,
    quota: SizeQuota,
) -> Result<(), BackendError> {
    let max_size = quota.limit();
    doc.validate(kind).map_err(|e| {
        BackendError::api(
            ErrorCode::MalformedPolicyDocument,
            format!("Syntax errors in policy. {e}"),
        )
    })?;
    let size = doc.size();
    if size > max_size {
        return Err(limit(format!(
            "Cannot exceed quota for PolicySize: {max_size} (the document has {size} characters, whitespace not counted)"
        )));
    }
    Ok(())
}

/// Tag keys and values, and the per-entity count after merging `new` into `existing`.
pub(super) fn tags(existing: &Tags, new: &Tags) -> Result<(), BackendError> {
    if let Some(problem) = new.iter().flat_map(|(k, v)| iam::check_tag(k, v)).next() {
        return Err(invalid(problem));
    }
    let total = existing
        .keys()
        .chain(new.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let quota = Quota::TagsPerEntity;
    if total > quota.limit() {
        return Err(limit(format!(
            "Cannot exceed quota for {}: {} (the entity would have {total} tags)",
            quota.aws_name(),
            quota.limit()
        )));
    }
    Ok(())
}

/// `LimitExceeded` when a set of `len` would exceed `quota` by one more.
pub(super) fn room(quota: Quota, len: usize) -> Result<(), BackendError> {
    if len >= quota.limit() {
        return Err(limit(format!(
            "Cannot exceed quota for {}: {}",
            quota.aws_name(),
            quota.limit()
        )));
    }
    Ok(())
}

/// The checks of a create: the name and path rules, the tags, and IAM's names unique ignoring
/// case.
pub(super) fn new_entity(
    kind: Kind,
    name: &Name,
    path: &str,
    tags: &Tags,
    taken: bool,
) -> Result<(), BackendError> {
    self::name(kind, name.as_str())?;
    self::path(path)?;
    self::tags(&Tags::new(), tags)?;
    if taken {
        return Err(already_exists(kind, name.as_str()));
    }
    Ok(())
}

/// A user, group or role is deleted only once it holds no policies.
pub(super) fn holds_no_policies(
    policies: &std::collections::BTreeSet<String>,
    inline: &InlinePolicies,
) -> Result<(), BackendError> {
    if !policies.is_empty() {
        return Err(conflict(
            "Cannot delete entity, must detach all policies first.",
        ));
    }
    if !inline.is_empty() {
        return Err(conflict(
            "Cannot delete entity, must delete policies first.",
        ));
    }
    Ok(())
}

/// A class of characters a password policy can require: required?, test, what to say.
type CharClass = (Option<bool>, fn(&char) -> bool, &'static str);

/// A new password against the account's password policy (AWS's defaults where it sets none):
/// IAM's `PasswordPolicyViolation`, saying which rule, never the password.
pub(super) fn password(policy: &PasswordPolicy, password: &str) -> Result<(), BackendError> {
    let violation = |what: &str| {
        Err(BackendError::api(
            ErrorCode::PasswordPolicyViolation,
            format!("Password should {what}."),
        ))
    };
    let min = policy.minimum_length.unwrap_or(6) as usize;
    let n = password.chars().count();
    if n < min || n > 128 {
        return violation(&format!("have between {min} and 128 characters"));
    }
    let classes: [CharClass; 4] = [
        (
            policy.require_uppercase,
            char::is_ascii_uppercase,
            "have at least one uppercase letter",
        ),
        (
            policy.require_lowercase,
            char::is_ascii_lowercase,
            "have at least one lowercase letter",
        ),
        (
            policy.require_numbers,
            char::is_ascii_digit,
            "have at least one number",
        ),
        (
            policy.require_symbols,
            |c| c.is_ascii_punctuation(),
            "have at least one symbol",
        ),
    ];
    for (required, class, what) in classes {
        if required == Some(true) && !password.chars().any(|c| class(&c)) {
            return violation(what);
        }
    }
    Ok(())
}

pub(super) fn role_settings(
    description: Option<&str>,
    max_session: u32,
) -> Result<(), BackendError> {
    if !iam::MAX_SESSION_DURATION.contains(&max_session) {
        return Err(invalid(format!(
            "MaxSessionDuration {max_session} is outside 3600..=43200 seconds"
        )));
    }
    if let Some(d) = description {
        if d.chars().count() > iam::MAX_DESCRIPTION {
            return Err(invalid(format!(
                "the role description is {} characters long; IAM allows at most {}",
                d.chars().count(),
                iam::MAX_DESCRIPTION
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags_of(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn tag_rules() {
        let none = Tags::new();
        assert!(tags(&none, &tags_of(&[("team", "web")])).is_ok());
        let reserved = tags(&none, &tags_of(&[("aws:team", "web")])).unwrap_err();
        assert_eq!(reserved.code(), Some(ErrorCode::InvalidInput));
        let fifty: Tags = (0..50).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(
            tags(&fifty, &tags_of(&[("k1", "again")])).is_ok(),
            "overwriting is not adding"
        );
        let over = tags(&fifty, &tags_of(&[("one-more", "")])).unwrap_err();
        assert_eq!(over.code(), Some(ErrorCode::LimitExceeded));
    }

    #[test]
    fn role_setting_ranges() {
        assert!(role_settings(None, 3_600).is_ok());
        assert!(role_settings(None, 43_201).is_err());
        assert!(role_settings(Some(&"x".repeat(1_001)), 3_600).is_err());
    }
}
