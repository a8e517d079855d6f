// The objects OpenAI's endpoints answer with, built from a generation's choices and deltas: chat.completion and
// chat.completion.chunk, text_completion (whole and streamed), their logprobs in each endpoint's own layout, and
// `usage` plus llama.cpp's `timings` on every whole answer and on the final usage chunk.
import crypto from 'node:crypto';
import type { TextTokenizer } from '../text/tokenizer.ts';
import type { Choice, ChoiceDelta, GenerationOutcome, OpenAIFinish, PromptToken, ScoredToken } from './generation.ts';
import { alternativeText, shownTokenText } from './token-text.ts';

export interface AnswerHeader {
  id: string;
  created: number;
  model: string;
}

export function answerHeader(prefix: 'chatcmpl' | 'cmpl', model: string): AnswerHeader {
  return { id: `${prefix}-${crypto.randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model };
}

/** What every answer and chunk starts with, in OpenAI's order. */
function envelope<O extends string>(h: AnswerHeader, object: O) {
  return { id: h.id, object, created: h.created, model: h.model, system_fingerprint: null };
}

/** A whole answer ends with the usage and timings of the request; a streamed chunk with `usage: null` when asked to. */
const totals = (out: GenerationOutcome) => ({ usage: out.usage, timings: out.timings });
const noUsageYet = (withUsage: boolean) => (withUsage ? { usage: null } : {});

/** A client never sees 'cancelled' (it left); the name is kept for the request log. */
const finish = (f: OpenAIFinish) => (f === 'cancelled' ? 'stop' : f);

// ---- chat ----

function chatTokenLogprob(tok: TextTokenizer, t: ScoredToken, top: number) {
  const shown = shownTokenText(tok, t.id, t.text);
  return {
    token: shown.token,
    bytes: shown.bytes,
    logprob: t.logprob,
    top_logprobs: t.top.slice(0, top).map((a) => ({ ...alternativeText(tok, a.id, { id: t.id, shown }), logprob: a.logprob })),
  };
}

export function chatCompletion(h: AnswerHeader, out: GenerationOutcome, tok: TextTokenizer, top: number | null) {
  return {
    ...envelope(h, 'chat.completion'),
    choices: out.choices.map((c: Choice) => ({
      index: c.index,
      message: { role: 'assistant', content: c.text, refusal: null },
      logprobs: top === null ? null : { content: c.tokens.map((t) => chatTokenLogprob(tok, t, top)), refusal: null },
      finish_reason: finish(c.finishReason),
    })),
    ...totals(out),
  };
}

interface ChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string };
  logprobs: { content: ReturnType<typeof chatTokenLogprob>[]; refusal: null } | null;
  finish_reason: string | null;
}

function chatChunk(h: AnswerHeader, choices: ChunkChoice[], withUsage: boolean) {
  return { ...envelope(h, 'chat.completion.chunk'), choices, ...noUsageYet(withUsage) };
}

/** The first chunk of each choice: the assistant's role and no text yet, as OpenAI sends it. */
export function chatRoleChunk(h: AnswerHeader, index: number, withUsage: boolean) {
  return chatChunk(h, [{ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], withUsage);
}

export function chatDeltaChunk(h: AnswerHeader, d: ChoiceDelta, tok: TextTokenizer, top: number | null, withUsage: boolean) {
  const logprobs = top !== null && d.tokens.length ? { content: d.tokens.map((t) => chatTokenLogprob(tok, t, top)), refusal: null as null } : null;
  return chatChunk(h, [{ index: d.index, delta: { content: d.text }, logprobs, finish_reason: null }], withUsage);
}

export function chatFinishChunk(h: AnswerHeader, c: Choice, withUsage: boolean) {
  return chatChunk(h, [{ index: c.index, delta: {}, logprobs: null, finish_reason: finish(c.finishReason) }], withUsage);
}

/** The chunk stream_options.include_usage asks for: no choices, the usage (and timings) of the whole request. */
export function usageChunk(h: AnswerHeader, object: 'chat.completion.chunk' | 'text_completion', out: GenerationOutcome) {
  return { ...envelope(h, object), choices: [], ...totals(out) };
}

// ---- completions ----

interface LegacyLogprobs {
  tokens: string[];
  /** null for an echoed prompt's first token, which nothing precedes (and its top_logprobs). */
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

function legacyLogprobs(tok: TextTokenizer, tokens: readonly PromptToken[], top: number, offset: number): LegacyLogprobs {
  const out: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let at = offset;
  for (const t of tokens) {
    const shown = shownTokenText(tok, t.id, t.text);
    out.tokens.push(shown.token);
    out.token_logprobs.push(t.logprob);
    out.top_logprobs.push(t.top && Object.fromEntries(t.top.slice(0, top).map((a) => [alternativeText(tok, a.id, { id: t.id, shown }).token, a.logprob])));
    out.text_offset.push(at);
    at += shown.token.length;
  }
  return out;
}

/** The prompt a choice echoes: its scored tokens' text (the prompt as the tokenizer decodes it), else `echoed`. */
const echoOf = (prompt: readonly PromptToken[] | null, echoed: string | undefined) => (prompt ? prompt.map((t) => t.text).join('') : echoed ?? '');

export function textCompletion(h: AnswerHeader, out: GenerationOutcome, tok: TextTokenizer, top: number | null, echoed: string[]) {
  return {
    ...envelope(h, 'text_completion'),
    choices: out.choices.map((c) => {
      const echo = echoOf(c.prompt, echoed[c.index]);
      return {
        text: echo + c.text,
        index: c.index,
        // A scored prompt's tokens come first, from offset 0; otherwise the generated ones start after the echo.
        logprobs: top === null ? null : legacyLogprobs(tok, [...(c.prompt ?? []), ...c.tokens], top, c.prompt ? 0 : echo.length),
        finish_reason: finish(c.finishReason),
      };
    }),
    ...totals(out),
  };
}

/** A streamed completion's first chunk with `echo`: the prompt, and with logprobs its scored tokens. */
export function echoChunk(h: AnswerHeader, index: number, prompt: readonly PromptToken[] | null, echoed: string, tok: TextTokenizer, top: number | null, withUsage: boolean) {
  const logprobs = prompt && top !== null ? legacyLogprobs(tok, prompt, top, 0) : null;
  return completionChunk(h, index, echoOf(prompt, echoed), logprobs, null, withUsage);
}

export function completionChunk(h: AnswerHeader, index: number, text: string, logprobs: LegacyLogprobs | null, finishReason: OpenAIFinish | null, withUsage: boolean) {
  return {
    ...envelope(h, 'text_completion'),
    choices: [{ text, index, logprobs, finish_reason: finishReason === null ? null : finish(finishReason) }],
    ...noUsageYet(withUsage),
  };
}

/** `offset`: the characters of this choice streamed before this delta (its token's text_offset). */
export function completionDeltaChunk(h: AnswerHeader, d: ChoiceDelta, tok: TextTokenizer, top: number | null, withUsage: boolean, offset: number) {
  const logprobs = top !== null && d.tokens.length ? legacyLogprobs(tok, d.tokens, top, offset) : null;
  return completionChunk(h, d.index, d.text, logprobs, null, withUsage);
}
