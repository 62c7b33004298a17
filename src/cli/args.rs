//! Argument parsing, by hand: the grammar is small and a dependency would not pay.

use std::path::PathBuf;

pub const USAGE: &str = "\
claim-lsp — checks ASC X12 837 claim files, in your editor or your pipeline

USAGE:
    claim-lsp [serve]                     language server on stdio
    claim-lsp check [OPTIONS] PATH...     check files or folders
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
                          changed on disk since it was read is left alone), then report
                          what remains
    --diff                print what --fix would change as a unified diff; write nothing

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

pub(super) fn parse(arguments: Vec<String>) -> Result<Command, String> {
    let mut arguments = arguments.into_iter();
    let Some(first) = arguments.next() else { return Ok(Command::Serve) };
    match first.as_str() {
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
            "--baseline" => options.pipeline.baseline = Some(PathBuf::from(arguments.value(&name, inline)?)),
            "--write-baseline" => {
                options.pipeline.write_baseline = Some(PathBuf::from(arguments.value(&name, inline)?))
            }
            "--docs-url" => options.pipeline.docs_url = Some(arguments.value(&name, inline)?),
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

fn parse_redact(arguments: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut arguments = Arguments { rest: arguments };
    let (mut input, mut output) = (None, None);
    while let Some(argument) = arguments.next() {
        let (name, inline) = match argument {
            Argument::Word(path) if input.is_none() => {
                input = Some(PathBuf::from(path));
                continue;
            }
            Argument::Word(path) => return Err(format!("redact takes one file; `{path}` is a second")),
            Argument::Flag { name, inline } => (name, inline),
        };
        match name.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(arguments.value(&name, inline)?)),
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
