// Unit tests for recognizing claim files by content (src/detect.ts), the rule
// package.json's `firstLine` repeats for VS Code itself.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { startsLikeX12, shouldSwitchToClaimLanguage } = require('../out/detect.js');

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
