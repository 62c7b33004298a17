// Unit tests for the settings mapping in src/settings.ts (built to out/).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  fromObject,
  looksLikeX12,
  serverCommand,
  toDidChangeConfigurationParams,
  toInitializationOptions,
} = require('../out/settings.js');

test('defaults give empty rules and no code table override', () => {
  const section = { server: { path: 'claim-lsp' }, rules: {}, codeTables: { hcpcsFile: '' }, configFile: '.claim-lsp.json', trace: { server: 'off' } };
  assert.deepEqual(toInitializationOptions(fromObject(section)), {
    rules: {},
    codeTables: {},
    configFile: '.claim-lsp.json',
  });
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

test('hcpcsFile and configFile pass through trimmed', () => {
  const section = { codeTables: { hcpcsFile: '  /data/ANWEB.txt ' }, configFile: 'claims/.claim-lsp.json' };
  assert.deepEqual(toInitializationOptions(fromObject(section)), {
    rules: {},
    codeTables: { hcpcsFile: '/data/ANWEB.txt' },
    configFile: 'claims/.claim-lsp.json',
  });
});

test('client-only keys never reach the server', () => {
  const options = toInitializationOptions(fromObject({ server: { path: '/opt/claim-lsp' }, trace: { server: 'verbose' } }));
  assert.equal('server' in options, false);
  assert.equal('trace' in options, false);
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

test('server command defaults to claim-lsp on PATH', () => {
  assert.deepEqual(serverCommand(fromObject({})), { command: 'claim-lsp', args: ['serve'] });
  assert.deepEqual(serverCommand(fromObject({ server: { path: ' ' } })), { command: 'claim-lsp', args: ['serve'] });
  assert.deepEqual(serverCommand(fromObject({ server: { path: '/opt/bin/claim-lsp' } })), {
    command: '/opt/bin/claim-lsp',
    args: ['serve'],
  });
});

test('.txt and .dat files are X12 only when they start with ISA', () => {
  assert.equal(looksLikeX12('/claims/batch.txt', 'ISA*00*          *00*'), true);
  assert.equal(looksLikeX12('/claims/BATCH.DAT', '\uFEFFISA|00|'), true);
  assert.equal(looksLikeX12('/claims/notes.txt', 'ISAAC wrote this'), false);
  assert.equal(looksLikeX12('/claims/notes.txt', 'hello'), false);
  assert.equal(looksLikeX12('/claims/batch.csv', 'ISA*00*'), false);
});
