//! Opening the backend a run talks to (chosen by `settings::backend`).

use crate::backend::aws::AwsBackend;
use crate::backend::lease::Hiding;
use crate::backend::mock::MockBackend;
use crate::backend::Backend;
use crate::render::printer::err;
use crate::settings::{parse_mock_caller, BackendFlags, BackendSpec, Faults};
use std::sync::Arc;
use std::time::Duration;

/// How long a mock waits for another run's lock unless `apply --lock-timeout` says otherwise.
const LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// The backend `spec` names, as every command sees it: without the apply lock's policy
/// (`backend::lease`).
pub(super) async fn open(
    spec: &BackendSpec,
    flags: &BackendFlags,
) -> anyhow::Result<Arc<dyn Backend>> {
    Ok(Arc::new(Hiding(open_bare(spec, flags).await?)))
}

async fn open_bare(spec: &BackendSpec, flags: &BackendFlags) -> anyhow::Result<Arc<dyn Backend>> {
    match spec {
        BackendSpec::Mock {
            path,
            account_id,
            faults,
            caller,
        } => {
            let from_block = match faults {
                Some(spec) => Faults::parse(spec)?,
                None => Faults::default(),
            };
            let faults = Faults::from_env()?.unwrap_or(from_block);
            let caller = match std::env::var("IAMFORM_MOCK_CALLER") {
                Ok(text) if !text.is_empty() => Some(text),
                _ => caller.clone(),
            };
            let caller = caller
                .map(|c| parse_mock_caller(&c))
                .transpose()
                .map_err(|e| {
                    anyhow::anyhow!("the mock's caller (IAMFORM_MOCK_CALLER or `caller`): {e}")
                })?;
            Ok(Arc::new(
                MockBackend::open(path, account_id.as_deref())?
                    .with_faults(faults)
                    .with_caller(caller)
                    .with_lock_wait(
                        flags.lock_timeout.unwrap_or(LOCK_TIMEOUT),
                        Arc::new(|text: &str| err(text)),
                    ),
            ))
        }
        BackendSpec::Aws(settings) => Ok(Arc::new(AwsBackend::connect(settings).await?)),
    }
}
