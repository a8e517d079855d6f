// How a generation's end reads in the UI (the engine's finish reasons: native/api/models.ts generate.done).
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
