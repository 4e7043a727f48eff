//! The `iamform` binary: read the command line into settings, run, map the outcome to an exit
//! code. Everything it prints goes through `render::printer`.

use iamform::cli::{self, Parsed};
use iamform::render::printer;
use iamform::run::{run, Exit};
use std::process::ExitCode;

/// mimalloc instead of the system allocator: a plan is mostly small allocations (parsed HCL,
/// policy documents, names), and glibc's per-thread arenas cost the parallel parse 40 MB of peak
/// memory at 10k entities (benches/cli.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let settings = match cli::parse(std::env::args_os()) {
        Parsed::Run(settings) => *settings,
        Parsed::Print {
            text,
            to_stdout,
            exit,
        } => {
            if to_stdout {
                printer::out(&text);
            } else {
                printer::err(&text);
            }
            return ExitCode::from(exit);
        }
    };
    init_logging(settings.ui.verbose, settings.ui.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            printer::err(&format!("error: could not start the async runtime: {e}\n"));
            return ExitCode::from(Exit::Error as u8);
        }
    };
    match runtime.block_on(run(settings)) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            let mut text = format!("error: {e}\n");
            for cause in e.chain().skip(1) {
                text.push_str(&format!("  cause: {cause}\n"));
            }
            printer::err(&text);
            ExitCode::from(Exit::Error as u8)
        }
    }
}

/// Logs go to stderr; RUST_LOG wins over -v. Without -v only iamform's own warnings: the AWS
/// SDK's (an instance metadata endpoint that does not answer, say) are noise when iamform says
/// what went wrong itself, and show from -v on.
fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (_, 0) => "iamform=warn",
        (_, 1) => "warn,iamform=info",
        _ => "warn,iamform=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(printer::Logs)
        .without_time()
        .init();
}
