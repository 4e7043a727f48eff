//! The error codes IAM returns (DESIGN.md section 7); the mock returns the same ones.

/// Declares [`ErrorCode`] with its names, listed once.
macro_rules! error_codes {
    ($($code:ident),* $(,)?) => {
        /// One of IAM's error codes.
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            serde::Deserialize,
        )]
        pub enum ErrorCode {
            $($code),*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$code),*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => stringify!($code)),*
                }
            }
        }
    };
}

error_codes! {
    NoSuchEntity,
    EntityAlreadyExists,
    DeleteConflict,
    LimitExceeded,
    MalformedPolicyDocument,
    InvalidInput,
    ConcurrentModification,
    Throttling,
    ServiceFailure,
    UnmodifiableEntity,
    EntityTemporarilyUnmodifiable,
    PasswordPolicyViolation,
}

impl ErrorCode {
    pub fn parse(s: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_read_back_from_their_names() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::ALL.len(), 12);
        assert_eq!(ErrorCode::parse("AccessDenied"), None);
    }
}
