//! Editor features as plain data (markdown text, byte ranges); only `lsp` knows LSP types.

mod charge_hover;
pub mod code_docs;
pub mod completion;
mod element_guide;
mod fix_all;
pub mod fixes;
pub mod folding;
pub mod formatting;
pub mod hover;
pub mod inlay_hints;
pub mod navigation;
pub mod ndc_hover;
pub mod semantic_tokens;
pub mod symbols;

pub use fix_all::{fix_all, FixAll};
