// Messages between the studio (parent) and the generation worker (generate-worker.ts), over the fork IPC channel.
import type { GenerateSettings, NextTokenResult, GenerationTiming } from '../api/models.ts';
import type { FinishReason } from '../generate/generate.ts';

export interface TopAlternative {
  id: number;
  token: string;
  text: string;
  logprob: number;
}

/** Parent → worker. `modelDir` names the model; the worker keeps recently used ones loaded. */
export type ToGenerationWorker =
  | { type: 'generate'; id: string; modelDir: string; prompt: string; settings: GenerateSettings; top: number }
  | { type: 'nextToken'; id: string; modelDir: string; prompt: string; settings: GenerateSettings; top: number }
  | { type: 'cancel'; id: string }
  | { type: 'evict'; modelDir: string };

/** Worker → parent. */
export type FromGenerationWorker =
  | { type: 'started'; id: string; promptTokens: number; settings: Record<string, unknown> }
  | { type: 'token'; id: string; index: number; text: string; tokenId: number; token: string; logprob: number | null; top: TopAlternative[] }
  /** contextFull: the model's context in tokens when it, not max new tokens, ended the answer; else null. */
  | { type: 'done'; id: string; text: string; tokenIds: number[]; finishReason: FinishReason; contextFull: number | null; timing: GenerationTiming; settings: Record<string, unknown> }
  | { type: 'nextToken'; id: string; result: NextTokenResult }
  | { type: 'error'; id: string; message: string; userError: boolean };
