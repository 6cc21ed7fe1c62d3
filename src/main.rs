use clap::Parser;

fn main() {
    let cli = marketbrief::cli::Cli::parse();
    let result = {
        let _all = marketbrief::profile::phase(|| "0 whole command".into());
        marketbrief::cli::run(cli)
    };
    marketbrief::profile::report();
    if let Err(failure) = result {
        eprintln!("error: {}", failure.message);
        std::process::exit(failure.code);
    }
}
