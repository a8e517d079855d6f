// Model-building and export commands SIGKILLed mid-write, as a user's crash would stop them: nothing half-written is
// registered, the store stays sound, and what the killed process left on disk goes at the next chance.
// - `lathe model import-llama2c` and `lathe merge --name` leave models/.import-<id>-<pid>/: a studio opening the data
//   directory removes it (it stayed, hidden, until the next model import happened to run);
// - `lathe export --format onnx` leaves `<out>.tmp-<pid>-…` beside the user's --out folder: the next export there
//   removes it (the CLI never swept it; only a failed studio job did);
// - `lathe quantize --report` leaves its scratch folder (every variant's ONNX files, the model's size several times)
//   in the system's temporary folder: the next report removes it (it stayed for good).
// Each kill lands on a progress line printed once the temporary exists; should the work still finish first (a loaded
// machine), the case is tried again on a fresh directory, as tests/trials do.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { killLatheOnLine } from './helpers/kill.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const CKPT = path.join(MODEL, 'stories260K.bin');
const TOKENIZER = path.join(MODEL, 'tok512.bin');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(CKPT);
if (!HAS_MODEL) console.warn(`deploy-cli-kill: skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function freshDir(prefix: string): string {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
}

const ATTEMPTS = 3;
const modelTemporaries = (dataDir: string) => fs.readdirSync(path.join(dataDir, 'models')).filter((e) => e.startsWith('.import-'));
const models = async (dataDir: string) => (await inProcessLathe(dataDir, ['model', 'list', '--json'])).json<Model[]>().map((m) => m.name);

/** The store, read through a plain SQLite connection before any Lathe code opens (and repairs) it. */
function expectSoundStore(dataDir: string): void {
  const db = new Database(path.join(dataDir, 'lathe.db'), { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    db.close();
  }
}

/** Kill `lathe ARGS` on `line` in a fresh directory made by `prepare` until the kill leaves `left(dir)` non-empty. */
async function killMidWrite(prepare: () => Promise<string>, args: (dir: string) => string[], line: RegExp, left: (dir: string) => string[], env = (): NodeJS.ProcessEnv => ({})): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const dir = await prepare();
    const output = await killLatheOnLine(dir, args(dir), line, env());
    if (left(dir).length > 0) return dir;
    console.warn(`attempt ${attempt}: the kill on ${line} landed after the work had finished`);
    if (attempt === ATTEMPTS) throw new Error(`${ATTEMPTS} kills on ${line} all landed after the work had finished:\n${output}`);
  }
}

describe.skipIf(!HAS_MODEL)('model builds killed mid-write', () => {
  let withBase = '';
  beforeAll(async () => {
    withBase = freshDir('deploy-kill-base');
    await importLlama2cCheckpoint(withBase, CKPT, TOKENIZER, 's260k');
  }, 60_000);

  it('a killed model import registers nothing, and a studio opening the directory removes its temporary folder', async () => {
    const dir = await killMidWrite(
      async () => freshDir('deploy-kill-import'),
      () => ['model', 'import-llama2c', CKPT, '--tokenizer', TOKENIZER, '--name', 's260k'],
      /writing the Hugging Face folder/, modelTemporaries);
    expectSoundStore(dir);
    expect(await models(dir)).toEqual([]);
    expect(modelTemporaries(dir)).toHaveLength(1); // `lathe model list` opened the store and left it be

    const studio = new Studio({ dataDir: dir, mode: 'serve' });
    await studio.close();
    expect(modelTemporaries(dir)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'models'))).toEqual([]);

    // the name was never taken: the import runs again
    const again = await inProcessLathe(dir, ['model', 'import-llama2c', CKPT, '--tokenizer', TOKENIZER, '--name', 's260k']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^imported s260k /);
  }, 90_000);

  it('a killed export leaves its --out untouched, and the next export there removes the temporary beside it', async () => {
    let out = '';
    const besideOut = () => fs.readdirSync(path.dirname(out)).filter((e) => e !== path.basename(out));
    const dir = await killMidWrite(
      async () => {
        out = path.join(freshDir('deploy-kill-out'), 's260k-onnx');
        return withBase;
      },
      () => ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32,q8,q4', '--out', out],
      /building fp32/, () => besideOut());
    expectSoundStore(dir);
    expect(fs.existsSync(out)).toBe(false);
    expect(besideOut()).toEqual([expect.stringMatching(/^s260k-onnx\.tmp-\d+-[0-9a-f]{8}$/)]);

    const again = await inProcessLathe(dir, ['export', '--model', 's260k', '--format', 'onnx', '--dtype', 'fp32', '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readdirSync(path.join(out, 'onnx'))).toEqual(['model.onnx']);
    expect(besideOut()).toEqual([]);
  }, 90_000);

  it('a killed quantisation report leaves its scratch folder, which the next report removes', async () => {
    const text = path.join(withBase, 'held-out.txt');
    fs.writeFileSync(text, 'Once upon a time there was a little girl who liked to play in the park with her dog. '.repeat(40));
    let tmp = '';
    const scratch = () => fs.readdirSync(tmp).filter((e) => e.startsWith('lathe-quant-report'));
    let n = 0;
    const dir = await killMidWrite(
      async () => {
        tmp = freshDir('deploy-kill-tmp');
        return withBase;
      },
      () => ['quantize', '--model', 's260k', '--dtype', 'q8', '--name', `s260k-r${++n}`, '--report', '--text', text],
      // the report's own export: its first progress line, printed after the scratch folder is made (a later stage's
      // line may never print: off a terminal, progress prints at most once a second, and the report can finish sooner)
      /% building fp32/, scratch, () => ({ TMPDIR: tmp }));
    expect(scratch()).toHaveLength(1);

    const again = await inProcessLathe(dir, ['quantize', '--model', 's260k', '--dtype', 'q8', '--name', 's260k-again', '--report', '--text', text], { env: { TMPDIR: tmp } });
    expect(again.code, again.stderr).toBe(0);
    expect(scratch()).toEqual([]);
  }, 90_000);
});
