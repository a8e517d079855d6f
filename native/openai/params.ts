// The request bodies of /v1/chat/completions, /v1/completions and /v1/embeddings as OpenAI documents them,
// checked with zod; a failure is a 400 naming the parameter as OpenAI writes it (`messages[0].content`). Besides
// OpenAI's own parameters, the samplers' usual extensions (llama.cpp, vLLM) are accepted: top_k, min_p,
// repetition_penalty.
import { z } from 'zod';
import { fittingIssue, issueWords, paramName } from '../api/issue-words.ts';
import { SEARCH_MODES } from '../api/rag.ts';
import { invalidParam, type OpenAIError } from './errors.ts';

export { paramName };

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

const TextPart = z.object({ type: z.literal('text'), text: z.string() });
const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  // zod's own word for a failed union is 'Invalid input', which would not tell a client sending an image why.
  content: z.union([z.string(), z.array(TextPart)], { message: `expected a string or a list of text parts ({"type": "text", "text": …}); image, audio and file parts are not supported by this server` }).nullable(),
  name: z.string().optional(),
});

const Stop = nullable(z.union([z.string(), z.array(z.string()).max(4)]));

/** Parameters both endpoints share. */
const Sampling = {
  model: z.string().min(1),
  max_tokens: nullable(z.number().int().min(1)),
  temperature: nullable(z.number().min(0).max(2)),
  top_p: nullable(z.number().gt(0).max(1)),
  stop: Stop,
  // OpenAI's seed is any 64-bit integer; zod's int() stops at 2^53, which would refuse a client's random 64-bit seed.
  seed: nullable(z.number().refine(Number.isInteger, { message: 'expected an integer' })),
  n: nullable(z.number().int().min(1).max(16)),
  presence_penalty: nullable(z.number().min(-2).max(2)),
  frequency_penalty: nullable(z.number().min(-2).max(2)),
  stream: nullable(z.boolean()),
  stream_options: nullable(z.object({ include_usage: z.boolean().optional() })),
  user: z.string().optional(),
  // The engine has no logit bias: accepted empty only, so a client that bans or boosts tokens hears it was not done.
  logit_bias: nullable(z.record(z.string(), z.number()).refine((b) => Object.keys(b).length === 0, { message: 'logit_bias is not supported by this server; send none' })),
  // Extensions other local servers accept.
  top_k: nullable(z.number().int().min(0)),
  min_p: nullable(z.number().gt(0).max(1)),
  repetition_penalty: nullable(z.number().gt(0)),
};

/**
 * Lathe's extension: answer from a document collection (collections.ts). Its name or id, or that with the retrieval
 * mode and how many chunks go into the prompt.
 */
export const LatheCollection = z.union([
  z.string().min(1),
  z.object({ name: z.string().min(1), mode: z.enum(SEARCH_MODES).optional(), k: z.number().int().min(1).max(20).optional() }).strict(),
]);
export type LatheCollection = z.infer<typeof LatheCollection>;

export const ChatRequest = z.object({
  ...Sampling,
  messages: z.array(Message).min(1),
  // Accepted only in the forms that ask for nothing this server lacks, so a client relying on them hears so.
  tools: nullable(z.array(z.unknown()).max(0, { message: 'tool calls are not supported by this server; send no tools' })),
  functions: nullable(z.array(z.unknown()).max(0, { message: 'function calls are not supported by this server; send no functions' })),
  // 'required' or a named function asks for a tool call this server cannot make.
  tool_choice: nullable(z.enum(['none', 'auto'], { message: "tool calls are not supported by this server; only 'none' or 'auto' (no tools) is accepted" })),
  response_format: nullable(z.object({ type: z.literal('text', { message: "only 'text' is supported (no JSON mode or schemas)" }) })),
  max_completion_tokens: nullable(z.number().int().min(1)),
  logprobs: nullable(z.boolean()),
  top_logprobs: nullable(z.number().int().min(0).max(20)),
  lathe_collection: nullable(LatheCollection),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

const TokenIds = z.array(z.number().int().min(0)).min(1);

export const CompletionRequest = z.object({
  ...Sampling,
  // OpenAI's four forms: a string, strings, token ids, or lists of token ids (lm-evaluation-harness sends those).
  prompt: z.union([z.string(), z.array(z.string()).min(1), z.array(TokenIds).min(1), TokenIds], {
    message: 'expected a string, a list of strings, a list of token ids, or a list of lists of token ids; one form throughout, not a mix',
  }),
  // 0 scores the prompt alone (echo with logprobs: lm-evaluation-harness's loglikelihood); the endpoint checks that.
  max_tokens: nullable(z.number().int().min(0)),
  logprobs: nullable(z.number().int().min(0).max(20)),
  echo: nullable(z.boolean()),
  best_of: nullable(z.number().int().min(1).max(1)),
  suffix: nullable(z.null()),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export const EmbeddingRequest = z.object({
  model: z.string().min(1),
  // OpenAI refuses an empty input with a 400, and so does this server, naming it (input, or input[2] in a list):
  // otherwise '' became the vector of a lone BOS token, or failed only once the model was loaded.
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]), // OpenAI's limit on inputs per request
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;

/** What zod says, with explanations where its words alone would not tell a client what to send. */
const HINTS: Record<string, string> = {
  best_of: 'best_of above 1 is not supported',
  suffix: 'suffix (insertion) is not supported by these models',
};

/** Parse `body` with `schema`; the first issue becomes a 400 that names the parameter. */
export function parseRequest<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParam(null, 'the request body must be a JSON object', 'invalid_json');
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = fittingIssue(result.error.issues[0]);
  const param = paramName(issue.path);
  const hint = HINTS[param];
  const missing = issue.path.length === 1 && (body as Record<string, unknown>)[String(issue.path[0])] === undefined;
  const message = missing ? `'${param}' is required` : `Invalid value for '${param}': ${hint ?? issueWords(issue, body)}`;
  throw invalidParam(param || null, message, missing ? 'missing_required_parameter' : 'invalid_value') as OpenAIError;
}
