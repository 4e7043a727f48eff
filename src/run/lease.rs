//! The account's apply lock around `apply` (src/backend/lease.rs), and `iamform force-unlock`.

use super::plan::open;
use super::{load, Exit, Ui};
use crate::backend::lease::{self, Lease, LeaseError};
use crate::backend::Backend;
use crate::render::printer::err;
use crate::settings::BackendFlags;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::time::Duration;

/// How long a lease lasts before another run may take it over: longer than any apply, so that
/// only a run that died leaves one to expire. (A live apply does not renew it.)
pub(super) const LEASE: Duration = Duration::from_secs(60 * 60);

/// Takes the apply lock of `backend`'s account, waiting up to `timeout`; `Err` after saying who
/// holds it and what to do.
pub(super) async fn take(backend: &dyn Backend, timeout: Duration) -> Result<Lease, Exit> {
    let waiting = |h: &lease::Holder| {
        err(&format!(
            "Waiting up to {} s for the apply lock of account {}, held by {}.\n",
            timeout.as_secs(),
            backend.account_id(),
            h.describe()
        ));
    };
    match lease::acquire(backend, &lease::this_run(), LEASE, timeout, &waiting).await {
        Ok(l) => Ok(l),
        Err(LeaseError::Held(h)) => {
            err(&format!(
                "error: another apply holds the apply lock of account {}: {}.\n\
                 Nothing was applied. Wait for it to finish (or raise --lock-timeout). If that run \
                 died, remove the lock with `iamform force-unlock` and make a new plan.\n",
                backend.account_id(),
                h.describe()
            ));
            Err(Exit::Error)
        }
        Err(e) => {
            err(&format!(
                "error: {e}\nNothing was applied. (Apply without the lock with --lock=false.)\n"
            ));
            Err(Exit::Error)
        }
    }
}

/// Releases the lock taken by [`take`]; a failure is a warning (the lease expires).
pub(super) async fn give_back(backend: &dyn Backend, lease: Lease) {
    if let Err(e) = lease::release(backend, lease).await {
        err(&format!(
            "warning: could not release the apply lock of account {}: {e}. Remove it with \
             `iamform force-unlock`, or let it expire.\n",
            backend.account_id()
        ));
    }
}

/// `iamform force-unlock [DIR]`.
pub(super) async fn force_unlock(
    dir: &Path,
    auto_approve: bool,
    flags: &BackendFlags,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let config = match load(dir, ui) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let (_, backend) = open(&config, flags).await?;
    let account = backend.account_id().to_owned();
    let Some(holder) = lease::holder(&*backend).await? else {
        err(&format!(
            "Account {account} has no apply lock: nothing to remove.\n"
        ));
        return Ok(Exit::Success);
    };
    err(&format!(
        "The apply lock of account {account} is held by {}.\n",
        holder.describe()
    ));
    if !auto_approve && !confirm()? {
        err("Force-unlock cancelled.\n");
        return Ok(Exit::Error);
    }
    match lease::force_release(&*backend).await? {
        Some(h) => err(&format!(
            "Removed the apply lock of account {account} held by {}.\n",
            h.who
        )),
        None => err(&format!(
            "Account {account} has no apply lock any more: nothing to remove.\n"
        )),
    }
    Ok(Exit::Success)
}

/// Asks for `yes` on a terminal; refuses to guess when stdin is not one.
fn confirm() -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        anyhow::bail!(
            "refusing to remove the lock without confirmation: stdin is not a terminal. Make sure \
             the run holding it is gone, then pass --auto-approve"
        );
    }
    err("\nRemove it? Only do so if that run is gone. Only 'yes' will be accepted: ");
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}
