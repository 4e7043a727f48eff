//! The account file on disk: its format, loading with clear errors, atomic writes and the
//! cross-process lock.

use crate::backend::audit::ServiceAccess;
use crate::backend::BackendError;
use crate::model::iam::{is_account_id, PLACEHOLDER_ACCOUNT_ID};
use crate::model::{Account, Address, Kind, Name, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The `format_version` this build writes. It also reads version 1 (credentials without dates,
/// see `upgrade`), which is written back as this version.
pub const FORMAT_VERSION: u64 = 2;

/// The whole file. See the module header of `mock` and `schemas/mock-account.schema.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockFile {
    pub format_version: u64,
    pub account_id: String,
    #[serde(default)]
    pub account: Account,
    /// Counter behind every generated identifier; only ever grows.
    #[serde(default)]
    pub next_id: u64,
    /// IAM's unique ids (`AIDA…`, `AGPA…`, …) of the entities created through the mock.
    #[serde(default, skip_serializing_if = "UniqueIds::is_empty")]
    pub unique_ids: UniqueIds,
    /// The root user's security summary (GetAccountSummary), for audits.
    #[serde(default)]
    pub root: RootSummary,
    /// What Access Advisor says per user and role (`audit --last-accessed`); iamform never
    /// changes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub last_accessed: BTreeMap<Address, Vec<ServiceAccess>>,
    /// Service-linked roles (by role name) that resources of their service still use, as AWS
    /// sees them: DeleteServiceLinkedRole fails and names these resources. iamform never changes it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_linked_roles_in_use: BTreeMap<Name, Vec<String>>,
}

/// What GetAccountSummary says about the root user; iamform never changes it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RootSummary {
    /// `AccountMFAEnabled`.
    #[serde(default)]
    pub mfa_enabled: bool,
    /// `AccountAccessKeysPresent`.
    #[serde(default)]
    pub access_keys_present: bool,
    /// The credential report's `password_last_used` for the root user.
    pub password_last_used: Option<Timestamp>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UniqueIds {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users: BTreeMap<Name, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<Name, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<Name, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<Name, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub instance_profiles: BTreeMap<Name, String>,
}

impl UniqueIds {
    pub fn is_empty(&self) -> bool {
        *self == UniqueIds::default()
    }

    fn map(&mut self, kind: Kind) -> Option<&mut BTreeMap<Name, String>> {
        match kind {
            Kind::User => Some(&mut self.users),
            Kind::Group => Some(&mut self.groups),
            Kind::Role => Some(&mut self.roles),
            Kind::Policy => Some(&mut self.policies),
            Kind::InstanceProfile => Some(&mut self.instance_profiles),
            // No unique id: providers are known by ARN, a service-linked role is a role.
            _ => None,
        }
    }

    /// Keeps an entity's id under its new name.
    pub fn rename(&mut self, kind: Kind, from: &Name, to: &Name) {
        if let Some(m) = self.map(kind) {
            if let Some(id) = m.remove(from) {
                m.insert(to.clone(), id);
            }
        }
    }

    pub fn forget(&mut self, kind: Kind, name: &Name) {
        if let Some(m) = self.map(kind) {
            m.remove(name);
        }
    }
}

impl MockFile {
    pub fn empty(account_id: &str) -> MockFile {
        MockFile {
            format_version: FORMAT_VERSION,
            account_id: account_id.to_owned(),
            account: Account::default(),
            next_id: 1,
            unique_ids: UniqueIds::default(),
            root: RootSummary::default(),
            last_accessed: BTreeMap::new(),
            service_linked_roles_in_use: BTreeMap::new(),
        }
    }

    /// A fresh, never reused identifier of `kind`, e.g. `AIDA` + 17 characters for a user.
    pub fn assign_unique_id(&mut self, kind: Kind, name: &Name) {
        let prefix = match kind {
            Kind::User => "AIDA",
            Kind::Group => "AGPA",
            Kind::Role => "AROA",
            Kind::Policy => "ANPA",
            Kind::InstanceProfile => "AIPA",
            _ => return,
        };
        let id = unique_id(prefix, self.next_id);
        self.next_id = self.next_id.saturating_add(1);
        if let Some(m) = self.unique_ids.map(kind) {
            m.remove(name);
            m.insert(name.clone(), id);
        }
    }

    /// Consistency checks serde cannot express; the error describes the first problem.
    fn check(&self) -> Result<(), Inconsistent> {
        if !is_account_id(&self.account_id) {
            return Err(Inconsistent(format!(
                "`account_id` is {:?}, not a 12-digit AWS account id",
                self.account_id
            )));
        }
        fn keys<'a, T: 'a>(
            section: &str,
            entries: impl Iterator<Item = (&'a Name, &'a T)>,
            name_of: impl Fn(&T) -> &Name,
        ) -> Result<(), Inconsistent> {
            for (key, value) in entries {
                let name = name_of(value);
                if key.as_str() != name.as_str() {
                    return Err(Inconsistent(format!(
                        "`account.{section}` has the key {:?} for an entity named {:?}; the key must be the name",
                        key.as_str(),
                        name.as_str()
                    )));
                }
            }
            Ok(())
        }
        let a = &self.account;
        keys("users", a.users.iter(), |e| &e.name)?;
        keys("groups", a.groups.iter(), |e| &e.name)?;
        keys("roles", a.roles.iter(), |e| &e.name)?;
        keys("policies", a.policies.iter(), |e| &e.name)?;
        keys("instance_profiles", a.instance_profiles.iter(), |e| &e.name)?;
        Ok(())
    }
}

/// What makes an account file inconsistent.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Inconsistent(String);

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `prefix` + 17 base32 characters; distinct for distinct `n` (the first 13 characters encode a
/// bijection of `n`).
fn unique_id(prefix: &str, n: u64) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(prefix.len() + 17);
    out.push_str(prefix);
    let a = splitmix64(n);
    let b = splitmix64(n ^ 0xA5A5_A5A5_A5A5_A5A5);
    for i in 0..13 {
        let bits = if i < 12 { (a >> (i * 5)) & 31 } else { a >> 60 };
        out.push(char::from(ALPHABET[bits as usize]));
    }
    for i in 0..4 {
        out.push(char::from(ALPHABET[((b >> (i * 5)) & 31) as usize]));
    }
    out
}

/// An account file that is a symbolic link is refused, for reads as for writes: a link planted in
/// a checkout would make apply write wherever it points.
fn refuse_link(path: &Path) -> Result<(), BackendError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let target =
                fs::read_link(path).map_or_else(|_| "?".to_owned(), |t| t.display().to_string());
            Err(BackendError::Setup(format!(
                "mock account file {} is a symbolic link (to {target}); iamform neither reads nor \
                 writes an account through a link: point the backend at the file itself",
                path.display()
            )))
        }
        _ => Ok(()),
    }
}

fn unusable(path: &Path, what: impl std::fmt::Display) -> BackendError {
    BackendError::Setup(format!(
        "mock account file {}: {what}. The file was left unchanged: fix it by hand, restore it \
         from version control, or move it aside to start from an empty account.",
        path.display()
    ))
}

/// The version 1 file `value` as a version 2 [`MockFile`] (see `upgrade`); the error says
/// what does not fit.
pub(super) fn from_version_1(value: serde_json::Value) -> Result<MockFile, String> {
    let value = super::upgrade::credentials_to_version_2(value)?;
    let mut file: MockFile = serde_json::from_value(value).map_err(|e| e.to_string())?;
    file.format_version = FORMAT_VERSION;
    Ok(file)
}

/// Parses the bytes of an account file. Never panics; every problem is a `Setup` error that names
/// the file, what is wrong and how to fix it.
pub(super) fn parse(path: &Path, bytes: &[u8]) -> Result<MockFile, BackendError> {
    let version_error = |found: &serde_json::Value| {
        unusable(
            path,
            format!(
                "its format_version is {found}, but this iamform reads format_version \
                 {} and {FORMAT_VERSION} only (was it written by a newer iamform?)",
                super::upgrade::VERSION_1
            ),
        )
    };
    let checked = |file: MockFile| {
        file.check().map_err(|what| unusable(path, what))?;
        Ok(file)
    };
    match serde_json::from_slice::<MockFile>(bytes) {
        // A version 1 file without credentials reads as version 2 as it is.
        Ok(mut file) if file.format_version == super::upgrade::VERSION_1 => {
            file.format_version = FORMAT_VERSION;
            checked(file)
        }
        Ok(file) if file.format_version != FORMAT_VERSION => {
            Err(version_error(&file.format_version.into()))
        }
        Ok(file) => checked(file),
        Err(e) => {
            // Say "unknown version" rather than a field error when the version is the problem.
            let value: serde_json::Value = match serde_json::from_slice(bytes) {
                Ok(v) => v,
                Err(_) => return Err(unusable(path, format!("it is not valid JSON ({e})"))),
            };
            match value.get("format_version") {
                None if value.is_object() => Err(unusable(
                    path,
                    format!("it has no `format_version` (expected {FORMAT_VERSION})"),
                )),
                Some(v) if v.as_u64() == Some(super::upgrade::VERSION_1) => {
                    let file = from_version_1(value).map_err(|e| {
                        unusable(path, format!("it is not an iamform mock account ({e})"))
                    })?;
                    checked(file)
                }
                Some(v) if v.as_u64() != Some(FORMAT_VERSION) => Err(version_error(v)),
                _ => Err(unusable(
                    path,
                    format!("it is not an iamform mock account ({e})"),
                )),
            }
        }
    }
}

/// The serialised form written to disk: pretty JSON and a final newline, so that the file is easy
/// to read and to diff.
pub(super) fn serialise(file: &MockFile) -> Result<Vec<u8>, BackendError> {
    let mut bytes = serde_json::to_vec_pretty(file)
        .map_err(|e| BackendError::Setup(format!("cannot serialise the mock account: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name: OsString = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes `bytes` to `path` so that readers see either the old or the new file, never a mix, and
/// never through a link (`fsutil::write_atomic`: an exclusively created temporary file under a
/// random name, the mode of the file it replaces, fsync, rename).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), BackendError> {
    crate::fsutil::write_atomic(path, bytes).map_err(|e| {
        BackendError::Setup(format!(
            "cannot write mock account file {}: {e} (is the directory writable?)",
            path.display()
        ))
    })
}

/// The largest account file read (a synthetic 50,000-entity account is about 40 MB).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// How often a run waiting for another's lock tries again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// After how long of waiting for the lock a run says so.
const LOCK_NOTICE_AFTER: Duration = Duration::from_secs(1);

/// Says something to the person running iamform (the run layer prints it on stderr).
pub type Notice = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How a call waits for a lock another process holds: says so after a second, gives up after
/// `timeout`, and stops at once when the run is interrupted.
pub(super) struct LockWait {
    timeout_ms: AtomicU64,
    notice: Mutex<Option<Notice>>,
    stop: AtomicBool,
}

impl Default for LockWait {
    fn default() -> Self {
        LockWait {
            timeout_ms: AtomicU64::new(60_000),
            notice: Mutex::new(None),
            stop: AtomicBool::new(false),
        }
    }
}

impl LockWait {
    pub(super) fn set(&self, timeout: Duration, notice: Notice) {
        let ms = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        self.timeout_ms.store(ms, Ordering::SeqCst);
        *self.notice.lock().unwrap_or_else(PoisonError::into_inner) = Some(notice);
    }

    pub(super) fn interrupt(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    fn say(&self, text: &str) {
        let notice = self
            .notice
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(notice) = notice {
            notice(text);
        }
    }
}

/// Opens (creating it if needed) the lock file without following a link planted there, and
/// without waiting on a FIFO.
fn open_lock_file(path: &Path) -> Result<File, BackendError> {
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let refused = |what: String| {
        BackendError::Setup(format!(
            "lock file {what}; iamform does not follow links or open anything but a regular \
             file there: remove it (no iamform run holds a lock through it)"
        ))
    };
    let lock = options
        .open(path)
        .map_err(|e| match fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                refused(format!("{} is a symbolic link", path.display()))
            }
            _ => BackendError::Setup(format!(
                "cannot create lock file {}: {e} (does the directory exist and is it writable?)",
                path.display()
            )),
        })?;
    let meta = lock.metadata().map_err(|e| {
        BackendError::Setup(format!("cannot read lock file {}: {e}", path.display()))
    })?;
    crate::fsutil::refuse_unless_regular(path, &meta).map_err(|e| refused(e.to_string()))?;
    Ok(lock)
}

/// The most bytes of a lock file's holder line read.
const HOLDER_BYTES: u64 = 256;

/// Records in the lock file who holds it: `iamform (pid N) since TIME`. Best effort: the lock
/// holds whether or not the line is written.
fn write_holder(lock: &File) {
    use std::io::{Seek as _, Write as _};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let line = format!(
        "iamform (pid {}) since {}\n",
        std::process::id(),
        crate::access::time::format_time(now)
    );
    let mut lock = lock;
    let _ = lock
        .set_len(0)
        .and_then(|()| lock.rewind())
        .and_then(|()| lock.write_all(line.as_bytes()));
}

/// Who holds the lock, as its holder wrote it (one printable line); "another iamform run" when
/// the file says nothing usable.
fn holder(lock_path: &Path) -> String {
    let bytes = crate::fsutil::read_regular(lock_path, HOLDER_BYTES, false).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let line = text.lines().next().unwrap_or_default().trim();
    if line.is_empty() || line.chars().any(char::is_control) {
        "another iamform run".to_owned()
    } else {
        line.to_owned()
    }
}

struct Cached {
    bytes: Vec<u8>,
    file: MockFile,
}

/// One account file, shared by every clone of the backend in this process.
pub(super) struct Store {
    path: PathBuf,
    lock_path: PathBuf,
    account_id: String,
    /// In-process serialisation of executes, and the last bytes seen with their parse (so that an
    /// unchanged file is not parsed again).
    cache: Mutex<Option<Cached>>,
    /// Changes waiting to be written together (group commit).
    queue: Mutex<Queue>,
    done: Condvar,
    /// How a write waits for the cross-process lock.
    pub(super) wait: LockWait,
}

/// A change to the account: applied in queue order, each either whole or not at all.
pub(super) type Change = Box<dyn FnOnce(&mut MockFile) -> Result<(), BackendError> + Send>;

#[derive(Default)]
struct Queue {
    next_ticket: u64,
    waiting: Vec<(u64, Change)>,
    results: std::collections::HashMap<u64, Result<(), BackendError>>,
    writing: bool,
}

impl Store {
    /// Opens `path` without creating anything. Returns the store and the account id that wins.
    pub(super) fn open(path: &Path, account_id: Option<&str>) -> Result<Store, BackendError> {
        if let Some(id) = account_id {
            if !is_account_id(id) {
                return Err(BackendError::Setup(format!(
                    "mock account id {id:?} is not a 12-digit AWS account id"
                )));
            }
        }
        let mut store = Store {
            path: path.to_owned(),
            lock_path: sibling(path, ".lock"),
            account_id: account_id.unwrap_or(PLACEHOLDER_ACCOUNT_ID).to_owned(),
            cache: Mutex::new(None),
            queue: Mutex::new(Queue::default()),
            done: Condvar::new(),
            wait: LockWait::default(),
        };
        refuse_link(path)?;
        if let Some(bytes) = store.read_bytes()? {
            let file = parse(path, &bytes)?;
            store.account_id = file.account_id.clone();
            store.cache = Mutex::new(Some(Cached { bytes, file }));
        }
        Ok(store)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    pub(super) fn account_id(&self) -> &str {
        &self.account_id
    }

    fn read_bytes(&self) -> Result<Option<Vec<u8>>, BackendError> {
        match crate::fsutil::read_regular(&self.path, MAX_FILE_BYTES, false) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(BackendError::Setup(format!(
                "cannot read mock account file {}: {e}",
                self.path.display()
            ))),
        }
    }

    /// The current file: the cached parse when the bytes did not change, else a fresh parse; an
    /// empty account when the file does not exist. Takes the parse out of the cache (the caller
    /// puts back what it writes), so that a failed change never leaves a half-changed cache.
    fn load(&self, cache: &mut Option<Cached>) -> Result<MockFile, BackendError> {
        let cached = cache.take();
        let Some(bytes) = self.read_bytes()? else {
            return Ok(MockFile::empty(&self.account_id));
        };
        let file = match cached {
            Some(c) if c.bytes == bytes => c.file,
            _ => parse(&self.path, &bytes)?,
        };
        self.same_account(&file)?;
        Ok(file)
    }

    /// The file must still hold the account it was opened for.
    fn same_account(&self, file: &MockFile) -> Result<(), BackendError> {
        if file.account_id == self.account_id {
            return Ok(());
        }
        Err(unusable(
            &self.path,
            format!(
                "it now holds account {} but was opened as account {}",
                file.account_id, self.account_id
            ),
        ))
    }

    /// The account as it is on disk now. Creates nothing and takes no lock: writes are atomic
    /// renames, so a reader always sees a whole file.
    pub(super) fn read(&self) -> Result<Account, BackendError> {
        self.with_current(Account::default(), |file| file.account.clone())
    }

    /// The whole file as `read` reads it (an empty account when there is none): for what the
    /// account holds besides the entities (the root user, Access Advisor's data).
    pub(super) fn read_file(&self) -> Result<MockFile, BackendError> {
        self.with_current(MockFile::empty(&self.account_id), MockFile::clone)
    }

    /// `f` of the file on disk now (the cached parse when the bytes did not change), or `missing`
    /// when there is no file.
    fn with_current<T>(
        &self,
        missing: T,
        f: impl FnOnce(&MockFile) -> T,
    ) -> Result<T, BackendError> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(bytes) = self.read_bytes()? else {
            *cache = None;
            return Ok(missing);
        };
        if let Some(c) = cache.as_ref() {
            if c.bytes == bytes && c.file.account_id == self.account_id {
                return Ok(f(&c.file));
            }
        }
        let file = parse(&self.path, &bytes)?;
        self.same_account(&file)?;
        let out = f(&file);
        *cache = Some(Cached { bytes, file });
        Ok(out)
    }

    /// Takes the in-process mutex and the cross-process lock, loads the file, lets `f` change it
    /// and writes it back when `f` succeeds. On failure the file is not touched.
    pub(super) fn update<T>(
        &self,
        f: impl FnOnce(&mut MockFile) -> Result<T, BackendError>,
    ) -> Result<T, BackendError> {
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let _lock = self.lock_exclusive()?;
        let mut file = self.load(&mut cache)?;
        let out = f(&mut file)?;
        let bytes = serialise(&file)?;
        write_atomic(&self.path, &bytes)?;
        *cache = Some(Cached { bytes, file });
        Ok(out)
    }

    /// Applies `change` with group commit: changes that arrive while a write is in progress are
    /// applied together, in arrival order, under one lock and written once. Each change still
    /// succeeds or fails alone (IAM's checks run before any mutation), and a caller returns only
    /// after the file holding its change is on disk — so a crash loses no acknowledged call, and
    /// 10 concurrent calls cost one fsync instead of ten.
    pub(super) fn apply(&self, change: Change) -> Result<(), BackendError> {
        let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = q.next_ticket;
        q.next_ticket += 1;
        q.waiting.push((ticket, change));
        loop {
            if let Some(result) = q.results.remove(&ticket) {
                return result;
            }
            if q.writing {
                q = self.done.wait(q).unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            // Become the writer for everything waiting now.
            q.writing = true;
            let batch = std::mem::take(&mut q.waiting);
            drop(q);
            let results = self.write_batch(batch);
            q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.results.extend(results);
            q.writing = false;
            self.done.notify_all();
        }
    }

    fn write_batch(&self, batch: Vec<(u64, Change)>) -> Vec<(u64, Result<(), BackendError>)> {
        let tickets: Vec<u64> = batch.iter().map(|(t, _)| *t).collect();
        let mut results = Vec::with_capacity(batch.len());
        let outcome = self.update(|file| {
            for (ticket, change) in batch {
                results.push((ticket, change(file)));
            }
            Ok(())
        });
        match outcome {
            Ok(()) => results,
            // The file could not be read or written: every change of the batch failed.
            Err(e) => tickets.into_iter().map(|t| (t, Err(e.clone()))).collect(),
        }
    }

    /// An exclusive `flock` on the sidecar `PATH.lock`, released when the returned file is
    /// dropped. Another run holding it is waited for as [`LockWait`] says.
    fn lock_exclusive(&self) -> Result<File, BackendError> {
        let lock = open_lock_file(&self.lock_path)?;
        let shown = self.lock_path.display();
        let started = Instant::now();
        let mut told = false;
        loop {
            match lock.try_lock() {
                Ok(()) => {
                    write_holder(&lock);
                    return Ok(lock);
                }
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => {
                    return Err(BackendError::Setup(format!("cannot lock {shown}: {e}")))
                }
            }
            if self.wait.stop.load(Ordering::SeqCst) {
                return Err(BackendError::Setup(format!(
                    "interrupted while waiting for the lock on {shown}"
                )));
            }
            let timeout = Duration::from_millis(self.wait.timeout_ms.load(Ordering::SeqCst));
            let waited = started.elapsed();
            if waited >= timeout {
                return Err(BackendError::Setup(format!(
                    "gave up after {} s waiting for the lock on {shown}, held by {}: let it \
                     finish and run again, or wait longer with `apply --lock-timeout SECONDS`",
                    timeout.as_secs(),
                    holder(&self.lock_path)
                )));
            }
            if !told && waited >= LOCK_NOTICE_AFTER {
                told = true;
                self.wait.say(&format!(
                    "waiting for the lock on {shown}, held by {}… (giving up after {} s; \
                     Ctrl-C stops waiting)\n",
                    holder(&self.lock_path),
                    timeout.as_secs()
                ));
            }
            std::thread::sleep(LOCK_POLL.min(timeout.saturating_sub(waited)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_ids_look_like_iam_ids_and_differ() {
        let ids: std::collections::BTreeSet<String> =
            (0..1000).map(|n| unique_id("AIDA", n)).collect();
        assert_eq!(ids.len(), 1000);
        for id in ids {
            assert_eq!(id.len(), 21);
            assert!(id.starts_with("AIDA"));
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        }
    }

    #[test]
    fn group_commit_applies_every_change_alone_and_reports_each_result() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(Store::open(&dir.path().join("a.json"), None).unwrap());
        let results: Vec<Result<(), BackendError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..20)
                .map(|i| {
                    let store = std::sync::Arc::clone(&store);
                    s.spawn(move || {
                        store.apply(Box::new(move |file: &mut MockFile| {
                            if i == 7 {
                                return Err(BackendError::api(
                                    crate::backend::ErrorCode::LimitExceeded,
                                    "no",
                                ));
                            }
                            let name = Name::new(format!("u{i}"));
                            let user = serde_json::from_value(
                                serde_json::json!({ "name": name.as_str() }),
                            )
                            .unwrap();
                            file.account.users.insert(name, user);
                            Ok(())
                        }))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
        assert!(results[7].is_err());
        let fresh = Store::open(&dir.path().join("a.json"), None).unwrap();
        assert_eq!(fresh.read().unwrap().users.len(), 19);
    }

    #[test]
    fn sidecar_paths() {
        assert_eq!(
            sibling(Path::new("/x/acct.json"), ".lock"),
            Path::new("/x/acct.json.lock")
        );
    }
}
