// Copies a built claim-lsp binary into server/ so that `vsce package` puts it
// inside the .vsix; the extension starts it when claimLsp.server.path is not
// set. The binary is platform-specific, so package such a .vsix with
// `--target` (for example linux-x64). Usage:
//   node scripts/bundle-server.js [path/to/claim-lsp]   (default: $CLAIM_LSP_BIN)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = process.argv[2] || process.env.CLAIM_LSP_BIN;
if (!source) {
  console.error('bundle-server: give the claim-lsp binary as an argument or in CLAIM_LSP_BIN');
  process.exit(2);
}
if (!fs.existsSync(source) || !fs.statSync(source).isFile()) {
  console.error(`bundle-server: no claim-lsp binary at ${source}`);
  process.exit(1);
}
const name = path.extname(source) === '.exe' ? 'claim-lsp.exe' : 'claim-lsp';
const targetDir = path.resolve(__dirname, '..', 'server');
fs.mkdirSync(targetDir, { recursive: true });
const target = path.join(targetDir, name);
fs.copyFileSync(source, target);
fs.chmodSync(target, 0o755);
console.log(`bundle-server: copied ${source} to server/${name}`);
