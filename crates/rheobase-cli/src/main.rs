//! The `rheobase` program; see `rheobase --help` and docs/model-files.md.

fn main() {
    std::process::exit(rheobase_cli::cli::main());
}
