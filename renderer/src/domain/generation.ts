// How a generation's end reads in the UI (the engine's finish reasons: native/api/models.ts generate.done).
export const FINISH_REASON_LABEL: Record<string, string> = {
  stop_token: 'ended by the model',
  stop_string: 'hit a stop string',
  length: 'reached max new tokens',
  cancelled: 'stopped',
};

export function finishReasonLabel(reason: string): string {
  return FINISH_REASON_LABEL[reason] ?? reason;
}
