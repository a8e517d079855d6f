// Checkpoints under <runDir>/checkpoints/step-N/: the trainable weights (a PEFT adapter or an HF model file,
// loadable as they are), the AdamW moments, and trainer_state.json (step, data position, seed, early-stopping
// state). Each folder is built beside its final name and renamed into place, so a crash leaves whole
// checkpoints only; the oldest beyond `keep` are removed once a newer one is complete.
import crypto from 'node:crypto';
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
  const fill = async (tmp: string) => {
    await writeSafetensors(path.join(tmp, c.weightsFile), c.weights);
    await writeSafetensors(path.join(tmp, OPTIMIZER_FILE), c.optimizer);
    for (const [name, value] of Object.entries(c.json)) await writeJsonAtomic(path.join(tmp, name), value);
    await writeJsonAtomic(path.join(tmp, STATE_FILE), c.state); // last: its presence marks the folder complete
  };
  if (!fs.existsSync(dir)) await writeFolderAtomic(dir, fill);
  else {
    // A resumed run passing the same step again (e.g. cancelled again before its next step): the new folder is
    // written whole under a temporary name first, so a failure or a kill while it is written leaves the old
    // checkpoint, which may be the run's only one; just the swap (a removal and a rename) is left exposed.
    const fresh = `${dir}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    await writeFolderAtomic(fresh, fill);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(fresh, dir);
  }
  for (const old of listCheckpoints(runDir).slice(0, -keep)) fs.rmSync(old.path, { recursive: true, force: true });
  return dir;
}

export interface CheckpointEntry {
  /** The optimiser step it was written at (its folder's name, step-N). */
  step: number;
  /**
   * The PPO iteration it was written at, for a PPO run's checkpoint (null for the others): PPO counts its metrics,
   * progress and saveEvery in iterations, each several optimiser steps, so `step` alone reads wrong beside them.
   */
  iteration: number | null;
  path: string;
  bytes: number;
  createdAt: string;
  valLoss: number | null;
}

/** Whether `err` says a path vanished (a concurrent prune, or a rename of a folder being replaced). */
const vanished = (err: unknown): boolean => {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

/** The PPO iteration a trainer state records (ppo.ts's PpoTrainerState, its `ppo` section), else null. */
function iterationOf(state: TrainerState): number | null {
  const iteration = (state as TrainerState & { ppo?: { iteration?: unknown } }).ppo?.iteration;
  return typeof iteration === 'number' && Number.isInteger(iteration) ? iteration : null;
}

/** One complete checkpoint folder, or null when it is not complete or disappeared while being read. */
function readEntry(root: string, name: string, step: number): CheckpointEntry | null {
  const dir = path.join(root, name);
  try {
    const stateFile = path.join(dir, STATE_FILE);
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as TrainerState; // its presence marks the folder complete
    const createdAt = fs.statSync(stateFile).mtime.toISOString();
    let bytes = 0;
    for (const f of fs.readdirSync(dir)) {
      try {
        bytes += fs.statSync(path.join(dir, f)).size;
      } catch (err) {
        if (!vanished(err)) throw err;
      }
    }
    return { step, iteration: iterationOf(state), path: dir, bytes, createdAt, valLoss: state.lastValLoss };
  } catch (err) {
    // the trainer prunes old checkpoints and renames new ones into place while the studio lists them:
    // a folder that vanishes mid-read is simply not listed (the state file itself is written atomically)
    if (vanished(err)) return null;
    throw err;
  }
}

/**
 * Complete checkpoints, oldest first. Safe to call while the trainer writes and prunes them: temporary
 * folders (`step-N.tmp-…`) are skipped and entries that vanish while being read are left out, never thrown.
 */
export function listCheckpoints(runDir: string): CheckpointEntry[] {
  const root = checkpointsDir(runDir);
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch (err) {
    if (vanished(err)) return [];
    throw err;
  }
  return names
    .map((name) => ({ name, step: stepOf(name) }))
    .filter((e): e is { name: string; step: number } => e.step !== null)
    .sort((a, b) => a.step - b.step)
    .map(({ name, step }) => readEntry(root, name, step))
    .filter((e): e is CheckpointEntry => e !== null);
}

function readAll(file: string): Map<string, Tensor> {
  const f = SafetensorsFile.open(file);
  try {
    return new Map([...f.tensors.keys()].map((n) => [n, f.read(n)]));
  } finally {
    f.close();
  }
}

/** A checkpoint's optimiser state and trainer state, and its weights unless `weightsFile` is null (read elsewhere). */
export function readCheckpoint(dir: string, weightsFile: string | null): { weights: Map<string, Tensor> | null; optimizer: Map<string, Tensor>; state: TrainerState } {
  const state = JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as TrainerState;
  return { weights: weightsFile === null ? null : readAll(path.join(dir, weightsFile)), optimizer: readAll(path.join(dir, OPTIMIZER_FILE)), state };
}
