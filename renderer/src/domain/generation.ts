// How a generation's end reads in the UI (the engine's finish reasons: native/api/models.ts generate.done), and how
// much of the model's context a prompt leaves for the answer (the same rule as native/generate/context-fit.ts).
import { plural } from '../../../native/api/format.ts';

export const FINISH_REASON_LABEL: Record<string, string> = {
  stop_token: 'ended by the model',
  stop_string: 'hit a stop string',
  length: 'reached max new tokens',
  cancelled: 'stopped',
};

/** How a generation ended; `contextFull` (the model's context in tokens) when the context, not max new tokens, cut the answer short. */
export function finishReasonLabel(reason: string, contextFull: number | null = null): string {
  if (reason === 'length' && contextFull !== null) return `filled the model's ${contextFull}-token context`;
  return FINISH_REASON_LABEL[reason] ?? reason;
}

/** A finish the user may not have asked for: cancelled, or cut short by the context. */
export function finishNeedsNotice(reason: string, contextFull: number | null = null): boolean {
  return reason === 'cancelled' || (reason === 'length' && contextFull !== null);
}

export interface PromptBudget {
  /** ok: the answer can run to max new tokens; short: the context stops it sooner; full: no room at all. */
  tone: 'ok' | 'short' | 'full';
  text: string;
}

/** What a prompt of `promptTokens` leaves of `model`'s `contextTokens`-token context for an answer of up to `maxNewTokens`. */
export function promptBudget(promptTokens: number, contextTokens: number, maxNewTokens: number, model: string): PromptBudget {
  const room = contextTokens - promptTokens;
  const used = `${plural(promptTokens, 'token')} of ${model}'s ${contextTokens.toLocaleString()}-token context`;
  if (room <= 0) return { tone: 'full', text: `${used}: no room left for an answer. Shorten the prompt or use fewer examples.` };
  if (room < maxNewTokens) return { tone: 'short', text: `${used}: the answer will stop after ${plural(room, 'token')}, not the ${maxNewTokens} of max new tokens. Shorten the prompt for a longer answer.` };
  return { tone: 'ok', text: `${used}: room for ${plural(room, 'new token')}.` };
}
