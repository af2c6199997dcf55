//! Prints the scenario (and its overrides) that a `scenario_structured`
//! input describes, in the form `fuzz/regressions/scenario_structured/`
//! keeps:
//!
//! ```sh
//! cargo +nightly run --manifest-path fuzz/Cargo.toml --example structured_case -- \
//!     fuzz/artifacts/scenario_structured/crash-… > fuzz/regressions/scenario_structured/what.toml
//! ```

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: structured_case <input file>");
        std::process::exit(2);
    };
    let data = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    match costintent_fuzz::structured::case(&data) {
        Some(case) => print!("{}", case.to_file()),
        None => {
            eprintln!(
                "{path}: the bytes make no scenario (an edit produced a tree TOML cannot write)"
            );
            std::process::exit(1);
        }
    }
}
