// Copies the project's configuration schema into the extension so that the
// jsonValidation contribution can point at a file inside the package.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '..', '..', '..', 'schemas', 'claim-lsp.schema.json');
const targetDir = path.resolve(__dirname, '..', 'schemas');
const target = path.join(targetDir, 'claim-lsp.schema.json');

if (fs.existsSync(source)) {
  fs.mkdirSync(targetDir, { recursive: true });
  fs.copyFileSync(source, target);
  console.log('copy-schema: copied schemas/claim-lsp.schema.json');
} else {
  console.log('copy-schema: schemas/claim-lsp.schema.json not in the repository yet; .claim-lsp.json will not be validated');
}
