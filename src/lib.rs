//! claim-lsp: a language server and checker for ASC X12 837 claim files.
//!
//! Layers depend only downward: `syntax → model → rules → ide → lsp | cli`.

pub mod calendar;
pub mod codes;
pub mod ide;
