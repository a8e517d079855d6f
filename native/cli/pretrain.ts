// `lathe pretrain`: train a small model from scratch on a text file in the foreground — tokenizer, config
// (parameter count and memory reported first), initialisation, training — and register the result as a model.
import { PretrainInput } from '../api/train.ts';
import { runPretrain, type PretrainOutcome } from '../train/pretrain.ts';
import { UserError, type CliCommand } from './command.ts';
import { foregroundEnv, num } from './train.ts';

const USAGE = 'lathe pretrain --corpus FILE [--family gpt2|llama] [--layers N] [--heads N] [--d-model N] [--context N] [--vocab N] [--steps N] [--lr X] [--batch-size B] [--grad-accum G] [--eval-every K] [--save-every K] [--seed S] [--threads T] [--output-name N] [--json]';
const NUMBERS: Record<string, string> = { layers: 'layers', heads: 'heads', 'd-model': 'dModel', context: 'context', vocab: 'vocab', steps: 'steps', lr: 'lr', 'batch-size': 'batchSize', 'grad-accum': 'gradAccum', 'eval-every': 'evalEvery', 'eval-batches': 'evalBatches', 'save-every': 'saveEvery', seed: 'seed', threads: 'threads', 'warmup-steps': 'warmupSteps' };

function describe(o: PretrainOutcome): string {
  return [
    `run ${o.runId}: ${o.status} after ${o.steps} steps (${o.parameters.toLocaleString('en')} parameters)`,
    `validation loss ${o.valLoss.toFixed(4)} nats/token (${o.valLossPerChar.toFixed(4)} per character)`,
    `unigram baseline ${o.unigramLoss.toFixed(4)} nats/token (${o.unigramLossPerChar.toFixed(4)} per character)`,
    o.outputModel ? `model: ${o.outputModel}` : '',
    `sample:\n${o.sample}`,
  ].filter(Boolean).join('\n');
}

export const commands: CliCommand[] = [
  {
    path: ['pretrain'],
    summary: 'Pretrain a small model from scratch on a text corpus',
    usage: USAGE,
    options: { corpus: { type: 'string' }, family: { type: 'string' }, 'output-name': { type: 'string' }, name: { type: 'string' }, ...Object.fromEntries(Object.keys(NUMBERS).map((k) => [k, { type: 'string' as const }])) },
    async run({ values }, ctx) {
      if (!values.corpus) throw new UserError(`give --corpus FILE.\nUsage: ${USAGE}`);
      const input: Record<string, unknown> = { corpus: values.corpus, family: values.family, outputName: values['output-name'], name: values.name };
      for (const [flag, field] of Object.entries(NUMBERS)) {
        const n = num(values, flag, USAGE);
        if (n !== undefined) input[field] = n;
      }
      const parsed = PretrainInput.safeParse(input);
      if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') + `\nUsage: ${USAGE}`);
      const { env, close } = foregroundEnv(ctx, 'pretraining');
      try {
        const outcome = await runPretrain(parsed.data, env);
        ctx.print(outcome, () => describe(outcome));
      } catch (err) {
        throw new UserError((err as Error).message, 1);
      } finally {
        close();
      }
    },
  },
];
