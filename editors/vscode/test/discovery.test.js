// Unit tests for server discovery (src/discovery.ts): which binary the
// extension starts, and what it tells the user when there is none.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { findServer, searchPath } = require('../out/discovery.js');

/** An environment whose only executables are `files`. */
function env(files, overrides = {}) {
  const executables = new Set(files);
  return {
    platform: 'linux',
    pathVariable: '/usr/local/bin:/usr/bin',
    homeDir: '/home/biller',
    extensionPath: '/ext/claim-lsp-0.1.0',
    workspaceFolder: '/ws',
    isExecutable: (file) => executables.has(file),
    ...overrides,
  };
}

test('the configured absolute path wins over the bundled server and PATH', () => {
  const found = findServer('/opt/claim-lsp/bin/claim-lsp', env([
    '/opt/claim-lsp/bin/claim-lsp', '/ext/claim-lsp-0.1.0/server/claim-lsp', '/usr/bin/claim-lsp',
  ]));
  assert.equal(found.found, true);
  assert.equal(found.command, '/opt/claim-lsp/bin/claim-lsp');
  assert.equal(found.source, 'setting');
});

test('configured ~ and relative paths resolve against home and the workspace folder', () => {
  assert.equal(findServer('~/bin/claim-lsp', env(['/home/biller/bin/claim-lsp'])).command, '/home/biller/bin/claim-lsp');
  assert.equal(findServer('tools/claim-lsp', env(['/ws/tools/claim-lsp'])).command, '/ws/tools/claim-lsp');
});

test('a configured command name is looked up on PATH', () => {
  const found = findServer('claim-lsp-nightly', env(['/usr/bin/claim-lsp-nightly']));
  assert.equal(found.command, '/usr/bin/claim-lsp-nightly');
});

test('a wrong configured path is an error naming it, not a fallback to another server', () => {
  const found = findServer('/opt/old/claim-lsp', env(['/ext/claim-lsp-0.1.0/server/claim-lsp', '/usr/bin/claim-lsp']));
  assert.equal(found.found, false);
  assert.match(found.message, /claimLsp\.server\.path/);
  assert.match(found.message, /\/opt\/old\/claim-lsp: not an executable file/);
  assert.match(found.message, /Correct the setting, or clear it/);
});

test('without a setting the bundled server comes before PATH', () => {
  const found = findServer('', env(['/ext/claim-lsp-0.1.0/server/claim-lsp', '/usr/bin/claim-lsp']));
  assert.equal(found.command, '/ext/claim-lsp-0.1.0/server/claim-lsp');
  assert.equal(found.source, 'bundled');
});

test('without a setting or bundled server, the first claim-lsp on PATH', () => {
  const found = findServer(undefined, env(['/usr/bin/claim-lsp', '/usr/local/bin/claim-lsp']));
  assert.equal(found.command, '/usr/local/bin/claim-lsp');
  assert.equal(found.source, 'path');
});

test('no server anywhere: the message names every place tried and how to fix it', () => {
  const found = findServer('  ', env([]));
  assert.equal(found.found, false);
  assert.deepEqual(found.tried.map((t) => t.what), [
    'claimLsp.server.path',
    'the server bundled with the extension',
    'claim-lsp on PATH',
  ]);
  for (const part of [
    'claimLsp.server.path: not set',
    '/ext/claim-lsp-0.1.0/server/claim-lsp: not there',
    'claim-lsp on PATH: not found',
    'cargo install',
    'set claimLsp.server.path',
    'Restart Server',
  ]) {
    assert.ok(found.message.includes(part), `message lacks "${part}": ${found.message}`);
  }
});

test('an empty PATH entry is not the current folder', () => {
  assert.equal(searchPath('claim-lsp', env(['claim-lsp'], { pathVariable: ':/usr/bin' })), undefined);
});

test('Windows: claim-lsp.exe, PATHEXT and ; between PATH folders', () => {
  const windows = {
    platform: 'win32',
    pathVariable: 'C:\\Windows;C:\\tools',
    pathExt: '.COM;.EXE',
    extensionPath: 'C:\\ext',
  };
  assert.equal(findServer('', env(['C:\\ext\\server\\claim-lsp.exe'], windows)).command, 'C:\\ext\\server\\claim-lsp.exe');
  assert.equal(findServer('', env(['C:\\tools\\claim-lsp.exe'], windows)).command, 'C:\\tools\\claim-lsp.exe');
  assert.equal(findServer('C:\\bin\\claim-lsp.exe', env(['C:\\bin\\claim-lsp.exe'], windows)).command, 'C:\\bin\\claim-lsp.exe');
});
