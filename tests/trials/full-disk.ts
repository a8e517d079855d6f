// Full-disk trials: a dataset import and a fine-tuning run with no room to write, on a tiny tmpfs (when this
// process is root and may mount one) or under a file-size limit (`ulimit -f`, which any user may lower; writes
// past it fail with EFBIG). Checks: the command fails with a non-zero exit and a message that says the disk is
// full, where, and to free space; the store passes integrity_check; nothing partial is listed; once there is
// room again, the same command (or `--resume`) succeeds.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../native/store/db.ts';
import { listCheckpoints } from '../../native/train/checkpoints.ts';
import { runDir } from '../../native/train/run-env.ts';
import { LATHE_BIN, ROOT, artifactProblems, check, integrityCheck, latheJson, type Check } from './common.ts';
import { DIALOGSUM_TRAIN, finetuneArgs, type Fixture } from './fixture.ts';
import { datasetProblems, openWorkProblems } from './trial-import.ts';

export type DiskLimit = 'tmpfs' | 'ulimit -f';

export interface DiskTrial {
  what: string;
  how: DiskLimit;
  exitCode: number | null;
  message: string;
  checks: Check[];
}

/** Mount a tmpfs of `kib` KiB on `dir`; false when this process may not (not root, no mount, a container). */
export function mountTmpfs(dir: string, kib: number): boolean {
  if (process.getuid?.() !== 0) return false;
  fs.mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir]).status === 0;
}

function unmount(dir: string): void {
  spawnSync('umount', [dir]);
}

/** `lathe args` with at most `fsizeKib` KiB per file written (none: no limit). */
function latheLimited(dataDir: string, args: string[], fsizeKib: number | null): { code: number | null; signal: string | null; stdout: string; stderr: string } {
  const limit = fsizeKib === null ? '' : `ulimit -f ${fsizeKib} && `;
  const r = spawnSync('bash', ['-c', `${limit}exec "$0" "$@"`, process.execPath, LATHE_BIN, ...args], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The error a user reads: non-zero exit, not a crash by signal, says the disk is full / a limit, and to free space. */
function messageChecks(r: { code: number | null; signal: string | null; stderr: string }): { message: string; checks: Check[] } {
  const message = r.stderr.trim().split('\n').filter((l) => !/^(importing|training):/.test(l)).at(-1) ?? '';
  return {
    message,
    checks: [
      check('fails cleanly', r.signal === null && r.code !== null && r.code !== 0 ? [] : [`exit ${r.code ?? r.signal}`]),
      check('clear message', /disk is full|EFBIG|quota/.test(message) && /[Ff]ree some space/.test(message) ? [] : [`unclear: ${message}`]),
    ],
  };
}

async function importWithoutRoom(dataDir: string, how: DiskLimit): Promise<DiskTrial> {
  const r = latheLimited(dataDir, ['dataset', 'import', DIALOGSUM_TRAIN, '--name', 'dsum-full'], how === 'ulimit -f' ? 2048 : null);
  const { message, checks } = messageChecks(r);
  checks.push(check('integrity_check', integrityCheck(dataDir) === 'ok' ? [] : [integrityCheck(dataDir)]));
  const store = openStore(dataDir);
  const listed = store.datasets.list().filter((d) => d.name === 'dsum-full').length;
  const ids = store.datasets.ids();
  store.close();
  const root = path.join(dataDir, 'datasets');
  const leftovers = fs.existsSync(root) ? fs.readdirSync(root).filter((e) => !ids.has(e)) : [];
  checks.push(check('nothing partial listed', [...(listed ? ['the failed import is listed'] : []), ...leftovers.map((e) => `left ${e}`), ...datasetProblems(dataDir)]));
  return { what: 'dataset import', how, exitCode: r.code, message, checks };
}

async function finetuneWithoutRoom(fx: Fixture, dataDir: string, how: DiskLimit, ballast: string | null): Promise<DiskTrial> {
  const r = latheLimited(dataDir, finetuneArgs(fx.sizes, 'full-disk'), how === 'ulimit -f' ? 96 : null);
  const { message, checks } = messageChecks(r);
  checks.push(check('integrity_check', integrityCheck(dataDir) === 'ok' ? [] : [integrityCheck(dataDir)]));
  const problems = openWorkProblems(dataDir, false);
  const store = openStore(dataDir);
  const run = store.runs.list({ kind: 'finetune' }).find((x) => x.name === 'full-disk');
  const models = store.models.list().filter((m) => m.source.endsWith(run?.id ?? '-')).length;
  store.close();
  if (run?.status === 'succeeded') problems.push('the run says it succeeded');
  if (models > 0) problems.push('a model from the failed run is listed');
  if (run) for (const c of listCheckpoints(runDir(dataDir, run.id))) if (!fs.existsSync(path.join(c.path, 'optimizer.safetensors'))) problems.push(`checkpoint ${c.step} listed without its optimiser state`);
  checks.push(check('nothing partial listed', [...problems, ...artifactProblems(dataDir)]));
  // room again: the run resumes from its last whole checkpoint and finishes
  if (ballast) fs.rmSync(ballast, { force: true });
  if (run) {
    try {
      const resumed = latheJson<{ status: string; steps: number }>(dataDir, ['train', '--resume', run.id]);
      checks.push(check('resumes once there is room', resumed.status === 'completed' && resumed.steps === fx.sizes.steps ? [] : [`${resumed.status} at ${resumed.steps}`]));
    } catch (err) {
      checks.push(check('resumes once there is room', [(err as Error).message.split('\n').slice(0, 3).join(' ')]));
    }
  }
  return { what: 'LoRA fine-tuning', how, exitCode: r.code, message, checks };
}

/** Base: a small store with the model and the story pairs only (the 12 MB DialogSum copy would not fit). */
function smallStore(fx: Fixture, into: string): void {
  fs.mkdirSync(into, { recursive: true });
  const base = openStore(fx.base);
  const model = base.models.list().find((m) => m.name === 's260k')!;
  base.close();
  latheJson(into, ['model', 'import', model.path, '--name', 's260k']);
  latheJson(into, ['dataset', 'import', path.join(fx.work, 'stories.jsonl'), '--name', 'stories']);
}

/** Both trials, on a tmpfs when possible, else (or also, with `both`) under a file-size limit. */
export async function fullDiskTrials(fx: Fixture, options: { only?: DiskLimit } = {}): Promise<DiskTrial[]> {
  const out: DiskTrial[] = [];
  if (options.only !== 'ulimit -f') {
    const mount = path.join(fx.work, 'tinyfs');
    if (mountTmpfs(mount, 4096)) {
      try {
        const dir = path.join(mount, 'data');
        smallStore(fx, dir);
        out.push(await importWithoutRoom(dir, 'tmpfs'));
        // leave about 160 KiB: room for the database's first writes, not for the first checkpoints (LoRA weights and
        // AdamW moments, about 115 KiB each)
        const free = Number(spawnSync('df', ['-k', '--output=avail', mount], { encoding: 'utf8' }).stdout.trim().split('\n').at(-1));
        const ballast = path.join(mount, 'ballast');
        fs.writeFileSync(ballast, Buffer.alloc(Math.max(0, (free - 160) * 1024)));
        out.push(await finetuneWithoutRoom(fx, dir, 'tmpfs', ballast));
      } finally {
        unmount(mount);
      }
    } else if (options.only === 'tmpfs') throw new Error('cannot mount a tmpfs here (needs root)');
  }
  if (options.only !== 'tmpfs') {
    const dir = path.join(fx.work, 'limited');
    smallStore(fx, dir);
    out.push(await importWithoutRoom(dir, 'ulimit -f'));
    out.push(await finetuneWithoutRoom(fx, dir, 'ulimit -f', null));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
