use clap::Parser;

fn main() {
    let cli = marketbrief::cli::Cli::parse();
    if let Err(failure) = marketbrief::cli::run(cli) {
        eprintln!("error: {}", failure.message);
        std::process::exit(failure.code);
    }
}
