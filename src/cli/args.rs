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
    claim-lsp redact FILE -o OUT          a copy to share: identities replaced, findings kept
    claim-lsp --version | --help

CHECK OPTIONS:
    --format human|json|sarif|junit|jsonl
                          output format (default: human); sarif for code scanning,
                          junit for CI test reports, jsonl one finding per line
    --fail-on error|warning|info|never
                          exit 1 when a finding at this severity or above remains
                          (default: error)
    --max-findings N      print at most N findings (the summary still counts all)
    --baseline FILE       report only findings that are not in this baseline
    --write-baseline FILE record the current findings as the baseline and exit 0
    --docs-url URL        base of the rule pages linked from SARIF (default:
                          docs/rules/, relative to the claim-lsp repository)
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
    0  no finding at the --fail-on level or above (with --diff: nothing to fix)
    1  at least one such finding (with --diff: something to fix)
    2  usage or I/O error, or a fixed file that could not be written
";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Junit,
    Jsonl,
}

/// `--fail-on`: the lowest severity that makes the run fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    Info,
    Never,
}

/// What `check` does with findings besides printing them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PipelineOptions {
    pub fail_on: FailOn,
    pub max_findings: Option<usize>,
    pub baseline: Option<PathBuf>,
    pub write_baseline: Option<PathBuf>,
    pub docs_url: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct RedactOptions {
    pub input: PathBuf,
    pub output: PathBuf,
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
    pub pipeline: PipelineOptions,
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
    Redact(RedactOptions),
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
        "redact" => parse_redact(arguments),
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
        pipeline: PipelineOptions::default(),
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
                    "sarif" => Format::Sarif,
                    "junit" => Format::Junit,
                    "jsonl" => Format::Jsonl,
                    other => return Err(format!("--format must be human, json, sarif, junit or jsonl, not `{other}`")),
                }
            }
            "--fail-on" => {
                options.pipeline.fail_on = match arguments.value(&name, inline)?.as_str() {
                    "error" => FailOn::Error,
                    "warning" => FailOn::Warning,
                    "info" => FailOn::Info,
                    "never" => FailOn::Never,
                    other => return Err(format!("--fail-on must be error, warning, info or never, not `{other}`")),
                }
            }
            "--max-findings" => {
                let value = arguments.value(&name, inline)?;
                let count = value.parse().map_err(|_| format!("--max-findings needs a number, not `{value}`"))?;
                options.pipeline.max_findings = Some(count);
            }
            "--baseline" => options.pipeline.baseline = Some(PathBuf::from(arguments.value_os(&name, inline)?)),
            "--write-baseline" => {
                options.pipeline.write_baseline = Some(PathBuf::from(arguments.value_os(&name, inline)?))
            }
            "--docs-url" => options.pipeline.docs_url = Some(arguments.value(&name, inline)?),
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

fn parse_redact(arguments: impl Iterator<Item = OsString>) -> Result<Command, String> {
    let mut arguments = Arguments::new(arguments);
    let (mut input, mut output) = (None, None);
    while let Some(argument) = arguments.next() {
        let (name, inline) = match argument {
            Argument::Word(path) if input.is_none() => {
                input = Some(PathBuf::from(path));
                continue;
            }
            Argument::Word(path) => {
                return Err(format!("redact takes one file; `{}` is a second", path.to_string_lossy()))
            }
            Argument::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(arguments.value_os(&name, inline)?)),
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    match (input, output) {
        (Some(input), Some(output)) => Ok(Command::Redact(RedactOptions { input, output })),
        (None, _) => Err("redact needs a file, e.g. claim-lsp redact claims.837 -o shareable.837".into()),
        (Some(_), None) => Err("redact needs -o OUT, the file to write the redacted copy to".into()),
    }
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

    #[test]
    fn reads_pipeline_options() {
        let command = parse(strings(&[
            "check",
            "--format=sarif",
            "--fail-on",
            "warning",
            "--max-findings=3",
            "--baseline",
            "b.json",
            "--write-baseline=w.json",
            "a.837",
        ]));
        let Ok(Command::Check(options)) = command else { panic!("{command:?}") };
        assert_eq!(options.format, Format::Sarif);
        assert_eq!(options.pipeline.fail_on, FailOn::Warning);
        assert_eq!(options.pipeline.max_findings, Some(3));
        assert_eq!(options.pipeline.baseline, Some(PathBuf::from("b.json")));
        assert_eq!(options.pipeline.write_baseline, Some(PathBuf::from("w.json")));
        assert!(parse(strings(&["check", "--fail-on", "hint", "a"])).is_err());
        assert!(parse(strings(&["check", "--max-findings", "-1", "a"])).is_err());
    }

    #[test]
    fn reads_redact_options() {
        let command = parse(strings(&["redact", "in.837", "-o", "out.837"]));
        let expected = RedactOptions { input: PathBuf::from("in.837"), output: PathBuf::from("out.837") };
        assert_eq!(command, Ok(Command::Redact(expected)));
        assert!(parse(strings(&["redact", "in.837"])).is_err());
        assert!(parse(strings(&["redact", "-o", "out.837"])).is_err());
        assert!(parse(strings(&["redact", "a.837", "b.837", "-o", "out.837"])).is_err());
    }
}
