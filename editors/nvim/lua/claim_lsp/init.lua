--- claim-lsp for Neovim: filetype detection for X12 837 claim files and a
--- client that starts `claim-lsp serve` with the user's settings.
--- Works on Neovim 0.7 (vim.lsp.start_client) and 0.8+ (vim.lsp.start).
local M = {}

M.filetype = 'x12-837'

--- Extensions that are always claim files.
M.extensions = { '837', '837p', '837i', 'x12', 'edi' }
--- Extensions that are claim files only when the text starts with ISA.
M.sniffed_extensions = { 'txt', 'dat' }

local defaults = {
  --- Command that starts the server over stdio.
  cmd = { 'claim-lsp', 'serve' },
  --- The server's settings object: `rules`, `codeTables`, `configFile`.
  settings = { rules = {}, codeTables = {} },
  --- Files whose folder is taken as the workspace root.
  root_markers = { '.claim-lsp.json', '.git' },
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
--- separator, with an optional UTF-8 BOM and leading blanks.
function M.looks_like_x12(first_line)
  if type(first_line) ~= 'string' then
    return false
  end
  local line = first_line:gsub('^\239\187\191', '')
  return line:match('^%s*ISA[^%w%s]') ~= nil
end

local function first_line(bufnr)
  local ok, lines = pcall(vim.api.nvim_buf_get_lines, bufnr, 0, 1, false)
  return ok and lines[1] or nil
end

local function detect_by_content(bufnr)
  if M.looks_like_x12(first_line(bufnr)) then
    return M.filetype
  end
  return nil
end

local filetype_registered = false

--- Teaches Neovim the `x12-837` filetype. Safe to call more than once.
function M.register_filetype()
  if filetype_registered then
    return
  end
  filetype_registered = true

  if has_08 and vim.filetype and vim.filetype.add then
    local extension = {}
    for _, ext in ipairs(M.extensions) do
      extension[ext] = M.filetype
    end
    local pattern = {}
    for _, ext in ipairs(M.sniffed_extensions) do
      local case_insensitive = ext:gsub('%a', function(c)
        return '[' .. c:lower() .. c:upper() .. ']'
      end)
      -- Non-negative priority runs before the built-in extension table
      -- (.txt is "text"); returning nil falls through to it.
      pattern['.*%.' .. case_insensitive] = {
        function(_, bufnr)
          return detect_by_content(bufnr)
        end,
        { priority = 10 },
      }
    end
    vim.filetype.add({ extension = extension, pattern = pattern })
    return
  end

  -- Neovim 0.7: filetype.vim does the detection; add autocommands.
  local group = vim.api.nvim_create_augroup('claim_lsp_filetype', { clear = true })
  local patterns = {}
  for _, ext in ipairs(M.extensions) do
    table.insert(patterns, '*.' .. ext)
  end
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = patterns,
    callback = function(args)
      vim.api.nvim_buf_set_option(args.buf, 'filetype', M.filetype)
    end,
  })
  local sniffed = {}
  for _, ext in ipairs(M.sniffed_extensions) do
    table.insert(sniffed, '*.' .. ext)
    table.insert(sniffed, '*.' .. ext:upper())
  end
  vim.api.nvim_create_autocmd('BufRead', {
    group = group,
    pattern = sniffed,
    callback = function(args)
      if detect_by_content(args.buf) then
        vim.api.nvim_buf_set_option(args.buf, 'filetype', M.filetype)
      end
    end,
  })
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

local function client_config(bufnr)
  local settings = M.server_settings()
  return {
    name = 'claim-lsp',
    cmd = M.config.cmd,
    root_dir = M.root_dir(bufnr),
    init_options = settings,
    settings = { claimLsp = settings },
    capabilities = M.config.capabilities,
    on_attach = M.config.on_attach,
    on_init = function(client)
      -- Neovim 0.8+ sends the settings after initialize by itself.
      if not has_08 then
        notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
      end
    end,
  }
end

-- Neovim 0.7: one client per root directory, reused across buffers.
local clients_by_root = {}

--- Starts the server for a buffer, or attaches the running one. Returns the
--- client id.
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

--- The running claim-lsp clients.
function M.clients()
  local found = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in ipairs(all) do
    if client.name == 'claim-lsp' then
      table.insert(found, client)
    end
  end
  return found
end

--- Replaces the settings and sends them to the running servers.
function M.update_settings(settings)
  M.config.settings = settings or {}
  local server_settings = M.server_settings()
  for _, client in ipairs(M.clients()) do
    client.config.settings = { claimLsp = server_settings }
    if client.settings then
      client.settings = client.config.settings
    end
    notify(client, 'workspace/didChangeConfiguration', { settings = client.config.settings })
  end
end

local autostart_group

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

  autostart_group = vim.api.nvim_create_augroup('claim_lsp_start', { clear = true })
  if not M.config.autostart then
    return M
  end
  vim.api.nvim_create_autocmd('FileType', {
    group = autostart_group,
    pattern = M.filetype,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.api.nvim_buf_get_option(bufnr, 'filetype') == M.filetype then
      M.start(bufnr)
    end
  end
  return M
end

return M
