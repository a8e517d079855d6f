// Fault trial: LoRA fine-tuning of stories260K killed at a random moment. Checks: the store is intact; the run
// is not left 'running' nor called finished when it was not; every checkpoint listed is whole (weights,
// optimiser moments, state) and every model listed is a complete folder; `lathe train --resume` ends with the
// uninterrupted reference's losses (to 1e-6) and its adapter byte for byte.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkModelFolder } from '../../native/models/import.ts';
import { ADAPTER_WEIGHTS } from '../../native/models/peft.ts';
import { SafetensorsFile } from '../../native/models/safetensors.ts';
import { DB_FILE, openStore } from '../../native/store/db.ts';
import { OPTIMIZER_FILE, STATE_FILE, checkpointsDir, listCheckpoints, type TrainerState } from '../../native/train/checkpoints.ts';
import { runDir } from '../../native/train/run-env.ts';
import { artifactProblems, check, integrityCheck, killCli, killJob, latheJson, sha256File, type Check, type KillResult, type KillTarget } from './common.ts';
import { finetuneArgs, finetuneParams, finetuneSeries, type Fixture } from './fixture.ts';
import { openWorkProblems } from './trial-import.ts';

interface RawRun {
  id: string;
  status: string;
}

function findRun(dataDir: string, name: string): RawRun | undefined {
  const db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true });
  try {
    return db.prepare("SELECT id, status FROM runs WHERE name = ? AND kind = 'finetune'").get(name) as RawRun | undefined;
  } finally {
    db.close();
  }
}

function lastLoggedStep(dataDir: string, runId: string): number {
  const db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true });
  try {
    return (db.prepare("SELECT MAX(step) AS s FROM run_metrics WHERE run_id = ? AND name = 'loss'").get(runId) as { s: number | null }).s ?? 0;
  } finally {
    db.close();
  }
}

function finetunePhase(fx: Fixture, dataDir: string, run: RawRun | undefined): string {
  if (!run) return 'before the run';
  const dir = runDir(dataDir, run.id);
  const ckpt = listCheckpoints(dir).at(-1)?.step ?? 0;
  const step = lastLoggedStep(dataDir, run.id);
  if (fs.existsSync(path.join(dir, 'samples.json'))) return `done (${run.status})`;
  if (fs.existsSync(path.join(dir, 'adapter')) || ckpt === fx.sizes.steps) return `finishing (adapter${fs.existsSync(path.join(dir, 'merged')) ? ', merge' : ''})`;
  return step === 0 ? 'loading, step 0' : `step ${step} (checkpoint ${ckpt})`;
}

/** Every listed checkpoint has its three files whole; every model listed is a folder Lathe can load. */
function checkpointProblems(dataDir: string, runId: string | undefined): string[] {
  const problems: string[] = [];
  if (runId) {
    for (const c of listCheckpoints(runDir(dataDir, runId))) {
      try {
        for (const f of [ADAPTER_WEIGHTS, OPTIMIZER_FILE]) SafetensorsFile.open(path.join(c.path, f)).close();
        const state = JSON.parse(fs.readFileSync(path.join(c.path, STATE_FILE), 'utf8')) as TrainerState;
        if (state.step !== c.step) problems.push(`checkpoint step-${c.step} holds the state of step ${state.step}`);
      } catch (err) {
        problems.push(`checkpoint step-${c.step} is listed but broken: ${(err as Error).message}`);
      }
    }
  }
  const store = openStore(dataDir);
  try {
    for (const m of store.models.list()) {
      try {
        checkModelFolder(m.path);
      } catch (err) {
        problems.push(`model ${m.name} is listed but its folder is not whole: ${(err as Error).message}`);
      }
    }
  } finally {
    store.close();
  }
  return problems;
}

/** Temporary checkpoint folders a killed trainer left (not listed, but they hold disk space). */
function strayTempFolders(dataDir: string, runId: string | undefined): string[] {
  if (!runId) return [];
  const root = checkpointsDir(runDir(dataDir, runId));
  return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n.includes('.tmp-')) : [];
}

export async function finetuneTrial(fx: Fixture, dataDir: string, target: KillTarget, atMs: number, trial: number): Promise<{ kill: KillResult; phase: string; checks: Check[]; notes: string[] }> {
  const name = `trial-${trial}`;
  const kill = target === 'cli' ? await killCli(dataDir, finetuneArgs(fx.sizes, name), atMs) : await killJob(dataDir, 'finetune', finetuneParams(fx.sizes, name), target, atMs);
  const before = findRun(dataDir, name);
  const phase = kill.finishedFirst ? 'finished' : finetunePhase(fx, dataDir, before);
  const integrity = integrityCheck(dataDir);
  const checks: Check[] = [check('integrity_check', integrity === 'ok' ? [] : [integrity])];

  const statusProblems = openWorkProblems(dataDir, target !== 'cli');
  const after = findRun(dataDir, name);
  const finished = after !== undefined && fs.existsSync(path.join(runDir(dataDir, after.id), 'samples.json'));
  if (after?.status === 'succeeded' && !finished) statusProblems.push(`run ${after.id} is 'succeeded' but never wrote its samples`);
  if (target === 'cli' && after && !finished && after.status !== 'interrupted') statusProblems.push(`killed foreground run ${after.id} is '${after.status}', not 'interrupted'`);
  checks.push(check('status honest', statusProblems));
  checks.push(check('listed files whole', [...checkpointProblems(dataDir, after?.id), ...artifactProblems(dataDir)]));
  const notes = strayTempFolders(dataDir, after?.id).map((n) => `left ${n}`);

  // resume (or start again when the kill came before the run existed), then compare with the reference
  const problems: string[] = [];
  let runId = after?.id;
  if (!after) runId = latheJson<{ runId: string }>(dataDir, finetuneArgs(fx.sizes, name)).runId;
  else if (after.status !== 'succeeded') {
    const resumed = latheJson<{ runId: string; status: string; steps: number }>(dataDir, ['train', '--resume', after.id]);
    if (resumed.status !== 'completed' || resumed.steps !== fx.sizes.steps) problems.push(`resume ended ${resumed.status} at step ${resumed.steps}`);
  }
  const series = finetuneSeries(dataDir, runId!);
  for (const [label, got, want] of [['loss', series.losses, fx.finetune.losses], ['val_loss', series.valLosses, fx.finetune.valLosses]] as const) {
    if (got.size !== want.size) problems.push(`${got.size} ${label} values, reference ${want.size}`);
    for (const [step, value] of want) {
      const v = got.get(step);
      if (v === undefined || Math.abs(v - value) > 1e-6) problems.push(`${label} at step ${step}: ${v ?? 'missing'} vs reference ${value}`);
    }
  }
  const adapter = path.join(runDir(dataDir, runId!), 'adapter', ADAPTER_WEIGHTS);
  if (!fs.existsSync(adapter)) problems.push('no adapter after the resume');
  else if (sha256File(adapter) !== fx.finetune.adapterHash) problems.push('adapter differs from the reference run');
  const store = openStore(dataDir);
  const merged = store.models.list().filter((m) => m.source === `finetune-merge:${runId}`).length;
  store.close();
  if (merged !== 1) problems.push(`${merged} merged models registered for the run, expected 1`);
  checks.push(check('resume exact', problems.slice(0, 4)));
  return { kill, phase, checks, notes };
}
