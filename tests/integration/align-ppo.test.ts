// PPO-RLHF end to end on stories260K (llama2.c, imported) with a classifier reward trained for a few steps on SST-2
// rows, prompts from tests/fixtures/story-openings.jsonl (a run this small checks the machinery, not learning: the
// "positive stories" figures are in docs/benchmarks.md):
// - a LoRA run records its metrics per iteration, writes a rollout table per iteration (align.rollouts reads it, and
//   align.samples pairs its held-out prompts before and after), and starts with a KL of exactly 0 (the adapter's B
//   is 0: the policy is the reference);
// - each rollout is scored at the reward run's own sequence length, as `lathe reward score` reads a text;
// - a run that crashes after its iteration-2 checkpoint resumes to exactly the uninterrupted run's metrics (the
//   adaptive KL coefficient and the scores' running std of the default score scaling included), rollout tables and
//   adapter; a full run (value head in the checkpoint) too;
// - a run cancelled while sampling a due held-out evaluation (its checkpoint written at that iteration) does that
//   evaluation on resume, even when stopped again around it, and ends with the uninterrupted run's evaluations and tables;
// - `lathe align ppo` killed with SIGKILL mid-run resumes with --resume to the same numbers, the store intact;
// - a preference dataset's prompt column of messages is rendered (chat template, else HH-RLHF's layout);
// - the studio's 'ppo' job starts from align.ppo, reports time left (as startPpo does: none until two iterations are done)
//   and stops on train.cancel; bad requests and flags are named.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { describeSource } from '../../renderer/src/pages/select/format.ts';
import { resumePpo, startPpo } from '../../native/train/ppo.ts';
import { REWARD_MODEL_DIR, scoredIds, startReward } from '../../native/train/reward.ts';
import { scoreTexts } from '../../native/train/reward-score.ts';
import { runDir } from '../../native/train/run-env.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { cancelJobMidRun, DPO_DEMO, DPO_DEMO_SPLIT, metricSeries, trainEnv } from './helpers/align.ts';
import { killLatheWhen } from './helpers/kill.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { HAS_SHARED_DATA, ROOT, SHARED_DATA, SKIP_SHARED_REASON } from './helpers/lathe.ts';
import { closeStudio, openStoriesStudio } from './helpers/stories-studio.ts';

if (!HAS_SHARED_DATA) console.log(`skipping align-ppo: ${SKIP_SHARED_REASON}`);

const OPENINGS = path.join(ROOT, 'tests/fixtures/story-openings.jsonl');

describe.skipIf(!HAS_SHARED_DATA)('PPO on stories260K with an SST-2 classifier reward', () => {
  let dataDir = '';
  let studio: Studio;
  let rewardRun = '';

  const env = (crashAt: number | null = null) => trainEnv(studio, dataDir, crashAt, 'iteration');
  const series = (runId: string, name: string) => metricSeries(studio, runId, name);
  /** Every recorded metric but the wall-clock times, by name. */
  const allMetrics = (runId: string) => {
    const names = [...new Set(studio.store.runs.metrics(runId).map((m) => m.name))].filter((n) => !n.startsWith('time/')).sort();
    return Object.fromEntries(names.map((n) => [n, series(runId, n)]));
  };
  const expectSameMetrics = (runId: string, referenceId: string) => {
    const want = allMetrics(referenceId);
    const got = allMetrics(runId);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const [name, values] of Object.entries(want)) {
      expect(got[name].map(([s]) => s), `${name}: each iteration once`).toEqual(values.map(([s]) => s));
      got[name].forEach(([step, v], i) => expect(Math.abs(v - values[i][1]), `${name} at iteration ${step}`).toBeLessThanOrEqual(1e-6));
    }
  };

  beforeAll(async () => {
    ({ dataDir, studio } = await openStoriesStudio('align-ppo'));
    const sst = path.join(dataDir, 'sst-small.tsv');
    fs.writeFileSync(sst, fs.readFileSync(path.join(SHARED_DATA, 'datasets/sst2/train.tsv'), 'utf8').split('\n').slice(0, 81).join('\n') + '\n');
    await importDataset({ path: sst, name: 'sst', split: { train: 0.9, validation: 0.1, test: 0 } }, { store: studio.store, dataDir });
    await importDataset({ path: OPENINGS, name: 'openings', split: { train: 0.8, validation: 0.2, test: 0 } }, { store: studio.store, dataDir });
    await importDataset({ path: OPENINGS, name: 'openings-unsplit', split: { train: 1, validation: 0, test: 0 } }, { store: studio.store, dataDir });
    rewardRun = (await startReward({ model: 's260k', dataset: 'sst', maxSteps: 3, batchSize: 8, seqLen: 32, evalEvery: 0, saveEvery: 0, threads: 1 }, env())).runId;
  }, 120_000);

  afterAll(() => closeStudio(studio, dataDir));

  // the CLI below runs this same configuration (its flags give these values, the rest are defaults)
  const config = () => ({
    model: 's260k', rewardRun, dataset: 'openings', method: 'lora' as const, lora: { r: 4, alpha: 8, dropout: 0 }, steps: 6, batchSize: 4, miniBatchSize: 2,
    ppoEpochs: 2, lr: 5e-3, klHorizon: 50, generation: { maxNewTokens: 8 }, evalEvery: 2, evalPrompts: 3, saveEvery: 2, merge: false, threads: 1,
  });
  let referenceId = '';

  it('a LoRA run records its metrics and rollouts per iteration, starting at KL 0, and says how long it has left', async () => {
    const reports: { message: string; eta: number | null }[] = [];
    const out = await startPpo(config(), { ...env(), progress: (_fraction, message, eta) => void reports.push({ message, eta }) });
    referenceId = out.runId;
    expect(out).toMatchObject({ status: 'completed', steps: 6, optimizerSteps: 6 * 2 * 2 });
    // time left at the pace after the first iteration (its warm-up left out), as the other trainers' (jobs/eta.ts);
    // before, every report said null and neither the CLI nor the studio said how long a PPO run had left
    const etaAt = (message: string) => reports.find((r) => r.message === message)?.eta;
    expect(etaAt('iteration 1/6: rollouts')).toBeNull();
    expect(etaAt('iteration 2/6: rollouts'), 'nothing timed since the warm-up').toBeNull();
    for (const i of [3, 4, 5, 6]) expect(etaAt(`iteration ${i}/6: rollouts`), `iteration ${i}`).toBeGreaterThanOrEqual(0);
    expect(reports.at(-1)).toEqual({ message: 'iteration 6: scoring 3 held-out rollouts', eta: 0 });
    const run = studio.store.runs.get(out.runId)!;
    expect(run).toMatchObject({ kind: 'ppo', status: 'succeeded' });
    expect(run.config).toMatchObject({ klCoef: 0.2, adaptiveKl: true, klTarget: 6, gamma: 1, lam: 0.95, clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.1, rewardLabel: '1', datasetHash: studio.store.datasets.find('openings').contentHash });
    for (const name of ['score/mean', 'score/std', 'kl', 'kl_coef', 'loss', 'loss/policy', 'loss/value', 'clipfrac', 'approx_kl', 'entropy', 'time/rollout_s', 'time/score_s', 'time/update_s']) {
      expect(series(out.runId, name).map(([s]) => s), name).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(series(out.runId, 'eval/score_mean').map(([s]) => s)).toEqual([0, 2, 4, 6]);
    expect(series(out.runId, 'eval/kl')[0][1], 'the untrained policy is the reference').toBe(0);
    expect(series(out.runId, 'kl')[0][1]).toBe(0);
    // the adaptive controller moved β (KL under target: down), by the rule and the rollouts of each iteration
    const coefs = series(out.runId, 'kl_coef').map(([, v]) => v);
    expect(coefs[0]).toBe(0.2);
    expect(coefs[1]).toBeCloseTo(0.2 * (1 - 0.2 * 4 / 50), 12);
    const rollouts = await studio.call('align.rollouts', { runId: out.runId });
    expect(rollouts.steps).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(rollouts.table).toMatchObject({ step: 6, heldout: expect.any(Array) });
    expect(rollouts.table!.train).toHaveLength(4);
    for (const row of rollouts.table!.train) {
      expect(row.tokens).toBeGreaterThan(0);
      expect(typeof row.completion).toBe('string');
      expect(Number.isFinite(row.score)).toBe(true);
    }
    const first = await studio.call('align.rollouts', { runId: out.runId, step: 0 });
    expect(first.table).toMatchObject({ step: 0, train: [], heldout: expect.any(Array) });
    expect(first.table!.heldout).toHaveLength(3);
    await expect(studio.call('align.rollouts', { runId: out.runId, step: 9 })).rejects.toThrow(/no rollouts at step 9/);
    // before / after: the held-out prompts at iteration 0 beside the last evaluation (or a picked one), paired by prompt
    const samples = await studio.call('align.samples', { runId: out.runId });
    expect(samples).toMatchObject({ steps: [0, 2, 4, 6], beforeStep: 0, afterStep: 6 });
    const last = await studio.call('align.rollouts', { runId: out.runId, step: 6 });
    expect(samples.pairs.map((p) => [p.before, p.after])).toEqual(first.table!.heldout!.map((b, i) => [b, last.table!.heldout![i]]));
    for (const p of samples.pairs) expect(p.change).toBeCloseTo(p.after!.score - p.before.score, 12);
    expect(samples.meanAfter).toBeCloseTo(series(out.runId, 'eval/score_mean').at(-1)![1], 9);
    expect((await studio.call('align.samples', { runId: out.runId, step: 2 })).afterStep).toBe(2);
    await expect(studio.call('align.samples', { runId: out.runId, step: 3 })).rejects.toThrow(/no held-out prompts at iteration 3 \(iterations that did: 2, 4, 6\)/);
    await expect(studio.call('align.samples', { runId: rewardRun })).rejects.toThrow(/is a reward run; only PPO runs have held-out samples/);
    // the default score scaling: the score's running std, part of what a resumed run must continue (tests below)
    expect(run.config).toMatchObject({ scoreScaling: 'scale', scoreClip: null });
    expect(series(out.runId, 'score/running_std').map(([s]) => s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(fs.existsSync(out.adapterPath!)).toBe(true);
  }, 120_000);

  it("scores each rollout at the reward run's own sequence length, as lathe reward score reads a text", async () => {
    // the reward run trained and validated on texts cut to their last 32 tokens; PPO read prompt + completion cut only
    // to the reward model's context, so its rewards were scores of windows the reward model was never measured on
    expect(studio.store.runs.get(referenceId)!.config).toMatchObject({ rewardSeqLen: 32, rewardObjective: 'classify' });
    // a classifier reads one text: no prompt cut of a pairwise run's is recorded
    expect((studio.store.runs.get(referenceId)!.config as { rewardMaxPromptLen?: number }).rewardMaxPromptLen).toBeUndefined();
    const table = await studio.call('align.rollouts', { runId: referenceId, step: 6 });
    const rows = [...table.table!.train, ...table.table!.heldout!];
    const texts = rows.map((r) => r.prompt + r.completion);
    const modelDir = path.join(runDir(dataDir, rewardRun), REWARD_MODEL_DIR);
    const tokenizer = TextTokenizer.fromFolder(modelDir);
    expect(texts.filter((t) => scoredIds(t, tokenizer).length > 32).length, 'some texts are longer than the window').toBeGreaterThan(0);
    const { scores } = await scoreTexts(modelDir, texts, { threads: 1, maxLen: 32 });
    rows.forEach((r, i) => expect(Math.abs(r.score - scores[i][1]), texts[i]).toBeLessThanOrEqual(1e-5));
  }, 60_000);

  it('a run that crashed after a checkpoint resumes exactly where the uninterrupted run would be', async () => {
    await expect(startPpo(config(), env(3))).rejects.toThrow(/simulated crash at iteration 3/);
    const crashed = studio.store.runs.list({ kind: 'ppo' }).find((r) => r.status === 'failed')!;
    const resumed = await resumePpo(crashed.id, env());
    expect(resumed).toMatchObject({ status: 'completed', steps: 6 });
    expectSameMetrics(crashed.id, referenceId);
    const tables = (id: string) => [3, 4, 6].map((step) => fs.readFileSync(path.join(dataDir, 'runs', id, 'rollouts', `step-00000${step}.json`), 'utf8'));
    expect(tables(crashed.id)).toEqual(tables(referenceId));
    const adapter = (id: string) => fs.readFileSync(path.join(dataDir, 'runs', id, 'adapter', 'adapter_model.safetensors'));
    expect(adapter(crashed.id)).toEqual(adapter(referenceId));
    await expect(resumePpo(crashed.id, env())).rejects.toThrow(/already finished/);
  }, 120_000);

  it('a cancel during a due held-out evaluation is made good on resume: the evaluations and tables of the uninterrupted run', async () => {
    // cancelled from inside the run, the moment it reports a phase: deterministic, however loaded the machine
    const cancelAt = (phase: RegExp) => {
      const stop = new AbortController();
      return { ...env(), signal: stop.signal, progress: (_f: number, message: string) => void (phase.test(message) && stop.abort()) };
    };
    const heldoutAt4 = /^iteration 4: scoring 3 held-out rollouts/;
    // 1. cancelled while iteration 4 (an evaluation and a checkpoint iteration) samples its held-out rollouts
    const first = await startPpo(config(), cancelAt(heldoutAt4));
    expect(first).toMatchObject({ status: 'cancelled', steps: 4, heldoutAfter: { step: 2 } });
    const runId = first.runId;
    const table = (id: string, step: number) => fs.readFileSync(path.join(dataDir, 'runs', id, 'rollouts', `step-${String(step).padStart(6, '0')}.json`), 'utf8');
    expect(JSON.parse(table(runId, 4))).toMatchObject({ step: 4, heldout: null, train: expect.any(Array) });
    expect(series(runId, 'eval/score_mean').map(([s]) => s)).toEqual([0, 2]);
    // 2. resumed and cancelled again during that same evaluation, now the one due on resume: nothing is recorded
    expect(await resumePpo(runId, cancelAt(heldoutAt4))).toMatchObject({ status: 'cancelled', steps: 4 });
    expect(series(runId, 'eval/kl').map(([s]) => s)).toEqual([0, 2]);
    // 3. resumed: the evaluation at 4 is done first, then cancelled at iteration 5's rollouts, before any new checkpoint
    expect(await resumePpo(runId, cancelAt(/^iteration 5\/6: rollouts/))).toMatchObject({ status: 'cancelled', steps: 4, heldoutAfter: { step: 4 } });
    expect(series(runId, 'eval/score_std').map(([s]) => s)).toEqual([0, 2, 4]);
    expect(table(runId, 4)).toEqual(table(referenceId, 4));
    // 4. resumed from the same checkpoint once more (its state predates that evaluation: done again, recorded once), to the end
    const resumed = await resumePpo(runId, env());
    expect(resumed).toMatchObject({ status: 'completed', steps: 6, heldoutAfter: { step: 6 } });
    expectSameMetrics(runId, referenceId);
    expect(series(runId, 'eval/score_mean').map(([s]) => s)).toEqual([0, 2, 4, 6]);
    for (const step of [0, 1, 2, 3, 4, 5, 6]) expect(table(runId, step), `the rollout table of iteration ${step}`).toEqual(table(referenceId, step));
    expect((await studio.call('align.samples', { runId })).steps).toEqual([0, 2, 4, 6]);
    const adapter = (id: string) => fs.readFileSync(path.join(dataDir, 'runs', id, 'adapter', 'adapter_model.safetensors'));
    expect(adapter(runId)).toEqual(adapter(referenceId));
  }, 180_000);

  it('a full run (the value head inside the model checkpoint) resumes exactly too, and registers the policy without the head', async () => {
    const full = { ...config(), method: 'full' as const, steps: 4, lr: 1e-4, evalEvery: 0, outputName: 's260k-ppo-full' };
    const reference = await startPpo(full, env());
    await expect(startPpo({ ...full, outputName: 's260k-ppo-full-2' }, env(3))).rejects.toThrow(/simulated crash at iteration 3/);
    const crashed = studio.store.runs.list({ kind: 'ppo' }).find((r) => r.status === 'failed')!;
    const resumed = await resumePpo(crashed.id, env());
    expect(resumed).toMatchObject({ status: 'completed', steps: 4, outputModel: 's260k-ppo-full-2' });
    expectSameMetrics(crashed.id, reference.runId);
    const model = studio.store.models.find('s260k-ppo-full');
    expect(describeSource(model.source)).toBe(`Aligned with PPO (full) · run ${reference.runId}`);
    expect(fs.existsSync(path.join(dataDir, 'runs', reference.runId, 'policy-now')), 'the rollout policy folder is removed at the end').toBe(false);
    const header = fs.readFileSync(path.join(model.path, 'model.safetensors'));
    expect(header.subarray(0, 8 + Number(header.readBigUInt64LE(0))).toString('latin1')).not.toMatch(/v_head/);
  }, 120_000);

  it('lathe align ppo killed with SIGKILL resumes with --resume to the same numbers', async () => {
    const args = ['align', 'ppo', '--model', 's260k', '--reward-run', rewardRun, '--dataset', 'openings', '--rank', '4', '--alpha', '8', '--steps', '6', '--batch-size', '4',
      '--mini-batch-size', '2', '--ppo-epochs', '2', '--lr', '5e-3', '--kl-horizon', '50', '--max-new-tokens', '8', '--eval-every', '2', '--eval-prompts', '3', '--save-every', '2', '--no-merge', '--threads', '1'];
    // killed once iteration 3 is done: after the iteration-2 checkpoint, before the iteration-4 one
    const runId = await killLatheWhen(dataDir, args, (id) => fs.existsSync(path.join(dataDir, 'runs', id, 'rollouts', 'step-000003.json')));
    const resumed = await inProcessLathe(dataDir, ['align', 'ppo', '--resume', runId]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(studio.store.runs.get(runId)).toMatchObject({ status: 'succeeded' });
    // a finished iteration's figures on the progress line, worded as fine-tune's steps are (cli/figures.ts)
    expect(resumed.stderr).toMatch(/^aligning: iteration 6\/6, score -?[\d.,e+-]+, KL -?[\d.,e+-]+, loss -?[\d.,e+-]+, [\d.,]+ tokens\/s, \d+:\d\d elapsed$/m);
    expectSameMetrics(runId, referenceId);
    expect(studio.store.db.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 180_000);

  it("the studio's 'ppo' job starts from align.ppo, reports time left, and stops on train.cancel; bad requests name their field", async () => {
    const job = await studio.call('align.ppo', { ...config(), steps: 5000, evalEvery: 0, saveEvery: 0 });
    expect(job.kind).toBe('ppo');
    // the job's progress carries the time left once two iterations are done (the studio's run view shows it)
    let eta: number | null | undefined = null;
    for (let i = 0; i < 1200 && (eta === null || eta === undefined); i++) {
      await new Promise((r) => setTimeout(r, 50));
      eta = studio.store.jobs.get(job.id)?.etaSeconds;
    }
    expect(eta, 'the running job reported a time left').toBeGreaterThan(0);
    await cancelJobMidRun(studio, job.id, 1);
    await expect(studio.call('align.ppo', { ...config(), rewardRun: referenceId })).rejects.toThrow(/is a ppo run, not a reward run/);
    await expect(studio.call('align.ppo', { ...config(), rewardLabel: 'happy' })).rejects.toThrow(/has no label 'happy' \(its labels: 0, 1\)/);
    await expect(studio.call('align.ppo', { ...config(), lora: { r: 4, alpha: 8, dropout: 0.1 } })).rejects.toThrow(/PPO trains without dropout/);
    await expect(studio.call('align.ppo', { ...config(), dataset: 'openings-unsplit' })).rejects.toThrow(/160 training and 0 validation prompt\(s\); PPO needs both/);
  }, 120_000);

  it("a preference dataset's prompts, lists of messages, are rendered as DPO renders them (they were '[object Object]')", async () => {
    await importDataset({ path: DPO_DEMO, name: 'demo-prompts', split: DPO_DEMO_SPLIT }, { store: studio.store, dataDir });
    expect(studio.store.datasets.find('demo-prompts').mapping.prompt).toBe('conversations'); // LLaMA-Factory's [{from, value}] lists
    const out = await startPpo({ ...config(), dataset: 'demo-prompts', steps: 1, batchSize: 2, ppoEpochs: 1, evalPrompts: 2, generation: { maxNewTokens: 2 } }, env());
    expect(out).toMatchObject({ status: 'completed', steps: 1 });
    const { table } = await studio.call('align.rollouts', { runId: out.runId, step: 1 });
    const prompts = [...table!.train, ...table!.heldout!].map((r) => r.prompt);
    expect(prompts).toHaveLength(4);
    // stories260K has no chat template: HH-RLHF's layout, as DPO's renderPrompt writes it. A prompt over
    // --max-prompt-len keeps its end, the cue to answer (the table shows what the policy read); a short one is whole.
    for (const p of prompts) expect(p).toMatch(/\S\n\nAssistant:$/);
    expect(prompts.filter((p) => /^\n\n(Human|System): [^]+\n\nAssistant:$/.test(p)).length).toBeGreaterThan(0);
  }, 120_000);

  it('lathe align ppo names the flag in its errors', async () => {
    let r = await inProcessLathe(dataDir, ['align', 'ppo', '--model', 's260k', '--reward-run', rewardRun, '--dataset', 'openings', '--kl-coef', 'strong']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kl-coef must be a number; got 'strong'/);
    // every refused setting at once, each by its flag
    r = await inProcessLathe(dataDir, ['align', 'ppo', '--model', 's260k', '--reward-run', rewardRun, '--dataset', 'openings', '--dropout', '0.1', '--mini-batch-size', '8', '--batch-size', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dropout: PPO trains without dropout/);
    expect(r.stderr).toMatch(/--mini-batch-size: the minibatch cannot hold more rollouts than the batch/);
  }, 60_000);

  it('lathe align ppo --resume refuses start flags it would ignore, before any work', async () => {
    const runs = studio.store.runs.list({ kind: 'ppo' }).length;
    // run_x does not exist: the flags are refused first, before the store is opened
    const r = await inProcessLathe(dataDir, ['align', 'ppo', '--resume', 'run_x', '--kl-coef', '0.1', '--fixed-kl', '--max-new-tokens', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lathe align ppo: --resume continues the run with its own recorded settings, so --fixed-kl, --kl-coef and --max-new-tokens would be ignored; drop them/);
    expect(studio.store.runs.list({ kind: 'ppo' }), 'no run started').toHaveLength(runs);
  }, 60_000);
});
