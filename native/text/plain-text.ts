// Files people hand over as plain text (a pretraining corpus, the held-out text of a quantisation report). A
// compressed or binary file read as UTF-8 turns into replacement characters that train or score as if they were
// text, so its first bytes are looked at and the file is refused with what it is instead.

/** How many leading bytes are looked at for a NUL: git's heuristic for telling binary files from text. */
const SNIFF_BYTES = 8000;

/** Why `bytes` are not plain text ('it is gzip-compressed …'), or null when they look like text. */
export function notPlainTextReason(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'it is gzip-compressed; decompress it first (gunzip FILE)';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'it is a zip archive (.zip, .docx, .xlsx …); give the text itself';
  const nul = bytes.subarray(0, SNIFF_BYTES).indexOf(0);
  if (nul >= 0) return `it holds a NUL byte (byte ${nul}), as binary files and UTF-16 text do; give a UTF-8 text file`;
  return null;
}
