--- claim-lsp for Neovim: filetype detection for X12 837 claim files and a
--- client that starts `claim-lsp serve` with the user's settings.
--- Neovim 0.11+: vim.lsp.config / vim.lsp.enable; 0.8–0.10: vim.lsp.start;
--- 0.7 (Debian bookworm's 0.7.2): vim.lsp.start_client.
local M = {}

M.filetype = 'x12-837'
--- The client's name in :LspInfo / :checkhealth, and the vim.lsp.config name on 0.11+.
M.name = 'claim_lsp'

--- Extensions that are always claim files. Any other file is one when its
--- content starts with an ISA segment.
M.default_extensions = { '837', '837p', '837i', 'x12', 'edi' }

--- Filetypes of charge files (CSV/TSV charge lines). The client attaches to
--- every buffer of these filetypes; the server decides per document whether it
--- is a charge file (by its header and rows, or a `*.charges.csv` /
--- `*.charges.tsv` name) and leaves any other CSV alone.
M.charge_filetypes = { 'csv', 'tsv' }

local defaults = {
  --- Command that starts the server over stdio.
  cmd = { 'claim-lsp', 'serve' },
  --- The server's settings object: `rules`, `policy`, `payerClasses`,
  --- `payers`, `codeTables`, `mueFile`.
  settings = { rules = {}, codeTables = {} },
  --- Files whose folder is taken as the workspace root.
  root_markers = { '.claim-lsp.json', '.git' },
  --- More extensions that are claim files (without the dot), e.g. { 'clm' }.
  extensions = {},
  --- Lua patterns for more claim files, as in vim.filetype.add(): matched
  --- against the full path when the pattern has a '/', else the file name.
  patterns = {},
  --- Recognize any file whose content starts with ISA.
  detect_by_content = true,
  --- Attach to CSV/TSV buffers too (charge files; the server ignores other CSVs).
  charge_files = true,
  --- Passed through to the client.
  on_attach = nil,
  capabilities = nil,
  --- Start the server when a claim file opens.
  autostart = true,
}

M.config = vim.deepcopy(defaults)

local has_08 = vim.fn.has('nvim-0.8') == 1
local has_011 = vim.fn.has('nvim-0.11') == 1

--- Whether a line is the start of an X12 interchange: ISA then the element
--- separator (never a letter, digit or blank), with an optional UTF-8 BOM and
--- leading blanks. "ISAAC called" is not a claim.
function M.looks_like_x12(first_line)
  if type(first_line) ~= 'string' then
    return false
  end
  local line = first_line:gsub('^\239\187\191', '')
  return line:match('^%s*ISA[^%w%s]') ~= nil
end

--- The first bytes of a buffer. Only the start matters, and a claim file is
--- often a single 10 MB line, so the whole line is not copied into Lua.
local function buffer_start(bufnr)
  if not bufnr or not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  local ok, line_end = pcall(vim.api.nvim_buf_get_offset, bufnr, 1)
  if not ok or line_end <= 0 then
    return nil
  end
  local ok_text, text = pcall(vim.api.nvim_buf_get_text, bufnr, 0, 0, 0, math.min(line_end - 1, 128), {})
  if ok_text and text then
    return text[1]
  end
  local ok_lines, lines = pcall(vim.api.nvim_buf_get_lines, bufnr, 0, 1, false)
  return ok_lines and lines[1] or nil
end

local function extension_set()
  local set = {}
  for _, ext in ipairs(M.default_extensions) do
    set[ext] = true
  end
  for _, ext in ipairs(M.config.extensions or {}) do
    set[(ext:gsub('^%.', ''))] = true
  end
  return set
end

--- Whether a path matches one of the user's patterns, the way vim.filetype
--- matches them: anchored, on the full path when the pattern has a '/'.
function M.matches_pattern(path, pattern)
  local subject = pattern:find('/', 1, true) and path or vim.fn.fnamemodify(path, ':t')
  return subject:match('^' .. pattern .. '$') ~= nil
end

--- Whether a buffer holds a claim file: by extension, by one of the user's
--- patterns, or by content.
function M.is_claim_file(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name ~= '' then
    local ext = name:match('%.([^./]+)$')
    if ext and extension_set()[ext:lower()] then
      return true
    end
    for _, pattern in ipairs(M.config.patterns or {}) do
      if M.matches_pattern(name, pattern) then
        return true
      end
    end
  end
  return M.config.detect_by_content ~= false and M.looks_like_x12(buffer_start(bufnr))
end

--- The filetypes the client attaches to.
function M.filetypes()
  local filetypes = { M.filetype }
  if M.config.charge_files ~= false then
    vim.list_extend(filetypes, M.charge_filetypes)
  end
  return filetypes
end

--- Neovim before 0.10 has no csv/tsv filetype: *.csv and *.tsv get one when
--- nothing else named them (a CSV plugin's own filetype wins).
local function csv_filetype_missing(ext)
  if vim.filetype and vim.filetype.match then
    local ok, found = pcall(vim.filetype.match, { filename = 'x.' .. ext })
    return not ok or found == nil
  end
  return true
end

local function register_with_vim_filetype()
  local extension = {}
  for ext in pairs(extension_set()) do
    extension[ext] = M.filetype
  end
  for _, ext in ipairs(M.charge_filetypes) do
    if csv_filetype_missing(ext) then
      extension[ext] = ext
    end
  end
  local pattern = {}
  for _, user_pattern in ipairs(M.config.patterns or {}) do
    pattern[user_pattern] = M.filetype
  end
  -- Content decides over the name: claim files come as batch.txt, 837.dat or
  -- no extension at all. The highest priority runs this before the name
  -- rules; returning nil lets them decide.
  pattern['.*'] = {
    function(_, bufnr)
      if M.config.detect_by_content ~= false and M.looks_like_x12(buffer_start(bufnr)) then
        return M.filetype
      end
    end,
    { priority = math.huge },
  }
  vim.filetype.add({ extension = extension, pattern = pattern })
end

local function register_autocommands()
  -- Neovim 0.7: filetype.vim sources ftdetect/ after its own rules, so this
  -- runs after `setf text` for *.txt; setting 'filetype' outright overrides it.
  local group = vim.api.nvim_create_augroup('claim_lsp_filetype', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*',
    callback = function(args)
      if vim.api.nvim_buf_get_option(args.buf, 'filetype') ~= M.filetype and M.is_claim_file(args.buf) then
        vim.api.nvim_buf_set_option(args.buf, 'filetype', M.filetype)
      end
    end,
  })
  -- Neovim 0.7 knows no csv/tsv filetype.
  for _, ext in ipairs(M.charge_filetypes) do
    vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
      group = group,
      pattern = { '*.' .. ext, '*.' .. ext:upper() },
      callback = function(args)
        if vim.api.nvim_buf_get_option(args.buf, 'filetype') == '' then
          vim.api.nvim_buf_set_option(args.buf, 'filetype', ext)
        end
      end,
    })
  end
end

--- Teaches Neovim the `x12-837` filetype, with the user's extensions and
--- patterns. Called from ftdetect/ at startup and again by setup().
function M.register_filetype()
  if has_08 and vim.filetype and vim.filetype.add then
    register_with_vim_filetype()
  else
    register_autocommands()
  end
end

--- The workspace root for a buffer: the nearest folder with a root marker.
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= '' and vim.fn.fnamemodify(name, ':p:h') or vim.fn.getcwd()
  for _, marker in ipairs(M.config.root_markers) do
    local file = vim.fn.findfile(marker, start .. ';')
    if file ~= '' then
      return vim.fn.fnamemodify(file, ':p:h')
    end
    local dir = vim.fn.finddir(marker, start .. ';')
    if dir ~= '' then
      -- ':p' gives a directory a trailing slash, so ':h' twice is its parent.
      return vim.fn.fnamemodify(dir, ':p:h:h')
    end
  end
  return start
end

local function notify(client, method, params)
  if has_011 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- The settings object sent as initializationOptions and, wrapped as
--- `{ settings = { claimLsp = ... } }`, as workspace/didChangeConfiguration.
function M.server_settings()
  local settings = vim.deepcopy(M.config.settings or {})
  -- An empty Lua table encodes as a JSON array; the server wants objects.
  for _, key in ipairs({ 'rules', 'codeTables' }) do
    if type(settings[key]) ~= 'table' or next(settings[key]) == nil then
      settings[key] = vim.empty_dict()
    end
  end
  return settings
end

--- The client configuration shared by every Neovim version; root_dir is
--- filled in per buffer.
local function base_config()
  local settings = M.server_settings()
  return {
    name = M.name,
    cmd = M.config.cmd,
    filetypes = M.filetypes(),
    init_options = settings,
    settings = { claimLsp = settings },
    capabilities = M.config.capabilities,
    on_attach = function(client, bufnr)
      -- Neovim 0.8+ sets the LSP omnifunc itself; 0.7 leaves it to the user.
      if not has_08 and vim.api.nvim_buf_get_option(bufnr, 'omnifunc') == '' then
        vim.api.nvim_buf_set_option(bufnr, 'omnifunc', 'v:lua.vim.lsp.omnifunc')
      end
      if M.config.on_attach then
        return M.config.on_attach(client, bufnr)
      end
    end,
    on_init = function(client)
      -- Neovim 0.8+ sends the settings after initialize by itself.
      if not has_08 then
        notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
      end
    end,
  }
end

local function client_config(bufnr)
  local config = base_config()
  config.root_dir = M.root_dir(bufnr)
  return config
end

--- The configuration given to vim.lsp.config on Neovim 0.11+.
function M.lsp_config()
  local config = base_config()
  config.name = nil
  config.root_dir = function(bufnr, on_dir)
    on_dir(M.root_dir(bufnr))
  end
  return config
end

-- Neovim 0.7: one client per root directory, reused across buffers.
local clients_by_root = {}

--- Starts the server for a buffer, or attaches the running one. Returns the
--- client id. setup() calls it for each claim buffer unless autostart is off.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local config = client_config(bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_by_root[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    clients_by_root[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

--- The running claim-lsp clients, or those attached to one buffer.
function M.clients(bufnr)
  local found = {}
  local all
  if vim.lsp.get_clients then
    all = vim.lsp.get_clients({ bufnr = bufnr })
  elseif bufnr then
    all = vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
  else
    all = vim.lsp.get_active_clients()
  end
  for _, client in ipairs(all) do
    if client.name == M.name then
      table.insert(found, client)
    end
  end
  return found
end

--- Replaces the settings and sends them to the running servers.
function M.update_settings(settings)
  M.config.settings = settings or {}
  local server_settings = M.server_settings()
  if has_011 and vim.lsp.config then
    -- Clients started from now on get the new settings too.
    vim.lsp.config[M.name] = M.lsp_config()
  end
  for _, client in ipairs(M.clients()) do
    client.config.settings = { claimLsp = server_settings }
    if client.settings then
      client.settings = client.config.settings
    end
    notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
  end
end

local autostart_group

--- Claim files end where their last segment ends: `:w` must not add a line
--- break the file did not have (it would change the file's bytes).
local function buffer_options(bufnr)
  vim.api.nvim_buf_set_option(bufnr, 'fixendofline', false)
end

--- UTF-16 written without a BOM reads as letters with NULs between them
--- (Neovim shows them as ^@). Such a claim
--- file is read again as UTF-16, so it shows as text and is written back in
--- UTF-16 (its 'fileencoding').
function M.utf16_without_bom(first_line)
  if type(first_line) ~= 'string' then
    return nil
  end
  -- The API gives NULs as "\0" (Vimscript as "\n"): either is taken.
  if first_line:match('^I[%z\n]S[%z\n]A[%z\n]') then
    return 'utf-16le'
  end
  if first_line:match('^[%z\n]I[%z\n]S[%z\n]A') then
    return 'utf-16'
  end
  return nil
end

local function reopen_utf16(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.api.nvim_get_current_buf() ~= bufnr then
    return
  end
  local ok, lines = pcall(vim.api.nvim_buf_get_lines, bufnr, 0, 1, false)
  local encoding = ok and lines[1] and M.utf16_without_bom(lines[1]:sub(1, 16)) or nil
  if encoding and vim.api.nvim_buf_get_option(bufnr, 'fileencoding') ~= encoding then
    vim.cmd('silent edit ++enc=' .. encoding)
  end
end

local warned_missing = false
--- Says once, in the editor, when the server command cannot be found: without
--- it nothing else of the plugin works, and the LSP log is not where users look.
function M.check_server()
  local cmd = M.config.cmd
  local exe = type(cmd) == 'table' and cmd[1] or nil
  if exe and vim.fn.executable(exe) == 0 and not warned_missing then
    warned_missing = true
    vim.notify('claim-lsp: server not found: ' .. exe .. " (install it, or set `cmd` in require('claim_lsp').setup)",
      vim.log.levels.WARN)
    return false
  end
  return true
end

--- Configures the plugin. `opts` overrides the defaults above; `settings` is
--- replaced as a whole table, not merged key by key.
function M.setup(opts)
  opts = opts or {}
  local settings = opts.settings
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  if settings ~= nil then
    M.config.settings = vim.deepcopy(settings)
  end
  M.register_filetype()

  -- Buffers opened before setup() (a plugin manager may load it late) are
  -- looked at again with the user's extensions and patterns.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if
      vim.api.nvim_buf_is_loaded(bufnr)
      and vim.api.nvim_buf_get_option(bufnr, 'buftype') == ''
      and vim.api.nvim_buf_get_option(bufnr, 'filetype') ~= M.filetype
      and M.is_claim_file(bufnr)
    then
      vim.api.nvim_buf_set_option(bufnr, 'filetype', M.filetype)
    end
  end

  autostart_group = vim.api.nvim_create_augroup('claim_lsp_start', { clear = true })
  if M.config.detect_by_content ~= false then
    vim.api.nvim_create_autocmd('BufReadPost', {
      group = autostart_group,
      pattern = '*',
      callback = function(args)
        -- After the read has finished: a buffer cannot be read again inside its own
        -- BufReadPost.
        vim.schedule(function()
          reopen_utf16(args.buf)
        end)
      end,
    })
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = autostart_group,
    pattern = M.filetype,
    callback = function(args)
      buffer_options(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.api.nvim_buf_get_option(bufnr, 'filetype') == M.filetype then
      buffer_options(bufnr)
    end
  end
  if M.config.autostart ~= false then
    M.check_server()
  end
  if has_011 and vim.lsp.config and vim.lsp.enable then
    -- Assignment, not vim.lsp.config(name, …): setup() replaces, it does not merge.
    vim.lsp.config[M.name] = M.lsp_config()
    -- vim.lsp.enable also attaches buffers that are already open.
    vim.lsp.enable(M.name, M.config.autostart ~= false)
    return M
  end
  if not M.config.autostart then
    return M
  end
  local filetypes = M.filetypes()
  vim.api.nvim_create_autocmd('FileType', {
    group = autostart_group,
    pattern = filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if
      vim.api.nvim_buf_is_loaded(bufnr)
      and vim.tbl_contains(filetypes, vim.api.nvim_buf_get_option(bufnr, 'filetype'))
    then
      M.start(bufnr)
    end
  end
  return M
end

return M
