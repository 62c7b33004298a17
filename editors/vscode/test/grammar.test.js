// Tokenizes fixture lines with the TextMate grammar the extension ships, using
// the same engine as VS Code (vscode-textmate + Oniguruma).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const oniguruma = require('vscode-oniguruma');
const { Registry, INITIAL, parseRawGrammar } = require('vscode-textmate');

const grammarPath = path.join(__dirname, '..', 'syntaxes', 'x12-837.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
  });
  return registry.loadGrammar('source.x12-837');
}

/** [text, innermost scope] for each token of one line. */
function tokens(grammar, line) {
  const { tokens: list } = grammar.tokenizeLine(line, INITIAL);
  return list.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
}

function scopeOf(grammar, line, text) {
  const found = tokens(grammar, line).find(([t]) => t === text);
  return found && found[1];
}

test('segment ids, separators and J-codes get their scopes', async () => {
  const grammar = await loadGrammar();
  const line = 'SV1*HC:J2700:JZ*204*UN*4***1~';
  assert.equal(scopeOf(grammar, line, 'SV1'), 'keyword.other.segment-id.x12');
  assert.equal(scopeOf(grammar, line, 'J2700'), 'constant.language.hcpcs.drug.x12');
  assert.equal(scopeOf(grammar, line, '*'), 'punctuation.separator.element.x12');
  assert.equal(scopeOf(grammar, line, ':'), 'punctuation.separator.component.x12');
  assert.equal(scopeOf(grammar, line, '~'), 'punctuation.terminator.segment.x12');
  // A Q-code, and segments with no line breaks between them.
  const oneLine = 'LX*1~SV1*HC:Q5101*10*UN*1~DTP*472*D8*20240114~';
  assert.equal(scopeOf(grammar, oneLine, 'DTP'), 'keyword.other.segment-id.x12');
  assert.equal(scopeOf(grammar, oneLine, 'Q5101'), 'constant.language.hcpcs.drug.x12');
  // A byte order mark and indentation before the segment id.
  assert.equal(scopeOf(grammar, '\uFEFFISA*00*', 'ISA'), 'keyword.other.segment-id.x12');
  assert.equal(scopeOf(grammar, '    CLM*PCN1*204~', 'CLM'), 'keyword.other.segment-id.x12');
});

test('codes inside other values are not highlighted as J-codes', async () => {
  const grammar = await loadGrammar();
  const line = 'REF*G1*PAJ27001~';
  assert.equal(tokens(grammar, line).some(([, scope]) => scope === 'constant.language.hcpcs.drug.x12'), false);
  assert.equal(scopeOf(grammar, line, 'REF'), 'keyword.other.segment-id.x12');
});

test('every fixture line starts with a segment id', async () => {
  const grammar = await loadGrammar();
  const fixture = path.join(__dirname, '..', '..', '..', 'tests', 'editors', 'fixtures', 'clean-j2700.837p');
  for (const line of fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean)) {
    const [first] = tokens(grammar, line);
    assert.equal(first[1], 'keyword.other.segment-id.x12', line);
  }
});
