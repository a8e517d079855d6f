// The tokenizers of the last few models the playground asked about, kept in the studio's process: counting a prompt's
// tokens as the user types (generate.countTokens) would otherwise parse tokenizer.json — megabytes for a 50k-entry
// vocabulary — at every pause. A model's folder never changes once imported (a new import gets a new folder).
import { TextTokenizer } from '../text/tokenizer.ts';

const KEEP = 4;
const cached = new Map<string, TextTokenizer>();

/** The tokenizer of the model folder `dir`, parsed once while it is among the last KEEP asked for. */
export function tokenizerOf(dir: string): TextTokenizer {
  let tok = cached.get(dir);
  if (tok) cached.delete(dir); // re-inserted below: the Map's order is the order of use
  else tok = TextTokenizer.fromFolder(dir);
  cached.set(dir, tok);
  while (cached.size > KEEP) cached.delete(cached.keys().next().value!);
  return tok;
}
