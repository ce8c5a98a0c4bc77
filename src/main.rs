use clap::Parser;
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
