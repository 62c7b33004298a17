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

/** The language of charge files named `*.charges.csv` / `*.charges.tsv`. */
export const CHARGES_LANGUAGE_ID = 'claim-charges';

/**
 * Languages whose documents go to the server: claims, charge files, and the
 * `csv` / `tsv` ids that CSV extensions (Rainbow CSV and others) add. VS Code
 * itself has no CSV language, so CSV and TSV files are also matched by name.
 * The server decides per document: a plain CSV is read, found not to be a
 * charge file, and gets nothing from it.
 */
export const SERVED_LANGUAGES: readonly string[] = ['x12-837', CHARGES_LANGUAGE_ID, 'csv', 'tsv'];
export const SERVED_FILE_PATTERNS: readonly string[] = ['**/*.csv', '**/*.tsv'];

/** A document filter, as vscode-languageclient takes it. */
export interface DocumentFilterLike {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** The client's document selector: the languages above, and CSV/TSV files by name. */
export function servedDocumentSelector(): DocumentFilterLike[] {
  const selector: DocumentFilterLike[] = [];
  for (const scheme of DETECTED_SCHEMES) {
    for (const language of SERVED_LANGUAGES) selector.push({ scheme, language });
  }
  for (const pattern of SERVED_FILE_PATTERNS) selector.push({ scheme: 'file', pattern });
  return selector;
}

/** Whether a document is one the server is given (the selector above, as a test). */
export function isServedDocument(document: { languageId: string; scheme: string; path: string }): boolean {
  if (!DETECTED_SCHEMES.includes(document.scheme)) return false;
  if (SERVED_LANGUAGES.includes(document.languageId)) return true;
  return document.scheme === 'file' && /\.(csv|tsv)$/i.test(document.path);
}
