// Pure mapping from the VS Code `claimLsp` configuration section to the
// settings object the claim-lsp server reads (its `Settings::from_json`). No
// `vscode` import here, so the mapping runs under plain `node --test`.
import * as path from 'node:path';

/** Severities a rule can be set to, as the server accepts them. */
export const SEVERITIES = ['off', 'error', 'warning', 'info', 'hint'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * A payer policy layer (`policy`, and each entry of `payerClasses` and
 * `payers`). The server validates the fields and reports bad ones to the user,
 * so the client passes the object through as the user wrote it.
 */
export type PolicyLayer = Record<string, unknown>;

/** The server's settings object: initializationOptions and `settings.claimLsp`. */
export interface ClaimLspSettings {
  rules: Record<string, Severity>;
  codeTables: { hcpcsFile?: string };
  mueFile?: string;
  ndcCrosswalkFile?: string;
  policy?: PolicyLayer;
  payerClasses?: Record<string, PolicyLayer>;
  payers?: Record<string, PolicyLayer>;
  /** Sent for servers that honor it; claim-lsp 0.1 reads `.claim-lsp.json` at the workspace root. */
  configFile?: string;
  /** Which inlay hints the server sends. */
  inlayHints?: { dose?: boolean; qualifiers?: boolean; segmentNames?: boolean };
  /** What formatting does: `segment-per-line` or `single-line`. */
  format?: { style: string };
  /** Most diagnostics the server publishes per document. */
  maxDiagnostics?: number;
}

/** The server's own `maxDiagnostics` default; not sent, so older servers never see the key. */
export const DEFAULT_MAX_DIAGNOSTICS = 5000;

/** The part of `vscode.WorkspaceConfiguration` the mapping needs. */
export interface ConfigurationLike {
  get<T>(key: string): T | undefined;
}

/** Where relative and `~` paths in the settings point. */
export interface PathContext {
  /** The first workspace folder: relative data file paths resolve against it. */
  workspaceFolder?: string;
  /** The user's home folder, for paths that start with `~/`. */
  homeDir?: string;
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A data file path as the server should get it: `~/` expanded and relative
 * paths made absolute against the workspace folder, because the server
 * resolves relative editor paths against its own working directory, which the
 * user cannot see.
 */
export function resolveUserPath(value: string, context: PathContext = {}): string {
  let resolved = value;
  if ((resolved === '~' || resolved.startsWith('~/')) && context.homeDir) {
    resolved = path.join(context.homeDir, resolved.slice(1));
  }
  if (!path.isAbsolute(resolved) && context.workspaceFolder) {
    resolved = path.join(context.workspaceFolder, resolved);
  }
  return resolved;
}

function dataFile(config: ConfigurationLike, key: string, context: PathContext): string | undefined {
  const value = nonEmptyString(config.get<unknown>(key));
  return value === undefined ? undefined : resolveUserPath(value, context);
}

/** A non-empty object of policy layers, or undefined so the server's file decides. */
function layers(value: unknown): Record<string, PolicyLayer> | undefined {
  if (!isPlainObject(value)) return undefined;
  const result: Record<string, PolicyLayer> = {};
  for (const [key, layer] of Object.entries(value)) {
    if (key.trim() !== '' && isPlainObject(layer)) result[key.trim()] = layer;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Builds the server's settings from the `claimLsp` section. Client-only keys
 * (`server.path`, `trace.server`, `files.*`) are left out; unknown
 * severities, empty paths and empty policy objects are dropped so that the
 * workspace `.claim-lsp.json` and the server's defaults apply.
 */
export function toSettings(config: ConfigurationLike, context: PathContext = {}): ClaimLspSettings {
  const rules: Record<string, Severity> = {};
  const configuredRules = config.get<unknown>('rules');
  if (isPlainObject(configuredRules)) {
    for (const [id, severity] of Object.entries(configuredRules)) {
      const normalized = typeof severity === 'string' ? severity.trim().toLowerCase() : severity;
      if (id.trim() !== '' && isSeverity(normalized)) rules[id.trim()] = normalized;
    }
  }

  const settings: ClaimLspSettings = { rules, codeTables: {} };
  const hcpcsFile = dataFile(config, 'codeTables.hcpcsFile', context);
  if (hcpcsFile !== undefined) settings.codeTables.hcpcsFile = hcpcsFile;
  const mueFile = dataFile(config, 'mueFile', context);
  if (mueFile !== undefined) settings.mueFile = mueFile;
  const ndcCrosswalkFile = dataFile(config, 'ndcCrosswalkFile', context);
  if (ndcCrosswalkFile !== undefined) settings.ndcCrosswalkFile = ndcCrosswalkFile;

  const policy = config.get<unknown>('policy');
  if (isPlainObject(policy) && Object.keys(policy).length > 0) settings.policy = policy;
  const payerClasses = layers(config.get<unknown>('payerClasses'));
  if (payerClasses !== undefined) settings.payerClasses = payerClasses;
  const payers = layers(config.get<unknown>('payers'));
  if (payers !== undefined) settings.payers = payers;

  const configFile = nonEmptyString(config.get<unknown>('configFile'));
  if (configFile !== undefined) settings.configFile = configFile;

  const hints: { dose?: boolean; qualifiers?: boolean; segmentNames?: boolean } = {};
  for (const kind of ['dose', 'qualifiers', 'segmentNames'] as const) {
    const value = config.get<unknown>(`inlayHints.${kind}`);
    if (typeof value === 'boolean') hints[kind] = value;
  }
  if (Object.keys(hints).length > 0) settings.inlayHints = hints;
  const style = config.get<unknown>('format.style');
  if (style === 'segment-per-line' || style === 'single-line') settings.format = { style };
  const maxDiagnostics = config.get<unknown>('maxDiagnostics');
  if (
    typeof maxDiagnostics === 'number' &&
    Number.isInteger(maxDiagnostics) &&
    maxDiagnostics > 0 &&
    maxDiagnostics !== DEFAULT_MAX_DIAGNOSTICS
  ) {
    settings.maxDiagnostics = maxDiagnostics;
  }
  return settings;
}

/** initializationOptions sent with `initialize`. */
export function toInitializationOptions(config: ConfigurationLike, context: PathContext = {}): ClaimLspSettings {
  return toSettings(config, context);
}

/** Params of `workspace/didChangeConfiguration`, as the server expects them. */
export function toDidChangeConfigurationParams(
  config: ConfigurationLike,
  context: PathContext = {},
): {
  settings: { claimLsp: ClaimLspSettings };
} {
  return { settings: { claimLsp: toSettings(config, context) } };
}
