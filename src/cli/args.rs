//! Argument parsing, by hand: the grammar is small and a dependency would not pay.

use std::ffi::OsString;
use std::path::PathBuf;

pub const USAGE: &str = "\
claim-lsp — checks ASC X12 837 claim files, in your editor or your pipeline

USAGE:
    claim-lsp [serve]                     language server on stdio
    claim-lsp check [OPTIONS] [--] PATH...
                                          check files or folders (after `--`, every
                                          argument is a path, even one starting with -)
    claim-lsp explain [--format text|markdown] CODE...
                                          explain HCPCS codes and modifiers (J2700, JW)
    claim-lsp --version | --help

CHECK OPTIONS:
    --format human|json   output format (default: human)
    --config FILE         settings file (JSON, e.g. .claim-lsp.json)
    --hcpcs-file FILE     a CMS HCPCS ANWEB fixed-width file replacing the built-in table
    --fix                 apply every safe fix and write the files (atomically; a file
                          changed on disk since it was read is left alone, and so is a
                          read-only one), then report what remains
    --force               with --fix, also write files that are read-only (no write bit
                          for their owner)
    --diff                print what --fix would change as a unified diff; write nothing
    --max-file-size SIZE  skip claim files larger than SIZE bytes (K, M, G suffixes;
                          default 2G)

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
    /// With `fix`, write read-only files too.
    pub force: bool,
    /// The largest claim file read, in bytes.
    pub max_file_size: u64,
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

pub(super) fn parse(arguments: Vec<OsString>) -> Result<Command, String> {
    let mut arguments = arguments.into_iter();
    let Some(first) = arguments.next() else { return Ok(Command::Serve) };
    let first = first.to_string_lossy();
    match first.as_ref() {
        "serve" => Ok(Command::Serve),
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "check" => parse_check(arguments),
        "explain" => parse_explain(arguments),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// One command-line argument: a flag (`--format json` or `--format=json`) or a word.
/// Words (paths) may be any bytes the system allows; flags are UTF-8.
enum Argument {
    Flag { name: String, inline: Option<OsString> },
    Word(OsString),
}

/// Reads arguments one at a time; a flag's value is inline or the next argument.
/// After `--`, every argument is a word.
struct Arguments<I> {
    rest: I,
    only_words: bool,
}

impl<I: Iterator<Item = OsString>> Arguments<I> {
    fn new(rest: I) -> Self {
        Self { rest, only_words: false }
    }

    fn next(&mut self) -> Option<Argument> {
        let argument = self.rest.next()?;
        if self.only_words {
            return Some(Argument::Word(argument));
        }
        let Some(text) = argument.to_str() else { return Some(Argument::Word(argument)) };
        if text == "--" {
            self.only_words = true;
            return self.next();
        }
        Some(match text.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                Argument::Flag { name: name.to_string(), inline: Some(value.into()) }
            }
            _ if text.starts_with('-') && text.len() > 1 => Argument::Flag { name: text.to_string(), inline: None },
            _ => Argument::Word(argument),
        })
    }

    fn value_os(&mut self, name: &str, inline: Option<OsString>) -> Result<OsString, String> {
        inline.or_else(|| self.rest.next()).ok_or(format!("{name} needs a value"))
    }

    fn value(&mut self, name: &str, inline: Option<OsString>) -> Result<String, String> {
        self.value_os(name, inline)?.into_string().map_err(|_| format!("{name} needs a UTF-8 value"))
    }
}

/// `2G`, `64M`, `500K` or plain bytes.
fn byte_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (at, 'k' | 'K') => (text.get(..at)?, 1 << 10),
        (at, 'm' | 'M') => (text.get(..at)?, 1 << 20),
        (at, 'g' | 'G') => (text.get(..at)?, 1 << 30),
        _ => (text, 1),
    };
    digits.parse::<u64>().ok()?.checked_mul(unit).filter(|size| *size > 0)
}

fn parse_check(arguments: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut arguments = Arguments::new(arguments);
    let mut options = CheckOptions {
        paths: Vec::new(),
        format: Format::Human,
        config: None,
        hcpcs_file: None,
        fix: false,
        diff: false,
        force: false,
        max_file_size: crate::text::CLAIM_LIMIT,
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
            "--config" => options.config = Some(PathBuf::from(arguments.value_os(&name, inline)?)),
            "--hcpcs-file" => options.hcpcs_file = Some(PathBuf::from(arguments.value_os(&name, inline)?)),
            "--fix" if inline.is_none() => options.fix = true,
            "--diff" if inline.is_none() => options.diff = true,
            "--force" if inline.is_none() => options.force = true,
            "--max-file-size" => {
                let value = arguments.value(&name, inline)?;
                options.max_file_size = byte_size(&value)
                    .ok_or(format!("--max-file-size takes a size such as 500M or 2G, not `{value}`"))?;
            }
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if options.paths.is_empty() {
        return Err("check needs at least one file or folder".into());
    }
    if options.fix && options.diff {
        return Err("--fix writes the files and --diff only shows the changes; choose one".into());
    }
    if options.force && !options.fix {
        return Err("--force only applies with --fix".into());
    }
    Ok(Command::Check(options))
}

fn parse_explain(arguments: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut arguments = Arguments::new(arguments);
    let mut options = ExplainOptions { codes: Vec::new(), markdown: false, hcpcs_file: None };
    while let Some(argument) = arguments.next() {
        let (name, inline) = match argument {
            Argument::Word(code) => {
                let code = code.into_string().map_err(|code| format!("`{}` is not a code", code.to_string_lossy()))?;
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
            "--hcpcs-file" => options.hcpcs_file = Some(PathBuf::from(arguments.value_os(&name, inline)?)),
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

    fn strings(items: &[&str]) -> Vec<OsString> {
        items.iter().map(OsString::from).collect()
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

    #[test]
    fn a_double_dash_ends_the_options() {
        let command = parse(strings(&["check", "--fix", "--", "-claims.837", "--diff"]));
        let Ok(Command::Check(options)) = command else { panic!("{command:?}") };
        assert_eq!(options.paths, [PathBuf::from("-claims.837"), PathBuf::from("--diff")]);
        assert!(options.fix && !options.diff);
    }

    #[test]
    fn fix_with_diff_or_force_without_fix_is_a_usage_error() {
        for args in
            [&["check", "--fix", "--diff", "a"][..], &["check", "--force", "a"], &["check", "--diff", "--force", "a"]]
        {
            assert!(parse(strings(args)).is_err(), "{args:?}");
        }
        assert!(matches!(parse(strings(&["check", "--fix", "--force", "a"])), Ok(Command::Check(o)) if o.force));
    }

    #[test]
    fn file_sizes_read_with_units() {
        assert_eq!(byte_size("2G"), Some(2 << 30));
        assert_eq!(byte_size("500k"), Some(500 << 10));
        assert_eq!(byte_size("1048576"), Some(1 << 20));
        for bad in ["", "G", "0", "-1M", "1T", "99999999999999G", "1.5G"] {
            assert_eq!(byte_size(bad), None, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn paths_need_not_be_utf8() {
        use std::os::unix::ffi::OsStringExt;
        let path = OsString::from_vec(b"claims-\xFF.837".to_vec());
        let command = parse(vec!["check".into(), "--config".into(), path.clone(), path.clone()]);
        let Ok(Command::Check(options)) = command else { panic!("{command:?}") };
        assert_eq!(options.paths, [PathBuf::from(&path)]);
        assert_eq!(options.config, Some(PathBuf::from(&path)));
        assert!(parse(vec!["explain".into(), path]).is_err(), "a code is text");
    }
}
