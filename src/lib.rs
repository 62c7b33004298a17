//! claim-lsp: a language server and checker for ASC X12 837 claim files.
//!
//! Layers depend only downward: `syntax → model → rules → ide → lsp | cli`; `guide`
//! (implementation-guide names) and `codes` (HCPCS knowledge) are data that any layer
//! above `syntax` may read.

pub mod analysis;
pub mod calendar;
pub mod cli;
pub mod codes;
pub mod config;
pub mod decimal;
pub mod diagnostic;
pub mod fix;
pub mod guide;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod syntax;
pub mod text;
