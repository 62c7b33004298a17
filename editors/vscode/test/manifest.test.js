// Checks package.json against what it describes: the server's rule ids and
// policy fields, the content rule in src/detect.ts, and the commands the
// extension registers. These drift apart silently otherwise.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { FIRST_LINE_PATTERN } = require('../out/detect.js');

const root = path.join(__dirname, '..');
const repo = path.join(root, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const settings = pkg.contributes.configuration.properties;

test('the language covers .837, .x12 and .edi, and firstLine is the content rule', () => {
  const language = pkg.contributes.languages.find((l) => l.id === 'x12-837');
  for (const ext of ['.837', '.837p', '.837i', '.x12', '.edi']) assert.ok(language.extensions.includes(ext), ext);
  assert.equal(language.firstLine, FIRST_LINE_PATTERN.source);
  assert.equal(new RegExp(language.firstLine).test('ISAAC'), false);
});

test('charge files named *.charges.csv / *.charges.tsv get the claim-charges language, kept byte for byte', () => {
  const language = pkg.contributes.languages.find((l) => l.id === 'claim-charges');
  assert.ok(language, 'no claim-charges language');
  assert.deepEqual(language.filenamePatterns, ['*.charges.csv', '*.charges.tsv']);
  assert.equal(pkg.contributes.configurationDefaults['[claim-charges]']['files.insertFinalNewline'], false);
});

test('maxDiagnostics is a setting with the server default', () => {
  const { DEFAULT_MAX_DIAGNOSTICS } = require('../out/settings.js');
  assert.equal(settings['claimLsp.maxDiagnostics'].type, 'integer');
  assert.equal(settings['claimLsp.maxDiagnostics'].default, DEFAULT_MAX_DIAGNOSTICS);
});

test('every rule in docs/rules/README.md can be set, and no other', () => {
  const readme = fs.readFileSync(path.join(repo, 'docs', 'rules', 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| \[`([a-z0-9-]+)`\]/gm)].map((m) => m[1]).sort();
  assert.ok(documented.length > 20, `found only ${documented.length} rules in docs/rules/README.md`);
  assert.deepEqual(Object.keys(settings['claimLsp.rules'].properties).sort(), documented);
});

test('policy settings accept exactly the fields of the server schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(repo, 'schemas', 'claim-lsp.schema.json'), 'utf8'));
  const fields = Object.keys(schema.definitions.policy.properties).sort();
  assert.deepEqual(Object.keys(settings['claimLsp.policy'].properties).sort(), fields);
  assert.deepEqual(Object.keys(settings['claimLsp.payerClasses'].additionalProperties.properties).sort(), fields);
  assert.deepEqual(Object.keys(settings['claimLsp.payers'].additionalProperties.properties).sort(), fields);
  // Each top-level server setting has a VS Code setting.
  for (const key of Object.keys(schema.properties).filter((k) => k !== '$schema')) {
    const name = key === 'codeTables' ? 'claimLsp.codeTables.hcpcsFile' : `claimLsp.${key}`;
    assert.ok(settings[name], `no VS Code setting for the server's ${key}`);
  }
});

test('every contributed command is registered by the extension', () => {
  const source = fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');
  for (const { command } of pkg.contributes.commands) {
    assert.ok(source.includes(`registerCommand('${command}'`), command);
  }
});
