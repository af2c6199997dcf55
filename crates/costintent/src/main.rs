//! `costintent`: the command-line front end. Argument parsing, progress on
//! stderr, file writing and exit codes; everything else lives in the library
//! crates.

mod cli;
mod clock;
mod commands;
mod error;
mod files;
mod memory;
mod output;
mod progress;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // Ctrl-C and SIGTERM set a flag that simulations and writes check, so
    // that an interrupted command removes what it started and leaves every
    // output as it was; a second signal ends the process at once.
    progress::cancel_flag();
    match commands::dispatch(args.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            err.report();
            ExitCode::from(err.exit_code())
        }
    }
}
