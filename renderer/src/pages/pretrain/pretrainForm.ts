// The pretraining form as text fields, the engine's defaults (PretrainInput), and the conversion to
// train.pretrain's input with a message per field that does not parse.
import type { PretrainInput } from '../../../../native/api/train.ts';
import { shapeProblems, type Family, type ModelShape } from './pretrainPlan.ts';

export interface PretrainForm {
  family: Family;
  layers: string; heads: string; dModel: string; context: string; vocab: string;
  corpus: string; steps: string; batchSize: string; seqLen: string; lr: string; evalEvery: string; saveEvery: string; seed: string; threads: string;
  outputName: string;
}

export const initialPretrainForm = (): PretrainForm => ({
  family: 'gpt2', layers: '4', heads: '4', dModel: '128', context: '128', vocab: '512',
  corpus: '', steps: '500', batchSize: '4', seqLen: '', lr: '0.001', evalEvery: '50', saveEvery: '100', seed: '42', threads: '', outputName: '',
});

export const shapeOf = (f: PretrainForm): ModelShape => ({ family: f.family, layers: Number(f.layers), heads: Number(f.heads), dModel: Number(f.dModel), context: Number(f.context), vocab: Number(f.vocab) });

type Key = keyof PretrainForm;
const INTS: { key: Key; min: number; optional?: boolean }[] = [
  { key: 'steps', min: 1 }, { key: 'batchSize', min: 1 }, { key: 'seqLen', min: 2, optional: true }, { key: 'evalEvery', min: 0 }, { key: 'saveEvery', min: 0 }, { key: 'seed', min: 0 }, { key: 'threads', min: 1, optional: true },
];

export function pretrainProblems(f: PretrainForm): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = { ...shapeProblems(shapeOf(f)) };
  for (const { key, min, optional } of INTS) {
    const text = f[key].trim();
    if (text === '' && optional) continue;
    const n = Number(text);
    if (text === '' || !Number.isInteger(n)) out[key] = 'Enter a whole number.';
    else if (n < min) out[key] = `At least ${min}.`;
  }
  if (!(Number(f.lr) > 0)) out.lr = 'Enter a number above 0.';
  if (!out.seqLen && f.seqLen.trim() && Number(f.seqLen) > Number(f.context)) out.seqLen = `At most the context (${f.context}).`;
  if (!f.corpus.trim()) out.corpus = 'Choose a plain-text file to learn from.';
  return out;
}

export function toPretrainInput(f: PretrainForm, projectId: string | null): PretrainInput {
  const s = shapeOf(f);
  return {
    corpus: f.corpus.trim(),
    family: s.family, layers: s.layers, heads: s.heads, dModel: s.dModel, context: s.context, vocab: s.vocab,
    steps: Number(f.steps),
    batchSize: Number(f.batchSize),
    ...(f.seqLen.trim() ? { seqLen: Number(f.seqLen) } : {}),
    lr: Number(f.lr),
    evalEvery: Number(f.evalEvery),
    saveEvery: Number(f.saveEvery),
    seed: Number(f.seed),
    ...(f.threads.trim() ? { threads: Number(f.threads) } : {}),
    ...(f.outputName.trim() ? { outputName: f.outputName.trim() } : {}),
    projectId,
  };
}
