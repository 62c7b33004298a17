// Recognizes claim files by their content. Claim files arrive with whatever
// name the clearinghouse or the practice system gave them, so the first bytes
// decide: an interchange always starts with the ISA segment.

/**
 * The same test as the language's `firstLine` rule in package.json: `ISA`
 * (after an optional byte order mark and blanks) followed by the element
 * separator, which is never a letter, digit or blank. "ISAAC called" is not a
 * claim; "ISA*00*" and "ISA|00|" are.
 */
export const FIRST_LINE_PATTERN = /^\uFEFF?\s*ISA[^A-Za-z0-9\s]/;

/** Whether a document whose first line is `firstLine` is an X12 interchange. */
export function startsLikeX12(firstLine: string): boolean {
  return FIRST_LINE_PATTERN.test(firstLine);
}

/** URI schemes of documents a user edits; never diff views, output panels or git blobs. */
export const DETECTED_SCHEMES: readonly string[] = ['file', 'untitled'];

/**
 * Whether the extension should switch a document to the claim language.
 * VS Code's own `firstLine` rule only applies when no other language claims
 * the file name (`batch.txt` is plain text first), so the extension checks the
 * content of every opened document once; `alreadyDecided` is true after the
 * first time, so a user who picks another language keeps it.
 */
export function shouldSwitchToClaimLanguage(document: {
  languageId: string;
  scheme: string;
  firstLine: string;
  alreadyDecided: boolean;
  claimLanguageId: string;
}): boolean {
  if (document.alreadyDecided || document.languageId === document.claimLanguageId) return false;
  if (!DETECTED_SCHEMES.includes(document.scheme)) return false;
  return startsLikeX12(document.firstLine);
}
