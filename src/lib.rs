//! claim-lsp: a language server and checker for ASC X12 837 claim files.
//!
//! Layers, lowest first; a module uses only modules listed before it (a test,
//! `tests/layers.rs`, reads `src/` and fails on any edge that points up or closes a cycle):
//!
//! text, calendar, decimal, syntax, csv, diagnostic, model, codes, guide, config, edit, rules,
//! analysis, ide, lsp, cli
//!
//! `text` turns bytes into text and offsets into positions; `syntax` is the lossless X12
//! parser and `csv` the charge-file reader (CSV/TSV charge exports); `model` the claims
//! built on them; `codes` (HCPCS knowledge), `guide` (implementation-guide tables) and
//! `config` (settings, payer policy, loaded tables) are data the rules read; `edit` is the
//! vocabulary of changes rules repair with; `analysis` is the one entry point the server
//! and the CLI go through; `ide` holds editor features as plain data; only `lsp` knows
//! LSP types.

pub mod analysis;
pub mod calendar;
pub mod cli;
pub mod codes;
pub mod config;
pub mod csv;
pub mod decimal;
pub mod diagnostic;
pub mod edit;
pub mod guide;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod syntax;
pub mod text;
