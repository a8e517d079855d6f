// The request bodies of /v1/chat/completions, /v1/completions and /v1/embeddings as OpenAI documents them,
// checked with zod; a failure is a 400 naming the parameter as OpenAI writes it (`messages[0].content`). Besides
// OpenAI's own parameters, the samplers' usual extensions (llama.cpp, vLLM) are accepted: top_k, min_p,
// repetition_penalty. Every parameter OpenAI defines for an endpoint is listed in its schema, as implemented,
// ignored (it is about OpenAI's service and changes nothing in an answer) or unsupported (refused unless absent or
// null, saying so); any other argument is refused as OpenAI refuses it, with the one likely meant (docs/openai-api.md).
import { z } from 'zod';
import { fittingIssue, issueWords, paramName } from '../api/issue-words.ts';
import { SEARCH_MODES } from '../api/rag.ts';
import { closestChoice } from '../api/suggest.ts';
import { invalidParam, type OpenAIError } from './errors.ts';

export { paramName };

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();

/**
 * An OpenAI parameter about OpenAI's service — billing, storage, caching, abuse tracking, a latency hint — that
 * changes nothing in an answer here: accepted with any value and ignored.
 */
const ignored = z.unknown().optional();

/** OpenAI parameters Lathe does not implement, with what to do instead: accepted only absent or null. */
const UNSUPPORTED: Record<string, string> = {
  audio: 'these models write text only; leave it out',
  reasoning_effort: 'these models have no separate reasoning step; leave it out',
  verbosity: 'these models take no verbosity setting; limit the answer with max_tokens instead',
  web_search_options: 'this server does not search the web; leave it out (lathe_collection answers from your own documents)',
  moderation: 'this server runs no moderation; leave it out',
  dimensions: "embeddings come at the model's own width; leave it out",
};
const unsupported = z.null().optional();

// The objects inside a request are strict, as the request itself is: a key none of them defines
// (`messages[2].contnet`) is refused by name (nestedUnknown) rather than dropped. Each lists every key OpenAI's client
// types for it: implemented, ignored, or refused unless absent or null, as for top-level arguments.
const TextPart = z.object({
  type: z.literal('text'),
  text: z.string(),
  prompt_cache_breakpoint: ignored, // a caching hint for OpenAI's service
}).strict();
const noToolCalls = { message: 'tool calls are not supported by this server; send no tool_calls' };
const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  // zod's own word for a failed union is 'Invalid input', which would not tell a client sending an image why.
  content: z.union([z.string(), z.array(TextPart)], { message: `expected a string or a list of text parts ({"type": "text", "text": …}); image, audio and file parts are not supported by this server` }).nullable(),
  name: z.string().optional(),
  // An answer sent back as history (choices[0].message: role, content, refusal) or a tool's reply: nothing in the
  // prompt, which holds each message's role and content.
  refusal: nullable(z.string()),
  tool_call_id: z.string().optional(),
  // Calls this server never makes: accepted only absent, empty or null.
  tool_calls: nullable(z.array(z.unknown()).max(0, noToolCalls)),
  function_call: z.null({ message: 'function calls are not supported by this server; send no function_call' }).optional(),
  audio: z.null({ message: 'these models write text only; send no audio' }).optional(),
}).strict();

const StreamOptions = z.object({
  include_usage: z.boolean().optional(),
  include_obfuscation: ignored, // padding OpenAI adds to stream chunks against side channels; none is added here
}).strict();

const ResponseFormat = z.object({ type: z.literal('text', { message: "only 'text' is supported (no JSON mode or schemas)" }) }).strict();

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
  stream_options: nullable(StreamOptions),
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
const LatheCollectionSpec = z.object({ name: z.string().min(1), mode: z.enum(SEARCH_MODES).optional(), k: z.number().int().min(1).max(20).optional() }).strict();
export const LatheCollection = z.union([z.string().min(1), LatheCollectionSpec]);
export type LatheCollection = z.infer<typeof LatheCollection>;

export const ChatRequest = z.object({
  ...Sampling,
  messages: z.array(Message).min(1),
  // Accepted only in the forms that ask for nothing this server lacks, so a client relying on them hears so.
  tools: nullable(z.array(z.unknown()).max(0, { message: 'tool calls are not supported by this server; send no tools' })),
  functions: nullable(z.array(z.unknown()).max(0, { message: 'function calls are not supported by this server; send no functions' })),
  // 'required' or a named function asks for a tool call this server cannot make.
  tool_choice: nullable(z.enum(['none', 'auto'], { message: "tool calls are not supported by this server; only 'none' or 'auto' (no tools) is accepted" })),
  function_call: nullable(z.enum(['none', 'auto'], { message: "function calls are not supported by this server; only 'none' or 'auto' (no functions) is accepted" })),
  response_format: nullable(ResponseFormat),
  modalities: nullable(z.array(z.literal('text', { message: "only 'text' output is supported (no audio)" }))),
  max_completion_tokens: nullable(z.number().int().min(1)),
  logprobs: nullable(z.boolean()),
  top_logprobs: nullable(z.number().int().min(0).max(20)),
  // No tool is ever called, so none is called in parallel; a predicted output only speeds OpenAI's answer up.
  parallel_tool_calls: ignored,
  prediction: ignored,
  metadata: ignored,
  store: ignored,
  service_tier: ignored,
  safety_identifier: ignored,
  prompt_cache_key: ignored,
  prompt_cache_retention: ignored,
  prompt_cache_options: ignored,
  audio: unsupported,
  reasoning_effort: unsupported,
  verbosity: unsupported,
  web_search_options: unsupported,
  moderation: unsupported,
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

/** What a list of embedding inputs holds; one form throughout. */
const inputForm = (v: string | number | number[]) => (typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a token id' : 'a list of token ids');

/** OpenAI's limit on inputs per request. */
const MAX_EMBEDDING_INPUTS = 2048;

/**
 * A list of embedding inputs: strings, token ids (one input), or lists of token ids. Each item is checked on its own,
 * so an empty third string or a negative id is named (input[2], input[1][0]); then the list is one form throughout.
 */
const EmbeddingList = z.array(z.union([z.string().min(1), z.number().int().min(0), TokenIds])).min(1).superRefine((items, ctx) => {
  const form = inputForm(items[0]);
  const other = items.findIndex((v) => inputForm(v) !== form);
  if (other >= 0) {
    ctx.addIssue({ code: 'custom', path: [other], input: items[other], message: `expected ${form} like input[0], got ${inputForm(items[other])}: a list of strings, a list of token ids, or a list of lists of token ids, one form throughout, not a mix` });
  } else if (form !== 'a token id' && items.length > MAX_EMBEDDING_INPUTS) {
    ctx.addIssue({ code: 'custom', input: items, message: `must have at most ${MAX_EMBEDDING_INPUTS} inputs (OpenAI's limit per request); got ${items.length}` });
  }
});

export const EmbeddingRequest = z.object({
  model: z.string().min(1),
  // OpenAI's four forms: a string, strings, token ids (one input), or lists of token ids. OpenAI refuses an empty
  // input with a 400, and so does this server, naming it (input, or input[2] in a list): otherwise '' became the
  // vector of a lone BOS token, or failed only once the model was loaded. Ids are checked against the model's
  // vocabulary once it is loaded (endpoints.ts).
  input: z.union([z.string().min(1), EmbeddingList]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: unsupported,
  user: z.string().optional(),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;

/** What zod says, with explanations where its words alone would not tell a client what to send. */
const HINTS: Record<string, string> = {
  best_of: 'best_of above 1 is not supported',
  suffix: 'suffix (insertion) is not supported by these models',
};

type RequestSchema = typeof ChatRequest | typeof CompletionRequest | typeof EmbeddingRequest;

/** Each schema's route, to name it in a refusal. */
const ROUTES = new Map<RequestSchema, string>([
  [ChatRequest, 'POST /v1/chat/completions'],
  [CompletionRequest, 'POST /v1/completions'],
  [EmbeddingRequest, 'POST /v1/embeddings'],
]);

/** An argument nothing defines: where it is, and what the hint says instead of a likely meaning. */
interface Unknown {
  /** Its name as a 400 gives it: `temprature`, `messages[2].contnet`. */
  param: string;
  key: string;
  /** The keys the object holding it takes. */
  known: string[];
  /** A hint when no key is likely meant (another route takes it), else null. */
  elsewhere: string | null;
  /** What the object holding it takes, said when nothing else helps. */
  takes: string;
}

/**
 * Unknown arguments refused as OpenAI refuses them ('Unrecognized request argument supplied: temprature'), each with
 * the argument likely meant, or the route that takes it, or else the keys the object holding it takes.
 */
function unknownArguments(unknown: Unknown[]): OpenAIError {
  const hints = unknown.map((u) => {
    const meant = closestChoice(u.key, u.known);
    return meant !== undefined ? `did you mean '${meant}'?` : u.elsewhere;
  });
  const said = hints.map((h, i) => (h === null ? null : unknown.length > 1 ? `${unknown[i].param}: ${h}` : h)).filter((h) => h !== null);
  // each object whose keys are not yet listed, once
  const takes = [...new Set(unknown.filter((_, i) => hints[i] === null).map((u) => u.takes))];
  const noun = unknown.length > 1 ? 'arguments' : 'argument';
  const message = `Unrecognized request ${noun} supplied: ${unknown.map((u) => u.param).join(', ')}; ${[...said, ...takes].join('; ')}`;
  return invalidParam(unknown[0].param, message, 'unknown_parameter');
}
/** The top-level arguments of `body` that `schema` does not define. */
function unrecognised(schema: RequestSchema, body: Record<string, unknown>): Unknown[] {
  const known = Object.keys(schema.shape);
  const route = ROUTES.get(schema) ?? 'this route';
  return Object.keys(body).filter((k) => !Object.hasOwn(schema.shape, k)).map((key) => {
    const other = [...ROUTES].find(([o]) => o !== schema && Object.hasOwn(o.shape, key));
    const elsewhere = other ? `'${key}' is an argument of ${other[1]}, not of ${route}` : null;
    return { param: key, key, known, elsewhere, takes: `${route} takes ${known.join(', ')} (docs/openai-api.md)` };
  });
}

/** The objects inside a request whose keys are checked, by their path with indexes written `[]`. */
const NESTED: Record<string, z.ZodObject> = {
  'messages[]': Message,
  'messages[].content[]': TextPart,
  stream_options: StreamOptions,
  response_format: ResponseFormat,
  lathe_collection: LatheCollectionSpec,
};

/** A union's alternative that failed on the value's type itself (a list given where a string goes). */
const wrongType = (b: readonly z.core.$ZodIssue[]) => b.length > 0 && b[0].code === 'invalid_type' && b[0].path.length === 0;

/**
 * The keys no nested object defines (`messages[2].contnet`), from zod's issues with the objects strict: found inside
 * a union where the value had the type of one alternative only (content as a list of parts). An object whose `type`
 * is itself wrong (an image part, a JSON response_format) is of a kind this server refuses, and that is said instead.
 */
function nestedUnknown(issues: readonly z.core.$ZodIssue[], at: readonly PropertyKey[] = []): Unknown[] {
  const found: Unknown[] = [];
  for (const issue of issues) {
    const where = [...at, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const typeWrong = issues.some((i) => i.path.length === issue.path.length + 1 && i.path.at(-1) === 'type' && issue.path.every((p, n) => i.path[n] === p));
      if (typeWrong) continue;
      const generic = paramName(where.map((p) => (typeof p === 'number' ? '[]' : p))).replace(/\.\[\]/g, '[]');
      const known = Object.keys(NESTED[generic]?.shape ?? {});
      for (const key of issue.keys) {
        const param = paramName([...where, key]);
        found.push({ param, key, known, elsewhere: null, takes: `${paramName(where)} takes ${known.join(', ')} (docs/openai-api.md)` });
      }
    } else if (issue.code === 'invalid_union') {
      const fitting = issue.errors.filter((b) => b.length > 0 && !wrongType(b));
      if (fitting.length === 1) found.push(...nestedUnknown(fitting[0], where));
    }
  }
  return found;
}

/**
 * Parse `body` with `schema`: an argument the schema does not define is refused first (unrecognised), then one
 * inside an object (nestedUnknown), then the first issue becomes a 400 that names the parameter.
 */
export function parseRequest<T extends RequestSchema>(schema: T, body: unknown): z.infer<T> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalidParam(null, 'the request body must be a JSON object', 'invalid_json');
  const unknown = unrecognised(schema, body as Record<string, unknown>);
  if (unknown.length) throw unknownArguments(unknown);
  const result = schema.safeParse(body);
  if (result.success) return result.data as z.infer<T>;
  const nested = nestedUnknown(result.error.issues);
  if (nested.length) throw unknownArguments(nested);
  const issue = fittingIssue(result.error.issues[0]);
  const param = paramName(issue.path);
  if (issue.path.length === 1 && UNSUPPORTED[param]) {
    throw invalidParam(param, `Unsupported parameter: '${param}' is not supported by Lathe: ${UNSUPPORTED[param]}.`, 'unsupported_parameter');
  }
  const hint = HINTS[param];
  const missing = issue.path.length === 1 && (body as Record<string, unknown>)[String(issue.path[0])] === undefined;
  const message = missing ? `'${param}' is required` : `Invalid value for '${param}': ${hint ?? issueWords(issue, body)}`;
  throw invalidParam(param || null, message, missing ? 'missing_required_parameter' : 'invalid_value') as OpenAIError;
}
