// How a before / after sample's text reads on a fine-tune run's page: the model's words without the space or
// newlines around them (a continuation usually starts with the space after its prompt), and an ellipsis where the
// token limit cut it, only when the run recorded that it did. The stored text stays as the model wrote it.

/** `text` trimmed for reading, with "…" when `cut` says the token limit ended it (undefined: not recorded, no mark). */
export function sampleText(text: string, cut: boolean | undefined): string {
  const shown = text.trim();
  if (!cut || shown === '') return shown; // nothing to read: sampleNote says what there is
  // a cut after a space ends on a whole word: the ellipsis stands apart from it
  return /\s$/.test(text) ? `${shown} …` : `${shown}…`;
}

/**
 * What stands in for a sample with no words to read, only what the run recorded: "ended at once" only where it
 * recorded that the token limit did not cut it; null where there are words.
 */
export function sampleNote(text: string, cut: boolean | undefined): string | null {
  if (text.trim() !== '') return null;
  if (text !== '') return cut ? '(only spaces or line breaks, up to the token limit)' : '(only spaces or line breaks)';
  return cut === false ? '(nothing: it ended at once)' : '(nothing)';
}

/** Whether any sample records where the token limit cut it: runs from before it was recorded have no "…" to explain. */
export function samplesRecordCuts(samples: readonly { beforeCut?: boolean; afterCut?: boolean }[]): boolean {
  return samples.some((s) => s.beforeCut !== undefined || s.afterCut !== undefined);
}

/**
 * A prompt's lines, each marked when it is a field's heading ("Instruction:", "Input:", "Output:") rather than its
 * content, so the template reads as labelled parts. Where there are headings they space the parts, so the blank
 * lines between them are left out; every other line is as it was given.
 */
export function promptLines(prompt: string): { text: string; heading: boolean }[] {
  const lines = prompt.trim().split('\n').map((text) => ({ text, heading: /^[A-Z][A-Za-z ]{0,30}:$/.test(text.trim()) }));
  return lines.some((l) => l.heading) ? lines.filter((l) => l.text.trim() !== '') : lines;
}
