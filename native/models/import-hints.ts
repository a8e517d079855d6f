// What a path given as a Hugging Face model folder is when it is not one — missing, a file, or a folder with no
// config.json — and which import takes what is there instead (a GGUF file, a llama2.c checkpoint and its tokenizer),
// paths filled in. `lathe model import` and the Studio API's models.importFolder (the desktop app's Add a model) ask
// the same question here; each names the other imports its own way (commands, or the Add a model choices).
import fs from 'node:fs';
import path from 'node:path';
import { noSuchPath } from '../store/near-files.ts';

/** How a surface names the imports that take other checkpoints: each completes "… is imported " with its paths. */
export interface OtherImports {
  gguf(file: string): string;
  llama2c(checkpoint: string, tokenizer: string | null): string;
}

/** The CLI's: its commands, paths filled in. */
export const IMPORT_COMMANDS: OtherImports = {
  gguf: (file) => `with 'lathe model import-gguf ${file} --name N'`,
  llama2c: (checkpoint, tokenizer) => `with 'lathe model import-llama2c ${checkpoint} --tokenizer ${tokenizer ?? 'TOK.bin'} --name N'`,
};

const WANTED = 'give the folder that holds config.json, the .safetensors weights and tokenizer.json';

/** For a single file given where a folder was expected: the import that takes files of its kind, if one does. */
function otherImporter(file: string, imports: OtherImports): string {
  if (/\.gguf$/i.test(file)) return `; a GGUF file is imported ${imports.gguf(file)}`;
  if (/\.bin$/i.test(file)) return `; a llama2.c checkpoint is imported ${imports.llama2c(file, null)}`;
  return '';
}

/** For a folder with no config.json: the import that takes the checkpoint files it holds instead, named, or ''. */
function otherImporterIn(dir: string, imports: OtherImports): string {
  const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile()).sort();
  const gguf = files.find((f) => /\.gguf$/i.test(f));
  if (gguf) return `; it holds ${gguf}, a GGUF file, which is imported ${imports.gguf(path.join(dir, gguf))}`;
  const bins = files.filter((f) => /\.bin$/i.test(f));
  const tokenizer = bins.find((f) => /^tok/i.test(f));
  const checkpoint = bins.find((f) => f !== tokenizer);
  if (!checkpoint) return '';
  return `; it holds ${bins.join(' and ')}: a llama2.c checkpoint is imported ${imports.llama2c(path.join(dir, checkpoint), tokenizer ? path.join(dir, tokenizer) : null)}`;
}

/** Why `dir` cannot be imported as a Hugging Face model folder before its files are read, or null. */
export function modelFolderProblem(dir: string, imports: OtherImports = IMPORT_COMMANDS): string | null {
  if (!fs.existsSync(dir)) return `${dir}: ${noSuchPath(dir, { noun: 'folder' })} (${WANTED})`;
  if (!fs.statSync(dir).isDirectory()) return `${dir}: not a folder; ${WANTED}${otherImporter(dir, imports)}`;
  if (!fs.existsSync(path.join(dir, 'config.json'))) return `${dir}: no config.json, so it is not a Hugging Face model folder; ${WANTED}${otherImporterIn(dir, imports)}`;
  return null;
}
