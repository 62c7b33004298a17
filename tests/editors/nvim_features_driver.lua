-- Headless Neovim driver for the editor features (issue 13), through Neovim's
-- own LSP client: outline (document_symbol), folding (vim.lsp.foldexpr),
-- semantic tokens on a segment id, inlay hints, omnifunc completion, and
-- vim.lsp.buf.format() on a one-line file. Needs Neovim 0.11 (foldexpr,
-- inlay_hint.get); on older versions it checks what the client has.
-- Writes "PASS" or "FAIL" as the last line of $CLAIM_LSP_RESULT, then quits.
local bin = assert(os.getenv('CLAIM_LSP_BIN'), 'CLAIM_LSP_BIN not set')
local repo_fixtures = assert(os.getenv('CLAIM_LSP_REPO_FIXTURES'), 'CLAIM_LSP_REPO_FIXTURES not set')
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
    out('not ok - ' .. what .. (detail and ('\n    ' .. tostring(detail)) or ''))
  end
  return ok
end
local function finish()
  out(string.format('nvim features: %d passed, %d failed', passed, failed))
  local f = io.open(result_file, 'w')
  f:write(failed == 0 and passed > 0 and 'PASS\n' or 'FAIL\n')
  f:close()
  vim.cmd('qall!')
end

local has_011 = vim.fn.has('nvim-0.11') == 1

-- A document is ready for requests once the server has published its diagnostics.
local published = {}
local original_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    published[result.uri] = true
  end
  return original_publish(err, result, ctx, config)
end
local function ready(bufnr)
  return vim.wait(WAIT_MS, function()
    return published[vim.uri_from_bufnr(bufnr)] == true
  end, 50)
end

local ok, err = xpcall(function()
  local claim_lsp = require('claim_lsp')
  claim_lsp.setup({ cmd = { bin, 'serve' } })

  local lines = vim.fn.readfile(repo_fixtures .. '/claims/clean-837p.837')
  vim.fn.writefile(lines, scratch .. '/batch.837')
  vim.fn.writefile({ table.concat(lines, '') }, scratch .. '/one-line.837')

  vim.cmd('edit ' .. vim.fn.fnameescape(scratch .. '/batch.837'))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.wait(WAIT_MS, function()
    return #claim_lsp.clients(bufnr) > 0
  end, 50), 'the server attaches')
  check(ready(bufnr), 'the server checks the file')
  check(vim.bo[bufnr].fixendofline == false, 'claim buffers keep their last byte (fixendofline off)')

  -- Outline through vim.lsp.buf.document_symbol (0.7 fills the location list).
  local names = {}
  if has_011 then
    local items
    vim.lsp.buf.document_symbol({ on_list = function(list) items = list.items end })
    vim.wait(WAIT_MS, function() return items ~= nil end, 50)
    for _, item in ipairs(items or {}) do
      table.insert(names, item.text)
    end
  else
    -- 0.7's document_symbol() opens the location list; the same request and the
    -- same conversion to items, read directly.
    local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol',
      { textDocument = vim.lsp.util.make_text_document_params() }, WAIT_MS) or {}
    for _, response in pairs(responses) do
      for _, item in ipairs(vim.lsp.util.symbols_to_items(response.result or {}, bufnr)) do
        table.insert(names, item.text)
      end
    end
  end
  local joined = table.concat(names, '\n')
  check(joined:find('CLM PCN0001', 1, true) and joined:find('LX 1: J2700 JZ', 1, true)
    and joined:find('2000B subscriber: DOE, JANE', 1, true), 'outline lists the claim, its lines and the subscriber',
    joined)

  if has_011 then
    -- Folding through vim.lsp.foldexpr: the claim (line 20) opens a fold.
    vim.wo.foldmethod = 'expr'
    vim.wo.foldexpr = 'v:lua.vim.lsp.foldexpr()'
    local claim_line = vim.fn.search('^CLM\\*', 'n')
    check(vim.wait(WAIT_MS, function()
      return vim.fn.foldlevel(claim_line) > 0
    end, 50), 'vim.lsp.foldexpr folds the claim', 'foldlevel=' .. vim.fn.foldlevel(claim_line))

    -- Semantic tokens: the SV1 segment id is a keyword.
    local sv1 = vim.fn.search('^SV1\\*', 'n') - 1
    local found_type
    check(vim.wait(WAIT_MS, function()
      for _, token in ipairs(vim.lsp.semantic_tokens.get_at_pos(bufnr, sv1, 1) or {}) do
        found_type = token.type
        if token.type == 'keyword' then
          return true
        end
      end
      return false
    end, 50), 'semantic tokens mark the segment id SV1 as a keyword', found_type)

    -- Inlay hints: the dose after the units of the drug line.
    vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
    local labels = {}
    check(vim.wait(WAIT_MS, function()
      labels = {}
      for _, hint in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr }) or {}) do
        local label = hint.inlay_hint.label
        table.insert(labels, type(label) == 'string' and label or vim.inspect(label))
      end
      return vim.tbl_contains(labels, '= up to 1,000 mg oxacillin sodium')
    end, 100), 'an inlay hint shows the dose of the drug line', table.concat(labels, ' | '))
  end

  -- vim.lsp.buf.format() on a one-line file: one segment per line, no byte of an
  -- element changed.
  vim.cmd('edit ' .. vim.fn.fnameescape(scratch .. '/one-line.837'))
  local one = vim.api.nvim_get_current_buf()
  check(vim.wait(WAIT_MS, function()
    return #claim_lsp.clients(one) > 0
  end, 50), 'the server attaches to the one-line file')
  check(ready(one), 'the server checks the one-line file')
  local before = table.concat(vim.api.nvim_buf_get_lines(one, 0, -1, false), '')
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ bufnr = one, async = false, timeout_ms = WAIT_MS })
  else
    vim.lsp.buf.formatting_sync(nil, WAIT_MS)
  end
  local after = vim.api.nvim_buf_get_lines(one, 0, -1, false)
  check(#after == #lines, 'format puts one segment per line', #after .. ' lines')
  check(table.concat(after, '') == before, 'format changes no element byte')
  -- A UTF-16 file without a BOM is read again as UTF-16: a claim, and text.
  local utf16 = {}
  for _, line in ipairs(lines) do
    for i = 1, #line do
      table.insert(utf16, line:sub(i, i) .. '\0')
    end
    table.insert(utf16, '\n\0')
  end
  local handle = assert(io.open(scratch .. '/utf16.837', 'wb'))
  handle:write(table.concat(utf16))
  handle:close()
  vim.cmd('edit ' .. vim.fn.fnameescape(scratch .. '/utf16.837'))
  local wide = vim.api.nvim_get_current_buf()
  vim.wait(WAIT_MS, function() return vim.bo[wide].fileencoding == 'utf-16le' end, 50)
  check(vim.bo[wide].fileencoding == 'utf-16le' and vim.bo[wide].filetype == 'x12-837'
    and vim.api.nvim_buf_get_lines(wide, 0, 1, false)[1] == lines[1],
    'a UTF-16 file without a BOM opens as text and as a claim',
    vim.bo[wide].fileencoding .. ' ' .. vim.bo[wide].filetype)

  -- Completion through the omnifunc the client sets: modifiers on the drug line.
  -- Insert mode only happens once this script returns, so the rest runs from a timer.
  vim.cmd('buffer ' .. bufnr)
  check(vim.bo[bufnr].omnifunc == 'v:lua.vim.lsp.omnifunc', 'omnifunc is the LSP one', vim.bo[bufnr].omnifunc)
  local jz_line = vim.fn.search(':JZ\\*', 'n')
  local jz_col = vim.fn.getline(jz_line):find(':JZ', 1, true)
  vim.api.nvim_win_set_cursor(0, { jz_line, jz_col })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('i<C-x><C-o>', true, false, true), 'n', false)
  local started = vim.loop.now()
  local function poll()
    local completed = {}
    local done_ok, info = pcall(vim.fn.complete_info, { 'items' })
    for _, item in ipairs(done_ok and info.items or {}) do
      table.insert(completed, item.word)
    end
    if #completed == 0 and vim.loop.now() - started < WAIT_MS then
      vim.defer_fn(poll, 50)
      return
    end
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-e><Esc>', true, false, true), 'n', false)
    check(vim.tbl_contains(completed, 'JW') and vim.tbl_contains(completed, 'JZ'),
      'omnifunc completion offers JW and JZ in a modifier position',
      table.concat(completed, ' ', 1, math.min(#completed, 8)))
    finish()
  end
  vim.defer_fn(poll, 50)
end, debug.traceback)

check(ok, 'driver ran to the end', err)
if not ok then
  finish()
end
