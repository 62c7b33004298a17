// Tokenizes claim lines with the TextMate grammar the extension ships, using
// the same engine as VS Code (vscode-textmate + Oniguruma): segment ids,
// separators, qualifiers, codes and modifiers each get their own scope.
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

const QUALIFIER = 'storage.type.qualifier.x12';
const MODIFIER = 'entity.other.attribute-name.modifier.x12';

/** Asserts the scope of each [text, scope] pair on one line. */
function expectScopes(grammar, line, expected) {
  for (const [text, scope] of expected) assert.equal(scopeOf(grammar, line, text), scope, `${text} in ${line}`);
}

test('a service line: qualifier, procedure code, modifiers, unit qualifier', async () => {
  const grammar = await loadGrammar();
  expectScopes(grammar, 'SV1*HC:J2410:RT:LT:JZ*40*UN*1.5***1~', [
    ['SV1', 'keyword.other.segment-id.x12'],
    ['HC', QUALIFIER],
    ['J2410', 'constant.language.hcpcs.drug.x12'],
    ['RT', MODIFIER],
    ['LT', MODIFIER],
    ['JZ', MODIFIER],
    [':', 'punctuation.separator.component.x12'],
    ['UN', QUALIFIER],
  ]);
  // A procedure code that is not a drug, with no modifiers.
  expectScopes(grammar, 'SV1*HC:96365*100*UN*1***1~', [['96365', 'constant.language.hcpcs.x12']]);
  // An institutional line: revenue code first, then the procedure composite.
  expectScopes(grammar, 'SV2*0636*HC:J2700:JW*10*UN*1~', [['J2700', 'constant.language.hcpcs.drug.x12'], ['JW', MODIFIER]]);
});

test('qualifiers of names, references, dates and diagnoses', async () => {
  const grammar = await loadGrammar();
  expectScopes(grammar, 'NM1*85*2*INFUSION CLINIC*****XX*1234567893~', [
    ['NM1', 'keyword.other.segment-id.x12'],
    ['85', QUALIFIER],
    ['2', 'constant.other.code.x12'],
    ['XX', QUALIFIER],
    ['*', 'punctuation.separator.element.x12'],
  ]);
  expectScopes(grammar, 'NM1*IL*1*TESTPATIENT*ALEX****MI*MBR000000001~', [['IL', QUALIFIER], ['MI', QUALIFIER]]);
  expectScopes(grammar, 'REF*G1*PA0001~', [['REF', 'keyword.other.segment-id.x12'], ['G1', QUALIFIER]]);
  expectScopes(grammar, 'DTP*472*D8*20240114~', [['472', QUALIFIER], ['D8', QUALIFIER]]);
  expectScopes(grammar, 'HI*ABK:A4901*ABF:E119~', [
    ['ABK', QUALIFIER],
    ['A4901', 'constant.other.diagnosis.x12'],
    ['ABF', QUALIFIER],
    ['E119', 'constant.other.diagnosis.x12'],
  ]);
  expectScopes(grammar, 'ISA*00*          *01*SECRET    *ZZ*SUBMITTER01    *30*RECEIVER01     *240115~', [
    ['ISA', 'keyword.other.segment-id.x12'],
    ['00', QUALIFIER],
    ['01', QUALIFIER],
    ['ZZ', QUALIFIER],
    ['30', QUALIFIER],
  ]);
  expectScopes(grammar, 'CLM*PCN1*204***11:B:1*Y*A*Y*Y~', [['11', 'constant.other.code.x12'], ['B', QUALIFIER]]);
});

test('drug identification: NDC, quantity and its unit; the claim filing indicator', async () => {
  const grammar = await loadGrammar();
  expectScopes(grammar, 'LIN**N4*12345678901~', [['N4', QUALIFIER], ['12345678901', 'constant.numeric.ndc.x12']]);
  expectScopes(grammar, 'CTP****1500*ME~', [['1500', 'constant.numeric.quantity.x12'], ['ME', QUALIFIER]]);
  expectScopes(grammar, 'SBR*P*18*GRP0042******CI~', [['CI', 'constant.other.code.x12']]);
});

test('state codes and names are not mistaken for qualifiers', async () => {
  const grammar = await loadGrammar();
  const line = 'N4*DETROIT*MI*48201~';
  assert.equal(scopeOf(grammar, line, 'N4'), 'keyword.other.segment-id.x12');
  assert.equal(scopeOf(grammar, line, 'MI'), 'source.x12-837');
  assert.equal(scopeOf(grammar, 'N3*1 ME STREET~', '1 ME STREET'), 'source.x12-837');
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
