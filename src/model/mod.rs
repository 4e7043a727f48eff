//! The data every stage shares: names, addresses, policy documents and the `Account`.

pub mod account;
pub mod address;
pub mod credentials;
pub mod name;
pub mod names;
pub mod policy;
pub mod scope;

pub use account::*;
pub use address::{Address, Kind};
pub use credentials::{AccessKey, Credentials, KeyStatus, LoginProfile};
pub use jiff::Timestamp;
pub use name::Name;
pub use policy::{DocumentKind, PolicyDocument, PolicyError};
pub use scope::Scope;
