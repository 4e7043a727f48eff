//! Criterion benchmarks of each pipeline stage on synthetic accounts of 1k and 10k entities:
//! configuration load and evaluation, diff, plan build, rendering, and mock read and write.
//! `cargo bench --bench pipeline`; end-to-end CLI timings are in benches/cli.sh.

// Tests and benchmarks report timings and sizes on stderr as they go; a test binary has no
// public API for `unreachable_pub` to guard.
#![allow(clippy::print_stdout, clippy::print_stderr, unreachable_pub)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use iamform::backend::mock::{MockBackend, MockFile};
use iamform::backend::Backend;
use iamform::diff::diff;
use iamform::model::{Account, Name, Tags};
use iamform::operation::{TagChange, TagOp, TagTarget};
use iamform::render::{self, Style};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";
const SIZES: [usize; 2] = [1_000, 10_000];

/// The live side: the same account with every tenth user's tags changed, so that diff, plan and
/// render have work to do.
fn drifted(desired: &Account) -> Account {
    let mut live = desired.clone();
    for (i, u) in live.users.values_mut().enumerate() {
        if i % 10 == 0 {
            u.tags.insert("team".into(), "changed".into());
        }
    }
    live
}

fn stages(c: &mut Criterion) {
    for n in SIZES {
        let desired = iamform::synth::account(n, ACCOUNT);
        let live = drifted(&desired);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("main.hcl"),
            render::hcl::account(&desired).unwrap(),
        )
        .unwrap();

        c.bench_with_input(BenchmarkId::new("config_load", n), &n, |b, _| {
            b.iter(|| iamform::config::load(dir.path()).unwrap())
        });
        let config = iamform::config::load(dir.path()).unwrap();
        c.bench_with_input(BenchmarkId::new("config_lower", n), &n, |b, _| {
            b.iter(|| config.lower(ACCOUNT).unwrap())
        });
        c.bench_with_input(BenchmarkId::new("diff", n), &n, |b, _| {
            b.iter(|| diff(&desired, &live, None))
        });
        c.bench_with_input(BenchmarkId::new("plan_build", n), &n, |b, _| {
            b.iter(|| {
                let changes = diff(&desired, &live, None);
                iamform::plan::build(changes, &desired, &live, ACCOUNT, &BTreeMap::new()).unwrap()
            })
        });
        let changes = diff(&desired, &live, None);
        let plan =
            iamform::plan::build(changes, &desired, &live, ACCOUNT, &BTreeMap::new()).unwrap();
        c.bench_with_input(BenchmarkId::new("render_human", n), &n, |b, _| {
            b.iter(|| render::human::plan(&plan, Style::PLAIN, false))
        });

        let file = dir.path().join("account.json");
        let mut mock = MockFile::empty(ACCOUNT);
        mock.account = live.clone();
        std::fs::write(&file, serde_json::to_vec(&mock).unwrap()).unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        c.bench_with_input(BenchmarkId::new("mock_read", n), &n, |b, _| {
            b.iter(|| {
                let backend = MockBackend::open(&file, None).unwrap();
                runtime.block_on(backend.read()).unwrap()
            })
        });
        let backend = MockBackend::open(&file, None).unwrap();
        let mut i = 0u64;
        c.bench_with_input(BenchmarkId::new("mock_write_one_call", n), &n, |b, _| {
            b.iter(|| {
                i += 1;
                let op = TagOp {
                    target: TagTarget::User(Name::new("user-1")),
                    change: TagChange::Set(Tags::from([("k".to_owned(), i.to_string())])),
                }
                .into();
                runtime.block_on(backend.execute(&op)).unwrap()
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = stages
}
criterion_main!(benches);
