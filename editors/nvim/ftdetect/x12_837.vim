" Filetype detection for ASC X12 837 claim files (claim-lsp).
lua require('claim_lsp').register_filetype()
