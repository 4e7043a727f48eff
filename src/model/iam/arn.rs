//! The ARNs iamform reads and writes: `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE`.
//!
//! | resource | service | example |
//! |---|---|---|
//! | the account itself | iam | `arn:aws:iam::123456789012:root` |
//! | an entity with a path | iam | `arn:aws:iam::123456789012:role/team/deployer`, `…:instance-profile/app` |
//! | an AWS managed policy | iam | `arn:aws:iam::aws:policy/ReadOnlyAccess` (account `aws`) |
//! | an identity provider | iam | `…:oidc-provider/token.actions.githubusercontent.com`, `…:saml-provider/okta` |
//! | a role session | sts | `arn:aws:sts::123456789012:assumed-role/deployer/session-1` |
//! | a federated user | sts | `arn:aws:sts::123456789012:federated-user/bob` |
//!
//! An entity's ARN is known before it is created (`arn:aws:iam::ACCOUNT:KIND/PATH/NAME`), which is
//! why plans never say "known after apply". The segment table below is where a new kind with an
//! ARN is added; a kind whose ARN has no path (OIDC providers, `oidc-provider/HOST/PATH`, and
//! SAML providers, `saml-provider/NAME`) goes in [`PATHLESS`], where the whole rest is its name.

use crate::model::{Address, Kind, Name};
use std::fmt;
use std::str::FromStr;

/// The resource-type segment of each kind that has an ARN with a path.
const SEGMENTS: [(&str, Kind); 5] = [
    ("user", Kind::User),
    ("group", Kind::Group),
    ("role", Kind::Role),
    ("policy", Kind::Policy),
    ("instance-profile", Kind::InstanceProfile),
];

/// Kinds whose ARN is `SEGMENT/NAME` with no path (the name may hold `/`).
const PATHLESS: [(&str, Kind); 2] = [
    ("oidc-provider", Kind::OpenIdConnectProvider),
    ("saml-provider", Kind::SamlProvider),
];

/// A parsed ARN of IAM or STS.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    /// `aws`, `aws-cn`, `aws-us-gov`, …
    pub partition: String,
    /// 12 digits, or `aws` for AWS managed policies.
    pub account: String,
    pub resource: Resource,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resource {
    /// `root`: the account (as a principal, whoever the account lets assume or act).
    Root,
    /// `SEGMENT/PATH/NAME`; `path` begins and ends with `/`.
    Entity {
        kind: Kind,
        path: String,
        name: Name,
    },
    /// `assumed-role/ROLE/SESSION`: credentials of a session of role `ROLE`.
    AssumedRole { role: Name, session: String },
    /// `federated-user/NAME`.
    FederatedUser { name: String },
}

/// The service part of an ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Iam,
    Sts,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not an IAM ARN: {why}")]
pub struct ArnError {
    text: String,
    why: &'static str,
}

impl Arn {
    /// The ARN of an entity of `account` (partition `aws`), e.g. `arn:aws:iam::ID:role/team/app`.
    pub fn entity(account: &str, kind: Kind, path: &str, name: &str) -> Arn {
        Arn {
            partition: "aws".to_owned(),
            account: account.to_owned(),
            resource: Resource::Entity {
                kind,
                path: path.to_owned(),
                name: Name::from(name),
            },
        }
    }

    /// `arn:aws:iam::ACCOUNT:root`.
    pub fn root(account: &str) -> Arn {
        Arn {
            partition: "aws".to_owned(),
            account: account.to_owned(),
            resource: Resource::Root,
        }
    }

    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let bad = |why| ArnError {
            text: text.to_owned(),
            why,
        };
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(rest)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(bad("it is not `arn:PARTITION:SERVICE::ACCOUNT:RESOURCE`"));
        };
        if partition.is_empty() {
            return Err(bad("the partition is empty"));
        }
        let resource = match service {
            "iam" => iam_resource(rest),
            "sts" => sts_resource(rest),
            _ => return Err(bad("the service is neither iam nor sts")),
        }
        .ok_or_else(|| bad("its resource is not one iamform knows"))?;
        Ok(Arn {
            partition: partition.to_owned(),
            account: account.to_owned(),
            resource,
        })
    }

    pub fn service(&self) -> Service {
        match self.resource {
            Resource::Root | Resource::Entity { .. } => Service::Iam,
            Resource::AssumedRole { .. } | Resource::FederatedUser { .. } => Service::Sts,
        }
    }

    /// The entity this ARN names, e.g. `role.deployer`.
    pub fn entity_address(&self) -> Option<Address> {
        match &self.resource {
            Resource::Entity { kind, name, .. } => Some(Address::new(*kind, name.clone())),
            _ => None,
        }
    }

    /// The IAM user or role whose credentials an STS caller ARN stands for: `user/…/NAME` is
    /// `user.NAME`, `assumed-role/NAME/SESSION` (or `role/…/NAME`) is `role.NAME`. The root user
    /// and federated users have no IAM entity: `None`.
    pub fn principal(&self) -> Option<Address> {
        match &self.resource {
            Resource::Entity {
                kind: kind @ (Kind::User | Kind::Role),
                name,
                ..
            } => Some(Address::new(*kind, name.clone())),
            Resource::AssumedRole { role, .. } => Some(Address::new(Kind::Role, role.clone())),
            _ => None,
        }
    }

    /// A user or role of `account` named by a policy's `Principal` (trust policies), by address.
    pub fn principal_in(&self, account: &str) -> Option<Address> {
        self.entity_in(account, &[Kind::User, Kind::Role])
    }

    /// What a trust policy's `Principal` names that must exist in `account` for IAM to accept
    /// it: a user or role (`AWS`), or an OIDC or SAML provider (`Federated`).
    pub fn trusted_in(&self, account: &str) -> Option<Address> {
        self.entity_in(account, &[Kind::OpenIdConnectProvider, Kind::SamlProvider])
            .or_else(|| self.principal_in(account))
    }

    /// The entity this ARN names when it is of one of `kinds` and in `account`.
    fn entity_in(&self, account: &str, kinds: &[Kind]) -> Option<Address> {
        match &self.resource {
            Resource::Entity { kind, .. } if kinds.contains(kind) && self.account == account => {
                self.entity_address()
            }
            _ => None,
        }
    }

    /// A managed policy of the pseudo-account `aws`.
    pub fn is_aws_managed_policy(&self) -> bool {
        self.account == super::AWS_ACCOUNT
            && matches!(
                self.resource,
                Resource::Entity {
                    kind: Kind::Policy,
                    ..
                }
            )
    }
}

fn iam_resource(rest: &str) -> Option<Resource> {
    if rest == "root" {
        return Some(Resource::Root);
    }
    let (segment, after) = rest.split_once('/')?;
    if let Some((_, kind)) = PATHLESS.iter().find(|(s, _)| *s == segment) {
        return (!after.is_empty()).then(|| Resource::Entity {
            kind: *kind,
            path: String::new(),
            name: Name::from(after),
        });
    }
    let (_, kind) = SEGMENTS.iter().find(|(s, _)| *s == segment)?;
    let (path, name) = match after.rsplit_once('/') {
        Some((dirs, name)) => (format!("/{dirs}/"), name),
        None => ("/".to_owned(), after),
    };
    (!name.is_empty()).then(|| Resource::Entity {
        kind: *kind,
        path,
        name: Name::from(name),
    })
}

fn sts_resource(rest: &str) -> Option<Resource> {
    let (segment, after) = rest.split_once('/')?;
    match segment {
        "assumed-role" => {
            let (role, session) = after.split_once('/')?;
            (!role.is_empty()).then(|| Resource::AssumedRole {
                role: Name::from(role),
                session: session.to_owned(),
            })
        }
        "federated-user" => Some(Resource::FederatedUser {
            name: after.to_owned(),
        }),
        _ => None,
    }
}

fn segment(kind: Kind) -> &'static str {
    SEGMENTS
        .iter()
        .chain(PATHLESS.iter())
        .find(|(_, k)| *k == kind)
        .map_or("unknown", |(s, _)| s)
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let service = match self.service() {
            Service::Iam => "iam",
            Service::Sts => "sts",
        };
        write!(f, "arn:{}:{service}::{}:", self.partition, self.account)?;
        match &self.resource {
            Resource::Root => f.write_str("root"),
            Resource::Entity { kind, path, name } => {
                let path = if path.is_empty() { "/" } else { path };
                write!(f, "{}{path}{name}", segment(*kind))
            }
            Resource::AssumedRole { role, session } => write!(f, "assumed-role/{role}/{session}"),
            Resource::FederatedUser { name } => write!(f, "federated-user/{name}"),
        }
    }
}

impl FromStr for Arn {
    type Err = ArnError;
    fn from_str(s: &str) -> Result<Arn, ArnError> {
        Arn::parse(s)
    }
}

/// `arn:aws:iam::ACCOUNT:SEGMENT/PATH/NAME` as text: the ARN of an entity, known before it exists.
pub fn arn(account_id: &str, kind: Kind, path: &str, name: &str) -> String {
    Arn::entity(account_id, kind, path, name).to_string()
}

/// Whether `text` is the ARN of an AWS managed policy (`arn:PARTITION:iam::aws:policy/…`).
pub fn is_aws_managed_policy_arn(text: &str) -> bool {
    Arn::parse(text).is_ok_and(|a| a.is_aws_managed_policy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_parses_and_prints_back() {
        for text in [
            "arn:aws:iam::123456789012:root",
            "arn:aws:iam::123456789012:user/ci",
            "arn:aws:iam::123456789012:user/team/a/ci",
            "arn:aws:iam::123456789012:group/devs",
            "arn:aws:iam::123456789012:role/service/app",
            "arn:aws:iam::123456789012:policy/team/read",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::123456789012:instance-profile/app",
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            "arn:aws:iam::123456789012:saml-provider/okta",
            "arn:aws:sts::123456789012:assumed-role/deploy/session-1",
            "arn:aws:sts::123456789012:federated-user/bob",
            "arn:aws-us-gov:iam::123456789012:role/app",
        ] {
            let arn = Arn::parse(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(arn.to_string(), text);
        }
    }

    #[test]
    fn paths_and_names() {
        let a = Arn::parse("arn:aws:iam::123456789012:role/team/a/deployer").unwrap();
        assert_eq!(
            a.resource,
            Resource::Entity {
                kind: Kind::Role,
                path: "/team/a/".into(),
                name: Name::from("deployer")
            }
        );
        assert_eq!(
            arn("123456789012", Kind::Policy, "/team/", "read"),
            "arn:aws:iam::123456789012:policy/team/read"
        );
        assert_eq!(
            arn("123456789012", Kind::InstanceProfile, "/", "app"),
            "arn:aws:iam::123456789012:instance-profile/app"
        );
    }

    #[test]
    fn not_arns() {
        for text in [
            "garbage",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:widget/x",
            "arn:aws:iam::aws:policy/",
            "arn:aws:iam:us-east-1:123456789012:user/x",
            "arn::iam::123456789012:user/x",
            "arn:aws:sts::123456789012:assumed-role/",
        ] {
            assert!(Arn::parse(text).is_err(), "{text}");
        }
        let e = Arn::parse("arn:aws:s3:::bucket").unwrap_err();
        assert!(e.to_string().contains("neither iam nor sts"), "{e}");
    }

    #[test]
    fn callers_and_principals() {
        for (text, want) in [
            ("arn:aws:iam::123456789012:user/ci", Some("user.ci")),
            ("arn:aws:iam::123456789012:user/team/a/ci", Some("user.ci")),
            (
                "arn:aws:sts::123456789012:assumed-role/deploy/session-1",
                Some("role.deploy"),
            ),
            ("arn:aws:iam::123456789012:root", None),
            ("arn:aws:sts::123456789012:federated-user/bob", None),
            ("arn:aws:iam::123456789012:group/g", None),
        ] {
            let got = Arn::parse(text).unwrap().principal().map(|a| a.to_string());
            assert_eq!(got.as_deref(), want, "{text}");
        }
        let role = Arn::parse("arn:aws:iam::123456789012:role/x/b").unwrap();
        assert_eq!(
            role.principal_in("123456789012"),
            Some(Address::new(Kind::Role, "b"))
        );
        assert_eq!(role.principal_in("111122223333"), None);
    }

    #[test]
    fn aws_managed_policies() {
        assert!(is_aws_managed_policy_arn(
            "arn:aws:iam::aws:policy/ReadOnlyAccess"
        ));
        assert!(is_aws_managed_policy_arn(
            "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"
        ));
        assert!(!is_aws_managed_policy_arn(
            "arn:aws:iam::123456789012:policy/ReadOnlyAccess"
        ));
        assert!(!is_aws_managed_policy_arn("arn:aws:iam::aws:role/x"));
    }
}
