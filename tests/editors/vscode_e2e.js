// End-to-end test of the VS Code extension in a real VS Code: code-server (VS Code
// in a browser) with the packaged .vsix installed, driven through Debian's
// chromium with puppeteer-core, the way a user works: keys and menus, never the
// extension's internals. Started by tests/editors/vscode_e2e.sh, which sets up
// the workspace and the server; see its header. Every wait is on the state of
// the page (a row, a widget, a file's text), with a deadline, never a sleep.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} not set`);
  return value;
};
const puppeteer = require(env('CLAIM_LSP_E2E_PUPPETEER'));
const url = env('CLAIM_LSP_E2E_URL');
const workspace = env('CLAIM_LSP_E2E_WORKSPACE');
const shots = env('CLAIM_LSP_E2E_SHOTS');
const expectedFix = env('CLAIM_LSP_E2E_EXPECTED_FIX');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const WAIT_MS = Number(process.env.CLAIM_LSP_WAIT_MS) || 30000;

let passed = 0;
let failed = 0;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
let page;
let shot = 0;

function check(ok, what, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok - ${what} (${elapsed()})`);
  } else {
    failed += 1;
    console.log(`not ok - ${what}${detail === undefined ? '' : `\n    ${String(detail).slice(0, 1500)}`}`);
  }
  return ok;
}

async function screenshot(name) {
  shot += 1;
  const file = path.join(shots, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
}

/** Polls `probe` (run in the page) until it returns something truthy; the value, or undefined at the deadline. */
async function until(probe, arg, timeout = WAIT_MS) {
  try {
    const handle = await page.waitForFunction(probe, { timeout, polling: 100 }, arg);
    return await handle.jsonValue();
  } catch {
    return undefined;
  }
}

/** Polls a Node-side condition (files on disk). */
async function untilNode(probe, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = probe();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Presses a chord such as 'Control+Shift+KeyM'. */
async function press(chord) {
  const parts = chord.split('+');
  const key = parts.pop();
  for (const modifier of parts) await page.keyboard.down(modifier);
  await page.keyboard.press(key);
  for (const modifier of parts.reverse()) await page.keyboard.up(modifier);
}

const QUICK_INPUT = '.quick-input-widget';

async function quickInputOpen() {
  return until((sel) => {
    const widget = document.querySelector(sel);
    return widget && widget.style.display !== 'none' && document.activeElement?.closest(sel) !== null;
  }, QUICK_INPUT);
}

async function quickInputClosed() {
  return until((sel) => {
    const widget = document.querySelector(sel);
    return !widget || widget.style.display === 'none';
  }, QUICK_INPUT);
}

/** The labels of the quick input's visible rows. */
async function quickInputRows() {
  return page.$$eval(`${QUICK_INPUT} .monaco-list-row`, (rows) =>
    rows.map((row) => row.getAttribute('aria-label') || row.textContent || ''),
  );
}

/** Types into the open quick input and waits for a row containing `want`. */
async function typeAndPick(text, want) {
  await page.keyboard.type(text);
  const found = await until(
    ([sel, wanted]) => {
      const rows = [...document.querySelectorAll(`${sel} .monaco-list-row`)];
      const index = rows.findIndex((row) => (row.getAttribute('aria-label') || row.textContent || '').includes(wanted));
      return index === -1 ? false : { index };
    },
    [QUICK_INPUT, want],
  );
  return found;
}

/** Runs a command from the command palette (F1) by its title. */
async function command(title) {
  await press('F1');
  if (!(await quickInputOpen())) return false;
  const found = await typeAndPick(title, title);
  if (!found) {
    await press('Escape');
    return false;
  }
  // The first row is the best match; pick the one that is exactly the title.
  const rows = await quickInputRows();
  const index = rows.findIndex((row) => row.split(',')[0].trim() === title || row.startsWith(title));
  for (let i = 0; i < Math.max(index, 0); i += 1) await press('ArrowDown');
  await press('Enter');
  await quickInputClosed();
  return true;
}

/** Opens a workspace file by name with Quick Open (Ctrl+P); waits for its tab and editor. */
async function openFile(name) {
  const opened = () =>
    until(
      (file) => {
        const tab = document.querySelector('.tabs-container .tab.active');
        const editor = document.querySelector('.editor-group-container.active .monaco-editor.focused');
        return tab && (tab.getAttribute('aria-label') || '').startsWith(file) && editor !== null;
      },
      name,
      WAIT_MS / 3,
    );
  // Quick Open fills its list as it searches: Enter is pressed once the focused row is
  // the file, and the whole step is tried again if the tab does not come.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    await press('Escape');
    await press('Control+KeyP');
    if (!(await quickInputOpen())) continue;
    await page.keyboard.type(name);
    const focused = await until(
      ([sel, file]) => {
        const row = document.querySelector(`${sel} .monaco-list-row.focused`);
        return row !== null && (row.getAttribute('aria-label') || row.textContent || '').includes(file);
      },
      [QUICK_INPUT, name],
      WAIT_MS / 3,
    );
    if (!focused) continue;
    await press('Enter');
    if (await opened()) return true;
  }
  return false;
}

/** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column. */
async function goTo(line, column) {
  await press('Control+KeyG');
  if (!(await quickInputOpen())) return false;
  await page.keyboard.type(`${line}:${column}`);
  await press('Enter');
  await quickInputClosed();
  return until(
    (want) => [...document.querySelectorAll('.statusbar-item')].some((item) => item.textContent.trim() === want),
    `Ln ${line}, Col ${column}`,
  );
}

/**
 * The problems the Problems panel (Ctrl+Shift+M) shows, as "FILE: LABEL" lines: a file's
 * row ("6 problems in file a.837p of folder …") comes before its problems' rows.
 */
function problemLines() {
  let file = '';
  const lines = [];
  for (const row of document.querySelectorAll('.markers-panel .monaco-list-row')) {
    const label = `${row.getAttribute('aria-label') || ''} ${row.textContent || ''}`;
    const header = /problems? in file (\S+)/.exec(label);
    if (header) file = header[1];
    else lines.push(`${file}: ${label}`);
  }
  return lines;
}

async function problems() {
  return page.evaluate(problemLines);
}

async function showProblems() {
  await press('Control+Shift+KeyM');
  return until(() => document.querySelector('.markers-panel') !== null);
}

/** Waits until the Problems panel has a row holding every one of `parts`; that row's text. */
async function problemRow(parts) {
  return until((wanted) => {
    // The same reading as problemLines (a function cannot be passed into the page).
    let file = '';
    for (const row of document.querySelectorAll('.markers-panel .monaco-list-row')) {
      const label = `${row.getAttribute('aria-label') || ''} ${row.textContent || ''}`;
      const header = /problems? in file (\S+)/.exec(label);
      if (header) file = header[1];
      else if (wanted.every((part) => `${file}: ${label}`.includes(part))) return `${file}: ${label}`;
    }
    return false;
  }, parts);
}

/** The text of the visible editor lines, with inlay hints (they are rendered in the line). */
async function visibleLines() {
  return page.$$eval('.editor-group-container.active .view-lines .view-line', (lines) =>
    lines.map((line) => line.textContent.replace(/\u00a0/g, ' ')),
  );
}

function read(name) {
  try {
    return fs.readFileSync(path.join(workspace, name), 'utf8');
  } catch {
    return '';
  }
}

async function save() {
  await press('Control+KeyS');
}

async function run() {
  await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
  check(
    await until(() => document.querySelectorAll('.explorer-folders-view .monaco-list-row').length > 0, undefined, 90000),
    'VS Code (code-server) opens the workspace folder',
  );

  // Diagnostics: the demo claim's findings reach the Problems panel.
  check(await openFile('drug-line-mistakes.837p'), 'Quick Open opens drug-line-mistakes.837p');
  check(
    await until(() => [...document.querySelectorAll('.statusbar-item')].some((i) => i.textContent.trim() === 'X12 837')),
    'it opens in the X12 837 language',
  );
  await showProblems();
  const expected = fs
    .readFileSync(env('CLAIM_LSP_E2E_EXPECTED_DIAGNOSTICS'), 'utf8')
    .split('\n')
    .filter((line) => /^\d+ /.test(line))
    .map((line) => line.split(' ')[1]);
  const rules = [...new Set(expected)];
  const everyRule = await until(
    (wanted) => {
      const text = [...document.querySelectorAll('.markers-panel .monaco-list-row')]
        .map((row) => `${row.getAttribute('aria-label') || ''} ${row.textContent || ''}`)
        .join('\n');
      return wanted.every((rule) => text.includes(rule));
    },
    rules,
  );
  check(everyRule, `the Problems panel lists every expected rule (${rules.join(', ')})`, (await problems()).join('\n'));
  await screenshot('problems');

  // Hover (Ctrl+K Ctrl+I) on J2700, line 23: SV1*HC:J2700:JZ*40*UN*4***1~
  await press('Escape');
  check(await goTo(23, 9), 'Go to Line puts the cursor on J2700 (line 23)');
  await press('Control+KeyK');
  await press('Control+KeyI');
  const hover = await until(() => {
    const widget = document.querySelector('.monaco-hover:not(.hidden)');
    return widget && /oxacillin/i.test(widget.textContent) ? widget.textContent : false;
  });
  check(hover, 'Ctrl+K Ctrl+I shows the hover of J2700, naming oxacillin');
  await screenshot('hover');
  await press('Escape');

  // Inlay hints: the dose after the units of the J2700 line, rendered in the line.
  const dose = await until(() =>
    [...document.querySelectorAll('.editor-group-container.active .view-line')].some((line) =>
      line.textContent.replace(/\u00a0/g, ' ').includes('= up to 1,000 mg oxacillin sodium'),
    ),
  );
  check(dose, 'an inlay hint shows the dose after the units: "= up to 1,000 mg oxacillin sodium"', (await visibleLines()).slice(20, 26).join('\n'));
  const qualifier = (await visibleLines()).some((line) => line.includes('DTP*472') && line.includes('Service Date'));
  check(qualifier, 'an inlay hint names the qualifier DTP*472 "Service Date"');

  // Semantic colours: Developer: Inspect Editor Tokens and Scopes on the segment id SV1.
  await goTo(23, 2);
  await command('Developer: Inspect Editor Tokens and Scopes');
  const inspected = await until(() => {
    const widget = document.querySelector('.token-inspect-widget');
    return widget && /semantic token type/i.test(widget.textContent) ? widget.textContent : false;
  });
  check(inspected && /semantic token type\s*keyword/i.test(inspected), 'the segment id SV1 has the semantic token type keyword', inspected);
  await screenshot('semantic-token');
  await press('Escape');

  // Outline: Go to Symbol in Editor (Ctrl+Shift+O) lists the document symbols.
  await press('Control+Shift+KeyO');
  await quickInputOpen();
  const claim = await typeAndPick('PCN0200', 'PCN0200');
  check(claim, 'Go to Symbol lists the claim CLM PCN0200', (await quickInputRows()).join(' | '));
  await press('Escape');
  await press('Control+Shift+KeyO');
  await quickInputOpen();
  const line = await typeAndPick('LX 1', 'J2700');
  check(line, 'and its service line "LX 1: J2700 …"', (await quickInputRows()).join(' | '));
  await screenshot('go-to-symbol');
  await press('Escape');
  await quickInputClosed();
  await command('Explorer: Focus on Outline View');
  const outline = await until(() => {
    const rows = [...document.querySelectorAll('.outline-pane .monaco-list-row')];
    return rows.length > 0 ? rows.map((row) => row.getAttribute('aria-label') || row.textContent).join(' | ') : false;
  });
  check(outline && outline.includes('ISA'), 'the Outline view shows the interchange', outline);
  await screenshot('outline');

  // Folding: Fold All folds loops and claims the server reports (the lines have no indentation).
  await page.click('.editor-group-container.active .view-lines');
  const before = await page.$$eval('.editor-group-container.active .codicon-folding-collapsed', (e) => e.length);
  await press('Control+KeyK');
  await press('Control+Digit0');
  const folded = await until(
    (count) => document.querySelectorAll('.editor-group-container.active .codicon-folding-collapsed').length > count,
    before,
  );
  check(folded, 'Fold All (Ctrl+K Ctrl+0) folds the server\'s folding ranges');
  await screenshot('folded');
  await press('Control+KeyK');
  await press('Control+KeyJ');
  await until(() => document.querySelectorAll('.editor-group-container.active .codicon-folding-collapsed').length === 0);

  // Completion (Ctrl+Space) in the modifier position of the J2700 line offers JW and JZ.
  await goTo(23, 14);
  await press('Control+Space');
  const suggestions = await until(() => {
    const labels = [...document.querySelectorAll('.suggest-widget.visible .monaco-list-row')].map(
      (row) => row.getAttribute('aria-label') || row.textContent,
    );
    return labels.some((label) => /^JW\b/.test(label)) && labels.some((label) => /^JZ\b/.test(label)) ? labels : false;
  });
  check(suggestions, 'Ctrl+Space in the modifier position suggests JW and JZ', suggestions && suggestions.slice(0, 6).join(' | '));
  await screenshot('completion');
  await press('Escape');

  // The JW quick fix (Ctrl+.) on a Medicare J2700 line without JW/JZ, saved and compared.
  check(await openFile('jw-fix.837'), 'Quick Open opens jw-fix.837');
  await showProblems();
  check(await problemRow(['jw-fix.837:', 'missing-jw-jz']), 'the Problems panel lists missing-jw-jz for jw-fix.837', (await problems()).join('\n'));
  // The menu is asked for again if it opened before the server's answer came.
  let actions;
  for (let attempt = 0; attempt < 3 && !actions; attempt += 1) {
    await press('Escape');
    await goTo(26, 9);
    await press('Control+Period');
    actions = await until(
      () => {
        const rows = [...document.querySelectorAll('.action-widget .monaco-list-row')];
        const titles = rows.map((row) => row.getAttribute('aria-label') || row.textContent);
        return titles.some((title) => title.startsWith('Add JW wastage line')) ? titles : false;
      },
      undefined,
      WAIT_MS / 3,
    );
  }
  check(actions, 'Ctrl+. offers "Add JW wastage line"', actions && actions.join(' | '));
  await screenshot('quick-fix-menu');
  if (actions) {
    const rows = await page.$$('.action-widget .monaco-list-row');
    for (const row of rows) {
      const title = await row.evaluate((r) => r.getAttribute('aria-label') || r.textContent);
      if (title.startsWith('Add JW wastage line')) {
        await row.click();
        break;
      }
    }
    // The new JW line shows in the editor, then Save writes it.
    await until(() =>
      [...document.querySelectorAll('.editor-group-container.active .view-line')].some((line) =>
        line.textContent.includes('J2700:JW'),
      ),
    );
    await save();
    const fixed = await untilNode(() => read('jw-fix.837') === fs.readFileSync(expectedFix, 'utf8'));
    check(fixed, 'applied and saved, the file is the expected fixed file (the JW line added)', read('jw-fix.837'));
    await screenshot('quick-fix-applied');
  }

  // Format Document (Shift+Alt+F) on a one-line file: one segment per line, no element byte changed.
  check(await openFile('one-line.837'), 'Quick Open opens one-line.837');
  const original = read('one-line.837');
  await until(() => [...document.querySelectorAll('.statusbar-item')].some((i) => i.textContent.trim() === 'X12 837'));
  check(await command('Format Document'), 'Format Document runs from the command palette');
  await until(() => document.querySelectorAll('.editor-group-container.active .view-line').length > 10);
  await save();
  const formatted = await untilNode(() => {
    const text = read('one-line.837');
    return text.split('\n').length > 10 ? text : false;
  });
  const segments = original.split('~').filter((s) => s !== '').length;
  check(formatted && formatted.split('\n').filter((l) => l !== '').length === segments, `Format Document puts the ${segments} segments one per line`, formatted);
  check(formatted && formatted.replace(/\r?\n/g, '') === original, 'and changes no element byte (line breaks removed, the file is the original)');
  await screenshot('formatted');

  // Charge files: one found by its columns, one by its *.charges.csv name; a plain CSV gets nothing.
  check(await openFile('plain-inventory.csv'), 'Quick Open opens plain-inventory.csv');
  check(await openFile('drug-charges.csv'), 'Quick Open opens drug-charges.csv');
  await showProblems();
  check(await problemRow(['drug-charges.csv:', 'missing-jw-jz']), 'a charge CSV (found by its columns) gets missing-jw-jz in the Problems panel', (await problems()).join('\n'));
  check(await openFile('missing-units.charges.csv'), 'Quick Open opens missing-units.charges.csv');
  check(
    await until(() => [...document.querySelectorAll('.statusbar-item')].some((i) => i.textContent.trim() === 'Charge file (claim-lsp)')),
    'a *.charges.csv opens in the claim-charges language',
  );
  check(await problemRow(['missing-units.charges.csv:', 'csv-missing-column']), 'and gets csv-missing-column in the Problems panel', (await problems()).join('\n'));
  const rows = await problems();
  check(
    rows.some((row) => row.startsWith('drug-charges.csv:')) && !rows.some((row) => row.startsWith('plain-inventory.csv:')),
    'a plain CSV (a supply list), opened first, gets no problems',
    rows.join('\n'),
  );
  await screenshot('charge-files');

  // No toast about a configFile nobody set (.claim-lsp.json is absent from the workspace).
  await command('Notifications: Show Notifications');
  await until(() => document.querySelector('.notifications-center.visible') !== null);
  const notices = await page.$$eval('.notifications-center .notification-list-item, .notification-toast', (items) =>
    items.map((item) => item.textContent),
  );
  check(!notices.some((n) => /claim-lsp|configFile|cannot read/i.test(n)), 'no notification from claim-lsp (none about .claim-lsp.json)', notices.join('\n'));
  await screenshot('notifications');
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--window-size=1600,1000'],
    defaultViewport: { width: 1600, height: 1000 },
  });
  try {
    page = await browser.newPage();
    await run();
  } catch (error) {
    check(false, 'the driver ran to the end', error && error.stack);
    await screenshot('error');
  } finally {
    await browser.close().catch(() => {});
  }
  console.log(`vscode e2e: ${passed} passed, ${failed} failed (screenshots in ${shots})`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
})();
