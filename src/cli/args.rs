//! Argument parsing, by hand: the grammar is small and a dependency would not pay.

use std::path::PathBuf;

pub const USAGE: &str = "\
claim-lsp — checks ASC X12 837 claim files, in your editor or your pipeline

USAGE:
    claim-lsp [serve]                     language server on stdio
    claim-lsp check [OPTIONS] PATH...     check files or folders
    claim-lsp explain [--format text|markdown] CODE...
                                          explain HCPCS codes and modifiers (J2700, JW)
    claim-lsp --version | --help

CHECK OPTIONS:
    --format human|json   output format (default: human)
    --config FILE         settings file (JSON, e.g. .claim-lsp.json)
    --hcpcs-file FILE     a CMS HCPCS ANWEB fixed-width file replacing the built-in table
    --fix                 apply every safe fix and write the files (atomically; a file
                          changed on disk since it was read is left alone), then report
                          what remains
    --diff                print what --fix would change as a unified diff; write nothing

EXIT CODES:
    0  no error-level diagnostic (with --diff: nothing to fix)
    1  at least one error-level diagnostic (with --diff: something to fix)
    2  usage or I/O error, or a fixed file that could not be written
";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(Debug, PartialEq, Eq)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub config: Option<PathBuf>,
    pub hcpcs_file: Option<PathBuf>,
    /// Apply safe fixes and write the files.
    pub fix: bool,
    /// Print the fixes as a diff instead of writing them.
    pub diff: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ExplainOptions {
    pub codes: Vec<String>,
    pub markdown: bool,
    pub hcpcs_file: Option<PathBuf>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    Help,
    Version,
    Check(CheckOptions),
    Explain(ExplainOptions),
}

pub(super) fn parse(arguments: Vec<String>) -> Result<Command, String> {
    let mut arguments = arguments.into_iter();
    let Some(first) = arguments.next() else { return Ok(Command::Serve) };
    match first.as_str() {
        "serve" => Ok(Command::Serve),
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "check" => parse_check(arguments),
        "explain" => parse_explain(arguments),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// One command-line argument: a flag (`--format json` or `--format=json`) or a word.
enum Argument {
    Flag { name: String, inline: Option<String> },
    Word(String),
}

/// Reads arguments one at a time; a flag's value is inline or the next argument.
struct Arguments<I> {
    rest: I,
}

impl<I: Iterator<Item = String>> Arguments<I> {
    fn next(&mut self) -> Option<Argument> {
        let argument = self.rest.next()?;
        Some(match argument.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                Argument::Flag { name: name.to_string(), inline: Some(value.to_string()) }
            }
            _ if argument.starts_with('-') && argument.len() > 1 => Argument::Flag { name: argument, inline: None },
            _ => Argument::Word(argument),
        })
    }

    fn value(&mut self, name: &str, inline: Option<String>) -> Result<String, String> {
        inline.or_else(|| self.rest.next()).ok_or(format!("{name} needs a value"))
    }
}

fn parse_check(arguments: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut arguments = Arguments { rest: arguments };
    let mut options = CheckOptions {
        paths: Vec::new(),
        format: Format::Human,
        config: None,
        hcpcs_file: None,
        fix: false,
        diff: false,
    };
    while let Some(argument) = arguments.next() {
        let (name, inline) = match argument {
            Argument::Word(path) => {
                options.paths.push(PathBuf::from(path));
                continue;
            }
            Argument::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "--format" => {
                options.format = match arguments.value(&name, inline)?.as_str() {
                    "human" => Format::Human,
                    "json" => Format::Json,
                    other => return Err(format!("--format must be human or json, not `{other}`")),
                }
            }
            "--config" => options.config = Some(PathBuf::from(arguments.value(&name, inline)?)),
            "--hcpcs-file" => options.hcpcs_file = Some(PathBuf::from(arguments.value(&name, inline)?)),
            "--fix" if inline.is_none() => options.fix = true,
            "--diff" if inline.is_none() => options.diff = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if options.paths.is_empty() {
        return Err("check needs at least one file or folder".into());
    }
    Ok(Command::Check(options))
}

fn parse_explain(arguments: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut arguments = Arguments { rest: arguments };
    let mut options = ExplainOptions { codes: Vec::new(), markdown: false, hcpcs_file: None };
    while let Some(argument) = arguments.next() {
        let (name, inline) = match argument {
            Argument::Word(code) => {
                options.codes.push(code.trim().to_ascii_uppercase());
                continue;
            }
            Argument::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "--format" => {
                options.markdown = match arguments.value(&name, inline)?.as_str() {
                    "text" | "plain" => false,
                    "markdown" | "md" => true,
                    other => return Err(format!("--format must be text or markdown, not `{other}`")),
                }
            }
            "--hcpcs-file" => options.hcpcs_file = Some(PathBuf::from(arguments.value(&name, inline)?)),
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if options.codes.is_empty() {
        return Err("explain needs a code, e.g. claim-lsp explain J2700".into());
    }
    Ok(Command::Explain(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn reads_check_options() {
        let command = parse(strings(&["check", "--format=json", "a.837", "--config", "c.json", "dir"]));
        let Ok(Command::Check(options)) = command else { panic!("{command:?}") };
        assert_eq!(options.format, Format::Json);
        assert_eq!(options.paths.len(), 2);
        assert_eq!(options.config, Some(PathBuf::from("c.json")));
        assert!(parse(strings(&["check"])).is_err());
        assert!(parse(strings(&["check", "--format", "xml", "a"])).is_err());
        assert_eq!(parse(vec![]), Ok(Command::Serve));
    }
}
