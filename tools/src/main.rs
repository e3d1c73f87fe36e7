//! `lighttouch` — the site's server-side tools. This file only dispatches:
//! each subcommand lives in its own module with its own `Args` and `run`.

mod build_model;
mod counts;
mod ease;
mod eval;
mod interactions;
mod itemknn;
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
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::BuildModel(args) => build_model::run(args),
        Command::Eval(args) => eval::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
