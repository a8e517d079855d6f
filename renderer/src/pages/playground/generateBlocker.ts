// Why the playground's Generate is grey, in words that say what to do — one source for the button's state and the
// line beside it, so the two cannot disagree. null: nothing stops a generation.
import type { PromptValue } from './PromptEditor.tsx';

export interface GenerateInputs {
  /** The model list: undefined while it loads. */
  modelsLoaded: boolean;
  modelId: string | null;
  /** The chosen model's chat template: null while its card loads, or when it could not be read (cardError). */
  hasChatTemplate: boolean | null;
  /** Why the chosen model's card could not be read (its folder gone…), else null. */
  cardError: string | null;
  prompt: PromptValue;
  /** The side the settings edit, named in the reason while A / B compare is on ("side B's model"). */
  side: string | null;
}

export function generateBlocker({ modelsLoaded, modelId, hasChatTemplate, cardError, prompt, side }: GenerateInputs): string | null {
  const whose = side ? `side ${side}’s model` : 'this model';
  if (!modelId) return modelsLoaded ? `To generate, choose a model in Settings${side ? ` for side ${side}` : ''}.` : 'To generate, wait for the model list: it is loading.';
  if (prompt.style === 'plain') return prompt.plain ? null : 'To generate, type a prompt.';
  if (prompt.style === 'few-shot') return prompt.built ? null : 'To generate, fill in the few-shot form above: the prompt is built from it.';
  if (hasChatTemplate === null && cardError !== null) return `To generate a chat, choose another model or use a plain prompt: ${whose}’s card could not be read (${cardError}).`;
  if (hasChatTemplate === null) return `To generate, wait for ${whose}’s chat template: it is loading.`;
  if (!hasChatTemplate) return `To generate, use a plain or few-shot prompt: ${whose} has no chat template.`;
  return prompt.messages.some((m) => m.content.trim()) ? null : 'To generate, type a message.';
}

/** A/B: what the pane of a side that can generate says while the other side's need greys Generate (said in its pane). */
export const readyButWaiting = (side: string, other: string): string => `Side ${side} is ready; Generate waits for side ${other}.`;
