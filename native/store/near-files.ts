// "Did you mean …/dev.jsonl?" for a path the user gave that is not there: `lathe dataset import …/dev.json` when the
// folder holds dev.jsonl, `--corpus tinyshakespear.txt`, a model folder typed in the wrong case. Every command and
// API method that reads a path the user typed (dataset import, pretrain's corpus, docs add, the model imports,
// quantize --text, eval's --prompt and --rubric-file, metrics' --pred and --ref) asks here, so all suggest alike.
// Beside disk-full.ts: the layer every engine folder may use for what the file system tells the user.
import fs from 'node:fs';
import path from 'node:path';
import { nearFileNames, orList } from '../api/suggest.ts';

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Which names may be offered: those ending so (`['.gguf']` for a GGUF import, the dataset formats for an import). */
export interface NearFileOptions {
  endings?: readonly string[];
}

/**
 * The paths a missing `file` was likely meant to be (nearFileNames in its folder), written as `file` was: the
 * user's own folder part kept, relative stays relative. A folder on the way that is not there is corrected the same
 * way first (data/dialgosum/dev.jsonl → data/dialogsum/dev.jsonl). At most three; empty when none is near, or `file`
 * is there.
 */
export function nearFiles(file: string, options: NearFileOptions = {}): string[] {
  const endings = options.endings?.map((e) => e.toLowerCase());
  const offered = (name: string) => !endings || endings.some((e) => name.toLowerCase().endsWith(e));
  return near(file.replace(/(.)[\\/]+$/, '$1'), 0, offered).slice(0, 3);
}

function near(file: string, depth: number, offered: (name: string) => boolean = () => true): string[] {
  const base = path.basename(file);
  const dir = path.dirname(file);
  if (depth > 8 || base === '' || dir === file || fs.existsSync(file)) return [];
  const given = file.slice(0, file.length - base.length); // '…/dialogsum/', or '' for a bare name
  const folders = isFolder(dir) ? [{ dir, prefix: given }] : near(dir, depth + 1).filter(isFolder).map((d) => ({ dir: d, prefix: `${d}${path.sep}` }));
  return folders.flatMap(({ dir: d, prefix }) => nearFileNames(base, namesIn(d).filter(offered)).map((name) => `${prefix}${name}`));
}

/** "did you mean …/dev.jsonl?" (or "… or …?") for a missing `file`, or undefined when no path is near it (nearFiles). */
export function didYouMeanFile(file: string, options: NearFileOptions = {}): string | undefined {
  const found = nearFiles(file, options);
  return found.length ? `did you mean ${orList(found)}?` : undefined;
}

/** What noSuchPath says the missing path was to be, and whether it looks for the near paths. */
export interface MissingPathOptions extends NearFileOptions {
  /** 'file' (default), 'folder', or 'file or folder' where either is taken (docs add). */
  noun?: 'file' | 'folder' | 'file or folder';
  /** What the path was for ('the tokenizer (--tokenizer TOK.bin)'), said in the advice. */
  of?: string;
  /** false: no suggestions (an upload's name, which has no folder to look in); default true. */
  near?: boolean;
}

/**
 * The one wording of an input path that is not there, said after the path ('data/dev.json: no such file; did you
 * mean data/dev.jsonl?', 'nope/: no such folder; check the path'): the CLI's flags and arguments, the dataset,
 * document and model imports, the corpus, adapter folders and the scoring files all say it so (models/atomic.ts'
 * fileProblem for a failed read too).
 */
export function noSuchPath(file: string, { noun = 'file', of, near = true, endings }: MissingPathOptions = {}): string {
  const found = near ? nearFiles(file, { endings }) : [];
  const advice = found.length ? `did you mean ${orList(found)}${of ? ` for ${of}` : ''}?` : `check the path${of ? ` of ${of}` : ''}`;
  return `no such ${noun}; ${advice}`;
}

/** noSuchPath for an upload that is gone (the studio's copy of a file a browser sent): its name has no folder to look in. */
export const UPLOAD_GONE = 'no such file; upload it again';

/** The path and noSuchPath's words, one line for each of `files` (the missing ones of a list the user gave). */
export function noSuchPaths(files: readonly string[], options: MissingPathOptions = {}): string {
  return files.map((file) => `${file}: ${noSuchPath(file, options)}`).join('\n');
}
