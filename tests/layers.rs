//! The module graph points one way. Reads `src/`, collects the `crate::<module>`
//! references between top-level modules in non-test code, and fails on any cycle or any
//! edge that points up the layer order `src/lib.rs` states — naming the edge and a file
//! that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// `from → to`, with one file (and line) that makes the edge.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_cycle() {
    let graph = module_graph(&src());
    assert!(graph.len() >= 10, "the walk found too few modules: {:?}", graph.keys());
    if let Some(cycle) = find_cycle(&graph) {
        let edges: Vec<String> = cycle
            .windows(2)
            .map(|pair| format!("  {} → {} ({})", pair[0], pair[1], graph[&pair[0]][&pair[1]]))
            .collect();
        panic!("the modules form a cycle:\n{}", edges.join("\n"));
    }
}

#[test]
fn every_edge_points_down_the_layers_lib_rs_states() {
    let order = stated_layers();
    let graph = module_graph(&src());
    let modules: BTreeSet<&String> = graph.keys().collect();
    let listed: BTreeSet<&String> = order.iter().collect();
    assert_eq!(modules, listed, "src/lib.rs's layer list and the top-level modules differ");
    let rank = |module: &str| order.iter().position(|m| m == module);
    let mut upward = Vec::new();
    for (from, targets) in &graph {
        for (to, place) in targets {
            if rank(to) >= rank(from) {
                upward.push(format!("  {from} → {to} ({place})"));
            }
        }
    }
    assert!(upward.is_empty(), "edges that point up the layers of src/lib.rs:\n{}", upward.join("\n"));
}

#[test]
fn the_readme_layout_lists_every_module() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap_or_default();
    let layout = readme.split("## Layout").nth(1).unwrap_or_default();
    for module in stated_layers() {
        assert!(layout.contains(&format!("`src/{module}")), "README's Layout section does not list src/{module}");
    }
}

/// A graph with a back-edge is caught (the check itself can fail).
#[test]
fn a_back_edge_is_found() {
    let mut graph = Graph::new();
    graph.entry("rules".into()).or_default().insert("edit".into(), "a.rs:1".into());
    graph.entry("edit".into()).or_default().insert("text".into(), "b.rs:1".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("edit".into()).or_default().insert("rules".into(), "b.rs:2".into());
    assert_eq!(find_cycle(&graph), Some(vec!["edit".to_string(), "rules".into(), "edit".into()]));
}

/// The layer list in `src/lib.rs`: the doc paragraph of comma-separated module names
/// that starts with `text,`.
fn stated_layers() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap_or_default();
    let paragraph: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("//!"))
        .map(str::trim)
        .skip_while(|line| !line.starts_with("text,"))
        .take_while(|line| !line.is_empty())
        .collect();
    paragraph.join(" ").split(',').map(|name| name.trim().to_string()).filter(|name| !name.is_empty()).collect()
}

fn module_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    let Ok(entries) = std::fs::read_dir(src) else { return graph };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        let targets = graph.entry(name.clone()).or_default();
        for file in rust_files(&path) {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let shown = file.strip_prefix(src).unwrap_or(&file).display().to_string();
            for (line_number, line) in non_test_lines(&text) {
                for target in crate_references(line) {
                    if target != name {
                        targets.entry(target).or_insert_with(|| format!("src/{shown}:{line_number}"));
                    }
                }
            }
        }
    }
    graph
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return if path.extension().is_some_and(|e| e == "rs") { vec![path.to_path_buf()] } else { Vec::new() };
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
        let path = entry.path();
        // `tests.rs` files are test modules (`#[cfg(test)] mod tests;`).
        if path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        files.extend(rust_files(&path));
    }
    files
}

/// The lines outside `#[cfg(test)]` items and comments, numbered from 1. A `#[cfg(test)]`
/// item runs from the attribute to the close of the first brace block after it (or to
/// its `;` for `mod tests;`).
fn non_test_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut skipping = false;
    let mut depth = 0i32;
    let mut opened = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if !skipping && trimmed.starts_with("#[cfg(test)]") {
            skipping = true;
            depth = 0;
            opened = false;
            continue;
        }
        if skipping {
            let code = trimmed.split("//").next().unwrap_or_default();
            for c in code.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if (opened && depth <= 0) || (!opened && code.trim_end().ends_with(';')) {
                skipping = false;
            }
            continue;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        lines.push((index + 1, line));
    }
    lines
}

/// Top-level modules named by `crate::name` or `crate::{a, b::c}` on a line.
fn crate_references(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        // `claim_lsp::crate::` does not occur; `super::crate` is not Rust. Skip `_crate::`.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            found.extend(inner.split(',').filter_map(|part| leading_ident(part.trim())));
        } else {
            found.extend(leading_ident(rest));
        }
    }
    found
}

fn leading_ident(text: &str) -> Option<String> {
    let ident: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!ident.is_empty() && ident != "self").then_some(ident)
}

/// A cycle as a path that starts and ends at the same module, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut cycle = path[start..].to_vec();
                cycle.push(node.to_string());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(|targets| targets.keys()) {
            if let Some(cycle) = visit(next, graph, marks, path) {
                return Some(cycle);
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        let mut path = Vec::new();
        if let Some(cycle) = visit(node, graph, &mut marks, &mut path) {
            return Some(cycle);
        }
    }
    None
}
