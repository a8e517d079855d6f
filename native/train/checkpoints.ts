// Checkpoints under <runDir>/checkpoints/step-N/: the trainable weights (a PEFT adapter or an HF model file,
// loadable as they are), the AdamW moments, and trainer_state.json (step, data position, seed, early-stopping
// state). Each folder is built beside its final name and renamed into place, so a crash leaves whole
// checkpoints only; the oldest beyond `keep` are removed once a newer one is complete.
import fs from 'node:fs';
import path from 'node:path';
import { writeFolderAtomic, writeJsonAtomic } from '../models/atomic.ts';
import { SafetensorsFile, writeSafetensors, type Tensor } from '../models/safetensors.ts';

export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'trainer_state.json';

export interface TrainerState {
  step: number;
  /** Examples (or windows) consumed: step × batch size × accumulation. */
  examplesSeen: number;
  epoch: number;
  seed: number;
  bestValLoss: number | null;
  evalsWithoutImprovement: number;
  lastValLoss: number | null;
}

export interface CheckpointContents {
  weightsFile: string;
  weights: Map<string, Tensor>;
  optimizer: Map<string, Tensor>;
  state: TrainerState;
  /** JSON files written beside the weights (adapter_config.json, config.json). */
  json: Record<string, unknown>;
}

export const checkpointsDir = (runDir: string): string => path.join(runDir, 'checkpoints');
const stepOf = (name: string): number | null => (/^step-(\d+)$/.exec(name) ? Number(name.slice(5)) : null);

export async function writeCheckpoint(runDir: string, c: CheckpointContents, keep: number): Promise<string> {
  const dir = path.join(checkpointsDir(runDir), `step-${c.state.step}`);
  if (fs.existsSync(dir)) fs.rmSync(dir, { recursive: true, force: true }); // a resumed run passing the same step again
  await writeFolderAtomic(dir, async (tmp) => {
    await writeSafetensors(path.join(tmp, c.weightsFile), c.weights);
    await writeSafetensors(path.join(tmp, OPTIMIZER_FILE), c.optimizer);
    for (const [name, value] of Object.entries(c.json)) await writeJsonAtomic(path.join(tmp, name), value);
    await writeJsonAtomic(path.join(tmp, STATE_FILE), c.state); // last: its presence marks the folder complete
  });
  for (const old of listCheckpoints(runDir).slice(0, -keep)) fs.rmSync(old.path, { recursive: true, force: true });
  return dir;
}

export interface CheckpointEntry {
  step: number;
  path: string;
  bytes: number;
  createdAt: string;
  valLoss: number | null;
}

/** Complete checkpoints, oldest first. */
export function listCheckpoints(runDir: string): CheckpointEntry[] {
  const root = checkpointsDir(runDir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((name) => ({ name, step: stepOf(name) }))
    .filter((e): e is { name: string; step: number } => e.step !== null && fs.existsSync(path.join(root, e.name, STATE_FILE)))
    .sort((a, b) => a.step - b.step)
    .map(({ name, step }) => {
      const dir = path.join(root, name);
      const files = fs.readdirSync(dir).map((f) => fs.statSync(path.join(dir, f)));
      const state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as TrainerState;
      return { step, path: dir, bytes: files.reduce((s, f) => s + f.size, 0), createdAt: fs.statSync(path.join(dir, STATE_FILE)).mtime.toISOString(), valLoss: state.lastValLoss };
    });
}

function readAll(file: string): Map<string, Tensor> {
  const f = SafetensorsFile.open(file);
  try {
    return new Map([...f.tensors.keys()].map((n) => [n, f.read(n)]));
  } finally {
    f.close();
  }
}

export function readCheckpoint(dir: string, weightsFile: string): { weights: Map<string, Tensor>; optimizer: Map<string, Tensor>; state: TrainerState } {
  const state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as TrainerState;
  return { weights: readAll(path.join(dir, weightsFile)), optimizer: readAll(path.join(dir, OPTIMIZER_FILE)), state };
}
