// Reward runs end to end on stories260K: an SST-2 classifier (a slice of the dev file, a few dozen steps) written in
// transformers' sequence-classification layout and measured by `lathe reward score` on GLUE's dev split against the
// majority class; a pairwise reward model on dpo_en_demo that crashes and resumes exactly.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure } from '../../native/api/format.ts';
import { importDataset } from '../../native/data/import.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { SafetensorsFile } from '../../native/models/safetensors.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { planPpo } from '../../native/train/ppo-plan.ts';
import { classifiedIds, planReward, resumeReward, startReward } from '../../native/train/reward.ts';
import { tokenizePair } from '../../native/train/preference-examples.ts';
import { pairwiseAccuracy, RewardScorer, type PairwiseRunConfig } from '../../native/train/reward-score.ts';
import { TextTokenizer } from '../../native/text/tokenizer.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { cancelJobMidRun, DPO_DEMO, DPO_DEMO_SPLIT, expectSameSeries, trainEnv } from './helpers/align.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON } from './helpers/lathe.ts';
import { closeStudio, openStoriesStudio } from './helpers/stories-studio.ts';

if (!HAS_SHARED_DATA) console.log(`skipping align-reward: ${SKIP_SHARED_REASON}`);

describe.skipIf(!HAS_SHARED_DATA)('reward models on stories260K', () => {
  let dataDir = '';
  let studio: Studio;
  const store = () => studio.store;

  beforeAll(async () => {
    ({ dataDir, studio } = await openStoriesStudio('align-reward'));
    const ctx = { store: studio.store, dataDir };
    await importDataset({ path: path.join(SHARED_DATA, 'datasets/sst2/dev.tsv'), name: 'sst2', split: { train: 0.1, validation: 0.05, test: 0.85 } }, ctx);
    await importDataset({ path: path.join(SHARED_DATA, 'datasets/sst2/glue_dev.tsv'), name: 'glue-dev', split: { train: 0, validation: 0, test: 1 } }, ctx);
    await importDataset({ path: DPO_DEMO, name: 'demo', split: DPO_DEMO_SPLIT }, ctx);
    await importDataset({ path: path.join(SHARED_DATA, 'datasets/sst2/glue_dev.tsv'), name: 'glue-halves', split: { train: 0.5, validation: 0.5, test: 0 } }, ctx);
  }, 60_000);

  afterAll(() => closeStudio(studio, dataDir));

  const env = (crashAt: number | null = null) => trainEnv(studio, dataDir, crashAt);

  it('an SST-2 classifier is written with score.weight and measured against the majority class', async () => {
    const out = await startReward({ model: 's260k', dataset: 'sst2', maxSteps: 30, batchSize: 16, seqLen: 48, lr: 2e-3, evalEvery: 0, saveEvery: 0, threads: 1 }, env());
    expect(out).toMatchObject({ status: 'completed', steps: 30, objective: 'classify', labels: ['0', '1'] });
    expect(store().runs.get(out.runId)).toMatchObject({ kind: 'reward', status: 'succeeded' });
    const config = JSON.parse(fs.readFileSync(path.join(out.modelDir!, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ architectures: ['LlamaForSequenceClassification'], num_labels: 2, id2label: { 0: '0', 1: '1' } });
    const weights = SafetensorsFile.open(path.join(out.modelDir!, 'model.safetensors'));
    expect(weights.read('score.weight').shape).toEqual([2, 64]);
    expect([...weights.tensors.keys()].some((n) => n.startsWith('lm_head'))).toBe(false);
    weights.close();
    const r = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--dataset', 'glue-dev', '--split', 'test', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const measured = r.json<{ examples: number; accuracy: number; majorityClass: string; majorityShare: number }>();
    // GLUE's SST-2 dev split: 444 of 872 sentences are positive (counted in the file)
    expect(measured).toMatchObject({ examples: 872, majorityClass: '1' });
    expect(measured.majorityShare).toBeCloseTo(444 / 872, 12);
    expect(measured.accuracy).toBeGreaterThanOrEqual(0);
    const texts = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--text', 'a great film', '--text', 'a dull film', '--json']);
    expect(texts.json<{ labels: string[]; scores: number[][] }>().scores.map((s) => s.length)).toEqual([2, 2]);
    // a classifier trained on whole texts: a --prompt would score an input it never read
    const prompted = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--prompt', 'Review:', '--text', 'a great film']);
    expect([prompted.code, prompted.stderr]).toEqual([2, expect.stringMatching(/trained a classifier \(objective classify\), and a classifier scores whole texts, so --prompt does not apply: drop --prompt and put the prompt in the --text itself/)]);
  }, 240_000);

  it('counts of a thousand or more read grouped, as the summary groups them (7518 of 60,614 read as two styles)', async () => {
    const said: string[] = [];
    const out = await startReward({ model: 's260k', dataset: 'sst2', maxSteps: 1, batchSize: 4, seqLen: 4, evalEvery: 0, saveEvery: 0, threads: 1 }, { ...env(), log: (_level, message) => said.push(message) });
    expect(out.status).toBe('completed');
    // every SST-2 sentence but the shortest is longer than BOS and three tokens: over a thousand of the 1,010 texts
    const warning = said.find((m) => / texts are longer than 4 tokens/.test(m)) ?? '';
    expect(warning).toMatch(/^\d{1,3}(,\d{3})+ of 1,0\d\d texts are longer/);
    expect(said).toContainEqual(expect.stringMatching(/^classify: \d+ training and \d+ validation examples, labels 0, 1$/));
  }, 120_000);

  it("tokenizing a large split says how far it got: SST-2's 60k sentences took 15 s of silence after 'run RUN'", async () => {
    const ctx = { store: store(), dataDir };
    await importDataset({ path: path.join(SHARED_DATA, 'datasets/sst2/train.tsv'), name: 'sst2-train', split: { train: 0.99, validation: 0.01, test: 0 } }, ctx);
    const said: string[] = [];
    const out = await startReward({ model: 's260k', dataset: 'sst2-train', maxSteps: 1, batchSize: 64, seqLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, { ...env(), progress: (_f, message) => said.push(message) });
    expect(out.status).toBe('completed');
    expect(said).toContainEqual(expect.stringMatching(/^tokenizing the texts: [\d,]+ of 60,614$/));
  }, 180_000);

  it("a reward model's folder keeps the base model's tokenizer whole: PPO scores with the tokenizer it reads there", async () => {
    // reward training tokenizes with the base's tokenizer (its chat template, its special tokens); the folder carried
    // tokenizer.json and tokenizer_config.json but dropped chat_template.jinja and special_tokens_map.json
    const base = store().models.find('s260k').path;
    const chatBase = path.join(dataDir, 's260k-chat-src');
    fs.cpSync(base, chatBase, { recursive: true });
    const template = "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";
    fs.writeFileSync(path.join(chatBase, 'chat_template.jinja'), template);
    fs.writeFileSync(path.join(chatBase, 'special_tokens_map.json'), '{"bos_token": "<s>", "eos_token": "</s>"}\n');
    await importModelFolder(dataDir, chatBase, 's260k-chat');
    const from = store().models.find('s260k-chat').path;
    const out = await startReward({ model: 's260k-chat', dataset: 'sst2', maxSteps: 1, batchSize: 4, seqLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, env());
    expect(out.status).toBe('completed');
    const json = (dir: string, f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as unknown;
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) expect(json(out.modelDir!, f), f).toEqual(json(from, f));
    for (const f of ['chat_template.jinja', 'special_tokens_map.json']) expect(fs.readFileSync(path.join(out.modelDir!, f), 'utf8'), f).toBe(fs.readFileSync(path.join(from, f), 'utf8'));
    expect(TextTokenizer.fromFolder(out.modelDir!).chatTemplate).toBe(template);
    // the run on the plain base: the same tokenizer files, and no side file it lacks
    const plain = await startReward({ model: 's260k', dataset: 'sst2', maxSteps: 1, batchSize: 4, seqLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, env());
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) expect(json(plain.modelDir!, f), f).toEqual(json(base, f));
    for (const f of ['chat_template.jinja', 'special_tokens_map.json']) expect(fs.existsSync(path.join(plain.modelDir!, f)), f).toBe(fs.existsSync(path.join(base, f)));
  }, 120_000);

  it("lathe reward score measures a classifier's validation split as the run's own final validation did, and says so as it goes", async () => {
    // GLUE's full sentences at a 16-token window: most are cut, as the run trained on them. Scoring them whole (cut
    // only to the model's context) gave another accuracy for the same split: 0.7113 against the run's 0.7103 on SST-2.
    const run = await inProcessLathe(dataDir, ['align', 'reward', '--model', 's260k', '--dataset', 'glue-halves', '--max-steps', '120', '--batch-size', '16', '--lr', '1e-2', '--seq-len', '16', '--eval-every', '0', '--save-every', '0', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning: \d+ of 872 texts are longer than 16 tokens, cut to their last 16 \(BOS kept\), where the score is read; a longer sequence length \(--seq-len, “Sequence length” in the studio\) keeps more of them, up to 512, the model's context$/m);
    // the summary counts them too, as DPO's counts its cut pairs (the reward outcome had no count)
    const [, cut] = /^warning: (\d+) of 872 texts/m.exec(run.stderr) ?? [];
    expect(run.stdout).toMatch(new RegExp(`^classify: 436 training examples, labels 0, 1; ${Number(cut).toLocaleString('en-US')} texts cut to --seq-len \\(their ends kept\\)$`, 'm'));
    // the whole-split validation after the last step is announced, not a silent wait
    expect(run.stderr).toMatch(/^training the reward model: measuring the trained model on the whole validation split \(436 examples\), \d+:\d\d elapsed$/m);
    // batch by batch, a line a second at most (each batch once printed a line of its own)
    const batchLines = run.stderr.split('\n').filter((l) => /whole validation split \(436 examples\): batch \d+ of 28, /.test(l));
    expect(batchLines[0]).toMatch(/: batch 1 of 28, /);
    expect(batchLines.length).toBeLessThan(28);
    const [, runId] = /^run (\S+):/m.exec(run.stdout) ?? [];
    const [, accuracy] = /^the whole validation split: accuracy (\d(?:\.\d+)?),/m.exec(run.stdout) ?? [];
    expect(accuracy, run.stdout).toBeDefined();
    const scored = await inProcessLathe(dataDir, ['reward', 'score', '--run', runId, '--dataset', 'glue-halves', '--split', 'validation', '--threads', '1']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(scored.stdout).toMatch(new RegExp(`^436 validation examples: accuracy ${accuracy.replace('.', '\\.')};`, 'm'));
    expect(scored.stderr).toMatch(/^scoring the validation split of glue-halves with run \S+'s classifier \(at most 16 tokens a text, as it trained\)$/m);
    expect(scored.stderr).toMatch(/^scoring: 436\/436 examples$/m);
    // --json: the answer alone on stdout, no progress on stderr
    const json = await inProcessLathe(dataDir, ['--json', 'reward', 'score', '--run', runId, '--dataset', 'glue-halves', '--split', 'validation', '--threads', '1']);
    expect(figure(json.json<{ accuracy: number }>().accuracy)).toBe(accuracy); // worded by the one formatter of measured figures
    expect(json.stderr).not.toMatch(/scoring/);
    // a dataset it cannot measure is refused before any word of progress ("scoring the validation split…" then the refusal)
    const unmapped = await inProcessLathe(dataDir, ['reward', 'score', '--run', runId, '--dataset', 'demo', '--threads', '1']);
    expect(unmapped.code).toBe(2);
    expect(unmapped.stderr).not.toMatch(/scoring/);
    expect(unmapped.stderr).toMatch(/dataset demo cannot measure a classifier: it needs its text and label columns mapped \(missing: text, label; it maps .*\); choose a dataset of labelled texts, or map its columns with 'lathe dataset map demo --text-column C --label-column C'/);
  }, 240_000);

  it('a pairwise reward run on dpo_en_demo resumes exactly after a crash', async () => {
    const config = { model: 's260k', dataset: 'demo', maxSteps: 6, batchSize: 2, seqLen: 64, evalEvery: 3, evalBatches: 2, saveEvery: 3, threads: 1 };
    const warnings: string[] = [];
    const reference = await startReward(config, { ...env(), log: (level: string, message: string) => void (level === 'warn' && warnings.push(message)) });
    expect(reference.objective).toBe('pairwise');
    // its cut prompts are counted in the outcome (the run view and the CLI summary show them) and the warning names
    // the setting that keeps more, as the Studio form labels it and as the flag
    expect(reference.truncatedPrompts).toBeGreaterThan(0);
    expect(reference.truncatedTexts).toBe(0);
    expect(warnings.find((w) => w.includes('a prompt longer than 32 tokens'))).toMatch(new RegExp(`^${reference.truncatedPrompts} pairs have a prompt longer than 32 tokens, cut to its last 32 \\(BOS included\\), where the question is; a longer max prompt length \\(--max-prompt-len, “Max prompt length” in the studio\\) keeps more of them, up to 63$`));
    // the saved model, scored pair by pair as `lathe reward score --dataset` does, agrees with the run's own final validation
    const recorded = store().runs.get(reference.runId)!.config as PairwiseRunConfig;
    expect(recorded.promptLenCountsBos, 'the rule its maxPromptLen was counted by').toBe(true);
    const held = await pairwiseAccuracy(reference.modelDir!, dataDir, store().datasets.find('demo', 'dataset'), 'validation', recorded, { threads: 1 });
    expect(held.pairs).toBeGreaterThan(0);
    expect(held.accuracy).toBeCloseTo(reference.validation!.accuracy, 6);
    await expect(startReward(config, env(5))).rejects.toThrow(/simulated crash at step 5/);
    const crashed = store().runs.list({ kind: 'reward' }).find((r) => r.status === 'failed')!;
    await resumeReward(crashed.id, env());
    expectSameSeries(studio, crashed.id, reference.runId, ['loss', 'accuracy', 'margin', 'val_loss']);
  }, 240_000);

  it("lathe reward score --prompt scores a pairwise run's text as the completion of its prompt, as the run's pairs were built", async () => {
    const out = await startReward({ model: 's260k', dataset: 'demo', maxSteps: 2, batchSize: 2, seqLen: 48, maxPromptLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 }, env());
    expect(out.objective).toBe('pairwise');
    // a prompt over the run's 16 tokens, in the transcript layout its pairs were rendered in, and two answers
    const pair = { prompt: [{ role: 'user' as const, content: 'Tell me a story about a little girl named Lily who loved to play outside in the park.' }], chosen: 'Once upon a time', rejected: 'No.' };
    const scorer = await RewardScorer.load(out.modelDir!, { threads: 1 });
    const t = tokenizePair(pair, scorer.textTokenizer, { seqLen: 48, maxPromptLen: 16, endId: null, keepEnd: true });
    expect(t.promptTruncated).toBe(true);
    const trained = await scorer.scoreIds([t.example.chosen.ids, t.example.rejected.ids]);
    const prompt = '\n\nHuman: Tell me a story about a little girl named Lily who loved to play outside in the park.\n\nAssistant:';
    const whole = await scorer.scoreIds([classifiedIds(`${prompt} Once upon a time`, scorer.textTokenizer, 48)]);
    await scorer.release();
    const r = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--prompt', prompt, '--text', ' Once upon a time', '--text', ' No.', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const scored = r.json<{ labels: string[]; scores: number[][]; prompts: string[] }>();
    expect(scored.prompts).toEqual([prompt, prompt]);
    expect(scored.scores[0][0]).toBeCloseTo(trained[0][0], 5);
    expect(scored.scores[1][0]).toBeCloseTo(trained[1][0], 5);
    expect(Math.abs(scored.scores[0][0] - whole[0][0]), 'scored whole, the same words read otherwise').toBeGreaterThan(1e-4);
    // for people: the prompt column beside each text
    const table = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--prompt', prompt, '--text', ' Once upon a time', '--threads', '1']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0].trim().split(/\s{2,}/)).toEqual(['REWARD', 'PROMPT', 'TEXT']);
    expect(table.stdout).toContain('Human: Tell me a story about a little girl');
    // --prompt names no prompt of a dataset's pairs, which carry their own
    const withData = await inProcessLathe(dataDir, ['reward', 'score', '--run', out.runId, '--prompt', prompt, '--dataset', 'demo']);
    expect([withData.code, withData.stderr]).toEqual([2, expect.stringMatching(/--prompt goes with --text: a dataset's pairs carry their own prompts/)]);
  }, 120_000);

  it('a pairwise run from before maxPromptLen counted the BOS resumes by its own rule: maxPromptLen tokens after the BOS', async () => {
    // its config lacks promptLenCountsBos; resumed by the new rule, its prompts were cut one token shorter than it trained on
    const input = { model: 's260k', dataset: 'demo', maxSteps: 2, batchSize: 2, seqLen: 48, maxPromptLen: 16, evalEvery: 0, saveEvery: 0, threads: 1 };
    const { config } = planReward(input, store());
    expect(config.promptLenCountsBos).toBe(true);
    const { promptLenCountsBos: _, ...before } = config;
    const old = store().runs.create({ kind: 'reward', name: 'from before promptLenCountsBos', config: before });
    const warnings: string[] = [];
    const resumed = await resumeReward(old.id, { ...env(), log: (level: string, message: string) => void (level === 'warn' && warnings.push(message)) });
    expect(resumed.truncatedPrompts).toBeGreaterThan(0);
    expect(warnings.find((w) => w.includes('a prompt longer than 16 tokens'))).toMatch(/cut to its last 16 \(and its BOS, which this run, started before maxPromptLen counted it, does not count\)/);
    // the old rule's 16 after the BOS are the new rule's 17 with it: the same prompts, the same training
    const counted = await startReward({ ...input, maxPromptLen: 17 }, env());
    expect(resumed.truncatedPrompts).toBe(counted.truncatedPrompts);
    expectSameSeries(studio, old.id, counted.runId, ['loss', 'accuracy', 'margin']);
    expect(resumed.validation!.loss).toBeCloseTo(counted.validation!.loss, 6);
    // PPO scores with either model by its run's rule
    const ppo = (rewardRun: string) => planPpo({ model: 's260k', rewardRun, dataset: 'demo' }, store(), dataDir).config;
    expect(ppo(old.id)).toMatchObject({ rewardObjective: 'pairwise', rewardMaxPromptLen: 16, rewardPromptLenCountsBos: false });
    expect(ppo(counted.runId)).toMatchObject({ rewardObjective: 'pairwise', rewardMaxPromptLen: 17, rewardPromptLenCountsBos: true });
  }, 120_000);

  it("the studio's 'reward' job starts from align.reward and stops on train.cancel", async () => {
    const job = await studio.call('align.reward', { model: 's260k', dataset: 'sst2', maxSteps: 5000, batchSize: 4, seqLen: 32, evalEvery: 0, saveEvery: 0, threads: 1 });
    expect(job.kind).toBe('reward');
    await cancelJobMidRun(studio, job.id, 2);
    await expect(studio.call('align.reward', { model: 's260k', dataset: 'glue-dev' })).rejects.toThrow(/needs training and validation rows/);
  }, 120_000);

  it('lathe align reward and lathe reward score name the flag in their errors', async () => {
    let r = await inProcessLathe(dataDir, ['align', 'reward', '--model', 's260k', '--dataset', 'sst2', '--margin', 'wide']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--margin must be a number; got 'wide'/);
    r = await inProcessLathe(dataDir, ['align', 'reward', '--model', 's260k', '--dataset', 'sst2', '--objective', 'regression']);
    expect(r.stderr).toMatch(/--objective must be one of auto, pairwise, classify; got 'regression'/);
    r = await inProcessLathe(dataDir, ['reward', 'score', '--run', 'run_x', '--dataset', 'glue-dev', '--split', 'dev']);
    expect(r.stderr).toMatch(/--split must be train, validation or test; got 'dev'/);
    r = await inProcessLathe(dataDir, ['reward', 'score', '--run', 'run_x']);
    expect(r.stderr).toMatch(/give --text or --dataset/);
    r = await inProcessLathe(dataDir, ['reward', 'score', '--run', 'run_x', '--prompt', 'P', '--prompt', 'Q', '--text', 'a', '--text', 'b', '--text', 'c']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/got 2 --prompt and 3 --text: give one --prompt for every --text, or one --prompt per --text \(paired in order\)/)]);
    // the user's mistakes exit 2, as in every command; 1 is kept for bugs
    r = await inProcessLathe(dataDir, ['reward', 'score', '--run', 'run_000000000000', '--text', 'a great film']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/run run_000000000000 does not exist/)]);
    r = await inProcessLathe(dataDir, ['align', 'reward', '--model', 's260k', '--dataset', 'no-such-set']);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(/no dataset named 'no-such-set'/)]);
  }, 60_000);

  it('lathe align reward --resume refuses start flags it would ignore, before any work', async () => {
    const runs = studio.store.runs.list({ kind: 'reward' }).length;
    // run_x does not exist: the flags are refused first, before the store is opened
    const r = await inProcessLathe(dataDir, ['align', 'reward', '--resume', 'run_x', '--objective', 'classify', '--max-steps', '9']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lathe align reward: --resume continues the run with its own recorded settings, so --objective and --max-steps would be ignored; drop them/);
    expect(studio.store.runs.list({ kind: 'reward' }), 'no run started').toHaveLength(runs);
  }, 60_000);
});
