//! The backend conformance suite: one set of cases, run against every backend.
//!
//! A plan that succeeds on the mock must succeed on AWS, and one AWS rejects must be rejected by the
//! mock with the same error code. Each case runs on every target of [`targets`]; a case a target is
//! known not to enforce is listed, with the reason, in [`target::SKIPS`] — the only place skips live.

mod cases;
pub(crate) mod target;

use target::targets;

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                for t in targets(stringify!($case)).await {
                    cases::$case(&t).await;
                }
            }
        )*

        /// Keeps [`target::SKIPS`] honest: every case skipped for aws must still fail on moto. One
        /// that passes now has its skip removed; a skip naming no case is a typo.
        #[tokio::test]
        async fn aws_skips_still_fail_on_moto() {
            for (target, case, why) in target::SKIPS.iter().filter(|s| s.0 == "aws") {
                assert!(
                    [$(stringify!($case)),*].contains(case),
                    "SKIPS names `{case}` for {target}, which is not a case"
                );
                let Some(t) = target::aws_only().await else {
                    return;
                };
                let run = tokio::spawn(async move {
                    match *case {
                        $(stringify!($case) => cases::$case(&t).await,)*
                        _ => {}
                    }
                });
                assert!(
                    run.await.is_err(),
                    "`{case}` passes on moto now: remove its skip from target::SKIPS (it said: {why})"
                );
            }
        }
    };
}

conformance!(
    users_create_read_update_delete,
    user_names_are_unique_ignoring_case,
    invalid_names_and_paths_are_refused,
    user_tags_follow_the_tag_rules,
    user_permissions_boundary_set_and_removed,
    users_and_groups_renamed_keep_memberships_and_policies,
    renaming_onto_an_existing_name_is_refused,
    group_membership_needs_both_ends,
    groups_with_members_or_policies_cannot_be_deleted,
    users_with_memberships_policies_or_credentials_cannot_be_deleted,
    users_with_credentials_cannot_be_deleted,
    user_teardown_removes_every_credential,
    inline_policies_put_replace_delete,
    identity_policy_with_principal_is_malformed,
    inline_policy_size_is_limited_per_entity,
    managed_policy_attach_detach,
    attaching_a_missing_policy_is_no_such_entity,
    managed_policies_per_entity_quota,
    groups_per_user_quota,
    policy_versions_limit_and_default,
    policy_attached_or_with_versions_cannot_be_deleted,
    managed_policy_size_is_limited,
    policy_tags_set_and_removed,
    roles_create_update_delete,
    trust_policy_needs_a_principal_that_exists,
    role_settings_ranges,
    roles_in_profiles_or_with_policies_cannot_be_deleted,
    instance_profile_holds_one_role,
    instance_profile_with_a_role_cannot_be_deleted,
    service_linked_roles_are_unmodifiable,
    password_policy_set_and_deleted,
    read_reflects_every_change,
    oidc_providers_create_update_delete,
    oidc_client_ids_added_and_removed,
    saml_providers_create_update_delete,
    trust_policy_naming_a_missing_provider_is_malformed,
    account_alias_set_replaced_and_deleted,
    service_linked_roles_created_and_deleted,
);
