// Unit tests for recognizing claim files by content (src/detect.ts), the rule
// package.json's `firstLine` repeats for VS Code itself.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startsLikeX12, shouldSwitchToClaimLanguage, isServedDocument, servedDocumentSelector } = require('../out/detect.js');

test('ISA followed by a separator is a claim, whatever comes next', () => {
  for (const line of ['ISA*00*          *00*', 'ISA|00|', '\uFEFFISA*00*', '  ISA*00*', 'ISA~', 'ISA^00']) {
    assert.equal(startsLikeX12(line), true, JSON.stringify(line));
  }
});

test('text that merely starts with the letters ISA is not', () => {
  for (const line of ['ISAAC called about the batch', 'ISA1*', 'ISA 00', 'ISA', '', 'GS*HC*', 'xISA*00*', 'isa*00*']) {
    assert.equal(startsLikeX12(line), false, JSON.stringify(line));
  }
});

function doc(overrides) {
  return { languageId: 'plaintext', scheme: 'file', firstLine: 'ISA*00*', alreadyDecided: false, claimLanguageId: 'x12-837', ...overrides };
}

test('any language is switched when the content is a claim: names do not matter', () => {
  assert.equal(shouldSwitchToClaimLanguage(doc({ languageId: 'plaintext' })), true);
  assert.equal(shouldSwitchToClaimLanguage(doc({ languageId: 'log' })), true);
  assert.equal(shouldSwitchToClaimLanguage(doc({ scheme: 'untitled' })), true);
});

test('a user choice, a non-claim, or a diff or output view is left alone', () => {
  assert.equal(shouldSwitchToClaimLanguage(doc({ alreadyDecided: true })), false);
  assert.equal(shouldSwitchToClaimLanguage(doc({ firstLine: 'ISAAC' })), false);
  assert.equal(shouldSwitchToClaimLanguage(doc({ scheme: 'git' })), false);
  assert.equal(shouldSwitchToClaimLanguage(doc({ scheme: 'output' })), false);
  assert.equal(shouldSwitchToClaimLanguage(doc({ languageId: 'x12-837' })), false);
});

test('the server gets claims, charge files and every CSV/TSV; it decides which CSV is a charge file', () => {
  const served = (languageId, path, scheme = 'file') => isServedDocument({ languageId, scheme, path });
  assert.equal(served('x12-837', '/claims/batch.837'), true);
  assert.equal(served('claim-charges', '/exports/march.charges.csv'), true);
  // Without a CSV extension VS Code calls a CSV plaintext: the name decides.
  assert.equal(served('plaintext', '/exports/march.csv'), true);
  assert.equal(served('plaintext', '/exports/MARCH.TSV'), true);
  // Rainbow CSV and others add these ids, also for names without .csv.
  assert.equal(served('csv', '/exports/march.txt'), true);
  assert.equal(served('tsv', '/exports/march.dat'), true);
  assert.equal(served('plaintext', '/notes/readme.txt'), false);
  assert.equal(served('json', '/exports/march.csv.json'), false);
  assert.equal(served('csv', '/exports/march.csv', 'git'), false);
});

test('the document selector lists the same languages and the CSV/TSV name patterns', () => {
  const selector = servedDocumentSelector();
  for (const language of ['x12-837', 'claim-charges', 'csv', 'tsv']) {
    assert.ok(selector.some((f) => f.language === language && f.scheme === 'file'), language);
  }
  assert.ok(selector.some((f) => f.pattern === '**/*.csv'));
  assert.ok(selector.some((f) => f.pattern === '**/*.tsv'));
  assert.ok(selector.every((f) => f.scheme === 'file' || f.scheme === 'untitled'));
});
