-- Headless Neovim driver for nvim_test.sh: opens claim fixtures through the
-- claim_lsp plugin against the real server and checks, through Neovim's own
-- LSP client, what a user would see: the filetype, the server attached, the
-- exact diagnostics (rule id and line), hover, settings changes, edits.
-- Writes "PASS" or "FAIL" as the last line of $CLAIM_LSP_RESULT, then quits.
local bin = assert(os.getenv('CLAIM_LSP_BIN'), 'CLAIM_LSP_BIN not set')
local fixtures = assert(os.getenv('CLAIM_LSP_FIXTURES'), 'CLAIM_LSP_FIXTURES not set')
local result_file = assert(os.getenv('CLAIM_LSP_RESULT'), 'CLAIM_LSP_RESULT not set')
local scratch = assert(os.getenv('CLAIM_LSP_SCRATCH'), 'CLAIM_LSP_SCRATCH not set')
local WAIT_MS = tonumber(os.getenv('CLAIM_LSP_WAIT_MS') or '') or 20000

local passed, failed = 0, 0
local function out(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end
local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    out('ok - ' .. what)
  else
    failed = failed + 1
    out('not ok - ' .. what .. (detail and ('\n    ' .. detail) or ''))
  end
  return ok
end
local function finish()
  out(string.format('nvim %s: %d passed, %d failed', tostring(vim.version and vim.version() and
    (vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) or '?'), passed, failed))
  if failed > 0 then
    local ok, path = pcall(vim.lsp.get_log_path)
    if ok then
      out('    (Neovim LSP log: ' .. path .. ')')
    end
  end
  local f = io.open(result_file, 'w')
  f:write(failed == 0 and passed > 0 and 'PASS\n' or 'FAIL\n')
  f:close()
  vim.cmd('qall!')
end

-- Record every publishDiagnostics by URI, so "no diagnostics" can be told
-- apart from "nothing published yet".
local published = {}
local original_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    published[result.uri] = (published[result.uri] or 0) + 1
  end
  return original_publish(err, result, ctx, config)
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(found, tostring(code) .. ' ' .. (d.message or ''))
  end
  return found
end

local function diagnostics_with_code(bufnr, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code then
      table.insert(found, d)
    end
  end
  return found
end

--- "LINE RULE-ID" (1-based) for each diagnostic of a buffer, sorted.
local function rule_lines(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(found, (d.lnum + 1) .. ' ' .. tostring(code))
  end
  table.sort(found)
  return found
end

--- The expected "LINE RULE-ID" pairs kept beside a fixture, sorted.
local function expected_rule_lines(fixture)
  local expected = {}
  for _, line in ipairs(vim.fn.readfile(fixture .. '.diagnostics')) do
    if line ~= '' and not line:match('^#') then
      table.insert(expected, line)
    end
  end
  table.sort(expected)
  return expected
end

local function same_list(a, b)
  return table.concat(a, '\n') == table.concat(b, '\n')
end

--- The code actions the server offers on one line (0-based), with that line's
--- diagnostics as context, as Neovim's code action menu sends them. Returns a
--- list of { action = ..., client_id = ... }.
local function code_actions(bufnr, line)
  local diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr, { lnum = line })) do
    table.insert(diagnostics, {
      range = {
        start = { line = d.lnum, character = d.col },
        ['end'] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col },
      },
      severity = d.severity,
      message = d.message,
      source = d.source,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    })
  end
  local first = diagnostics[1]
  local at = first and first.range.start or { line = line, character = 0 }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = at, ['end'] = at },
    context = { diagnostics = diagnostics },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, WAIT_MS) or {}
  local actions = {}
  for client_id, response in pairs(responses) do
    for _, action in ipairs(response.result or {}) do
      table.insert(actions, { action = action, client_id = client_id })
    end
  end
  return actions
end

--- The first place `needle` is written in a buffer: 0-based line and column.
local function find_text(bufnr, needle)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = l:find(needle, 1, true)
    if col then
      return i - 1, col - 1
    end
  end
  error('no ' .. needle .. ' in the buffer')
end

local function read_file(path)
  local f = assert(io.open(path, 'rb'))
  local text = f:read('*a')
  f:close()
  return text
end

local function open(path)
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function hover_text(bufnr, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, WAIT_MS)
  if not responses then
    return nil, 'no response: ' .. tostring(err)
  end
  local parts = {}
  for _, response in pairs(responses) do
    if response.err then
      table.insert(parts, 'error: ' .. vim.inspect(response.err))
    end
    local contents = response.result and response.result.contents
    if type(contents) == 'string' then
      table.insert(parts, contents)
    elseif type(contents) == 'table' then
      if contents.value then
        table.insert(parts, contents.value)
      else
        for _, item in ipairs(contents) do
          table.insert(parts, type(item) == 'string' and item or (item.value or ''))
        end
      end
    end
  end
  return table.concat(parts, '\n')
end

local ok, err = xpcall(function()
  local claim_lsp = require('claim_lsp')
  claim_lsp.setup({
    cmd = { bin, 'serve' },
    settings = { rules = { ['segment-count'] = 'warning' } },
    extensions = { 'clm' },
    patterns = { '.*/inbound/.*%.out' },
  })
  check(vim.fn.json_encode(claim_lsp.server_settings().codeTables) == '{}',
    'empty settings tables are sent as JSON objects', vim.fn.json_encode(claim_lsp.server_settings()))

  -- The demo claim: the server attaches and reports exactly the expected
  -- (line, rule id) pairs, no more and no fewer.
  local mistakes_path = fixtures .. '/drug-line-mistakes.837p'
  local mistakes = open(mistakes_path)
  check(vim.bo[mistakes].filetype == 'x12-837', '.837p opens as x12-837', 'filetype=' .. vim.bo[mistakes].filetype)
  local attached = vim.wait(WAIT_MS, function()
    for _, client in ipairs(claim_lsp.clients(mistakes)) do
      if client.initialized or client.server_capabilities then
        return true
      end
    end
    return false
  end, 50)
  if not check(attached, 'claim-lsp server starts, initializes and attaches to the claim buffer') then
    return
  end
  if vim.fn.has('nvim-0.11') == 1 then
    check(vim.lsp.is_enabled(claim_lsp.name) and vim.lsp.config[claim_lsp.name] ~= nil,
      'Neovim 0.11: the server runs from vim.lsp.config and vim.lsp.enable')
  end
  local expected = expected_rule_lines(mistakes_path)
  check(vim.wait(WAIT_MS, function()
    return same_list(rule_lines(mistakes), expected)
  end, 50), 'diagnostics are exactly: ' .. table.concat(expected, ', '),
    'got: ' .. table.concat(rule_lines(mistakes), ', '))

  -- Hover on the J-code of the first service line.
  local jm_line, jm_col = find_text(mistakes, 'J2700')
  local hover, hover_problem = hover_text(mistakes, jm_line, jm_col + 1)
  check(hover ~= nil and hover:lower():find('oxacillin', 1, true) ~= nil, 'hover on J2700 contains "oxacillin"',
    'hover: ' .. vim.inspect(hover or hover_problem))

  -- ── Code actions ─────────────────────────────────────────────────────────
  -- A Medicare drug line with neither JW nor JZ: the actions at it include "Add
  -- JW wastage line"; picked in Neovim's own code action menu, the buffer becomes
  -- the expected fixed file (a new 2400 loop, LX renumbered, SE01 and CLM02
  -- updated) and the finding goes away. The claim is copied to the scratch
  -- folder so the repository's fixture is never the buffer being edited.
  local repo_fixtures = assert(os.getenv('CLAIM_LSP_REPO_FIXTURES'), 'CLAIM_LSP_REPO_FIXTURES not set')
  local jw_path = scratch .. '/jw-fix.837'
  local source = read_file(repo_fixtures .. '/rules/missing-jw-jz/fires-jw-fix-several-lines.837')
  local f = assert(io.open(jw_path, 'wb'))
  f:write(source)
  f:close()
  local expected_text = read_file(repo_fixtures .. '/fixes/missing-jw-jz/fires-jw-fix-several-lines.1.837')
  local jw = open(jw_path)
  local flagged = vim.wait(WAIT_MS, function()
    return #diagnostics_with_code(jw, 'missing-jw-jz') > 0
  end, 50)
  check(flagged, 'missing-jw-jz on the Medicare J2700 line', 'diagnostics: ' .. vim.inspect(codes(jw)))
  if flagged then
    local line = diagnostics_with_code(jw, 'missing-jw-jz')[1].lnum
    local actions = code_actions(jw, line)
    local titles, add_jw = {}, nil
    for _, item in ipairs(actions) do
      table.insert(titles, item.action.title)
      if item.action.title:find('Add JW wastage line', 1, true) == 1 then
        add_jw = item
      end
    end
    check(add_jw ~= nil, 'code actions at the drug line include "Add JW wastage line"', vim.inspect(titles))
    local has_jz = false
    for _, title in ipairs(titles) do
      has_jz = has_jz or title:find('Add JZ modifier', 1, true) == 1
    end
    check(has_jz, 'and "Add JZ modifier"', vim.inspect(titles))
    if add_jw then
      -- Neovim's own code action menu, with the user's pick made by a stand-in for
      -- vim.ui.select: Neovim asks the server, resolves the picked action's edit
      -- (the list comes without edits) and applies it.
      local offered, original_select = {}, vim.ui.select
      vim.ui.select = function(items, opts, on_choice)
        local pick
        for i, item in ipairs(items) do
          local title = opts and opts.format_item and opts.format_item(item) or tostring(item)
          table.insert(offered, title)
          if not pick and title:find('Add JW wastage line', 1, true) == 1 then
            pick = i
          end
        end
        on_choice(pick and items[pick] or nil, pick)
      end
      local jw_line, jw_col = find_text(jw, 'J2700')
      vim.api.nvim_win_set_buf(0, jw)
      vim.api.nvim_win_set_cursor(0, { jw_line + 1, jw_col })
      vim.lsp.buf.code_action()
      local buffer_text = function()
        return table.concat(vim.api.nvim_buf_get_lines(jw, 0, -1, false), '\n') .. '\n'
      end
      local applied = vim.wait(WAIT_MS, function()
        return buffer_text() == expected_text
      end, 50)
      vim.ui.select = original_select
      check(applied, 'picked in Neovim\'s code action menu, it makes the buffer equal the expected fixed file',
        'offered: ' .. vim.inspect(offered) .. '\nbuffer:\n' .. buffer_text())
      check(vim.wait(WAIT_MS, function()
        local errors = vim.diagnostic.get(jw, { severity = vim.diagnostic.severity.ERROR })
        return #diagnostics_with_code(jw, 'missing-jw-jz') == 0 and #errors == 0
      end, 50), 'after the fix: no missing-jw-jz and no error', 'diagnostics: ' .. vim.inspect(codes(jw)))
    end
  end

  local wrong = open(fixtures .. '/segment-count-wrong.837p')

  local got_count = vim.wait(WAIT_MS, function()
    return #diagnostics_with_code(wrong, 'segment-count') > 0
  end, 50)
  check(got_count, 'segment-count diagnostic on a wrong SE01',
    'diagnostics: ' .. vim.inspect(codes(wrong)))
  if got_count then
    local d = diagnostics_with_code(wrong, 'segment-count')[1]
    local se_line = d.lnum
    local text = vim.api.nvim_buf_get_lines(wrong, se_line, se_line + 1, false)[1] or ''
    check(text:match('^SE') ~= nil, 'segment-count diagnostic is on the SE segment', 'line ' .. se_line .. ': ' .. text)
    check(d.severity == vim.diagnostic.severity.WARN, 'severity comes from settings (warning)',
      'severity ' .. tostring(d.severity))

    -- Settings changed at run time reach the server.
    claim_lsp.update_settings({ rules = { ['segment-count'] = 'off' } })
    check(vim.wait(WAIT_MS, function()
      return #diagnostics_with_code(wrong, 'segment-count') == 0
    end, 50), 'update_settings turns segment-count off', 'diagnostics: ' .. vim.inspect(codes(wrong)))
    claim_lsp.update_settings({ rules = { ['segment-count'] = 'error' } })
    check(vim.wait(WAIT_MS, function()
      local found = diagnostics_with_code(wrong, 'segment-count')
      return #found > 0 and found[1].severity == vim.diagnostic.severity.ERROR
    end, 50), 'update_settings turns segment-count back on as an error', 'diagnostics: ' .. vim.inspect(codes(wrong)))
  end

  -- Hover on the J-code.
  local lines = vim.api.nvim_buf_get_lines(wrong, 0, -1, false)
  local j_line, j_col = find_text(wrong, 'J2700')
  local text, hover_err = hover_text(wrong, j_line, j_col + 2)
  check(text ~= nil and text:lower():find('oxacillin sodium', 1, true) ~= nil,
    'hover on J2700 names oxacillin sodium', 'hover: ' .. vim.inspect(text or hover_err))

  -- Fix SE01 with a small edit and expect the diagnostic to go away.
  local st_line, se_line
  for i, l in ipairs(lines) do
    if l:match('^ST%*') then
      st_line = i - 1
    elseif l:match('^SE%*') then
      se_line = i - 1
    end
  end
  local se = lines[se_line + 1]
  local first_star = se:find('*', 1, true)
  local second_star = se:find('*', first_star + 1, true)
  local count = tostring(se_line - st_line + 1)
  vim.api.nvim_buf_set_text(wrong, se_line, first_star, se_line, second_star - 1, { count })
  check(got_count and vim.wait(WAIT_MS, function()
    return #diagnostics_with_code(wrong, 'segment-count') == 0
  end, 50), 'segment-count diagnostic disappears after fixing SE01 to ' .. count,
    'diagnostics: ' .. vim.inspect(codes(wrong)))

  -- A clean claim gets a publish with nothing in it.
  local clean = open(fixtures .. '/clean-j2700.837p')
  local uri = vim.uri_from_bufnr(clean)
  local got_publish = vim.wait(WAIT_MS, function()
    return (published[uri] or 0) > 0
  end, 50)
  vim.wait(300)
  check(got_publish and #vim.diagnostic.get(clean) == 0, 'clean claim has no diagnostics',
    (got_publish and '' or 'nothing published; ') .. 'diagnostics: ' .. vim.inspect(codes(clean)))

  -- Any file is a claim when it starts with ISA and a separator, whatever
  -- its name; nothing else is, whatever it starts with.
  local claim_text = vim.fn.readfile(fixtures .. '/clean-j2700.837p')
  local bom_text = vim.deepcopy(claim_text)
  bom_text[1] = '\239\187\191' .. bom_text[1]
  for _, case in ipairs({
    { 'claim.txt', claim_text, true },
    { 'CLAIMS.DAT', claim_text, true },
    { 'from-clearinghouse-20240115', claim_text, true },
    { 'batch.log', claim_text, true },
    { 'bom.txt', bom_text, true },
    { 'notes.txt', { 'ISAAC called about the batch' }, false },
    { 'isa-word', { 'ISA1 is not a segment' }, false },
    { 'empty.dat', {}, false },
  }) do
    local name, text, is_claim = case[1], case[2], case[3]
    vim.fn.writefile(text, scratch .. '/' .. name)
    local bufnr = open(scratch .. '/' .. name)
    local ft = vim.bo[bufnr].filetype
    if is_claim then
      check(ft == 'x12-837', name .. ' starting with ISA opens as x12-837', 'filetype=' .. ft)
    else
      check(ft ~= 'x12-837', name .. ' (' .. (text[1] or 'empty') .. ') is not a claim', 'filetype=' .. ft)
    end
  end
  check(vim.wait(WAIT_MS, function()
    return #claim_lsp.clients(vim.fn.bufnr(scratch .. '/from-clearinghouse-20240115')) > 0
  end, 50), 'the server attaches to a claim found by content')
  check(#claim_lsp.clients(vim.fn.bufnr(scratch .. '/notes.txt')) == 0, 'the server does not attach to notes.txt')

  -- Extensions and patterns from setup() count without any content.
  vim.fn.mkdir(scratch .. '/inbound', 'p')
  for _, name in ipairs({ 'batch.clm', 'inbound/batch.out' }) do
    vim.fn.writefile({ '' }, scratch .. '/' .. name)
    local bufnr = open(scratch .. '/' .. name)
    check(vim.bo[bufnr].filetype == 'x12-837', name .. ' is a claim by the user\'s ' ..
      (name:match('clm$') and 'extensions' or 'patterns'), 'filetype=' .. vim.bo[bufnr].filetype)
  end
  vim.fn.writefile({ '' }, scratch .. '/elsewhere.out')
  local elsewhere = open(scratch .. '/elsewhere.out')
  check(vim.bo[elsewhere].filetype ~= 'x12-837', 'a .out outside inbound/ is not a claim',
    'filetype=' .. vim.bo[elsewhere].filetype)

  -- Charge files: the client attaches to csv/tsv buffers (0.7 gets the filetype
  -- from the plugin); the server decides which CSV is a charge file.
  local repo = assert(os.getenv('CLAIM_LSP_REPO_FIXTURES'), 'CLAIM_LSP_REPO_FIXTURES not set')
  local plain = open(repo .. '/charges/plain-inventory.csv')
  check(vim.bo[plain].filetype == 'csv', 'a .csv opens with the csv filetype', 'filetype=' .. vim.bo[plain].filetype)
  local drug_charges = open(fixtures .. '/drug-charges.csv')
  check(vim.wait(WAIT_MS, function()
    return #claim_lsp.clients(drug_charges) > 0
  end, 50), 'the server attaches to a CSV buffer')
  check(vim.wait(WAIT_MS, function()
    return #diagnostics_with_code(drug_charges, 'missing-jw-jz') > 0
  end, 50), 'a charge file found by its columns gets missing-jw-jz on its J2700 row',
    'diagnostics: ' .. vim.inspect(codes(drug_charges)))
  local jw = diagnostics_with_code(drug_charges, 'missing-jw-jz')[1]
  check(jw ~= nil and jw.lnum == 2, 'the finding is on the J2700 row (line 3)', jw and ('lnum=' .. jw.lnum))
  local named = open(repo .. '/charges/missing-units.charges.csv')
  check(vim.wait(WAIT_MS, function()
    return #diagnostics_with_code(named, 'csv-missing-column') > 0
  end, 50), 'a *.charges.csv without a units column gets csv-missing-column',
    'diagnostics: ' .. vim.inspect(codes(named)))
  local tsv = open(repo .. '/charges/tab-separated.tsv')
  check(vim.bo[tsv].filetype == 'tsv' and vim.wait(WAIT_MS, function()
    return #claim_lsp.clients(tsv) > 0
  end, 50), 'the server attaches to a .tsv buffer', 'filetype=' .. vim.bo[tsv].filetype)
  -- The plain CSV was opened first: its check came before the charge files' ones.
  check(#claim_lsp.clients(plain) > 0 and #vim.diagnostic.get(plain) == 0,
    'a plain CSV (a supply list) gets no diagnostics', 'diagnostics: ' .. vim.inspect(codes(plain)))
  local plain_hover = hover_text(plain, 1, 2)
  check(plain_hover == nil or plain_hover == '', 'and no hover', vim.inspect(plain_hover))

  -- The workspace root is the nearest folder with .claim-lsp.json, else .git.
  vim.fn.mkdir(scratch .. '/repo/.git', 'p')
  vim.fn.mkdir(scratch .. '/repo/claims/2024', 'p')
  vim.fn.writefile({ 'ISA*00*' }, scratch .. '/repo/claims/2024/a.837')
  local in_repo = open(scratch .. '/repo/claims/2024/a.837')
  local real = vim.loop.fs_realpath(scratch)
  check(vim.loop.fs_realpath(claim_lsp.root_dir(in_repo)) == real .. '/repo', 'root is the folder holding .git',
    claim_lsp.root_dir(in_repo))
  vim.fn.writefile({ '{}' }, scratch .. '/repo/claims/.claim-lsp.json')
  check(vim.loop.fs_realpath(claim_lsp.root_dir(in_repo)) == real .. '/repo/claims',
    'root is the folder holding .claim-lsp.json', claim_lsp.root_dir(in_repo))
end, debug.traceback)

check(ok, 'driver ran to the end', err)
finish()
