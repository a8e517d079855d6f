// Long help and usage lines folded to the terminal's width, so `lathe train --help` keeps its columns in an
// 80-column window instead of the terminal breaking each line at its edge. Only for a terminal: piped output
// (`lathe train --help | grep seq-len`, scripts, tests) keeps one line per option and per usage form.

/** The widest a folded line gets, however wide the window: longer lines are hard to read. */
const MAX_WIDTH = 120;
/** Below this much room after a hanging indent a line is left whole: a column of two-word lines helps nobody. */
const MIN_ROOM = 24;

/** The width to fold `stream`'s lines to: its columns (at most MAX_WIDTH) when it is a terminal, else undefined. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  if (!stream.isTTY) return undefined;
  return Math.min(stream.columns || 80, MAX_WIDTH);
}

/**
 * The units a usage form may break between: words, except that a bracketed group ('[--rank R --alpha A]', '(--text T
 * | --dataset D)') stays whole where it fits.
 */
function usageUnits(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === ' ' && depth === 0) {
      if (current) out.push(current);
      current = '';
      continue;
    }
    if (ch === '[' || ch === '(') depth++;
    else if ((ch === ']' || ch === ')') && depth > 0) depth--;
    current += ch;
  }
  if (current) out.push(current);
  return out;
}

/**
 * `prefix` + `text` folded at spaces to at most `width` characters, each line after the first indented by `indent`
 * spaces (a hanging indent: an option's description under its column, a usage form's words under 'lathe'). The prefix
 * is kept as it is (an option row's padded flag). Prose breaks between any two words; a usage form (`usage`) keeps
 * each bracketed group whole where it fits on a line. A word longer than the room stays whole. No width, or too
 * little room after the indent: one line.
 */
export function fold(prefix: string, text: string, indent: number, width: number | undefined, usage = false): string {
  const whole = prefix + text;
  if (width === undefined || whole.length <= width || width - indent < MIN_ROOM) return whole;
  const room = width - indent;
  const pieces = (usage ? usageUnits(text) : text.split(' ')).flatMap((u) => (u.length > room ? u.split(' ') : [u])).filter(Boolean);
  const lines: string[] = [];
  let current = prefix;
  let empty = true;
  for (const piece of pieces) {
    if (!empty && current.length + 1 + piece.length > width) {
      lines.push(current);
      current = ' '.repeat(indent) + piece;
    } else current = empty ? current + piece : `${current} ${piece}`;
    empty = false;
  }
  lines.push(current);
  return lines.join('\n');
}

/**
 * A refusal folded for a terminal: its `Usage:` block — the 'Usage: lathe …' line and the further forms under it
 * ('       lathe …'), each with its continuation under the command's words — and its prose ("unknown option '--steps'.
 * Did you mean …?"), each line under its own indent; a path or a flag, having no space, is never broken.
 */
export function foldUsage(message: string, width: number | undefined): string {
  if (width === undefined) return message;
  let inUsage = false;
  return message.split('\n').map((line) => {
    inUsage = line.startsWith('Usage: ') || (inUsage && line.startsWith('       lathe '));
    if (inUsage) return foldUsageForm(line, width);
    const lead = line.length - line.trimStart().length;
    return fold(line.slice(0, lead), line.slice(lead), lead, width);
  }).join('\n');
}

/** Where a usage form's folded words go: two further in than 'lathe' after 'Usage: '. */
const USAGE_INDENT = 'Usage: '.length + 2;

/** One usage form, 'Usage: lathe …' or '       lathe …' (a further form under it), folded for `width`. */
export function foldUsageForm(line: string, width: number | undefined): string {
  const prefix = line.slice(0, 'Usage: '.length);
  return fold(prefix, line.slice(prefix.length), USAGE_INDENT, width, true);
}
