//! Bytes → text: encodings and BOMs on the way in and out, and the line index that turns
//! byte offsets into lines and columns at the edges (LSP, terminal). Nothing above it.

mod encoding;
mod position;

pub use encoding::{decode, detect, encode, looks_like_x12, Encoding};
pub use position::{line_column, offset, LineColumn, PositionEncoding};
