//! Editor features as plain data (markdown text, byte ranges); only `lsp` knows LSP types.

pub mod code_docs;
mod fix_all;
pub mod fixes;
pub mod hover;

pub use fix_all::{fix_all, FixAll};
