//! `lighttouch` — the site's server-side tools.

mod aggregate;
mod aggregate_input;
mod aggregate_simulate;
mod linkability;

fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    let code = match command.as_deref() {
        Some("aggregate") => aggregate::main(rest),
        Some("simulate-reports") => aggregate_simulate::main(rest),
        Some("simulate-linkability") => linkability::main(rest),
        _ => {
            eprintln!("usage: lighttouch <build-model|eval|aggregate|simulate-reports|simulate-linkability> [--help]");
            2
        }
    };
    std::process::exit(code);
}
