// `lathe model import|import-llama2c|inspect|list`: bring checkpoints into the data directory as Hugging Face
// folders and explain what a model is made of.
import { UserError, type CliCommand } from './command.ts';
import { findModel, importHfFolder, importLlama2cModel, listModels } from '../models/registry.ts';
import { readHfFolder } from '../models/checkpoint.ts';
import { CheckpointError } from '../models/safetensors.ts';
import { memoryEstimates, parameterCounts } from '../models/params.ts';
import type { ModelSpec } from '../models/config.ts';

/** Checkpoint problems are the user's to fix: report them without a stack trace. */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CheckpointError || (err instanceof Error && /already exists|no model named|non-empty --name/.test(err.message))) throw new UserError(err.message);
    throw err;
  }
}

function requireName(values: Record<string, unknown>, usage: string): string {
  const name = values.name as string | undefined;
  if (!name) throw new UserError(`--name N is required.\nUsage: ${usage}`);
  return name;
}

export function humanBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function humanCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : String(n);
}

/** Each hyperparameter with what it means. */
function explain(s: ModelSpec): [string, string | number, string][] {
  const rows: [string, string | number, string][] = [
    ['vocab_size', s.vocabSize, 'tokens the model can read and write'],
    ['hidden_size', s.hiddenSize, 'width of the residual stream (each token is a vector this long)'],
    ['num_layers', s.numLayers, 'transformer blocks, each attention then MLP'],
    ['num_heads', s.numHeads, `query heads per attention layer, each of size ${s.headDim}`],
    ['num_kv_heads', s.numKvHeads, s.numKvHeads < s.numHeads ? `key/value heads (grouped-query attention: ${s.numHeads / s.numKvHeads} query heads share each), shrinking the KV cache` : 'key/value heads (one per query head)'],
    ['intermediate_size', s.intermediateSize, s.family === 'llama' ? 'MLP inner width (SwiGLU: gate and up projections)' : 'MLP inner width (GELU, tanh approximation)'],
    ['max_positions', s.maxPositions, 'longest context the model was built for'],
    ['norm_eps', s.normEps, s.family === 'llama' ? 'RMSNorm epsilon' : 'LayerNorm epsilon'],
    ['tied_embeddings', String(s.tieWordEmbeddings), 'whether the output head reuses the token embedding matrix'],
  ];
  if (s.rope) {
    const scaling = s.rope.scaling ? `, ${s.rope.scaling.type} scaling ×${s.rope.scaling.factor}` : '';
    rows.push(['rope_theta', s.rope.theta, `rotary position embedding base${scaling}`]);
  } else rows.push(['positions', 'learned', 'a learned embedding per position, added to the token embedding']);
  if (s.qkvBias) rows.push(['qkv_bias', 'true', 'biases on the query/key/value projections']);
  if (s.slidingWindow) rows.push(['sliding_window', s.slidingWindow, 'each token attends to at most this many previous tokens']);
  return rows;
}

export const commands: CliCommand[] = [
  {
    path: ['model', 'import'],
    summary: 'Import a Hugging Face model folder (config.json, safetensors, tokenizer.json)',
    usage: 'lathe model import DIR --name N',
    options: { name: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }, ctx) {
      const usage = 'lathe model import DIR --name N';
      if (positionals.length !== 1) throw new UserError(`expected one folder.\nUsage: ${usage}`);
      const model = await userErrors(() => importHfFolder(ctx.dataDir, positionals[0], requireName(values, usage)));
      ctx.print(model, () => `imported ${model.name} (${model.id}): ${model.architecture}, ${humanCount(model.parameterCount)} parameters\n  ${model.path}`);
    },
  },
  {
    path: ['model', 'import-llama2c'],
    summary: "Convert a llama2.c checkpoint and tokenizer into a Hugging Face folder and import it",
    usage: 'lathe model import-llama2c CKPT.bin --tokenizer TOK.bin --name N',
    options: { name: { type: 'string' }, tokenizer: { type: 'string' } },
    positionals: true,
    async run({ values, positionals }, ctx) {
      const usage = 'lathe model import-llama2c CKPT.bin --tokenizer TOK.bin --name N';
      if (positionals.length !== 1) throw new UserError(`expected one checkpoint file.\nUsage: ${usage}`);
      const tok = values.tokenizer as string | undefined;
      if (!tok) throw new UserError(`--tokenizer TOK.bin is required.\nUsage: ${usage}`);
      const model = await userErrors(() => importLlama2cModel(ctx.dataDir, positionals[0], tok, requireName(values, usage)));
      ctx.print(model, () => `imported ${model.name} (${model.id}): ${model.architecture}, ${humanCount(model.parameterCount)} parameters\n  ${model.path}`);
    },
  },
  {
    path: ['model', 'list'],
    summary: 'List the models in the data directory',
    usage: 'lathe model list',
    async run(_args, ctx) {
      const models = listModels(ctx.dataDir);
      ctx.print(models, () =>
        models.length === 0 ? 'no models yet' : models.map((m) => `${m.name.padEnd(20)} ${m.id}  ${m.architecture.padEnd(18)} ${humanCount(m.parameterCount).padStart(8)}  ${m.source}`).join('\n'),
      );
    },
  },
  {
    path: ['model', 'inspect'],
    summary: 'Architecture, parameters by component, hyperparameters and memory estimates of a model',
    usage: 'lathe model inspect NAME',
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError('expected one model name.\nUsage: lathe model inspect NAME');
      const model = await userErrors(async () => findModel(ctx.dataDir, positionals[0]));
      const spec = await userErrors(async () => readHfFolder(model.path).spec);
      const params = parameterCounts(spec);
      const memory = memoryEstimates(spec);
      const result = { id: model.id, name: model.name, path: model.path, architecture: spec.architecture, family: spec.family, parameters: params, hyperparameters: explain(spec).map(([k, v, why]) => ({ name: k, value: v, meaning: why })), memory };
      ctx.print(result, () => {
        const pct = (n: number) => `${((100 * n) / params.total).toFixed(1)}%`;
        const lines = [`${model.name} (${model.id}) — ${spec.architecture}, ${humanCount(params.total)} parameters`, '', 'Parameters by component:'];
        for (const k of ['embeddings', 'attention', 'mlp', 'norms', 'head'] as const) if (params[k]) lines.push(`  ${k.padEnd(11)} ${humanCount(params[k]).padStart(9)}  ${pct(params[k]).padStart(6)}`);
        lines.push('', 'Hyperparameters:');
        for (const [k, v, why] of explain(spec)) lines.push(`  ${k.padEnd(18)} ${String(v).padEnd(8)} ${why}`);
        lines.push('', 'Memory (weights and states; activations not included):', `  ${''.padEnd(42)} ${'fp32'.padStart(10)} ${'fp16'.padStart(10)}`);
        const row = (label: string, m: { fp32: number; fp16: number }) => lines.push(`  ${label.padEnd(42)} ${humanBytes(m.fp32).padStart(10)} ${humanBytes(m.fp16).padStart(10)}`);
        row(`inference (+KV cache, ${memory.kvCacheTokens} tokens)`, memory.inference);
        row('full fine-tuning (Adam)', memory.fullFineTune);
        row(`LoRA r=8 on q,k,v,o (${humanCount(memory.loraParameters)} trainable)`, memory.lora);
        return lines.join('\n');
      });
    },
  },
];
