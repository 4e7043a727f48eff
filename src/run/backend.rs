//! Which backend a run talks to: the `--backend` override, else the configuration's block, else a
//! saved plan's record; and opening it.

use crate::backend::aws::{AwsBackend, AwsSettings};
use crate::backend::mock::{Faults, MockBackend};
use crate::backend::Backend;
use crate::cli::Args;
use crate::config::BackendSpec;
use anyhow::{bail, Context as _};
use std::path::PathBuf;
use std::sync::Arc;

/// The command-line settings that choose a backend.
#[derive(Clone, Debug, Default)]
pub struct BackendArgs {
    pub backend: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

impl BackendArgs {
    pub fn from_args(args: &Args) -> BackendArgs {
        BackendArgs {
            backend: args.backend.clone(),
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
        }
    }
}

/// Resolves the backend: `--backend` wins over `configured` (the backend block or a saved plan's
/// record); `--region`, `--profile` and `--endpoint-url` refine an aws backend.
pub fn resolve(
    cli: &BackendArgs,
    configured: Option<&BackendSpec>,
    what: &str,
) -> anyhow::Result<BackendSpec> {
    let spec = match cli.backend.as_deref() {
        Some(s) => parse(s, configured)?,
        None => configured.cloned().with_context(|| {
            format!(
                "{what} declares no backend: add `backend \"mock\" {{ path = \"account.json\" }}` \
                 (or \"aws\") to a .hcl file, or pass --backend mock:PATH"
            )
        })?,
    };
    Ok(match spec {
        BackendSpec::Aws {
            region,
            profile,
            endpoint_url,
            account_id,
            assume_role_arn,
        } => BackendSpec::Aws {
            region: cli.region.clone().or(region),
            profile: cli.profile.clone().or(profile),
            endpoint_url: cli.endpoint_url.clone().or(endpoint_url),
            account_id,
            assume_role_arn,
        },
        mock => {
            if cli.region.is_some() || cli.profile.is_some() || cli.endpoint_url.is_some() {
                bail!("--region, --profile and --endpoint-url apply to the aws backend only; add --backend aws");
            }
            mock
        }
    })
}

/// `mock:PATH` or `aws`. The account id guard of the configured backend of the same kind is kept.
fn parse(s: &str, configured: Option<&BackendSpec>) -> anyhow::Result<BackendSpec> {
    if s == "aws" {
        let account_id = match configured {
            Some(BackendSpec::Aws { account_id, .. }) => account_id.clone(),
            _ => None,
        };
        return Ok(BackendSpec::Aws {
            region: None,
            profile: None,
            endpoint_url: None,
            account_id,
            assume_role_arn: None,
        });
    }
    if let Some(path) = s.strip_prefix("mock:") {
        if path.is_empty() {
            bail!("--backend mock: needs a path, e.g. --backend mock:account.json");
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
        return Ok(BackendSpec::Mock {
            path: PathBuf::from(path),
            account_id,
            faults,
            caller,
        });
    }
    bail!("unknown backend `{s}`: use --backend mock:PATH or --backend aws")
}

/// The text a saved plan records: `mock:ABSOLUTE_PATH` or `aws`.
pub fn describe(spec: &BackendSpec) -> String {
    match spec {
        BackendSpec::Mock { path, .. } => {
            let path = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            format!("mock:{}", path.display())
        }
        BackendSpec::Aws { .. } => "aws".to_owned(),
    }
}

pub async fn open(spec: &BackendSpec) -> anyhow::Result<Arc<dyn Backend>> {
    match spec {
        BackendSpec::Mock {
            path,
            account_id,
            faults,
            caller,
        } => {
            let from_block = match faults {
                Some(spec) => Faults::parse(spec).map_err(anyhow::Error::msg)?,
                None => Faults::default(),
            };
            let faults = Faults::from_env()?.unwrap_or(from_block);
            let caller = match std::env::var("IAMFORM_MOCK_CALLER") {
                Ok(text) if !text.is_empty() => Some(text),
                _ => caller.clone(),
            };
            let caller = caller
                .map(|c| crate::guard::parse_mock_caller(&c))
                .transpose()
                .map_err(|e| {
                    anyhow::anyhow!("the mock's caller (IAMFORM_MOCK_CALLER or `caller`): {e}")
                })?;
            Ok(Arc::new(
                MockBackend::open(path, account_id.as_deref())?
                    .with_faults(faults)
                    .with_caller(caller),
            ))
        }
        BackendSpec::Aws {
            region,
            profile,
            endpoint_url,
            account_id,
            assume_role_arn,
        } => {
            let settings = AwsSettings {
                region: region.clone(),
                profile: profile.clone(),
                endpoint_url: endpoint_url.clone(),
                account_id: account_id.clone(),
                assume_role_arn: assume_role_arn.clone(),
                max_attempts: None,
            };
            Ok(Arc::new(AwsBackend::connect(&settings).await?))
        }
    }
}
