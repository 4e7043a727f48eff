//! Operations for tests: the common calls with plain defaults, one line each where used.

use super::{GroupOp, InstanceProfileOp, Operation, PolicyOp, RoleOp, UserOp};
use crate::model::{Name, PolicyDocument, Tags};

pub(crate) fn n(s: &str) -> Name {
    Name::from(s)
}

/// `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`.
pub(crate) fn allow_get() -> PolicyDocument {
    PolicyDocument::from_json_str(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#,
    )
    .expect("a valid document")
}

/// A trust policy letting `principal` (a JSON value, e.g. `{"Service":"ec2.amazonaws.com"}`)
/// assume the role.
pub(crate) fn trust(principal: &str) -> PolicyDocument {
    PolicyDocument::from_json_str(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{principal}}}]}}"#
    ))
    .expect("a valid trust policy")
}

pub(crate) fn create_user(name: &str) -> Operation {
    let (user, path, tags) = (n(name), "/".to_owned(), Tags::new());
    UserOp::CreateUser {
        user,
        path,
        permissions_boundary: None,
        tags,
    }
    .into()
}

pub(crate) fn create_group(name: &str) -> Operation {
    let (group, path) = (n(name), "/".to_owned());
    GroupOp::CreateGroup { group, path }.into()
}

/// A role trusting `principal` (see [`trust`]).
pub(crate) fn create_role(name: &str, principal: &str) -> Operation {
    RoleOp::CreateRole {
        role: n(name),
        path: "/".into(),
        assume_role_policy: trust(principal),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Tags::new(),
    }
    .into()
}

pub(crate) fn create_policy(name: &str) -> Operation {
    let (policy, path, document) = (n(name), "/".to_owned(), allow_get());
    PolicyOp::CreatePolicy {
        policy,
        path,
        description: None,
        document,
        tags: Tags::new(),
    }
    .into()
}

pub(crate) fn create_profile(name: &str) -> Operation {
    let (instance_profile, path) = (n(name), "/".to_owned());
    InstanceProfileOp::CreateInstanceProfile {
        instance_profile,
        path,
        tags: Tags::new(),
    }
    .into()
}

pub(crate) fn add_to_group(user: &str, group: &str) -> Operation {
    UserOp::AddUserToGroup {
        user: n(user),
        group: n(group),
    }
    .into()
}
