//! `lighttouch` — the site's server-side tools.
fn main() {
    eprintln!("usage: lighttouch <build-model|eval|aggregate> [--help]");
    std::process::exit(2);
}
