// Listing checkpoints while the trainer writes and prunes them. The studio answers train.checkpoints during a run,
// from another process than the trainer: a checkpoint folder can vanish (pruned beyond `keep`) or appear (renamed
// from its temporary sibling) between reading the folder and reading each entry. The listing must leave such an
// entry out rather than throw (an ENOENT there was a 500 in the fine-tune page's e2e test).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointsDir, listCheckpoints, writeCheckpoint, type CheckpointContents } from '../../native/train/checkpoints.ts';
import { SafetensorsFile } from '../../native/models/safetensors.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHECKPOINTS_MODULE = path.join(ROOT, 'native/train/checkpoints.ts');

const contents = (step: number): CheckpointContents => ({
  weightsFile: 'adapter_model.safetensors',
  weights: new Map([['w', { shape: [4], data: new Float32Array([step, 1, 2, 3]) }]]),
  optimizer: new Map([['m', { shape: [2], data: new Float32Array([0, 0]) }]]),
  state: { step, examplesSeen: step * 2, epoch: 0, seed: 1, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: step / 10 },
  json: { 'adapter_config.json': { r: 2 }, 'extra_a.json': { a: 1 }, 'extra_b.json': { b: 2 } },
});

/** A separate process that writes checkpoints step 1, 2, … keeping one, for `ms` milliseconds. */
function churn(runDir: string, ms: number): { done: Promise<number> } {
  const script = `
    import { writeCheckpoint } from ${JSON.stringify(CHECKPOINTS_MODULE)};
    const end = Date.now() + ${ms};
    let step = 0;
    while (Date.now() < end) {
      step++;
      const weights = new Map([['w', { shape: [256], data: new Float32Array(256) }]]);
      const json = Object.fromEntries(Array.from({ length: 6 }, (_, i) => ['extra_' + i + '.json', { i }]));
      await writeCheckpoint(${JSON.stringify(runDir)}, { weightsFile: 'model.safetensors', weights, optimizer: weights,
        state: { step, examplesSeen: step, epoch: 0, seed: 1, bestValLoss: null, evalsWithoutImprovement: 0, lastValLoss: null }, json }, 1);
    }
    console.log(step);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`checkpoint writer exited ${code}: ${err}`)))),
  );
  return { done };
}

describe('listCheckpoints', () => {
  const dirs: string[] = [];
  const tempRun = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-ckpt-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('lists complete checkpoints oldest first, skipping temporary and incomplete folders', async () => {
    const run = tempRun();
    expect(listCheckpoints(run)).toEqual([]); // no checkpoints folder yet
    for (const step of [10, 2, 30]) await writeCheckpoint(run, contents(step), 5);
    fs.mkdirSync(path.join(checkpointsDir(run), 'step-40.tmp-123-abcd')); // a checkpoint being written
    fs.mkdirSync(path.join(checkpointsDir(run), 'step-50')); // renamed without its state file: not complete
    const list = listCheckpoints(run);
    expect(list.map((c) => c.step)).toEqual([2, 10, 30]);
    expect(list[1]!.valLoss).toBe(1);
    expect(list[1]!.bytes).toBeGreaterThan(0);
    expect(list[1]!.path).toBe(path.join(checkpointsDir(run), 'step-10'));
    expect(list[1]!.iteration).toBeNull(); // not a PPO run's
  });

  it('gives a PPO checkpoint the iteration its state records beside the optimiser step its folder is named by', async () => {
    const run = tempRun();
    const ppo = (step: number, iteration: number): CheckpointContents => {
      const c = contents(step);
      return { ...c, state: { ...c.state, ppo: { iteration, klCoef: 0.2 } } as CheckpointContents['state'] };
    };
    for (const [step, iteration] of [[4, 2], [8, 4]]) await writeCheckpoint(run, ppo(step, iteration), 5);
    expect(listCheckpoints(run).map((c) => [c.step, c.iteration])).toEqual([[4, 2], [8, 4]]);
  });

  it('keeps the newest `keep` checkpoints', async () => {
    const run = tempRun();
    for (let step = 1; step <= 5; step++) await writeCheckpoint(run, contents(step), 2);
    expect(listCheckpoints(run).map((c) => c.step)).toEqual([4, 5]);
  });

  it('never throws while another process creates and prunes checkpoints', async () => {
    const run = tempRun();
    const writer = churn(run, 4000);
    let finished = false;
    const written = writer.done.finally(() => (finished = true));
    let listings = 0;
    let nonEmpty = 0;
    while (!finished) {
      const list = listCheckpoints(run); // throws ENOENT on a vanished entry if the listing is not robust
      listings++;
      if (list.length > 0) nonEmpty++;
      for (const c of list) expect(c.bytes).toBeGreaterThanOrEqual(0);
      expect(list.map((c) => c.step)).toEqual([...list.map((c) => c.step)].sort((a, b) => a - b));
      if (listings % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const steps = await written;
    expect(steps).toBeGreaterThan(20); // the writer really churned
    expect(nonEmpty).toBeGreaterThan(0); // and the listing saw checkpoints while it did
    expect(listCheckpoints(run).map((c) => c.step)).toEqual([steps]);
  }, 30_000);
});

describe('writeCheckpoint at a step that already has a checkpoint', () => {
  it('keeps the old checkpoint when the new one fails to write, and replaces it whole when it succeeds', async () => {
    const run = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-ckpt-again-'));
    try {
      await writeCheckpoint(run, contents(3), 1);
      const weightsOf = () => {
        const f = SafetensorsFile.open(path.join(checkpointsDir(run), 'step-3', 'adapter_model.safetensors'));
        try {
          return Array.from(f.read('w').data as Float32Array);
        } finally {
          f.close();
        }
      };
      expect(weightsOf()).toEqual([3, 1, 2, 3]);
      // a resumed run passing step 3 again, whose write fails half-way (a tensor whose data does not fill its shape)
      const broken = { ...contents(3), optimizer: new Map([['m', { shape: [8], data: new Float32Array(2) }]]) };
      await expect(writeCheckpoint(run, broken, 1)).rejects.toThrow();
      expect(listCheckpoints(run).map((c) => c.step)).toEqual([3]);
      expect(weightsOf()).toEqual([3, 1, 2, 3]); // the old one, whole
      const again = contents(3);
      again.weights.set('w', { shape: [4], data: new Float32Array([30, 1, 2, 3]) });
      await writeCheckpoint(run, again, 1);
      expect(listCheckpoints(run).map((c) => c.step)).toEqual([3]);
      expect(weightsOf()).toEqual([30, 1, 2, 3]);
      expect(fs.readdirSync(checkpointsDir(run))).toEqual(['step-3']); // no temporary left beside it
    } finally {
      fs.rmSync(run, { recursive: true, force: true });
    }
  });
});
