// Studio API handlers for the playground (schemas in native/api/models.ts): start / cancel a streamed
// generation, the next-token distribution, and prompt building (zero/one/few-shot from a dataset, or chat with
// the model's template). The model work happens in the generation worker (generate-worker.ts explains why).
import { StudioError } from '../api/errors.ts';
import type { modelMethods } from '../api/models.ts';
import { datasetDir, readRows } from '../data/files.ts';
import { buildPrompt } from '../text/prompt.ts';
import { parseModelConfig } from '../models/config.ts';
import { generationService } from './generate-service.ts';
import { tokenizerOf } from './tokenizer-cache.ts';
import type { HandlerContext, HandlersFor } from './context.ts';
import { plural } from '../api/format.ts';

type GenerateHandlers = HandlersFor<Pick<typeof modelMethods, Extract<keyof typeof modelMethods, `generate.${string}`>>>;

/** Few-shot examples are drawn from at most this many train rows. */
const EXAMPLE_POOL = 500;

function chatPrompt(ctx: HandlerContext, modelId: string, messages: { role: string; content: string }[]): string {
  const model = ctx.store.models.findDecoder(modelId, 'generate text', 'modelId');
  const tok = tokenizerOf(model.path);
  if (!tok.chatTemplate) {
    const message = `${model.name} has no chat template (its tokenizer_config.json has no chat_template): `
      + 'it is a base model that continues text; use a plain or few-shot prompt';
    throw new StudioError('invalid_params', message, { field: 'messages' });
  }
  try {
    // The template writes BOS itself; the tokenizer adds it again unless the rendered text is used verbatim.
    return tok.applyChatTemplate(messages);
  } catch (err) {
    throw new StudioError('invalid_params', `${model.name}: ${(err as Error).message}`, { field: 'messages' });
  }
}

export const generateHandlers: GenerateHandlers = {
  'generate.start': (input, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(input.modelId, 'generate text', 'modelId');
    if (input.projectId !== null) ctx.store.projects.find(input.projectId);
    const prompt = input.messages ? chatPrompt(ctx, model.id, input.messages) : input.prompt!;
    if (!prompt.trim()) throw new StudioError('invalid_params', 'the prompt is empty: write something for the model to continue', { field: 'prompt' });
    if (input.settings.numBeams && input.settings.numBeams > 1 && input.settings.doSample) {
      const message = 'beam search picks the best sequences and does not sample: set beams to 1 to sample, or turn sampling off';
      throw new StudioError('invalid_params', message, { field: 'settings.numBeams' });
    }
    const { messages, settings, topAlternatives: top, projectId, label } = input;
    const generationId = generationService(ctx.store, ctx.dataDir).start({ model, prompt, messages, settings, top, projectId, label });
    return { generationId };
  },
  'generate.cancel': ({ generationId }, _raw, ctx) => ({ cancelled: generationService(ctx.store, ctx.dataDir).cancel(generationId) }),
  'generate.nextToken': ({ modelId, prompt, settings, top }, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(modelId, 'generate text', 'modelId');
    if (!prompt) throw new StudioError('invalid_params', 'the prompt is empty: write something for the model to continue', { field: 'prompt' });
    return generationService(ctx.store, ctx.dataDir).nextToken(model, prompt, settings, top);
  },
  'generate.countTokens': ({ modelId, prompt, messages }, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(modelId, 'generate text', 'modelId');
    const text = messages ? chatPrompt(ctx, model.id, messages) : prompt!;
    // encoded as the generation encodes it (generate-session.ts), special tokens included
    return { promptTokens: text ? tokenizerOf(model.path).encode(text).length : 0, contextTokens: parseModelConfig(model.config).maxPositions };
  },
  'generate.buildPrompt': (input, _raw, ctx) => {
    if (input.style === 'chat') return { prompt: chatPrompt(ctx, input.modelId, input.messages), examples: 0 };
    const dataset = ctx.store.datasets.find(input.datasetId, 'datasetId');
    for (const [field, column] of [['inputColumn', input.inputColumn], ['outputColumn', input.outputColumn]] as const) {
      if (!dataset.columns.includes(column)) {
        throw new StudioError('invalid_params', `dataset ${dataset.name} has no column '${column}' (columns: ${dataset.columns.join(', ')})`, { field });
      }
    }
    const pool = input.shots > 0 ? readRows(datasetDir(ctx.dataDir, dataset.id), 'train', 0, EXAMPLE_POOL).rows : [];
    if (input.shots > pool.length) {
      const message = `asked for ${plural(input.shots, 'example')} but the train split of ${dataset.name} has ${plural(pool.length, 'row')}`;
      throw new StudioError('invalid_params', message, { field: 'shots' });
    }
    const template = {
      instruction: input.instruction.trim() || undefined,
      input: `${input.inputLabel}:\n{{${input.inputColumn}}}`,
      output: `${input.outputLabel}: {{${input.outputColumn}}}`,
      answerPrefix: `${input.outputLabel}:`,
    };
    const prompt = buildPrompt(template, { [input.inputColumn]: input.query }, { shots: input.shots, pool, seed: input.seed });
    return { prompt, examples: input.shots };
  },
};
