//! Bytes → text: encodings and BOMs on the way in and out, and the line index that turns
//! byte offsets into lines and columns at the edges (LSP, terminal), and reading files
//! with a cap and without blocking. Nothing above it.

mod encoding;
mod file;
mod position;

pub use encoding::{decode, detect, encode, looks_like_x12, Encoding};
pub use file::{kind as file_kind, read_capped, size, ReadRefused, CLAIM_LIMIT, CONFIG_LIMIT, TABLE_LIMIT};
pub use position::{line_column, offset, LineColumn, PositionEncoding};
