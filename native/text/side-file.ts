// A model folder's optional side file (chat_template.jinja, special_tokens_map.json), read whole. Node's error for a
// folder in its place is a bare "EISDIR: illegal operation on a directory, read" naming no file, so it is said here
// with the path, as checkpoint.ts' readJson says a JSON file it cannot read.
import fs from 'node:fs';
import { CheckpointError } from '../api/errors.ts';

/** The bytes of `file`, or null when there is none; anything there that cannot be read is refused, naming it. */
export function readSideFile(file: string): Buffer | null {
  if (!fs.existsSync(file)) return null;
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new CheckpointError(`${file}: cannot read (${(err as Error).message}); a model folder's side file must be a file: move or remove what is there`);
  }
}
