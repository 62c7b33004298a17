//! Lossless X12 syntax: segments, elements, repetitions and components with byte spans.
//!
//! The parser never fails: it returns a tree plus the problems it met, and the tree
//! together with its trivia covers every byte of the input exactly once, so the text can
//! always be rebuilt and edits can touch only the bytes they mean to.

mod delimiters;
mod parser;
mod span;
mod tree;

pub use delimiters::Delimiters;
pub use parser::parse;
pub use span::Span;
pub use tree::{Element, Segment, SegmentIndex, SegmentTag, SyntaxError, SyntaxErrorKind, SyntaxTree};
