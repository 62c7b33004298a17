// VS Code client for claim-lsp: starts the server over stdio, passes the
// `claimLsp` settings, and keeps them in sync.
import * as os from 'node:os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import {
  looksLikeX12,
  PathContext,
  serverCommand,
  toDidChangeConfigurationParams,
  toInitializationOptions,
  toSettings,
} from './settings';

const LANGUAGE_ID = 'x12-837';
const SECTION = 'claimLsp';

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

function configuration(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/** Relative data file paths in the settings are taken from the first workspace folder. */
function pathContext(): PathContext {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return { workspaceFolder: folder?.uri.fsPath, homeDir: os.homedir() };
}

function createClient(): LanguageClient {
  const { command, args } = serverCommand(configuration());
  const serverOptions: ServerOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    initializationOptions: toInitializationOptions(configuration(), pathContext()),
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
  const created = createClient();
  starting = created
    .start()
    .then(() => {
      client = created;
    })
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window.showErrorMessage(
        `claim-lsp: could not start the server (${message}). Set "claimLsp.server.path" to the claim-lsp binary.`,
      );
    })
    .finally(() => {
      starting = undefined;
    });
  return starting;
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) await running.stop();
}

/** `.txt`/`.dat` files that start with ISA are claim files too. */
async function detectByContent(document: vscode.TextDocument): Promise<void> {
  if (document.languageId !== 'plaintext' || document.lineCount === 0) return;
  if (looksLikeX12(document.fileName, document.lineAt(0).text)) {
    await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
  }
}

function onDocument(document: vscode.TextDocument): void {
  if (document.languageId === LANGUAGE_ID) {
    void startClient();
  } else {
    void detectByContent(document);
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(onDocument),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        await stopClient();
        if (vscode.workspace.textDocuments.some((d) => d.languageId === LANGUAGE_ID)) await startClient();
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
