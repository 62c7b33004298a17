-- Runs after a README snippet was loaded as init.lua: opens a claim file with
-- no extension (found by content) and checks, through Neovim's LSP client,
-- that the snippet's server attached, the demo claim's findings arrived, and
-- the snippet's setting (ndc-quantity-mismatch = error) reached the server.
-- Writes "PASS" or "FAIL" as the last line of $CLAIM_LSP_RESULT, then quits.
local claim = assert(os.getenv('CLAIM_LSP_CLAIM'), 'CLAIM_LSP_CLAIM not set')
local expected_file = assert(os.getenv('CLAIM_LSP_EXPECTED'), 'CLAIM_LSP_EXPECTED not set')
local result_file = assert(os.getenv('CLAIM_LSP_RESULT'), 'CLAIM_LSP_RESULT not set')
local snippet = os.getenv('CLAIM_LSP_SNIPPET') or 'snippet'
local WAIT_MS = 20000

local failed, passed = 0, 0
local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    io.stdout:write('ok - ' .. snippet .. ': ' .. what .. '\n')
  else
    failed = failed + 1
    io.stdout:write('not ok - ' .. snippet .. ': ' .. what .. (detail and ('\n    ' .. detail) or '') .. '\n')
  end
  return ok
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function rule_lines(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, (d.lnum + 1) .. ' ' .. tostring(code_of(d)))
  end
  table.sort(found)
  return table.concat(found, ', ')
end

local function claim_clients(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  return vim.tbl_filter(function(c)
    return c.name == 'claim_lsp'
  end, all)
end

local ok, err = xpcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(claim))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'x12-837', 'a claim with no extension opens as x12-837',
    'filetype=' .. vim.bo[bufnr].filetype)
  if not check(vim.wait(WAIT_MS, function()
    return #claim_clients(bufnr) > 0
  end, 50), 'claim_lsp attaches to the buffer') then
    return
  end
  local expected = {}
  for _, line in ipairs(vim.fn.readfile(expected_file)) do
    if line ~= '' and not line:match('^#') then
      table.insert(expected, line)
    end
  end
  table.sort(expected)
  local want = table.concat(expected, ', ')
  check(vim.wait(WAIT_MS, function()
    return rule_lines(bufnr) == want
  end, 50), 'the demo claim\'s diagnostics arrive', 'got: ' .. rule_lines(bufnr) .. '\n    want: ' .. want)
  local severity
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == 'ndc-quantity-mismatch' then
      severity = d.severity
    end
  end
  check(severity == vim.diagnostic.severity.ERROR, 'the snippet\'s setting makes ndc-quantity-mismatch an error',
    'severity ' .. tostring(severity))
end, debug.traceback)
check(ok, 'driver ran to the end', err)

local f = io.open(result_file, 'w')
f:write((failed == 0 and passed > 0) and 'PASS\n' or 'FAIL\n')
f:close()
vim.cmd('qall!')
