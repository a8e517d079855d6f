// Studio API handlers for the Inside page (schemas in native/api/inside.ts). The model work happens in the
// Inside worker (inside-worker.ts says why); the handler checks what it can answer at once.
import { StudioError } from '../api/errors.ts';
import type { insideMethods } from '../api/inside.ts';
import { isOnnxOnlyFolder } from '../models/onnx-variants.ts';
import type { HandlersFor } from './context.ts';
import { insideService } from './inside-service.ts';

export const insideHandlers: HandlersFor<typeof insideMethods> = {
  'inside.attention': ({ modelId, prompt, top }, _raw, ctx) => {
    const model = ctx.store.models.findDecoder(modelId, 'be shown token by token in Inside (it predicts no next token)', 'modelId');
    if (isOnnxOnlyFolder(model.path)) {
      throw new StudioError('invalid_params', `model ${model.name} holds only ONNX weights (a quantised or exported variant), whose fused attention shows no maps; look inside the model it was made from`, { field: 'modelId' });
    }
    if (!prompt.trim()) throw new StudioError('invalid_params', 'the prompt is empty: write a sentence to look inside', { field: 'prompt' });
    return insideService(ctx.store).attention(model, prompt, top);
  },
};
