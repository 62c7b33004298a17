// Unit tests for the settings mapping in src/settings.ts (built to out/): what
// the server receives for what a user writes in VS Code's settings.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  fromObject,
  resolveUserPath,
  toDidChangeConfigurationParams,
  toInitializationOptions,
} = require('../out/settings.js');

test('defaults give empty rules and no overrides', () => {
  const section = {
    server: { path: '' },
    rules: {},
    policy: {},
    payerClasses: {},
    payers: {},
    codeTables: { hcpcsFile: '' },
    mueFile: '',
    ndcCrosswalkFile: '',
    configFile: '.claim-lsp.json',
    maxDiagnostics: 5000,
    files: { detectByContent: true },
    trace: { server: 'off' },
  };
  assert.deepEqual(toInitializationOptions(fromObject(section)), {
    rules: {},
    codeTables: {},
    configFile: '.claim-lsp.json',
  });
});

test('inlay hint kinds and the format style pass through; other values are dropped', () => {
  const section = { inlayHints: { dose: false, qualifiers: 'yes', segmentNames: true }, format: { style: 'single-line' } };
  const settings = toInitializationOptions(fromObject(section));
  assert.deepEqual(settings.inlayHints, { dose: false, segmentNames: true });
  assert.deepEqual(settings.format, { style: 'single-line' });
  assert.equal(toInitializationOptions(fromObject({ format: { style: 'tabs' } })).format, undefined);
});

test('maxDiagnostics is sent when the user changes it; the default and nonsense are not', () => {
  assert.equal(toInitializationOptions(fromObject({ maxDiagnostics: 200 })).maxDiagnostics, 200);
  for (const value of [5000, 0, -3, 2.5, '200', null]) {
    assert.equal(toInitializationOptions(fromObject({ maxDiagnostics: value })).maxDiagnostics, undefined, String(value));
  }
});

test('rules keep valid severities and drop the rest', () => {
  const section = {
    rules: { 'segment-count': 'error', 'jw-jz-same-line': 'Off', 'npi-check-digit': 'loud', '': 'hint', 'x': 3 },
  };
  assert.deepEqual(toInitializationOptions(fromObject(section)).rules, {
    'segment-count': 'error',
    'jw-jz-same-line': 'off',
  });
});

test('rules that are not an object are ignored', () => {
  assert.deepEqual(toInitializationOptions(fromObject({ rules: ['error'] })).rules, {});
  assert.deepEqual(toInitializationOptions(fromObject({ rules: null })).rules, {});
});

test('data files pass through trimmed; relative ones resolve against the workspace folder', () => {
  const section = {
    codeTables: { hcpcsFile: '  /data/ANWEB.txt ' },
    mueFile: 'cms/MCR_MUE_PractitionerServices.csv',
    ndcCrosswalkFile: 'cms/asp-ndc-hcpcs-crosswalk.csv',
    configFile: 'claims/.claim-lsp.json',
  };
  assert.deepEqual(toInitializationOptions(fromObject(section), { workspaceFolder: '/ws' }), {
    rules: {},
    codeTables: { hcpcsFile: '/data/ANWEB.txt' },
    mueFile: '/ws/cms/MCR_MUE_PractitionerServices.csv',
    ndcCrosswalkFile: '/ws/cms/asp-ndc-hcpcs-crosswalk.csv',
    configFile: 'claims/.claim-lsp.json',
  });
});

test('~ in a data file path is the home folder', () => {
  assert.equal(resolveUserPath('~/cms/ANWEB.txt', { homeDir: '/home/biller', workspaceFolder: '/ws' }), '/home/biller/cms/ANWEB.txt');
  assert.equal(resolveUserPath('ANWEB.txt', {}), 'ANWEB.txt', 'no workspace: left for the server');
});

test('payer policy objects reach the server as the user wrote them', () => {
  const section = {
    policy: { multiDoseCodes: ['J1100'] },
    payerClasses: { CI: { unitLimits: { J2700: 24 }, wastageModifiersRequired: false }, MC: { ndcRequired: true } },
    payers: { 87726: { rules: { 'missing-jw-jz': 'warning' } } },
  };
  const options = toInitializationOptions(fromObject(section));
  assert.deepEqual(options.policy, { multiDoseCodes: ['J1100'] });
  assert.deepEqual(options.payerClasses, section.payerClasses);
  assert.deepEqual(options.payers, { 87726: { rules: { 'missing-jw-jz': 'warning' } } });
});

test('policy entries that are not objects are dropped, empty tables left out', () => {
  const options = toInitializationOptions(fromObject({ policy: [], payerClasses: { MB: 'strict', CI: {} }, payers: { '': {} } }));
  assert.equal('policy' in options, false);
  assert.deepEqual(options.payerClasses, { CI: {} });
  assert.equal('payers' in options, false);
});

test('client-only keys never reach the server', () => {
  const options = toInitializationOptions(
    fromObject({ server: { path: '/opt/claim-lsp' }, trace: { server: 'verbose' }, files: { detectByContent: false } }),
  );
  assert.deepEqual(Object.keys(options).sort(), ['codeTables', 'rules']);
});

test('didChangeConfiguration wraps the settings under settings.claimLsp', () => {
  const section = { rules: { 'segment-count': 'warning' } };
  assert.deepEqual(toDidChangeConfigurationParams(fromObject(section)), {
    settings: { claimLsp: { rules: { 'segment-count': 'warning' }, codeTables: {} } },
  });
});

test('a WorkspaceConfiguration-like object with dotted get works', () => {
  const values = { rules: { 'segment-count': 'hint' }, 'codeTables.hcpcsFile': '/x/ANWEB.txt', configFile: '' };
  const config = { get: (key) => values[key] };
  assert.deepEqual(toInitializationOptions(config), {
    rules: { 'segment-count': 'hint' },
    codeTables: { hcpcsFile: '/x/ANWEB.txt' },
  });
});
