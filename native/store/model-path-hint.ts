// What a model lookup says when the key a person gave is a file or folder on disk rather than the name of an
// imported model: the studio runs models it has imported, so the answer is which import turns that path into one.
import fs from 'node:fs';
import path from 'node:path';

/** The import command for a file (not a folder) at `key`, by its extension. */
function importForFile(key: string, quoted: string): string {
  const ext = path.extname(key).toLowerCase();
  if (ext === '.gguf') return `'lathe model import-gguf ${quoted} --name NAME'`;
  if (ext === '.bin') return `'lathe model import-llama2c ${quoted} --tokenizer TOK.bin --name NAME' (a llama2.c checkpoint)`;
  return `'lathe model import FOLDER --name NAME' with the folder that holds it (config.json, safetensors, tokenizer.json)`;
}

/**
 * The not_found message for a model key that is a path on disk ('/models/x is a folder, not an imported model:
 * import it first with …, then give that NAME'), or null when the key is not a path that exists.
 */
export function modelPathHint(key: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(key);
  } catch {
    return null;
  }
  const quoted = /\s/.test(key) ? `"${key}"` : key;
  const [what, how] = stat.isDirectory()
    ? ['a folder', `'lathe model import ${quoted} --name NAME' (a Hugging Face folder) or the Select page's folder import`]
    : ['a file', importForFile(key, quoted)];
  return `${key} is ${what}, not an imported model: import it first with ${how}, then give that NAME`;
}
