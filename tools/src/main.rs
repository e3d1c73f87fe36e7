//! `lighttouch` — the site's server-side tools. This file only dispatches:
//! each subcommand lives in its own module.

mod aggregate;
mod aggregate_input;
mod aggregate_simulate;
mod build_model;
mod counts;
mod ease;
mod eval;
mod interactions;
mod itemknn;
mod linkability;
mod progress;
mod transition;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Server-side tools for lighttouch (on-device recommendations).
#[derive(Parser)]
#[command(name = "lighttouch", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds a compact item-item neighbour model (ItemKNN or EASE, optional
    /// transitions) from interaction logs or from pre-aggregated counts.
    BuildModel(build_model::Args),
    /// Runs the evaluation harness on MovieLens 100K and prints the table.
    Eval(eval::Args),
    /// Aggregates privacy reports (`lighttouch aggregate --help`).
    #[command(disable_help_flag = true)]
    Aggregate(Forwarded),
    /// Simulates privacy reports (`lighttouch simulate-reports --help`).
    #[command(disable_help_flag = true)]
    SimulateReports(Forwarded),
    /// Simulates linkability attacks (`lighttouch simulate-linkability --help`).
    #[command(disable_help_flag = true)]
    SimulateLinkability(Forwarded),
}

/// Arguments passed untouched to a subcommand with its own parser.
#[derive(clap::Args)]
struct Forwarded {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

fn exit_code(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::BuildModel(args) => build_model::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Aggregate(f) => return exit_code(aggregate::main(f.args)),
        Command::SimulateReports(f) => return exit_code(aggregate_simulate::main(f.args)),
        Command::SimulateLinkability(f) => return exit_code(linkability::main(f.args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
