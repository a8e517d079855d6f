// Fault trial: an evaluation (stories260K on 6 DialogSum test rows, ROUGE and BLEU) killed at a random moment.
// Checks: the store is intact; the run is not left 'running' nor called succeeded without its predictions and
// scores; every artifact listed is whole; running the evaluation again gives the reference's scores and
// predictions exactly.
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE, openStore } from '../../native/store/db.ts';
import { artifactProblems, check, integrityCheck, killCli, killJob, latheJson, type Check, type KillResult, type KillTarget } from './common.ts';
import { evalArgs, evalParams, evalScores, type Fixture } from './fixture.ts';
import { openWorkProblems } from './trial-import.ts';

function evalPhase(fx: Fixture, dataDir: string, name: string, kill: KillResult): string {
  const db = new Database(path.join(dataDir, DB_FILE), { fileMustExist: true });
  let run: { id: string; status: string } | undefined;
  let artifacts = 0;
  try {
    run = db.prepare("SELECT id, status FROM runs WHERE name = ? AND kind = 'evaluation'").get(name) as typeof run;
    if (run) artifacts = (db.prepare('SELECT COUNT(*) AS n FROM artifacts WHERE run_id = ?').get(run.id) as { n: number }).n;
  } finally {
    db.close();
  }
  if (!run) return 'loading the model';
  const done = [...kill.output.matchAll(/evaluating: (\d+)\/(\d+)/g)].at(-1)?.[1];
  if (artifacts > 0) return `scoring (${run.status})`;
  return `generating${done ? ` (${done}/${fx.sizes.evalLimit})` : ''}`;
}

/** A run that says it succeeded has all its examples, its predictions and its scores. */
function succeededProblems(dataDir: string, fx: Fixture, name: string): string[] {
  const store = openStore(dataDir);
  try {
    const run = store.runs.list({ kind: 'evaluation' }).find((r) => r.name === name);
    if (!run || run.status !== 'succeeded') return [];
    const { scores, predictions } = evalScores(dataDir, run.id);
    const missing = Object.keys(fx.eval.scores).filter((k) => scores[k] === undefined);
    return [
      ...(predictions.length !== fx.sizes.evalLimit ? [`succeeded run ${run.id} has ${predictions.length} predictions`] : []),
      ...(missing.length ? [`succeeded run ${run.id} lacks ${missing.join(', ')}`] : []),
    ];
  } finally {
    store.close();
  }
}

export async function evalTrial(fx: Fixture, dataDir: string, target: KillTarget, atMs: number, trial: number): Promise<{ kill: KillResult; phase: string; checks: Check[] }> {
  const name = `eval-trial-${trial}`;
  const kill = target === 'cli' ? await killCli(dataDir, evalArgs(fx.sizes, name), atMs) : await killJob(dataDir, 'evaluation', evalParams(fx.sizes, name), target, atMs);
  const phase = kill.finishedFirst ? 'finished' : evalPhase(fx, dataDir, name, kill);
  const integrity = integrityCheck(dataDir);
  const checks: Check[] = [check('integrity_check', integrity === 'ok' ? [] : [integrity])];
  checks.push(check('status honest', [...openWorkProblems(dataDir, target !== 'cli'), ...succeededProblems(dataDir, fx, name)]));
  checks.push(check('listed files whole', artifactProblems(dataDir)));

  const rerun = latheJson<{ runId: string }>(dataDir, evalArgs(fx.sizes, `${name}-again`));
  const got = evalScores(dataDir, rerun.runId);
  const problems: string[] = [];
  for (const [metric, value] of Object.entries(fx.eval.scores)) if (got.scores[metric] !== value) problems.push(`${metric} ${got.scores[metric]} vs reference ${value}`);
  if (JSON.stringify(got.predictions) !== JSON.stringify(fx.eval.predictions)) problems.push('predictions differ from the reference run');
  checks.push(check('rerun exact', problems.slice(0, 4)));
  return { kill, phase, checks };
}
