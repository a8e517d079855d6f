// Reading a JSON file a person may have edited (config.json, tokenizer.json, adapter_config.json): a syntax error is
// placed by line and column, since JSON.parse names only a character offset, useless in a pretty-printed file; and a
// leading byte order mark, which Windows editors add and JSON.parse (and transformers) refuse as an invisible
// "Unexpected token", is named as such.
import { CheckpointError } from './errors.ts';

/** JSON.parse(text), or a CheckpointError: `${file}: not valid JSON …` with where and what to do. */
export function parseJsonText(text: string, file: string): unknown {
  if (text.charCodeAt(0) === 0xfeff) {
    throw new CheckpointError(`${file}: not valid JSON: it starts with a byte order mark (U+FEFF), which JSON readers refuse (transformers' too); save it as UTF-8 without a BOM`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : /Unexpected end of JSON input/.test(message) ? text.length : null;
    throw new CheckpointError(`${file}: not valid JSON${offset === null ? '' : ` at ${lineAndColumn(text, offset)}`} (${message})`);
  }
}

/** 'line L, column C' (both from 1) of a character offset into `text`. */
export function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}
