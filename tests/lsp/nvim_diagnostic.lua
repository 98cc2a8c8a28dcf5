-- Neovim, headless (Debian's 0.7: `vim.lsp.start_client`; `vim.lsp.start` and `nvim -l` came in 0.8/0.9):
-- with a Dockerfile holding a stale clone open, start `cachebust server` and exit 0 only when the CB001
-- diagnostic arrives at its exact place (1 on timeout or a wrong one).
local binary = os.getenv("CACHEBUST")
local file = vim.api.nvim_buf_get_name(0)
local id = vim.lsp.start_client({
  name = "cachebust",
  cmd = { binary, "server" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
})
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
local found = vim.diagnostic.get(0)
local first = found[1] or {}
local code = first.code or (first.user_data and first.user_data.lsp and first.user_data.lsp.code)
if not ok or #found ~= 1 or code ~= "CB001" or first.lnum ~= 1 or first.col ~= 4 then
  io.stderr:write("unexpected diagnostics: " .. vim.inspect(found) .. "\n")
  vim.cmd("cquit 1")
end
io.stdout:write("neovim: " .. code .. " at line 2, column 5\n")
vim.cmd("qall!")
