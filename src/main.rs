//! The `iamform` binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use iamform::cli::Args;
use iamform::run::{run, Exit};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a plan is mostly small allocations (parsed HCL,
/// policy documents, names), and glibc's per-thread arenas cost the parallel parse 40 MB of peak
/// memory at 10k entities (benches/cli.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    init_logging(args.verbose, args.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(Exit::Error as u8);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  cause: {cause}");
            }
            ExitCode::from(Exit::Error as u8)
        }
    }
}

/// Logs go to stderr; RUST_LOG wins over -v.
fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "warn",
        (_, 1) => "iamform=info",
        _ => "iamform=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
