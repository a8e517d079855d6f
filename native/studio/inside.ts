// Studio API handlers for the Inside page (schemas in native/api/inside.ts). The model work happens in the
// Inside worker (inside-worker.ts says why); the handler checks what it can answer at once.
import type { z } from 'zod';
import { StudioError } from '../api/errors.ts';
import type { insideMethods } from '../api/inside.ts';
import type { HandlerContext } from './handlers.ts';
import { insideService } from './inside-service.ts';
import { modelById } from './models.ts';

type InsideMethod = keyof typeof insideMethods;
type InsideHandlers = { [M in InsideMethod]: (params: z.output<(typeof insideMethods)[M]['params']>, raw: unknown, ctx: HandlerContext) => z.infer<(typeof insideMethods)[M]['result']> | Promise<z.infer<(typeof insideMethods)[M]['result']>> };

export const insideHandlers: InsideHandlers = {
  'inside.attention': ({ modelId, prompt, top }, _raw, ctx) => {
    const model = modelById(ctx, modelId, 'modelId');
    if (!prompt.trim()) throw new StudioError('invalid_params', 'the prompt is empty: write a sentence to look inside', { field: 'prompt' });
    return insideService(ctx.store).attention(model, prompt, top);
  },
};
