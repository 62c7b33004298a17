// Finds the claim-lsp binary: the `claimLsp.server.path` setting, else the
// server bundled in the extension folder, else `claim-lsp` on PATH. Pure (the
// file system is passed in), so every branch is tested under plain node.
import * as path from 'node:path';

/** The setting that names the server, as users see it in messages. */
export const SERVER_PATH_SETTING = 'claimLsp.server.path';

/** What discovery may look at; the extension passes the real process and file system. */
export interface DiscoveryEnvironment {
  platform: string;
  /** The PATH the extension host was started with. */
  pathVariable: string | undefined;
  /** Windows' PATHEXT, for bare command names. */
  pathExt?: string;
  homeDir?: string;
  /** The extension's folder: a bundled server sits at `server/claim-lsp` in it. */
  extensionPath: string;
  /** Relative setting values resolve against the first workspace folder. */
  workspaceFolder?: string;
  /** Whether a path is a file this process may execute. */
  isExecutable(file: string): boolean;
}

/** One place discovery looked, and what it found there. */
export interface Attempt {
  what: string;
  detail: string;
}

export type Discovery =
  | { found: true; command: string; source: 'setting' | 'bundled' | 'path'; tried: Attempt[] }
  | { found: false; message: string; tried: Attempt[] };

/** `claim-lsp`, or `claim-lsp.exe` on Windows. */
export function binaryName(platform: string): string {
  return platform === 'win32' ? 'claim-lsp.exe' : 'claim-lsp';
}

/** Where a server packaged into the `.vsix` lives. */
export function bundledServerPath(extensionPath: string, platform: string): string {
  return pathModule(platform).join(extensionPath, 'server', binaryName(platform));
}

/** Path rules of the platform asked about, so tests can check Windows on Linux. */
function pathModule(platform: string): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Finds a bare command name in the PATH folders, the way a shell would. */
export function searchPath(name: string, env: DiscoveryEnvironment): string | undefined {
  const p = pathModule(env.platform);
  const folders = (env.pathVariable ?? '').split(p.delimiter).filter((folder) => folder !== '');
  const suffixes =
    env.platform === 'win32' && p.extname(name) === ''
      ? ['', ...(env.pathExt ?? '.EXE;.CMD;.BAT').split(';').filter((ext) => ext !== '')]
      : [''];
  for (const folder of folders) {
    for (const suffix of suffixes) {
      const candidate = p.join(folder, name + suffix);
      if (env.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isBareName(value: string, platform: string): boolean {
  return !value.includes('/') && !(platform === 'win32' && value.includes('\\')) && value !== '~';
}

/** The configured value as a file path: `~/` expanded, relative to the workspace folder. */
function configuredFile(value: string, env: DiscoveryEnvironment): string {
  const p = pathModule(env.platform);
  let file = value;
  if ((file === '~' || file.startsWith('~/')) && env.homeDir) file = p.join(env.homeDir, file.slice(1));
  if (!p.isAbsolute(file) && env.workspaceFolder) file = p.join(env.workspaceFolder, file);
  return file;
}

const HOW_TO_FIX =
  `Install claim-lsp (for example \`cargo install --path .\` in a claim-lsp checkout) into a folder on PATH, ` +
  `or set ${SERVER_PATH_SETTING} to the full path of the claim-lsp binary, then run "claim-lsp: Restart Server".`;

/**
 * Finds the server. A configured path is used alone: when it is wrong the
 * user hears so, instead of silently getting some other claim-lsp.
 */
export function findServer(configured: string | undefined, env: DiscoveryEnvironment): Discovery {
  const tried: Attempt[] = [];
  const setting = (configured ?? '').trim();
  if (setting !== '') {
    if (isBareName(setting, env.platform)) {
      const onPath = searchPath(setting, env);
      tried.push({ what: `${SERVER_PATH_SETTING} = "${setting}" on PATH`, detail: onPath ?? 'not found' });
      if (onPath !== undefined) return { found: true, command: onPath, source: 'setting', tried };
    } else {
      const file = configuredFile(setting, env);
      const ok = env.isExecutable(file);
      tried.push({ what: `${SERVER_PATH_SETTING} = "${setting}"`, detail: ok ? file : `${file}: not an executable file` });
      if (ok) return { found: true, command: file, source: 'setting', tried };
    }
    return {
      found: false,
      tried,
      message:
        `claim-lsp: the server set in ${SERVER_PATH_SETTING} was not found (tried ${describe(tried)}). ` +
        `Correct the setting, or clear it to use the bundled server or claim-lsp on PATH.`,
    };
  }
  tried.push({ what: SERVER_PATH_SETTING, detail: 'not set' });

  const bundled = bundledServerPath(env.extensionPath, env.platform);
  if (env.isExecutable(bundled)) {
    tried.push({ what: 'the server bundled with the extension', detail: bundled });
    return { found: true, command: bundled, source: 'bundled', tried };
  }
  tried.push({ what: 'the server bundled with the extension', detail: `${bundled}: not there` });

  const name = binaryName(env.platform);
  const onPath = searchPath(name, env);
  if (onPath !== undefined) {
    tried.push({ what: `${name} on PATH`, detail: onPath });
    return { found: true, command: onPath, source: 'path', tried };
  }
  tried.push({ what: `${name} on PATH`, detail: 'not found in the PATH VS Code was started with' });
  return {
    found: false,
    tried,
    message: `claim-lsp: no language server found (tried ${describe(tried)}). ${HOW_TO_FIX}`,
  };
}

function describe(tried: Attempt[]): string {
  return tried.map((attempt) => `${attempt.what}: ${attempt.detail}`).join('; ');
}
