// Pure mapping from the VS Code `claimLsp` configuration section to the
// settings object the claim-lsp server reads. No `vscode` import here, so the
// mapping runs under plain `node --test`.

/** Severities a rule can be set to, as the server accepts them. */
export const SEVERITIES = ['off', 'error', 'warning', 'info', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The server's settings object: initializationOptions and `settings.claimLsp`. */
export interface ClaimLspSettings {
  rules: Record<string, Severity>;
  codeTables: { hcpcsFile?: string };
  configFile?: string;
}

/** The part of `vscode.WorkspaceConfiguration` the mapping needs. */
export interface ConfigurationLike {
  get<T>(key: string): T | undefined;
}

/** Reads dotted keys from a plain object, the way WorkspaceConfiguration does. */
export function fromObject(section: unknown): ConfigurationLike {
  return {
    get<T>(key: string): T | undefined {
      let value: unknown = section;
      for (const part of key.split('.')) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Record<string, unknown>)[part];
      }
      return value as T | undefined;
    },
  };
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Builds the server's settings from the `claimLsp` section. Client-only keys
 * (`server.path`, `trace.server`) are left out; unknown severities and empty
 * paths are dropped so that the server falls back to its defaults.
 */
export function toSettings(config: ConfigurationLike): ClaimLspSettings {
  const rules: Record<string, Severity> = {};
  const configuredRules = config.get<unknown>('rules');
  if (configuredRules !== null && typeof configuredRules === 'object' && !Array.isArray(configuredRules)) {
    for (const [id, severity] of Object.entries(configuredRules as Record<string, unknown>)) {
      const normalized = typeof severity === 'string' ? severity.trim().toLowerCase() : severity;
      if (id.trim() !== '' && isSeverity(normalized)) rules[id.trim()] = normalized;
    }
  }

  const settings: ClaimLspSettings = { rules, codeTables: {} };
  const hcpcsFile = nonEmptyString(config.get<unknown>('codeTables.hcpcsFile'));
  if (hcpcsFile !== undefined) settings.codeTables.hcpcsFile = hcpcsFile;
  const configFile = nonEmptyString(config.get<unknown>('configFile'));
  if (configFile !== undefined) settings.configFile = configFile;
  return settings;
}

/** initializationOptions sent with `initialize`. */
export function toInitializationOptions(config: ConfigurationLike): ClaimLspSettings {
  return toSettings(config);
}

/** Params of `workspace/didChangeConfiguration`, as the server expects them. */
export function toDidChangeConfigurationParams(config: ConfigurationLike): {
  settings: { claimLsp: ClaimLspSettings };
} {
  return { settings: { claimLsp: toSettings(config) } };
}

/** The command that starts the server over stdio. */
export function serverCommand(config: ConfigurationLike): { command: string; args: string[] } {
  return { command: nonEmptyString(config.get<unknown>('server.path')) ?? 'claim-lsp', args: ['serve'] };
}

/** Extensions that are X12 only when the content starts with an ISA segment. */
const SNIFFED_EXTENSIONS = ['.txt', '.dat'];

/**
 * Whether a file that VS Code did not recognize by extension is an X12
 * interchange: a `.txt` or `.dat` file whose text starts with `ISA` and an
 * element separator (an optional BOM and leading whitespace allowed).
 */
export function looksLikeX12(fileName: string, firstLine: string): boolean {
  const lower = fileName.toLowerCase();
  if (!SNIFFED_EXTENSIONS.some((ext) => lower.endsWith(ext))) return false;
  return /^\uFEFF?\s*ISA[^A-Za-z0-9\s]/.test(firstLine);
}
