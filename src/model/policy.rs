//! Policy documents, re-exported from [`crate::policy`] where the model, its validation and its
//! quotas live; kept so that `crate::model::policy::…` paths stay valid.

pub use crate::policy::{
    Condition, DocumentKind, Effect, PolicyDocument, PolicyError, Principal, SizeQuota, Statement,
    Values, DEFAULT_VERSION,
};
