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

/** "`file` (did you mean …?)" for a list of missing paths, or `file` alone when none is near it. */
export function withNearFile(file: string): string {
  const near = didYouMeanFile(file);
  return near ? `${file} (${near})` : file;
}

/** "; did you mean …?" to end a message about a missing `file`, or ''. */
export function nearFileSuffix(file: string): string {
  const near = didYouMeanFile(file);
  return near ? `; ${near}` : '';
}
