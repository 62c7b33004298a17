//! `--diff`: what `--fix` would change, as a unified diff.
//!
//! Files with line breaks get an ordinary line diff (`git apply` and `patch` take it).
//! A file written without line breaks is one line of megabytes; its diff shows one
//! segment per line instead, for reading, and says so.

use similar::TextDiff;

/// The unified diff from `old` to `new`, labelled with `name`; empty when they are equal.
pub(super) fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let has_line_breaks = old.contains('\n') || old.contains('\r');
    let (old_lines, new_lines, note) = if has_line_breaks {
        (old.to_string(), new.to_string(), String::new())
    } else {
        (
            one_segment_per_line(old),
            one_segment_per_line(new),
            format!("# {name} has no line breaks: shown one segment per line (for reading; not a patch)\n"),
        )
    };
    let diff = TextDiff::from_lines(&old_lines, &new_lines);
    let body = diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")).to_string();
    format!("{note}{body}")
}

fn one_segment_per_line(text: &str) -> String {
    let tree = crate::syntax::parse(text);
    let mut out = String::with_capacity(text.len() + tree.segments.len());
    for segment in &tree.segments {
        out.push_str(segment.span().text(text));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn diffs_lines_or_segments() {
        let diff = unified("a.837", "LX*1~\nSV1*A~\nSE*3*1~\n", "LX*1~\nSV1*A~\nSE*4*1~\n");
        assert!(diff.starts_with("--- a/a.837\n+++ b/a.837\n@@"), "{diff}");
        assert!(diff.contains("-SE*3*1~\n+SE*4*1~\n"), "{diff}");
        let flat = unified("b.837", "LX*1~SV1*A~SE*3*1~", "LX*1~SV1*A~SE*4*1~");
        assert!(flat.starts_with("# b.837 has no line breaks"), "{flat}");
        assert!(flat.contains("-SE*3*1~\n+SE*4*1~\n"), "{flat}");
        assert_eq!(unified("c.837", "same", "same"), "");
    }
}
