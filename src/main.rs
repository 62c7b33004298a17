//! The `claim-lsp` binary: language server by default, `check` and `explain` on demand.

fn main() {
    let code = claim_lsp::cli::run(std::env::args_os().skip(1).collect());
    std::process::exit(code);
}
