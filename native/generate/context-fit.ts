// A model reads at most its context's worth of positions, prompt and answer together; past it, it writes noise (positions
// it never saw). One rule for every caller that generates from a user's prompt (`lathe generate`, the playground, the
// OpenAI-compatible server): a prompt that fills the context is refused, and an answer stops where the context ends.
// Callers word the refusal in their own terms (a CLI flag, a form field, an OpenAI error code).
import { formatValue, plural } from '../api/format.ts';


/** A prompt that leaves the model no room to answer. */
export class PromptTooLong extends Error {
  constructor(
    readonly promptTokens: number,
    readonly context: number,
  ) {
    super(`the prompt is ${plural(promptTokens, 'token')} but the model reads at most ${formatValue(context)}, answer included`);
    this.name = 'PromptTooLong';
  }
}

export interface ContextFit {
  /** New tokens allowed: what was asked for, or fewer when the context ends first. */
  maxNewTokens: number;
  /** How many the context leaves after the prompt. */
  left: number;
  /** The model's context, in tokens. */
  context: number;
  /** True when fewer new tokens than asked for fit. */
  shortened: boolean;
}

/**
 * How many of `wanted` new tokens fit after a prompt of `promptTokens` in a `context`-token model (`wanted`
 * undefined: as many as fit). Throws PromptTooLong when the prompt leaves no room; with `scoreOnly` (no new tokens,
 * the prompt only scored) a prompt that fills the context exactly is allowed.
 */
export function fitToContext(promptTokens: number, context: number, wanted?: number, opts: { scoreOnly?: boolean } = {}): ContextFit {
  if (promptTokens > context || (promptTokens === context && !opts.scoreOnly)) throw new PromptTooLong(promptTokens, context);
  const left = context - promptTokens;
  const maxNewTokens = Math.min(wanted ?? left, left);
  return { maxNewTokens, left, context, shortened: maxNewTokens < (wanted ?? left) };
}
