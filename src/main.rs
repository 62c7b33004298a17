//! The `claim-lsp` binary: language server by default, `check` and `explain` on demand.

fn main() {
    // CLAIM_LSP_ALLOCATOR_DEFAULTS=1 leaves glibc's defaults, to measure the difference.
    if std::env::var_os("CLAIM_LSP_ALLOCATOR_DEFAULTS").is_none() {
        claim_lsp::analysis::memory::configure_allocator();
    }
    let code = claim_lsp::cli::run(std::env::args_os().skip(1).collect());
    std::process::exit(code);
}
