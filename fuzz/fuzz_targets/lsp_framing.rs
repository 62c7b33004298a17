//! Any bytes as the server's input stream, fed in chunks of any size: the frame reader
//! never panics, always makes progress (every message or rejection consumes at least one
//! byte, so reading ends), and decoding any body never panics.
#![no_main]

use claim_lsp::lsp::framing::{decode, FrameReader, Framed};
use libfuzzer_sys::fuzz_target;

/// Feeds `input` to a reader `chunk` bytes at a time, as the transport does.
fn read_all(input: &[u8], chunk: usize) {
    let mut reader = FrameReader::new(1 << 20);
    let mut buffer: Vec<u8> = Vec::new();
    let mut fed = 0;
    // Each step consumes a byte or feeds more: this bound can only be hit by a stall.
    let mut steps = 0;
    loop {
        steps += 1;
        assert!(steps < 4 * (input.len() + 16) + 64, "the frame reader stopped making progress");
        let at_end = fed >= input.len();
        match reader.next(&buffer, at_end) {
            Framed::Message { consumed, .. } => {
                assert!(consumed > 0, "a message consumed nothing");
                buffer.drain(..consumed.min(buffer.len()));
            }
            Framed::Rejected { consumed, .. } => {
                assert!(consumed > 0, "a rejection consumed nothing");
                buffer.drain(..consumed.min(buffer.len()));
            }
            Framed::Incomplete { consumed } => {
                buffer.drain(..consumed.min(buffer.len()));
                if at_end {
                    break;
                }
                let next = (fed + chunk).min(input.len());
                buffer.extend_from_slice(&input[fed..next]);
                fed = next;
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = decode(data);
    let chunk = usize::from(data.first().copied().unwrap_or(1)).max(1);
    read_all(data, chunk);
});
