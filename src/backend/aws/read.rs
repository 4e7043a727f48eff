//! The whole account in a handful of calls.
//!
//! | call | gives |
//! |---|---|
//! | `GetAccountAuthorizationDetails` (User, Group, Role, LocalManagedPolicy; 1,000 a page) | users with groups, attached and inline policies, boundary, tags; groups; roles with trust policy, policies, boundary, tags; customer managed policies with every version and their description |
//! | `ListRoles` (1,000 a page) | role description and max session duration, which the bulk call leaves out |
//! | `ListInstanceProfiles` (1,000 a page) | every instance profile with its role: the bulk call lists only profiles that hold a role, nested in that role |
//! | `GetAccountPasswordPolicy` | the password policy (`NoSuchEntity`: none is set) |
//! | providers, the alias, login profiles | see `read_federation.rs` |
//!
//! So the number of calls grows with entities / 1,000. What no bulk call returns is the tags of
//! managed policies and instance profiles: those take one call per entity (`ListPolicyTags`,
//! `GetInstanceProfile`), so they are read only for the entities named by
//! [`Backend::read_tags_only_for`](crate::backend::Backend::read_tags_only_for) — the ones a
//! configuration declares tags for — or for all of them when it was never called.
//!
//! User credentials (access keys, login profile, MFA, SSH keys, certificates, service-specific
//! credentials) are per-user calls too: they are read afterwards, only for the users a plan
//! deletes ([`Backend::read_credentials_of`](crate::backend::Backend::read_credentials_of)), so
//! that the plan shows and removes them before DeleteUser.

use super::request::tags;
use super::{pages, AwsBackend, TagReads};
use crate::backend::{Backend, BackendError, ErrorCode};
use crate::model::{
    Account, Group, InstanceProfile, Kind, ManagedPolicy, Name, PasswordPolicy, PolicyDocument,
    PolicyVersion, Role, Tags, User, DEFAULT_MAX_SESSION_DURATION,
};
use aws_sdk_iam::types::{
    AttachedPermissionsBoundary, AttachedPolicy, EntityType, GroupDetail,
    InstanceProfile as SdkInstanceProfile, ManagedPolicyDetail, PolicyDetail, RoleDetail,
    UserDetail,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How many per-entity tag reads run at once.
const TAG_READ_CONCURRENCY: usize = 8;

const PAGE: i32 = 1_000;

#[derive(Default)]
pub(super) struct Details {
    users: Vec<UserDetail>,
    groups: Vec<GroupDetail>,
    roles: Vec<RoleDetail>,
    policies: Vec<ManagedPolicyDetail>,
}

/// Description and max session duration, by role name (folded).
pub(super) type RoleSettings = HashMap<String, (Option<String>, Option<i32>)>;

pub(super) async fn read(b: &AwsBackend) -> Result<Account, BackendError> {
    let (details, settings, profiles, password_policy, federation) = tokio::try_join!(
        authorization_details(b),
        role_settings(b),
        instance_profiles(b),
        password_policy(b),
        super::read_federation::read(b),
    )?;
    let mut account = entities(&details, &settings)?;
    account.password_policy = password_policy;
    federation.into(&mut account);
    for p in &profiles {
        let profile = InstanceProfile {
            name: Name::from(p.instance_profile_name()),
            path: p.path().to_owned(),
            roles: p
                .roles()
                .iter()
                .map(|r| Name::from(r.role_name()))
                .collect(),
            tags: tags(p.tags()),
        };
        account
            .instance_profiles
            .insert(profile.name.clone(), profile);
    }
    read_tags(b, &mut account).await?;
    super::read_federation::login_profiles(b, &mut account).await?;
    Ok(account.with_service_linked_roles())
}

/// The users, groups, roles and customer managed policies of a GetAccountAuthorizationDetails walk
/// (role descriptions and session durations from `settings`, defaults where it has none).
pub(super) fn entities(
    details: &Details,
    settings: &RoleSettings,
) -> Result<Account, BackendError> {
    let mut account = Account::default();
    for u in &details.users {
        let user = user(u)?;
        account.users.insert(user.name.clone(), user);
    }
    for g in &details.groups {
        let group = group(g)?;
        account.groups.insert(group.name.clone(), group);
    }
    for r in &details.roles {
        let role = role(r, settings)?;
        account.roles.insert(role.name.clone(), role);
    }
    for p in &details.policies {
        let policy = policy(p)?;
        account.policies.insert(policy.name.clone(), policy);
    }
    Ok(account)
}

/// Policy and instance profile tags, one call each, for the entities that need them.
async fn read_tags(b: &AwsBackend, account: &mut Account) -> Result<(), BackendError> {
    let reads = b.tag_reads();
    let wanted = |kind: Kind, name: &Name| match &reads {
        TagReads::All => true,
        TagReads::Only(set) => set.contains(&crate::model::Address::new(kind, name.clone())),
    };
    let mut jobs = tokio::task::JoinSet::new();
    let mut pending: Vec<(Kind, Name, String)> = Vec::new();
    for p in account.policies.values() {
        if wanted(Kind::Policy, &p.name) {
            let arn = crate::model::arn(b.account_id(), Kind::Policy, &p.path, p.name.as_str());
            pending.push((Kind::Policy, p.name.clone(), arn));
        }
    }
    for p in account.instance_profiles.values() {
        if wanted(Kind::InstanceProfile, &p.name) {
            pending.push((
                Kind::InstanceProfile,
                p.name.clone(),
                p.name.as_str().to_owned(),
            ));
        }
    }
    let mut results: Vec<(Kind, Name, Tags)> = Vec::new();
    let mut pending = pending.into_iter();
    loop {
        while jobs.len() < TAG_READ_CONCURRENCY {
            let Some((kind, name, key)) = pending.next() else {
                break;
            };
            let b = b.handle();
            jobs.spawn(async move {
                let tags = match kind {
                    Kind::Policy => b.policy_tags(&key).await,
                    _ => b.instance_profile_tags(&key).await,
                };
                tags.map(|t| (kind, name, t))
            });
        }
        match jobs.join_next().await {
            None => break,
            Some(Ok(result)) => match result {
                Ok(r) => results.push(r),
                // Deleted between the listing and now: it has no tags to compare.
                Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => {}
                Err(e) => return Err(e),
            },
            Some(Err(join)) => {
                return Err(BackendError::api(
                    ErrorCode::ServiceFailure,
                    format!("reading tags failed: {join}"),
                ))
            }
        }
    }
    for (kind, name, t) in results {
        match kind {
            Kind::Policy => {
                if let Some(p) = account.policies.get_mut(&name) {
                    p.tags = t;
                }
            }
            _ => {
                if let Some(p) = account.instance_profiles.get_mut(&name) {
                    p.tags = t;
                }
            }
        }
    }
    Ok(())
}

pub(super) async fn authorization_details(b: &AwsBackend) -> Result<Details, BackendError> {
    let mut out = Details::default();
    let filter = vec![
        EntityType::User,
        EntityType::Group,
        EntityType::Role,
        EntityType::LocalManagedPolicy,
    ];
    let request = |marker| {
        let request = b.iam.get_account_authorization_details();
        let request = request.set_filter(Some(filter.clone())).max_items(PAGE);
        request.set_marker(marker).send()
    };
    pages(
        &b.calls,
        "GetAccountAuthorizationDetails",
        request,
        |page| {
            out.users.extend(page.user_detail_list().iter().cloned());
            out.groups.extend(page.group_detail_list().iter().cloned());
            out.roles.extend(page.role_detail_list().iter().cloned());
            out.policies.extend(page.policies().iter().cloned());
            next_marker(page.is_truncated(), page.marker())
        },
    )
    .await?;
    Ok(out)
}

async fn role_settings(b: &AwsBackend) -> Result<RoleSettings, BackendError> {
    let mut out = RoleSettings::new();
    let request = |marker| b.iam.list_roles().max_items(PAGE).set_marker(marker).send();
    pages(&b.calls, "ListRoles", request, |page| {
        for r in page.roles() {
            let settings = (r.description().map(str::to_owned), r.max_session_duration());
            out.insert(r.role_name().to_ascii_lowercase(), settings);
        }
        next_marker(page.is_truncated(), page.marker())
    })
    .await?;
    Ok(out)
}

async fn instance_profiles(b: &AwsBackend) -> Result<Vec<SdkInstanceProfile>, BackendError> {
    let mut out = Vec::new();
    let request = |marker| {
        let request = b.iam.list_instance_profiles().max_items(PAGE);
        request.set_marker(marker).send()
    };
    pages(&b.calls, "ListInstanceProfiles", request, |page| {
        out.extend(page.instance_profiles().iter().cloned());
        next_marker(page.is_truncated(), page.marker())
    })
    .await?;
    Ok(out)
}

/// The marker of the next page, if there is one (a truncated page without a marker ends it).
pub(super) fn next_marker(truncated: bool, marker: Option<&str>) -> Option<String> {
    marker
        .filter(|m| truncated && !m.is_empty())
        .map(str::to_owned)
}

pub(super) async fn password_policy(
    b: &AwsBackend,
) -> Result<Option<PasswordPolicy>, BackendError> {
    let out = match b
        .read_call("GetAccountPasswordPolicy", || {
            b.iam.get_account_password_policy().send()
        })
        .await
    {
        Ok(out) => out,
        Err(e) if e.code() == Some(ErrorCode::NoSuchEntity) => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.password_policy().map(|p| {
        // AWS reports every field; a field at AWS's default reads as "not set", which is what
        // a configuration that leaves it out means.
        let flag = |b: bool| b.then_some(true);
        let positive = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0);
        PasswordPolicy {
            minimum_length: positive(p.minimum_password_length())
                .filter(|n| *n != AWS_DEFAULT_MINIMUM_PASSWORD_LENGTH),
            require_symbols: flag(p.require_symbols()),
            require_numbers: flag(p.require_numbers()),
            require_uppercase: flag(p.require_uppercase_characters()),
            require_lowercase: flag(p.require_lowercase_characters()),
            allow_users_to_change_password: flag(p.allow_users_to_change_password()),
            max_age_days: positive(p.max_password_age()),
            reuse_prevention: positive(p.password_reuse_prevention()),
            hard_expiry: p.hard_expiry().and_then(flag),
        }
    }))
}

/// What UpdateAccountPasswordPolicy sets when `MinimumPasswordLength` is left out.
pub(super) const AWS_DEFAULT_MINIMUM_PASSWORD_LENGTH: u32 = 6;

fn user(u: &UserDetail) -> Result<User, BackendError> {
    let name = required(u.user_name(), "a user without a name")?;
    Ok(User {
        name: Name::from(name),
        path: path(u.path()),
        permissions_boundary: boundary(u.permissions_boundary()),
        tags: tags(u.tags()),
        groups: u.group_list().iter().cloned().map(Name::from).collect(),
        policies: attached(u.attached_managed_policies()),
        inline_policies: inline(u.user_policy_list(), "user", name)?,
        credentials: Default::default(),
        console_access: None,
    })
}

fn group(g: &GroupDetail) -> Result<Group, BackendError> {
    let name = required(g.group_name(), "a group without a name")?;
    Ok(Group {
        name: Name::from(name),
        path: path(g.path()),
        policies: attached(g.attached_managed_policies()),
        inline_policies: inline(g.group_policy_list(), "group", name)?,
    })
}

fn role(r: &RoleDetail, settings: &RoleSettings) -> Result<Role, BackendError> {
    let name = required(r.role_name(), "a role without a name")?;
    let trust = required(
        r.assume_role_policy_document(),
        &format!("role {name} without a trust policy"),
    )?;
    let (description, max_session) = settings
        .get(&name.to_ascii_lowercase())
        .cloned()
        .unwrap_or_default();
    Ok(Role {
        name: Name::from(name),
        path: path(r.path()),
        description: description.filter(|d| !d.is_empty()),
        max_session_duration: max_session
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(DEFAULT_MAX_SESSION_DURATION),
        permissions_boundary: boundary(r.permissions_boundary()),
        tags: tags(r.tags()),
        assume_role_policy: document(trust, || format!("the trust policy of role {name}"))?,
        policies: attached(r.attached_managed_policies()),
        inline_policies: inline(r.role_policy_list(), "role", name)?,
    })
}

fn policy(p: &ManagedPolicyDetail) -> Result<ManagedPolicy, BackendError> {
    // moto leaves PolicyName out of this listing; the ARN ends with the name.
    let name = required(
        p.policy_name()
            .or_else(|| p.arn().and_then(|a| a.rsplit('/').next())),
        "a managed policy without a name",
    )?;
    let mut versions = Vec::new();
    for v in p.policy_version_list() {
        let id = required(
            v.version_id(),
            &format!("a version of policy {name} without an id"),
        )?;
        let text = required(
            v.document(),
            &format!("version {id} of policy {name} without a document"),
        )?;
        versions.push(PolicyVersion {
            id: id.to_owned(),
            is_default: v.is_default_version(),
            document: document(text, || format!("version {id} of policy {name}"))?,
        });
    }
    versions.sort_by_key(|v| version_number(&v.id));
    let default = versions
        .iter()
        .find(|v| v.is_default)
        .or_else(|| {
            let id = p.default_version_id()?;
            versions.iter().find(|v| v.id == id)
        })
        .map(|v| v.document.clone())
        .ok_or_else(|| malformed(format!("policy {name} has no default version")))?;
    Ok(ManagedPolicy {
        name: Name::from(name),
        path: path(p.path()),
        description: p.description().filter(|d| !d.is_empty()).map(str::to_owned),
        tags: Tags::new(),
        document: default,
        versions,
    })
}

/// `v12` -> 12; ids IAM never returns sort last.
fn version_number(id: &str) -> (u64, String) {
    let n = id
        .strip_prefix('v')
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    (n, id.to_owned())
}

fn path(p: Option<&str>) -> String {
    p.filter(|p| !p.is_empty()).unwrap_or("/").to_owned()
}

fn attached(list: &[AttachedPolicy]) -> BTreeSet<String> {
    list.iter()
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect()
}

fn boundary(b: Option<&AttachedPermissionsBoundary>) -> Option<String> {
    b.and_then(|b| b.permissions_boundary_arn())
        .map(str::to_owned)
}

/// The inline policies of the user, group or role (`kind`) `name`.
fn inline(
    list: &[PolicyDetail],
    kind: &str,
    name: &str,
) -> Result<BTreeMap<Name, PolicyDocument>, BackendError> {
    let what = |p: &str| format!("inline policy {p} of {kind} {name}");
    let mut out = BTreeMap::new();
    for p in list {
        let name = required(p.policy_name(), "an inline policy without a name")?;
        let text = required(p.policy_document(), &what(name))?;
        out.insert(Name::from(name), document(text, || what(name))?);
    }
    Ok(out)
}

fn required<'a>(value: Option<&'a str>, what: &str) -> Result<&'a str, BackendError> {
    value.ok_or_else(|| malformed(format!("IAM returned {what}")))
}

fn malformed(message: String) -> BackendError {
    BackendError::api(ErrorCode::ServiceFailure, message)
}

/// A policy document as IAM returns it: URL-encoded (RFC 3986).
///
/// Decoded with plain percent-decoding, so a `+` stays a plus (form decoding would turn it into
/// a space and change `arn:aws:s3:::a+b` into another bucket). A text that already starts with
/// `{` is taken as it is: AWS always encodes the brace (`%7B`), while some IAM emulators (moto,
/// for trust policies) return plain JSON, and decoding that would corrupt a literal `%41`.
pub(super) fn decode_document(raw: &str) -> Result<String, std::str::Utf8Error> {
    if raw.trim_start().starts_with('{') {
        return Ok(raw.to_owned());
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
}

fn document(raw: &str, what: impl Fn() -> String) -> Result<PolicyDocument, BackendError> {
    let text = decode_document(raw)
        .map_err(|e| malformed(format!("{}: not UTF-8 once decoded: {e}", what())))?;
    PolicyDocument::from_json_str(&text)
        .map_err(|e| malformed(format!("{} cannot be read: {e}", what())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_percent_decoded_and_a_plus_stays_a_plus() {
        let raw = "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Action%22%3A%20%22s3%3AGetObject%22%2C%20%22Resource%22%3A%20%22arn%3Aaws%3As3%3A%3A%3Aa%2Bb%20c%2B+d/%2A%22%7D%5D%7D";
        let text = decode_document(raw).unwrap();
        assert!(text.contains(r#""arn:aws:s3:::a+b c++d/*""#), "{text}");
        let doc = PolicyDocument::from_json_str(&text).unwrap();
        assert!(doc.to_minimal().contains("a+b c++d/*"));
    }

    #[test]
    fn plain_json_is_taken_as_it_is() {
        let raw = r#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::100%41"}]}"#;
        assert_eq!(decode_document(raw).unwrap(), raw);
    }

    #[test]
    fn invalid_encodings_are_errors_not_panics() {
        assert!(decode_document("%FF%FE").is_err());
        assert!(document("%7Bnot json", || "x".into()).is_err());
    }

    #[test]
    fn version_ids_sort_numerically() {
        let mut ids = vec!["v10", "v2", "v1", "weird"];
        ids.sort_by_key(|id| version_number(id));
        assert_eq!(ids, ["v1", "v2", "v10", "weird"]);
    }

    #[test]
    fn paging_stops_without_a_marker() {
        assert_eq!(next_marker(true, Some("m")), Some("m".to_owned()));
        assert_eq!(next_marker(false, Some("m")), None);
        assert_eq!(next_marker(true, None), None);
        assert_eq!(next_marker(true, Some("")), None);
    }
}
