//! Which backend a run talks to, and with what settings: the configuration's `backend` block (or
//! a saved plan's record of it), with the command line's `--backend`, `--region`, `--profile` and
//! `--endpoint-url` over it attribute by attribute.

use crate::model::{Address, Kind};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where the live account is read from, and how. A saved plan records it (it holds no secret).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BackendSpec {
    /// A file-backed mock account; a relative path is resolved against the configuration directory.
    Mock {
        path: PathBuf,
        account_id: Option<String>,
        /// Faults and latency to inject (`latency_ms=20,throttle=0.3,fail_call=5:ServiceFailure`);
        /// `IAMFORM_MOCK_FAULTS` overrides it.
        faults: Option<String>,
        /// Who the mock pretends runs iamform, `user/NAME` or `role/NAME` (the self-lockout
        /// guard); `IAMFORM_MOCK_CALLER` overrides it.
        caller: Option<String>,
    },
    Aws(AwsSettings),
}

/// Where and as whom to connect to AWS; every field is optional (aws-config's defaults apply).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AwsSettings {
    pub region: Option<String>,
    pub profile: Option<String>,
    /// Another IAM endpoint, e.g. a local moto server (`http://127.0.0.1:5000`); STS is asked
    /// there too.
    pub endpoint_url: Option<String>,
    /// The account the configuration is meant for: any other is refused.
    pub account_id: Option<String>,
    /// A role to assume with the credentials found (STS AssumeRole).
    pub assume_role_arn: Option<String>,
}

/// The command line's backend flags (`IAMFORM_BACKEND` for `--backend`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackendFlags {
    /// `mock:PATH` or `aws`.
    pub backend: Option<String>,
    /// `--region`, `--profile`, `--endpoint-url`: what of the aws settings the command line sets.
    pub aws: AwsSettings,
    /// `apply --lock-timeout`: how long a mock waits for its account file's lock (default 60 s).
    pub lock_timeout: Option<std::time::Duration>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BackendChoiceError {
    #[error(
        "{0} declares no backend: add `backend \"mock\" {{ path = \"account.json\" }}` \
         (or \"aws\") to a .hcl file, or pass --backend mock:PATH"
    )]
    None(String),
    #[error("--backend mock: needs a path, e.g. --backend mock:account.json")]
    MockWithoutPath,
    #[error("unknown backend `{0}`: use --backend mock:PATH or --backend aws")]
    Unknown(String),
    #[error(
        "--region, --profile and --endpoint-url apply to the aws backend only; add --backend aws"
    )]
    AwsFlagsOnMock,
}

impl BackendFlags {
    /// The backend for a run of `what` (a configuration directory or a saved plan): `--backend`
    /// chooses the kind (or else `configured` does); the settings of a configured backend of that
    /// kind are kept, and `--region`, `--profile` and `--endpoint-url` replace only their own.
    pub fn resolve(
        &self,
        configured: Option<&BackendSpec>,
        what: &str,
    ) -> Result<BackendSpec, BackendChoiceError> {
        let spec = match self.backend.as_deref() {
            Some(flag) => choose(flag, configured)?,
            None => configured
                .cloned()
                .ok_or_else(|| BackendChoiceError::None(what.to_owned()))?,
        };
        match spec {
            BackendSpec::Aws(aws) => {
                let flag = self.aws.clone();
                Ok(BackendSpec::Aws(AwsSettings {
                    region: flag.region.or(aws.region),
                    profile: flag.profile.or(aws.profile),
                    endpoint_url: flag.endpoint_url.or(aws.endpoint_url),
                    ..aws
                }))
            }
            BackendSpec::Mock { .. } if self.has_aws_flags() => {
                Err(BackendChoiceError::AwsFlagsOnMock)
            }
            mock => Ok(mock),
        }
    }

    fn has_aws_flags(&self) -> bool {
        self.aws != AwsSettings::default()
    }
}

/// `--backend mock:PATH` or `--backend aws`, over the configured backend of the same kind.
fn choose(flag: &str, configured: Option<&BackendSpec>) -> Result<BackendSpec, BackendChoiceError> {
    if flag == "aws" {
        return Ok(match configured {
            Some(aws @ BackendSpec::Aws(_)) => aws.clone(),
            _ => BackendSpec::Aws(AwsSettings::default()),
        });
    }
    let Some(path) = flag.strip_prefix("mock:") else {
        return Err(BackendChoiceError::Unknown(flag.to_owned()));
    };
    if path.is_empty() {
        return Err(BackendChoiceError::MockWithoutPath);
    }
    let (account_id, faults, caller) = match configured {
        Some(BackendSpec::Mock {
            account_id,
            faults,
            caller,
            ..
        }) => (account_id.clone(), faults.clone(), caller.clone()),
        _ => (None, None, None),
    };
    Ok(BackendSpec::Mock {
        path: PathBuf::from(path),
        account_id,
        faults,
        caller,
    })
}

/// The backend as a saved plan records it: a mock's path made absolute, so that the plan can be
/// applied from another directory.
pub fn recorded(spec: &BackendSpec) -> BackendSpec {
    match spec {
        BackendSpec::Mock { path, .. } => {
            let mut spec = spec.clone();
            if let BackendSpec::Mock { path: p, .. } = &mut spec {
                *p = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            }
            spec
        }
        BackendSpec::Aws(_) => spec.clone(),
    }
}

/// The text a saved plan shows for its backend: `mock:ABSOLUTE_PATH` or `aws`.
pub fn describe(spec: &BackendSpec) -> String {
    match spec {
        BackendSpec::Mock { path, .. } => {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            format!("mock:{}", path.display())
        }
        BackendSpec::Aws(_) => "aws".to_owned(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a caller: write \"user/NAME\" or \"role/NAME\", e.g. \"user/ci\"")]
pub struct CallerError(String);

/// The mock's caller syntax: `user/NAME` or `role/NAME`.
pub fn parse_mock_caller(text: &str) -> Result<Address, CallerError> {
    let bad = || CallerError(text.to_owned());
    let (kind, name) = text.split_once('/').ok_or_else(bad)?;
    let kind = match kind {
        "user" => Kind::User,
        "role" => Kind::Role,
        _ => return Err(bad()),
    };
    if name.is_empty() || name.contains('/') {
        return Err(bad());
    }
    Ok(Address::new(kind, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(region: &str) -> BackendSpec {
        BackendSpec::Aws(AwsSettings {
            region: Some(region.into()),
            profile: Some("prod".into()),
            endpoint_url: Some("http://127.0.0.1:5000".into()),
            account_id: Some("123456789012".into()),
            assume_role_arn: Some("arn:aws:iam::123456789012:role/deployer".into()),
        })
    }

    fn flags(backend: Option<&str>, region: Option<&str>) -> BackendFlags {
        let aws = AwsSettings {
            region: region.map(Into::into),
            ..AwsSettings::default()
        };
        let backend = backend.map(Into::into);
        BackendFlags {
            backend,
            aws,
            lock_timeout: None,
        }
    }

    #[test]
    fn backend_aws_on_the_command_line_keeps_every_setting_of_the_aws_block() {
        let configured = aws("eu-west-1");
        let got = flags(Some("aws"), None)
            .resolve(Some(&configured), "dir")
            .unwrap();
        assert_eq!(got, configured);
        let got = flags(Some("aws"), Some("us-east-2"))
            .resolve(Some(&configured), "dir")
            .unwrap();
        assert_eq!(got, aws("us-east-2"), "--region replaces only the region");
        let got = flags(None, Some("us-east-2"))
            .resolve(Some(&configured), "dir")
            .unwrap();
        assert_eq!(got, aws("us-east-2"));
    }

    #[test]
    fn another_kind_starts_afresh_and_mock_keeps_its_guard_and_faults() {
        let mock = BackendSpec::Mock {
            path: "a.json".into(),
            account_id: Some("123456789012".into()),
            faults: Some("throttle=0.1".into()),
            caller: None,
        };
        let got = flags(Some("aws"), None)
            .resolve(Some(&mock), "dir")
            .unwrap();
        assert_eq!(got, BackendSpec::Aws(AwsSettings::default()));
        let got = flags(Some("mock:b.json"), None)
            .resolve(Some(&mock), "dir")
            .unwrap();
        let BackendSpec::Mock { path, faults, .. } = got else {
            panic!("a mock");
        };
        assert_eq!(
            (path, faults.as_deref()),
            ("b.json".into(), Some("throttle=0.1"))
        );
    }

    #[test]
    fn mistakes_say_what_to_do() {
        let mock = BackendSpec::Mock {
            path: "a.json".into(),
            account_id: None,
            faults: None,
            caller: None,
        };
        for (f, configured, says) in [
            (flags(None, None), None, "declares no backend"),
            (flags(Some("mock:"), None), None, "needs a path"),
            (flags(Some("gcp"), None), None, "unknown backend `gcp`"),
            (flags(None, Some("x")), Some(&mock), "aws backend only"),
        ] {
            let e = f.resolve(configured, "dir").unwrap_err().to_string();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn mock_callers() {
        assert_eq!(
            parse_mock_caller("role/app").unwrap().to_string(),
            "role.app"
        );
        for bad in ["app", "group/x", "user/", "user/a/b"] {
            assert!(parse_mock_caller(bad).is_err(), "{bad}");
        }
    }
}
