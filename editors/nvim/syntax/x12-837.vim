" Fallback highlighting for X12 837 claim files, for clients without semantic
" tokens (the server's tokens, when the client asks for them, are exact and
" read the separators the ISA declares; these patterns assume the common ones:
" * elements, : components, ^ repetitions, ~ segments).
if exists('b:current_syntax')
  finish
endif

syntax match x12Separator /[*:^~|]/
syntax match x12SegmentId /\v(^|\~)\s*\zs[A-Z][A-Z0-9]{1,2}\ze[*|]/
syntax match x12Date /\v[*:]\zs(19|20)\d{6}(-(19|20)\d{6})?\ze([*:~]|$)/
syntax match x12Number /\v[*]\zs-?\d+(\.\d+)?\ze([*~]|$)/
syntax match x12ProcedureCode /\v(SV1\*|SV2\*[^*~]*\*)[A-Z]{2}:\zs[A-Z0-9]{5}/
syntax match x12Modifier /\v(SV1\*|SV2\*[^*~]*\*)[A-Z]{2}:[A-Z0-9]{5}\zs(:[A-Z0-9]{2}){1,4}/ contains=x12Separator

highlight default link x12Separator Delimiter
highlight default link x12SegmentId Keyword
highlight default link x12Date String
highlight default link x12Number Number
highlight default link x12ProcedureCode Function
highlight default link x12Modifier Special

let b:current_syntax = 'x12-837'
