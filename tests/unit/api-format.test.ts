// Counts and bytes as the CLI and the studio both print them (one formatter, native/api/format.ts).
import { describe, expect, it } from 'vitest';
import { formatValue, humanBytes, humanCount, plural, splitSeedWords, withArticle } from '../../native/api/format.ts';

describe('human-readable sizes', () => {
  it('counts parameters with fewer decimals as the number grows', () => {
    expect([999, 1500, 260_000, 1_240_000, 124_000_000, 1_240_000_000].map(humanCount)).toEqual(['999', '1.5K', '260K', '1.2M', '124M', '1.24B']);
  });

  it('gives bytes in steps of 1024', () => {
    expect([512, 1536, 1.6 * 1024 ** 2, 150 * 1024 ** 3].map(humanBytes)).toEqual(['512 B', '1.5 KB', '1.6 MB', '150 GB']);
  });
});

describe('values and counts in words', () => {
  it('writes small settings in exponent form, whole numbers grouped, others to six digits', () => {
    expect([1e-5, 1e-6, 1.5e-6, 0, 32000, 500000, 0.05, 2e-4 * 10, 'yes'].map(formatValue)).toEqual(['1e-5', '1e-6', '1.5e-6', '0', '32,000', '500,000', '0.05', '0.002', 'yes']);
  });

  it('puts the noun in the right number', () => {
    expect([0, 1, 2, 1500].map((n) => plural(n, 'example'))).toEqual(['0 examples', '1 example', '2 examples', '1,500 examples']);
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe("a dataset's seed", () => {
  const splits = { train: 900, validation: 100, test: 200 };
  it('is said for the splits it drew, and not at all where it drew none or where that is not known', () => {
    expect(splitSeedWords({ splits, splitSeed: 42, drawnSplits: ['train', 'validation', 'test'] })).toBe('seed 42');
    expect(splitSeedWords({ splits: { ...splits, test: 0 }, splitSeed: 42, drawnSplits: ['train', 'validation'] })).toBe('seed 42');
    expect(splitSeedWords({ splits, splitSeed: 7, drawnSplits: ['train', 'validation'] })).toBe('train and validation drawn with seed 7');
    // before: 'seed 42' of files each kept whole as a split, and of a dataset imported before the draw was recorded
    expect(splitSeedWords({ splits, splitSeed: 42, drawnSplits: [] })).toBeNull();
    expect(splitSeedWords({ splits, splitSeed: 42 })).toBeNull();
  });
});

describe('counts in CLI messages use the right number', () => {
  it('eval and runs summaries: 1 example, 12 of 20 examples', async () => {
    const { exampleCounts } = await import('../../native/cli/eval.ts');
    expect(exampleCounts({ examples: 1, plannedExamples: null, shotsUsedMean: null })).toBe('1 example');
    expect(exampleCounts({ examples: 12, plannedExamples: 20, shotsUsedMean: null })).toBe('12 of 20 examples');
    expect(exampleCounts({ examples: 2, plannedExamples: 2, shotsUsedMean: null })).toBe('2 examples');
  });

  it('few-shot counts read as numbers, not 2.00 (a walk of the README: few-shot:2 printed "2.00 few-shot examples")', async () => {
    const { exampleCounts } = await import('../../native/cli/eval.ts');
    expect(exampleCounts({ examples: 872, plannedExamples: 872, shotsUsedMean: 2 })).toBe('872 examples; 2 few-shot examples per prompt fit the context on average');
    expect(exampleCounts({ examples: 3, plannedExamples: 3, shotsUsedMean: 1 })).toBe('3 examples; 1 few-shot example per prompt fit the context on average');
    expect(exampleCounts({ examples: 3, plannedExamples: 3, shotsUsedMean: 4 / 3 })).toBe('3 examples; 1.33 few-shot examples per prompt fit the context on average');
  });

  it("an evaluation's note names perplexity and bits per byte only when they were measured", async () => {
    const { scoreNote } = await import('../../native/cli/eval.ts');
    expect(scoreNote(['rouge1', 'rougeL'])).toBe('Scores are fractions in [0, 1].');
    expect(scoreNote(['perplexity'])).toBe('perplexity and bits per byte: lower is better.');
    expect(scoreNote(['accuracy', 'bits_per_byte'])).toBe('Scores are fractions in [0, 1]; perplexity and bits per byte: lower is better.');
  });

  it('a fine-tune summary groups its counts as its log does: 57,583 training examples, 12,761 cut', async () => {
    const { describeFinetune } = await import('../../native/cli/train.ts');
    const outcome = { runId: 'run_x', status: 'completed', steps: 1500, lastLoss: 0.2377, firstValLoss: 6.5303, bestValLoss: 0.2274, lastValLoss: 0.2274, lastValStep: 1500, truncatedExamples: 12761, trainExamples: 57583, modelContext: 512, adapterPath: null, outputModel: null } as const;
    // the cut names its flag, as the DPO, reward and PPO summaries do ('cut to the sequence length' named none)
    expect(describeFinetune(outcome)).toContain("57,583 training examples, 12,761 cut to --seq-len (a long prompt's middle or a long completion's end lost)");
    expect(describeFinetune({ ...outcome, trainExamples: 1, truncatedExamples: 0 })).toMatch(/^1 training example$/m);
  });

  it('a LoRA run that kept only its adapter (--no-merge) ends with the command that merges it; a merged one with the model', async () => {
    const { describeFinetune } = await import('../../native/cli/train.ts');
    const { describeDpo } = await import('../../native/cli/align.ts');
    const outcome = { runId: 'run_x', status: 'completed', steps: 60, lastLoss: 3.4, firstValLoss: 5.5, bestValLoss: 3.4, lastValLoss: 3.4, lastValStep: 60, truncatedExamples: 0, trainExamples: 400, modelContext: 512, adapterPath: '/d/runs/run_x/adapter', outputModel: null } as const;
    expect(describeFinetune(outcome).split('\n').slice(-2)).toEqual(['adapter (PEFT): /d/runs/run_x/adapter', 'merge it into a model with: lathe merge --run run_x --name NAME']);
    expect(describeFinetune({ ...outcome, outputModel: 's260k-tuned' }).split('\n').slice(-2)).toEqual(['adapter (PEFT): /d/runs/run_x/adapter', 'model: s260k-tuned (lathe generate --model s260k-tuned)']);
    const dpo = { runId: 'run_d', status: 'completed' as const, steps: 6, lastLoss: 0.65, trainPairs: 270, validationPairs: 30, truncatedPairs: 0, truncatedPrompts: 0, skippedRows: [], modelContext: 512, trainMetrics: null, validationMetrics: null, adapterPath: '/d/runs/run_d/adapter', outputModel: null };
    expect(describeDpo(dpo).split('\n').at(-1)).toBe('merge it into a model with: lathe merge --run run_d --name NAME');
  });

  it("pretrain and reward summaries say their final validation read the whole split (the 'validation: step N/M, loss …' lines sample it)", async () => {
    const { describePretrain } = await import('../../native/cli/train.ts');
    const { describeReward } = await import('../../native/cli/reward.ts');
    const pretrain = { runId: 'run_p', status: 'completed', steps: 20, parameters: 141_056, valLoss: 5.7752, valLossPerChar: 3.0474, unigramLoss: 5.192, unigramLossPerChar: 2.7397, outputModel: 'gpt2-pretrained', sample: 'x' } as const;
    expect(describePretrain(pretrain)).toContain('\nvalidation loss on the whole validation text 5.775 nats/token (3.047 per character)\nunigram baseline 5.192 nats/token (2.74 per character)\n');
    // the model line ends with the command that tries it, as fine-tuning's and alignment's do
    expect(describePretrain(pretrain)).toContain('\nmodel: gpt2-pretrained (lathe generate --model gpt2-pretrained)\n');
    const reward = { runId: 'run_r', status: 'completed' as const, steps: 40, lastLoss: 0.7227, objective: 'classify' as const, labels: ['0', '1'], trainExamples: 57_583, validation: { loss: 0.6905, accuracy: 0.5312 }, truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: 0, modelContext: 512, modelDir: '/d' };
    expect(describeReward(reward).split('\n').slice(0, 3)).toEqual([
      'run run_r: completed after 40 steps; last loss 0.7227',
      'classify: 57,583 training examples, labels 0, 1',
      'the whole validation split: accuracy 0.5312, loss 0.6905',
    ]);
  });

  it("a reward run's summary counts what it cut, as DPO's does: texts, pairs and prompts, each with the flag that keeps more", async () => {
    const { describeReward } = await import('../../native/cli/reward.ts');
    const classify = { runId: 'run_r', status: 'completed' as const, steps: 40, lastLoss: 0.7227, objective: 'classify' as const, labels: ['0', '1'], trainExamples: 57_583, validation: null, truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: 1204, modelContext: 512, modelDir: null };
    expect(describeReward(classify).split('\n')[1]).toBe('classify: 57,583 training examples, labels 0, 1; 1,204 texts cut to --seq-len (their ends kept)');
    const pairwise = { ...classify, objective: 'pairwise' as const, labels: ['reward'], trainExamples: 900, truncatedTexts: 0, truncatedPairs: 1, truncatedPrompts: 37 };
    expect(describeReward(pairwise).split('\n')[1]).toBe('pairwise: 900 training examples; 1 pair cut to --seq-len (their ends kept); 37 pairs with the prompt cut to --max-prompt-len (its end kept)');
  });

  it("DPO and PPO summaries say 'after 1 step' and 'after 1 iteration', not '1 steps'", async () => {
    const { describeDpo } = await import('../../native/cli/align.ts');
    const { describePpo } = await import('../../native/cli/align-ppo.ts');
    const dpo = { runId: 'run_d', status: 'cancelled' as const, steps: 1, lastLoss: 0.6931, trainPairs: 2700, validationPairs: 1, truncatedPairs: 1287, truncatedPrompts: 0, skippedRows: [{ where: 'train:3', reason: 'x' }], modelContext: 512, trainMetrics: null, validationMetrics: null, adapterPath: null, outputModel: null };
    expect(describeDpo(dpo).split('\n')).toEqual(['run run_d: cancelled after 1 step; last loss 0.6931', '2,700 training and 1 validation pair, 1,287 cut to --seq-len (the response\'s end lost), 1 row left out']);
    // prompts cut to --max-prompt-len are counted apart from pairs cut to the sequence length
    expect(describeDpo({ ...dpo, truncatedPrompts: 1034 }).split('\n')[1]).toBe('2,700 training and 1 validation pair, 1,287 cut to --seq-len (the response\'s end lost), 1,034 with the prompt cut to --max-prompt-len (its end kept), 1 row left out');
    // cancelled while tokenizing: no pair was counted, so none is said (not '0 training and 0 validation pairs')
    const untokenized = { ...dpo, steps: 0, lastLoss: null, trainPairs: 0, validationPairs: 0, truncatedPairs: 0, skippedRows: [] };
    expect(describeDpo(untokenized).split('\n')).toEqual(['run run_d: cancelled after 0 steps; last loss —']);
    const ppo = { runId: 'run_p', status: 'cancelled' as const, steps: 1, optimizerSteps: 1, lastLoss: null, heldoutBefore: null, heldoutAfter: null, timing: null, truncatedPrompts: 0, modelContext: 512, adapterPath: null, outputModel: null };
    expect(describePpo(ppo).split('\n')[0]).toBe('run run_p: cancelled after 1 iteration (1 optimiser step); last loss —');
    // worded as the progress line words them (cli/figures.ts): the KL at the start is 'KL 0' in both, not 'KL 0.000' here
    const measured = describePpo({ ...ppo, steps: 6, lastLoss: 1.234567, heldoutBefore: { step: 0, scoreMean: 0.412345, kl: 0 }, heldoutAfter: { step: 6, scoreMean: 0.5, kl: 0.0123456 } }).split('\n');
    expect(measured.slice(0, 2)).toEqual(['run run_p: cancelled after 6 iterations (1 optimiser step); last loss 1.235', 'held-out rollouts before: score 0.4123, KL 0 (iteration 0); after: score 0.5, KL 0.01235 (iteration 6)']);
    // and PPO's log lines word them so too: they said 'KL 0.000' and 'loss 1.2346' above the summary's 'KL 0' and 'loss 1.235'
    const { heldoutLine, iterationLine } = await import('../../native/train/ppo-lines.ts');
    expect(heldoutLine(0, 0.412345, 0)).toBe('iteration 0: held-out score 0.4123, KL 0');
    expect(iterationLine(6, { score: 0.5, kl: 0.0000123456, klCoef: 0.2, loss: 1.234567 })).toBe('iteration 6: score 0.5, KL 1.235e-5, β 0.2, loss 1.235');
    expect(describePpo(ppo)).not.toContain('cut');
    expect(describePpo({ ...ppo, truncatedPrompts: 1 }).split('\n')).toContain('1 prompt cut to --max-prompt-len (their ends kept)');
    expect(describePpo({ ...ppo, truncatedPrompts: 12 }).split('\n')).toContain('12 prompts cut to --max-prompt-len (their ends kept)');
  });

  // DPO's and the reward model's summaries printed 'last loss 2.8100' and accuracies to 3 decimals ('0.750') beside
  // PPO's 'last loss 2.81' and the progress line's 'loss 2.81': every measured value is worded by one formatter
  it("DPO's and the reward model's summaries word their measured values as PPO's and the progress line do", async () => {
    const { describeDpo } = await import('../../native/cli/align.ts');
    const { describeReward } = await import('../../native/cli/reward.ts');
    const dpo = { runId: 'run_d', status: 'completed' as const, steps: 6, lastLoss: 2.81, trainPairs: 270, validationPairs: 30, truncatedPairs: 0, truncatedPrompts: 0, skippedRows: [], modelContext: 512,
      trainMetrics: { 'rewards/accuracies': 0.75, 'rewards/margins': 0.0000123456 }, validationMetrics: { 'rewards/accuracies': 0.6, 'rewards/margins': 0.123456 }, adapterPath: null, outputModel: null };
    expect(describeDpo(dpo).split('\n')).toEqual([
      'run run_d: completed after 6 steps; last loss 2.81',
      '270 training and 30 validation pairs',
      'training pairs: rewards/accuracies 0.75, rewards/margins 1.235e-5',
      'validation pairs: rewards/accuracies 0.6, rewards/margins 0.1235',
    ]);
    const reward = { runId: 'run_r', status: 'completed' as const, steps: 40, lastLoss: 2.81, objective: 'classify' as const, labels: ['0', '1'], trainExamples: 100, validation: { loss: 0.69051234, accuracy: 0.5 }, truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: 0, modelContext: 512, modelDir: null };
    expect(describeReward(reward).split('\n')).toEqual(['run run_r: completed after 40 steps; last loss 2.81', 'classify: 100 training examples, labels 0, 1', 'the whole validation split: accuracy 0.5, loss 0.6905']);
  });

  it("an alignment run view warns of PPO's cut prompts as of DPO's cut pairs and prompts, and of nothing else", async () => {
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    expect(alignCutWarnings('ppo', { truncatedPrompts: 12 }).map((w) => w.title)).toEqual(['12 prompts cut to the longest prompt length']);
    expect(alignCutWarnings('ppo', { truncatedPrompts: 1 })[0].detail).toContain('where the cue to answer is');
    expect(alignCutWarnings('dpo', { truncatedPairs: 1287, truncatedPrompts: 1 }).map((w) => w.title)).toEqual(['1,287 pairs cut to the sequence length', '1 pair with the prompt cut to the longest prompt length']);
    expect(alignCutWarnings('ppo', { truncatedPrompts: 0 })).toEqual([]);
    expect(alignCutWarnings('dpo', {})).toEqual([]); // an outcome from before the counts
    expect(alignCutWarnings('reward', null)).toEqual([]);
  });

  it("a reward run view warns of its cut texts, pairs and prompts as a DPO run's does (the reward outcome had no counts)", async () => {
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    expect(alignCutWarnings('reward', { truncatedTexts: 1204 }).map((w) => w.title)).toEqual(['1,204 texts cut to the sequence length']);
    const pairs = alignCutWarnings('reward', { truncatedPairs: 3, truncatedPrompts: 1, truncatedTexts: 0 });
    expect(pairs.map((w) => w.title)).toEqual(['3 pairs cut to the sequence length', '1 pair with the prompt cut to the longest prompt length']);
    // a reward model reads a cut side's end (where its score is read), not DPO's 'endings not compared'
    expect(pairs[0].detail).toContain('kept its end, where the score is read');
    expect(pairs[1].detail).toContain('the model never read the start');
    expect(alignCutWarnings('reward', { truncatedPairs: 0, truncatedPrompts: 0, truncatedTexts: 0 })).toEqual([]);
  });

  it("at the model's context a run view says no longer sequence length fits instead of advising one; PPO's names the new tokens", async () => {
    // the warning said 'Raise the sequence length' to a run whose sequence length was already the model's whole context
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    const { ALIGN_SETTINGS } = await import('../../renderer/src/pages/align/alignForm.ts');
    const atContext = "The sequence length is already the model's context (512), so no longer one fits: shorter texts, or a model with a longer context, would keep more.";
    const longer = 'A longer sequence length (the “Sequence length” setting) keeps more of them';
    for (const [kind, cuts] of [['dpo', { truncatedPairs: 2 }], ['reward', { truncatedPairs: 2 }], ['reward', { truncatedTexts: 2 }]] as const) {
      const [w] = alignCutWarnings(kind, { ...cuts, modelContext: 512 }, { seqLen: 512 });
      expect(w.detail, kind).toContain(atContext);
      expect(w.detail, kind).not.toContain('A longer sequence length');
      // below the context, or an outcome from before the context was recorded: a longer one is still the advice
      expect(alignCutWarnings(kind, { ...cuts, modelContext: 512 }, { seqLen: 256 })[0].detail, kind).toContain(`${longer}, up to 512, the model's context.`);
      expect(alignCutWarnings(kind, cuts, { seqLen: 512 })[0].detail, kind).toContain(`${longer}, if memory allows.`);
    }
    // PPO has no sequence length: its prompts share the model's context with the new tokens
    const label = ALIGN_SETTINGS.find((s) => s.key === 'generation.maxNewTokens')!.label;
    const ppo = alignCutWarnings('ppo', { truncatedPrompts: 3, modelContext: 512 })[0].detail;
    expect(ppo).toContain(`if the model's context allows beside the new tokens (the “${label}” setting).`);
    expect(ppo).not.toContain('sequence length');
  });

  it("a run view's advice for cut prompts weighs the longest prompt, the sequence length and the context as the run's log does", async () => {
    // DPO and reward run views said 'Raise the longest prompt (…) if the sequence length allows.' to a run whose
    // longest prompt already left the completion no more room, at a sequence length that was the model's context
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    const { asSentence, longerPromptAdvice } = await import('../../native/api/cut-advice.ts');
    const prompt = (kind: string, config: object, modelContext: number | null = 512) => alignCutWarnings(kind, { truncatedPrompts: 2, modelContext: modelContext ?? undefined }, config)[0].detail;
    for (const kind of ['dpo', 'reward']) {
      // at the room and the context: nothing the settings can change keeps more
      const full = prompt(kind, { seqLen: 512, maxPromptLen: 511 });
      expect(full, kind).toContain("Each kept its end, where the question is, and its BOS; ");
      expect(full, kind).toContain("A max prompt length of 511 already leaves the completion as little room as it can, and the sequence length is already the model's context (512): shorter prompts, or a model with a longer context, would keep more.");
      expect(full, kind).not.toContain('Raise');
      expect(full.endsWith(` ${asSentence(longerPromptAdvice(511, 511, { seqLen: 512, context: 512 }, 'studio'))}`), kind).toBe(true);
      // at the room below the context: a longer sequence length
      expect(prompt(kind, { seqLen: 256, maxPromptLen: 255 }), kind).toContain('A max prompt length of 255 already leaves the completion as little room as it can; a longer sequence length (the “Sequence length” setting) lets the prompt grow.');
      // room left: a longer prompt, and how far (a reward run's unset maxPromptLen is half the sequence length)
      expect(prompt(kind, { seqLen: 256, maxPromptLen: 128 }), kind).toContain('A longer max prompt length (the “Max prompt length” setting) keeps more of them, up to 255.');
      expect(prompt(kind, { seqLen: 256 }), kind).toContain('keeps more of them, up to 255.');
      // an outcome from before the context was recorded, or a config without the sequence length: the older advice
      expect(prompt(kind, { seqLen: 512, maxPromptLen: 511 }, null), kind).toContain('Raise the longest prompt (the “Max prompt length” setting) if the sequence length allows.');
      expect(prompt(kind, {}), kind).toContain('if the sequence length allows.');
    }
    // PPO: the prompt shares the context with the new tokens
    expect(prompt('ppo', { maxPromptLen: 480, generation: { maxNewTokens: 32 } })).toContain('A max prompt length of 480 already leaves the completion as little room as it can; fewer new tokens (the “Max new tokens” setting) let the prompt grow.');
    expect(prompt('ppo', { maxPromptLen: 64, generation: { maxNewTokens: 32 } })).toContain('keeps more of them, up to 480.');
    expect(prompt('ppo', { maxPromptLen: 64 })).toContain("if the model's context allows beside the new tokens");
  });

  it("a fine-tune's run view weighs the model's context as alignment's do, in the same words", async () => {
    // it said 'Raise the sequence length if memory allows' to a run already at the model's context, naming no flag
    const { finetuneCutWarning } = await import('../../native/api/train.ts');
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    const at = finetuneCutWarning({ truncatedExamples: 3, modelContext: 512 }, 512)!;
    expect(at.title).toBe('3 examples were cut to 512 tokens');
    expect(at.detail).toContain("The sequence length is already the model's context (512), so no longer one fits: shorter texts, or a model with a longer context, would keep more.");
    expect(at.detail).not.toContain('A longer sequence length');
    expect(at.detail.endsWith(alignCutWarnings('dpo', { truncatedPairs: 2, modelContext: 512 }, { seqLen: 512 })[0].detail.split('. ').at(-1)!)).toBe(true);
    // below the context, or an outcome from before the context was recorded: a longer one, named as the form names it
    const longer = 'A longer sequence length (the “Sequence length” setting) keeps more of them';
    expect(finetuneCutWarning({ truncatedExamples: 1, modelContext: 512 }, 256)).toEqual({ title: '1 example was cut to 256 tokens', detail: expect.stringContaining(`${longer}, up to 512, the model's context.`) });
    expect(finetuneCutWarning({ truncatedExamples: 3 }, 512)!.detail).toContain(`${longer}, if memory allows.`);
    expect(finetuneCutWarning({ truncatedExamples: 0, modelContext: 512 }, 512)).toBeNull();
    expect(finetuneCutWarning(null, 512)).toBeNull();
  });

  // a fine-tune's callout said 'A longer sequence length (--seq-len, “Sequence length” in the studio)': CLI wording in
  // the studio, which has no flags
  it('run views name the setting as the Studio form labels it, not by its CLI flag', async () => {
    const { alignCutWarnings } = await import('../../native/api/align.ts');
    const { finetuneCutWarning } = await import('../../native/api/train.ts');
    const { ALIGN_SETTINGS } = await import('../../renderer/src/pages/align/alignForm.ts');
    const { SETTINGS: TRAIN_SETTINGS } = await import('../../renderer/src/pages/finetune/trainForm.ts');
    const label = (key: string) => ALIGN_SETTINGS.find((s) => s.key === key)!.label;
    expect(alignCutWarnings('dpo', { truncatedPairs: 2 })[0].detail).toContain(`(the “${label('seqLen')}” setting)`);
    expect(alignCutWarnings('reward', { truncatedTexts: 2 })[0].detail).toContain(`(the “${label('seqLen')}” setting)`);
    for (const kind of ['dpo', 'ppo', 'reward']) expect(alignCutWarnings(kind, { truncatedPrompts: 2 })[0].detail, kind).toContain(`(the “${label('maxPromptLen')}” setting)`);
    const details = [
      finetuneCutWarning({ truncatedExamples: 2, modelContext: 512 }, 256)!.detail,
      ...(['dpo', 'ppo', 'reward'] as const).flatMap((kind) => alignCutWarnings(kind, { truncatedPairs: 2, truncatedTexts: 2, truncatedPrompts: 2 }).map((w) => w.detail)),
    ];
    for (const detail of details) {
      expect(detail).not.toMatch(/--[a-z]/);
      expect(detail).not.toContain('in the studio');
    }
    expect(label('ppoMaxPromptLen')).toBe(label('maxPromptLen'));
    expect(TRAIN_SETTINGS.find((s) => s.key === 'seqLen')!.label).toBe(label('seqLen'));
  });

  it('a fine-tune summary gives the validation loss the written model has, and says when a better one was not kept', async () => {
    const { describeFinetune } = await import('../../native/cli/train.ts');
    const base = { runId: 'run_x', status: 'completed', steps: 20, lastLoss: 4.4498, truncatedExamples: 0, trainExamples: 400, modelContext: 512, adapterPath: null, outputModel: 'm' } as const;
    expect(describeFinetune({ ...base, firstValLoss: 5.3667, bestValLoss: 4.3663, lastValLoss: 4.3663, lastValStep: 20 })).toContain('loss 4.45; validation loss 5.367 at the start → 4.366 at the last validation\n');
    // a learning rate too high: the loss went up, and 'best 5.367' (the untouched base) once read as the result
    // (losses worded as the 'validation: step N/M, loss …' lines above the summary word them)
    expect(describeFinetune({ ...base, firstValLoss: 5.3667, bestValLoss: 5.3667, lastValLoss: 6.2383, lastValStep: 20 }))
      .toContain("validation loss 5.367 at the start → 6.238 at the last validation; best 5.367 earlier in the run, not kept (the model holds the last step's weights)");
    expect(describeFinetune({ ...base, firstValLoss: null, bestValLoss: null, lastValLoss: null, lastValStep: null })).toContain('loss 4.45; validation loss —\n');
    // cancelled after 21 steps with only the start validated: '5.3667 → 5.3667' once read as no progress at all
    expect(describeFinetune({ ...base, status: 'cancelled', steps: 21, firstValLoss: 5.3667, bestValLoss: 5.3667, lastValLoss: 5.3667, lastValStep: 0 }))
      .toContain('validation loss 5.367 at the start; not measured again before the run stopped at step 21\n');
    expect(describeFinetune({ ...base, status: 'cancelled', steps: 21, firstValLoss: 5.3667, bestValLoss: 4.5, lastValLoss: 4.5, lastValStep: 10 }))
      .toContain('validation loss 5.367 at the start → 4.5 at the last validation (step 10)\n');
  });
});

describe('run kinds in sentences', () => {
  it("says 'an evaluation', 'an export' and 'a finetune'", () => {
    expect(['evaluation', 'export', 'dataset-import', 'finetune', 'dpo', 'ppo'].map(withArticle)).toEqual(['an evaluation', 'an export', 'a dataset-import', 'a finetune', 'a dpo', 'a ppo']);
  });
});
