//! `costintent`: the command-line front end. Argument parsing, progress on
//! stderr, file writing and exit codes; everything else lives in the library
//! crates.

mod cli;
mod commands;
mod error;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match commands::dispatch(args.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}
