use clap::Parser;

// glibc malloc showed up at ~10% of the CPU serving public reads, much of it in its locks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use ttdt::cli::{Cli, run};

#[actix_web::main]
async fn main() {
    let cli = Cli::parse();
    // The demo talks to its own server: its request log would bury the summary.
    let quiet = matches!(cli.command, Some(ttdt::cli::Command::Demo));
    let level = if quiet { "warn" } else { "info" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level)).init();
    if let Err(message) = run(cli).await {
        eprintln!("ttdt: {message}");
        std::process::exit(1);
    }
}
