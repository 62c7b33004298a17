// VS Code client for claim-lsp: finds and starts the server over stdio,
// passes the `claimLsp` settings and keeps them in sync, and recognizes claim
// files by content. Everything that can be decided without VS Code lives in
// settings.ts, discovery.ts and detect.ts, where node tests cover it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { bundledServerPath, findServer, SERVER_PATH_SETTING } from './discovery';
import { isServedDocument, servedDocumentSelector, shouldSwitchToClaimLanguage } from './detect';
import { PathContext, toDidChangeConfigurationParams, toInitializationOptions, toSettings } from './settings';

const LANGUAGE_ID = 'x12-837';
const SECTION = 'claimLsp';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;
let output: vscode.OutputChannel;
let extensionPath = '';
/** Set when no server was found, so each claim file opened does not repeat the error. */
let serverMissing = false;
/** Documents whose language was decided once; a user's later choice stands. */
const decided = new Set<string>();

function configuration(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

function workspaceFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return folder?.uri.fsPath;
}

function pathContext(): PathContext {
  return { workspaceFolder: workspaceFolder(), homeDir: os.homedir() };
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Unpacking a .vsix does not always keep the execute bit of a bundled server. */
function makeBundledServerExecutable(): void {
  const bundled = bundledServerPath(extensionPath, process.platform);
  if (process.platform === 'win32' || !fs.existsSync(bundled) || isExecutable(bundled)) return;
  try {
    fs.chmodSync(bundled, 0o755);
  } catch (error) {
    output.appendLine(`Could not make the bundled server executable: ${String(error)}`);
  }
}

/** The server command, or undefined after telling the user what was tried. */
function discoverServer(): string | undefined {
  makeBundledServerExecutable();
  const discovery = findServer(configuration().get<string>('server.path'), {
    platform: process.platform,
    pathVariable: process.env.PATH,
    pathExt: process.env.PATHEXT,
    homeDir: os.homedir(),
    extensionPath,
    workspaceFolder: workspaceFolder(),
    isExecutable,
  });
  for (const attempt of discovery.tried) output.appendLine(`server discovery: ${attempt.what}: ${attempt.detail}`);
  if (discovery.found) {
    output.appendLine(`Starting ${discovery.command} serve (from ${discovery.source})`);
    return discovery.command;
  }
  output.appendLine(discovery.message);
  void vscode.window.showErrorMessage(discovery.message, 'Open Settings', 'Show Log').then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
    } else if (choice === 'Show Log') {
      output.show(true);
    }
  });
  return undefined;
}

function createClient(command: string): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { command, args: ['serve'], transport: TransportKind.stdio },
    debug: { command, args: ['serve'], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    // Claims, charge files, and every CSV/TSV: the server decides per document
    // whether a CSV is a charge file, and leaves any other CSV alone.
    documentSelector: servedDocumentSelector(),
    initializationOptions: toInitializationOptions(configuration(), pathContext()),
    // The server's stderr and the client's own messages share one channel,
    // which "claim-lsp: Show Server Log" opens. The server logs no claim text.
    outputChannel: output,
    middleware: {
      workspace: {
        // A server that pulls `workspace/configuration` gets the same mapped
        // object as initializationOptions, not VS Code's raw section.
        configuration: async (params, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) return raw;
          const values: unknown[] = raw;
          return params.items.map((item, index) => {
            if (item.section !== SECTION) return values[index];
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            return toSettings(configuration(scope), pathContext());
          });
        },
      },
    },
  };
  // The id `claimLsp` makes the client read `claimLsp.trace.server`.
  return new LanguageClient('claimLsp', 'claim-lsp', serverOptions, clientOptions);
}

async function startClient(): Promise<void> {
  if (client !== undefined) return;
  if (starting !== undefined) return starting;
  if (serverMissing) return;
  const command = discoverServer();
  if (command === undefined) {
    serverMissing = true;
    return;
  }
  const created = createClient(command);
  starting = created
    .start()
    .then(() => {
      client = created;
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      output.appendLine(`The server did not start: ${message}`);
      void vscode.window.showErrorMessage(
        `claim-lsp: the server at ${command} did not start (${message}). Check ${SERVER_PATH_SETTING}, or run "claim-lsp: Show Server Log".`,
      );
    })
    .finally(() => {
      starting = undefined;
    });
  return starting;
}

async function stopClient(): Promise<void> {
  await starting;
  const running = client;
  client = undefined;
  if (running !== undefined) await running.stop();
}

function served(document: vscode.TextDocument): boolean {
  return isServedDocument({ languageId: document.languageId, scheme: document.uri.scheme, path: document.uri.path });
}

function claimDocumentsOpen(): boolean {
  return vscode.workspace.textDocuments.some(served);
}

async function restartServer(): Promise<void> {
  await stopClient();
  serverMissing = false;
  if (claimDocumentsOpen()) await startClient();
}

/** Files with any name are claim files when their content starts with ISA. */
async function detectByContent(document: vscode.TextDocument): Promise<void> {
  const key = document.uri.toString();
  const switchIt =
    configuration(document).get<boolean>('files.detectByContent') !== false &&
    document.lineCount > 0 &&
    shouldSwitchToClaimLanguage({
      languageId: document.languageId,
      scheme: document.uri.scheme,
      // Only the start matters; a claim file is often one 10 MB line.
      firstLine: document.lineAt(0).text.slice(0, 200),
      alreadyDecided: decided.has(key),
      claimLanguageId: LANGUAGE_ID,
    });
  decided.add(key);
  if (switchIt) await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
}

function onDocument(document: vscode.TextDocument): void {
  if (document.languageId === LANGUAGE_ID) {
    decided.add(document.uri.toString());
    void startClient();
    return;
  }
  if (served(document)) void startClient();
  void detectByContent(document);
}

export function activate(context: vscode.ExtensionContext): void {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('claim-lsp');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('claimLsp.restartServer', restartServer),
    vscode.commands.registerCommand('claimLsp.showLog', () => output.show(true)),
    vscode.workspace.onDidOpenTextDocument(onDocument),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        await restartServer();
        return;
      }
      await client?.sendNotification(
        DidChangeConfigurationNotification.type,
        toDidChangeConfigurationParams(configuration(), pathContext()),
      );
    }),
    { dispose: () => void stopClient() },
  );
  vscode.workspace.textDocuments.forEach(onDocument);
}

export function deactivate(): Promise<void> {
  return stopClient();
}
