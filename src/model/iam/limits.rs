//! IAM's quotas and limits (DESIGN.md section 7), as AWS documents them.

use crate::model::Kind;
use std::ops::RangeInclusive;

/// IAM's policy size quotas, counted without whitespace. The inline quotas hold for the sum of one
/// entity's inline policies; checking one document against them is a lower bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeQuota {
    Managed,
    InlineUser,
    InlineGroup,
    InlineRole,
    /// The default quota of a role's trust policy; accounts can raise it up to
    /// [`MAX_TRUST_POLICY_SIZE`].
    Trust,
}

/// The largest trust policy IAM accepts even with a raised quota.
pub const MAX_TRUST_POLICY_SIZE: usize = 4_096;

impl SizeQuota {
    /// The quota of the inline policies of a user, group or role (any other kind: a role's).
    pub fn inline(kind: Kind) -> SizeQuota {
        match kind {
            Kind::User => SizeQuota::InlineUser,
            Kind::Group => SizeQuota::InlineGroup,
            _ => SizeQuota::InlineRole,
        }
    }

    pub const fn limit(self) -> usize {
        match self {
            SizeQuota::Managed => 6_144,
            SizeQuota::InlineUser => 2_048,
            SizeQuota::InlineGroup => 5_120,
            SizeQuota::InlineRole => 10_240,
            SizeQuota::Trust => 2_048,
        }
    }

    /// What the quota is about, for messages: "a managed policy".
    pub fn what(self) -> &'static str {
        match self {
            SizeQuota::Managed => "a managed policy",
            SizeQuota::InlineUser => "the inline policies of a user",
            SizeQuota::InlineGroup => "the inline policies of a group",
            SizeQuota::InlineRole => "the inline policies of a role",
            SizeQuota::Trust => "a trust policy",
        }
    }

    /// How to get under it.
    pub fn fix(self) -> &'static str {
        match self {
            SizeQuota::Managed => "split it into several managed policies",
            SizeQuota::Trust => "merge statements or shorten the principal lists",
            _ => "move statements into a managed policy",
        }
    }
}

/// Default service quotas on counts, with the names AWS uses in `LimitExceeded` messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quota {
    GroupsPerUser,
    PoliciesPerUser,
    PoliciesPerGroup,
    PoliciesPerRole,
    VersionsPerPolicy,
    RolesPerInstanceProfile,
    TagsPerEntity,
    OpenIdConnectProviders,
    SamlProviders,
    ClientIdsPerOpenIdConnectProvider,
    ThumbprintsPerOpenIdConnectProvider,
}

impl Quota {
    /// The quota of managed policies attached to a user, group or role (any other kind: a role's).
    pub fn policies_per(kind: Kind) -> Quota {
        match kind {
            Kind::User => Quota::PoliciesPerUser,
            Kind::Group => Quota::PoliciesPerGroup,
            _ => Quota::PoliciesPerRole,
        }
    }

    pub const fn limit(self) -> usize {
        match self {
            Quota::GroupsPerUser | Quota::PoliciesPerUser => 10,
            Quota::PoliciesPerGroup | Quota::PoliciesPerRole => 10,
            Quota::VersionsPerPolicy => 5,
            Quota::RolesPerInstanceProfile => 1,
            Quota::TagsPerEntity => 50,
            Quota::OpenIdConnectProviders | Quota::SamlProviders => 100,
            Quota::ClientIdsPerOpenIdConnectProvider => 100,
            Quota::ThumbprintsPerOpenIdConnectProvider => 5,
        }
    }

    /// The name in IAM's `Cannot exceed quota for NAME: N` messages.
    pub fn aws_name(self) -> &'static str {
        match self {
            Quota::GroupsPerUser => "GroupsPerUser",
            Quota::PoliciesPerUser => "PoliciesPerUser",
            Quota::PoliciesPerGroup => "PoliciesPerGroup",
            Quota::PoliciesPerRole => "PoliciesPerRole",
            Quota::VersionsPerPolicy => "VersionsPerPolicy",
            Quota::RolesPerInstanceProfile => "InstanceSessionsPerInstanceProfile",
            Quota::TagsPerEntity => "TagsPerEntity",
            Quota::OpenIdConnectProviders => "OpenIdConnectProvidersPerAccount",
            Quota::SamlProviders => "SamlProvidersPerAccount",
            Quota::ClientIdsPerOpenIdConnectProvider => "ClientIdsPerOpenIdConnectProvider",
            Quota::ThumbprintsPerOpenIdConnectProvider => "ThumbprintsPerOpenIdConnectProvider",
        }
    }
}

/// Role and policy descriptions, in characters.
pub const MAX_DESCRIPTION: usize = 1_000;
/// A role's maximum session duration, in seconds.
pub const MAX_SESSION_DURATION: RangeInclusive<u32> = 3_600..=43_200;
/// Tag keys are 1 to this many characters; values at most [`TAG_VALUE_MAX`].
pub const TAG_KEY_MAX: usize = 128;
pub const TAG_VALUE_MAX: usize = 256;
/// UpdateAccountPasswordPolicy's ranges.
pub const PASSWORD_MIN_LENGTH: RangeInclusive<u32> = 6..=128;
pub const PASSWORD_MAX_AGE_DAYS: RangeInclusive<u32> = 1..=1_095;
pub const PASSWORD_REUSE_PREVENTION: RangeInclusive<u32> = 1..=24;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotas_of_design_section_7() {
        let sizes = [
            (SizeQuota::Managed, 6_144),
            (SizeQuota::inline(Kind::User), 2_048),
            (SizeQuota::inline(Kind::Group), 5_120),
            (SizeQuota::inline(Kind::Role), 10_240),
            (SizeQuota::Trust, 2_048),
        ];
        for (q, n) in sizes {
            assert_eq!(q.limit(), n, "{q:?}");
        }
        assert_eq!(Quota::policies_per(Kind::Group), Quota::PoliciesPerGroup);
        assert_eq!(Quota::GroupsPerUser.limit(), 10);
        assert_eq!(Quota::RolesPerInstanceProfile.limit(), 1);
        assert_eq!(Quota::TagsPerEntity.limit(), 50);
        assert_eq!(Quota::OpenIdConnectProviders.limit(), 100);
        assert_eq!(Quota::SamlProviders.limit(), 100);
        assert_eq!(Quota::ThumbprintsPerOpenIdConnectProvider.limit(), 5);
    }
}
