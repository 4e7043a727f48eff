//! The data every stage shares: names, addresses, policy documents, the `Account`, and IAM's
//! own facts (`iam`: quotas, name rules, ARNs).

pub(crate) mod account;
pub mod address;
pub(crate) mod credentials;
pub mod glob;
pub mod iam;
pub(crate) mod name;
pub mod policy;
pub(crate) mod providers;
pub mod scope;
pub(crate) mod service_linked;
pub(crate) mod suggest;

pub use account::*;
pub use address::{Address, Kind};
pub use credentials::{AccessKey, Credentials, KeyStatus, LoginProfile};
pub use iam::{arn, is_aws_managed_policy_arn, is_reserved_role_path, Arn};
pub use jiff::Timestamp;
pub use name::Name;
pub use policy::{DocumentKind, PolicyDocument, PolicyError};
pub use providers::{AccountAlias, OpenIdConnectProvider, SamlMetadata, SamlProvider};
pub use scope::Scope;
pub use service_linked::ServiceLinkedRole;
