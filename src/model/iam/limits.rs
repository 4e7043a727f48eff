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

    /// The most an account can have it raised to (Service Quotas); the default for the hard ones.
    pub const fn max(self) -> usize {
        match self {
            Quota::PoliciesPerUser | Quota::PoliciesPerGroup | Quota::PoliciesPerRole => 20,
            q => q.limit(),
        }
    }

    /// The attribute of `settings { quotas { ... } }` that states an account's raised value, for
    /// the quotas an account can raise.
    pub const fn setting(self) -> Option<&'static str> {
        match self {
            Quota::PoliciesPerUser => Some("policies_per_user"),
            Quota::PoliciesPerGroup => Some("policies_per_group"),
            Quota::PoliciesPerRole => Some("policies_per_role"),
            _ => None,
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

/// The quotas an account can raise, each with its default.
pub const RAISABLE_QUOTAS: [Quota; 3] = [
    Quota::PoliciesPerUser,
    Quota::PoliciesPerGroup,
    Quota::PoliciesPerRole,
];

/// One account's count quotas: IAM's defaults, with the values a configuration says its account
/// has raised (`settings { quotas { policies_per_user = 20 } }`, at most [`Quota::max`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quotas {
    raised: Vec<(Quota, usize)>,
}

impl Quotas {
    /// The account's value of `quota`.
    pub fn get(&self, quota: Quota) -> usize {
        (self.raised.iter())
            .find(|(q, _)| *q == quota)
            .map_or(quota.limit(), |(_, n)| *n)
    }

    /// Sets a raisable quota to `n`; an error says the allowed range when `n` is outside it.
    pub fn raise(&mut self, quota: Quota, n: usize) -> Result<(), String> {
        let (min, max) = (quota.limit(), quota.max());
        if n < min || n > max {
            return Err(format!(
                "{} is {n}; IAM's default is {min} and an account can have it raised to at most {max}",
                quota.setting().unwrap_or(quota.aws_name())
            ));
        }
        self.raised.retain(|(q, _)| *q != quota);
        self.raised.push((quota, n));
        Ok(())
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

    #[test]
    fn managed_policies_per_entity_can_be_raised_to_20_and_the_hard_quotas_not_at_all() {
        let mut q = Quotas::default();
        assert_eq!(q.get(Quota::PoliciesPerUser), 10);
        q.raise(Quota::PoliciesPerUser, 20).unwrap();
        assert_eq!(q.get(Quota::PoliciesPerUser), 20);
        assert_eq!(q.get(Quota::PoliciesPerRole), 10);
        let e = q.raise(Quota::PoliciesPerRole, 21).unwrap_err();
        assert!(
            e.contains("policies_per_role is 21") && e.contains("at most 20"),
            "{e}"
        );
        assert!(q.raise(Quota::PoliciesPerGroup, 9).is_err());
        for hard in [
            Quota::GroupsPerUser,
            Quota::RolesPerInstanceProfile,
            Quota::TagsPerEntity,
        ] {
            assert_eq!(hard.max(), hard.limit(), "{hard:?}");
            assert_eq!(hard.setting(), None, "{hard:?}");
        }
    }
}
