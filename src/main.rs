use clap::Parser;

// glibc malloc showed up at ~10% of the CPU serving public reads, much of it in its locks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use ttdt::cli::{Cli, run};

#[actix_web::main]
async fn main() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    if let Err(message) = run(cli).await {
        eprintln!("ttdt: {message}");
        std::process::exit(1);
    }
}
