//! IAM's quotas and input rules, as the mock enforces them (DESIGN.md section 7), with the error
//! codes and, as near as practical, the messages AWS returns.

use crate::backend::{BackendError, ErrorCode};
use crate::model::iam::{check_name, check_path, Quota, SizeQuota};
use crate::model::{DocumentKind, Kind, PolicyDocument, Tags};

/// Default service quotas.
pub const MANAGED_POLICIES_PER_ENTITY: usize = Quota::PoliciesPerUser.limit();
pub const GROUPS_PER_USER: usize = Quota::GroupsPerUser.limit();
pub const VERSIONS_PER_POLICY: usize = Quota::VersionsPerPolicy.limit();
pub const ROLES_PER_INSTANCE_PROFILE: usize = Quota::RolesPerInstanceProfile.limit();
pub const TAGS_PER_ENTITY: usize = Quota::TagsPerEntity.limit();

/// Policy size limits, whitespace not counted.
pub const MANAGED_POLICY_SIZE: usize = SizeQuota::Managed.limit();
pub const TRUST_POLICY_SIZE: usize = SizeQuota::Trust.limit();

pub fn inline_size_limit(kind: Kind) -> usize {
    SizeQuota::inline(kind).limit()
}

pub fn invalid(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::InvalidInput, message)
}

pub fn no_such(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::NoSuchEntity, message)
}

pub fn conflict(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::DeleteConflict, message)
}

pub fn limit(message: impl Into<String>) -> BackendError {
    BackendError::api(ErrorCode::LimitExceeded, message)
}

/// AWS's wording for "not found", per kind.
pub fn not_found(kind: Kind, name: &str) -> BackendError {
    no_such(match kind {
        Kind::InstanceProfile => format!("Instance Profile {name} cannot be found."),
        Kind::Policy => format!("Policy {name} does not exist or is not attachable."),
        _ => format!("The {kind} with name {name} cannot be found."),
    })
}

/// AWS's wording for a duplicate name (names are unique ignoring case).
pub fn already_exists(kind: Kind, name: &str) -> BackendError {
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

pub fn name(kind: Kind, name: &str) -> Result<(), BackendError> {
    check_name(kind, name).map_err(invalid)
}

pub fn path(path: &str) -> Result<(), BackendError> {
    check_path(path).map_err(invalid)
}

/// Grammar and size of one document; `MalformedPolicyDocument` or `LimitExceeded` as AWS says.
pub fn document(
    doc: &PolicyDocument,
    kind: DocumentKind,
    max_size: usize,
) -> Result<(), BackendError> {
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
pub fn tags(existing: &Tags, new: &Tags) -> Result<(), BackendError> {
    for (key, value) in new {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(invalid(format!(
                "tag key {key:?} must be 1 to 128 characters long"
            )));
        }
        if value.chars().count() > 256 {
            return Err(invalid(format!(
                "the value of tag {key:?} is longer than 256 characters"
            )));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid(format!(
                "tag key {key:?} uses the prefix `aws:`, which AWS reserves"
            )));
        }
    }
    let total = existing
        .keys()
        .chain(new.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if total > TAGS_PER_ENTITY {
        return Err(limit(format!(
            "Cannot exceed quota for TagsPerEntity: {TAGS_PER_ENTITY} (the entity would have {total} tags)"
        )));
    }
    Ok(())
}

pub fn role_settings(description: Option<&str>, max_session: u32) -> Result<(), BackendError> {
    if !(3_600..=43_200).contains(&max_session) {
        return Err(invalid(format!(
            "MaxSessionDuration {max_session} is outside 3600..=43200 seconds"
        )));
    }
    if let Some(d) = description {
        if d.chars().count() > 1_000 {
            return Err(invalid(format!(
                "the role description is {} characters long; IAM allows at most 1000",
                d.chars().count()
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
