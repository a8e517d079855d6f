// The OpenAI server's request guards on their own: which Host headers name the server (DNS rebinding), the
// constant-time key check, the parameter names a 400 carries, and the arguments each endpoint knows (implemented,
// ignored, or refused as unsupported) against a typo's.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostAllowed, isLoopbackHost, keyMatches } from '../../native/openai/guards.ts';
import { ChatRequest, CompletionRequest, EmbeddingRequest, paramName, parseRequest } from '../../native/openai/params.ts';
import { modelNotFound, OpenAIError } from '../../native/openai/errors.ts';
import { engineSeed } from '../../native/openai/generation.ts';

describe('hostAllowed', () => {
  it('lets a loopback-bound server answer to loopback names on its own port only', () => {
    for (const h of ['127.0.0.1:1234', 'localhost:1234', '[::1]:1234', 'LOCALHOST:1234', 'localhost']) expect(hostAllowed(h, '127.0.0.1', 1234), h).toBe(true);
    for (const h of ['attacker.example:1234', 'localhost:9999', '127.0.0.1.nip.io:1234', '10.0.0.2:1234', '', 'user@localhost:1234']) expect(hostAllowed(h, '127.0.0.1', 1234), h).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 1234)).toBe(false);
  });

  it('lets a server bound to one address answer to that address, and to names it was told', () => {
    expect(hostAllowed('192.168.1.5:80', '192.168.1.5', 80)).toBe(true);
    expect(hostAllowed('localhost:80', '192.168.1.5', 80)).toBe(false);
    expect(hostAllowed('api.internal:80', '192.168.1.5', 80, ['api.internal'])).toBe(true);
    expect(hostAllowed('anything.example:80', '0.0.0.0', 80)).toBe(true);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});

describe('keyMatches', () => {
  it('accepts the key only, whatever the lengths', () => {
    expect(keyMatches('secret-key', 'secret-key')).toBe(true);
    expect(keyMatches('secret-ke', 'secret-key')).toBe(false);
    expect(keyMatches('secret-key-and-more', 'secret-key')).toBe(false);
    expect(keyMatches('', 'secret-key')).toBe(false);
    expect(keyMatches(null, 'secret-key')).toBe(false);
  });
});

describe('request parameters', () => {
  it('names parameters as OpenAI writes them', () => {
    expect(paramName(['messages', 0, 'content'])).toBe('messages[0].content');
    expect(paramName(['stop', 2])).toBe('stop[2]');
  });

  const refusal = (schema: typeof ChatRequest | typeof CompletionRequest | typeof EmbeddingRequest, body: unknown) => {
    try {
      parseRequest(schema, body);
    } catch (err) {
      return err as OpenAIError;
    }
    throw new Error('accepted');
  };

  it('refuses with a 400 that names the parameter', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(refusal(ChatRequest, { ...base, max_tokens: -1 })).toMatchObject({ status: 400, param: 'max_tokens' });
    expect(refusal(ChatRequest, { ...base, stop: ['a', 'b', 'c', 'd', 'e'] }).param).toBe('stop');
    expect(refusal(ChatRequest, { ...base, messages: [{ role: 'wizard', content: 'x' }] }).param).toBe('messages[0].role');
    expect(refusal(ChatRequest, { ...base, presence_penalty: 3 }).param).toBe('presence_penalty');
    expect(refusal(ChatRequest, [base]).code).toBe('invalid_json');
    expect(refusal(CompletionRequest, { model: 'm', prompt: 'x', best_of: 3 }).message).toContain('best_of above 1 is not supported');
    expect(refusal(CompletionRequest, { model: 'm' })).toMatchObject({ param: 'prompt', code: 'missing_required_parameter' });
    expect(refusal(ChatRequest, { ...base, tools: [{ type: 'function', function: { name: 'f' } }] }).message).toContain('tool calls are not supported');
    expect(refusal(ChatRequest, { ...base, response_format: { type: 'json_object' } }).param).toBe('response_format.type');
    expect(parseRequest(ChatRequest, { ...base, tools: [], response_format: { type: 'text' } }).messages).toHaveLength(1);
    // Parameters that would change the answer in ways this server cannot honour are refused, not silently dropped.
    expect(refusal(ChatRequest, { ...base, logit_bias: { 50256: -100 } })).toMatchObject({ param: 'logit_bias', code: 'invalid_value' });
    expect(refusal(CompletionRequest, { model: 'm', prompt: 'x', logit_bias: { 7: 5 } }).message).toContain('logit_bias is not supported');
    expect(refusal(ChatRequest, { ...base, tool_choice: 'required' }).message).toContain('tool calls are not supported');
    expect(refusal(ChatRequest, { ...base, tool_choice: { type: 'function', function: { name: 'f' } } }).param).toBe('tool_choice');
    expect(parseRequest(ChatRequest, { ...base, logit_bias: {}, tool_choice: 'none' }).messages).toHaveLength(1);
    const image = refusal(ChatRequest, { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:' } }] }] });
    expect(image).toMatchObject({ param: 'messages[0].content' });
    expect(image.message).toContain('image, audio and file parts are not supported');
  });

  it('says a bound in plain words with the value refused, not in zod\'s', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    expect(refusal(ChatRequest, { ...base, temperature: 3 }).message).toBe("Invalid value for 'temperature': must be 2 or less; got 3");
    expect(refusal(ChatRequest, { ...base, n: 0 }).message).toBe("Invalid value for 'n': must be 1 or more; got 0");
    expect(refusal(ChatRequest, { ...base, messages: [] }).message).toBe("Invalid value for 'messages': must have at least 1 item");
    expect(refusal(ChatRequest, { ...base, stop: ['a', 'b', 'c', 'd', 'e'] }).message).toBe("Invalid value for 'stop': must have at most 4 items");
    expect(refusal(CompletionRequest, { model: 'm', prompt: [[1, 2], 'x'] }).message).toContain('one form throughout, not a mix');
    expect(refusal(ChatRequest, { ...base, messages: [{ role: 'wizard', content: 'x' }] }).message).toMatch(/^Invalid value for 'messages\[0\]\.role': /);
  });

  it('refuses an empty embeddings input as OpenAI does, naming the input in a list', () => {
    // before: '' was embedded (a lone BOS token's vector) or refused only after the model was loaded
    expect(refusal(EmbeddingRequest, { model: 'm', input: '' }).body()).toEqual({ error: { message: "Invalid value for 'input': must not be empty", type: 'invalid_request_error', param: 'input', code: 'invalid_value' } });
    expect(refusal(EmbeddingRequest, { model: 'm', input: ['a', 'b', ''] })).toMatchObject({ status: 400, param: 'input[2]', message: "Invalid value for 'input[2]': must not be empty" });
    expect(refusal(EmbeddingRequest, { model: 'm', input: [] })).toMatchObject({ param: 'input', message: "Invalid value for 'input': must have at least 1 item" });
    expect(refusal(EmbeddingRequest, { model: 'm', input: ['a', 7] })).toMatchObject({ param: 'input[1]' });
    expect(refusal(EmbeddingRequest, { model: 'm' })).toMatchObject({ param: 'input', code: 'missing_required_parameter' });
    // token ids: one input as a list, several as lists; a bad id or a mix names where
    expect(parseRequest(EmbeddingRequest, { model: 'm', input: [1, 2, 3] }).input).toEqual([1, 2, 3]);
    expect(parseRequest(EmbeddingRequest, { model: 'm', input: [[1, 2], [3]] }).input).toEqual([[1, 2], [3]]);
    expect(refusal(EmbeddingRequest, { model: 'm', input: [[1, 2], []] })).toMatchObject({ param: 'input[1]', message: "Invalid value for 'input[1]': must have at least 1 item" });
    expect(refusal(EmbeddingRequest, { model: 'm', input: [[1, 2], [3, -1]] })).toMatchObject({ param: 'input[1][1]', message: "Invalid value for 'input[1][1]': must be 0 or more; got -1" });
    expect(refusal(EmbeddingRequest, { model: 'm', input: [4, 1.5] }).param).toBe('input[1]');
    const mix = refusal(EmbeddingRequest, { model: 'm', input: [[1, 2], 3] });
    expect(mix).toMatchObject({ param: 'input[1]' });
    expect(mix.message).toContain('expected a list of token ids like input[0], got a token id');
    expect(refusal(EmbeddingRequest, { model: 'm', input: Array.from({ length: 2049 }, () => [1]) }).message).toContain('must have at most 2048 inputs');
    expect(parseRequest(EmbeddingRequest, { model: 'm', input: Array.from({ length: 3000 }, () => 1) }).input).toHaveLength(3000);

    expect(parseRequest(EmbeddingRequest, { model: 'm', input: [' ', 'b'] }).input).toEqual([' ', 'b']);
  });

  it('accepts what the official client sends, nulls included', () => {
    const r = parseRequest(ChatRequest, { model: 'm', messages: [{ role: 'developer', content: [{ type: 'text', text: 'be brief' }] }, { role: 'user', content: 'hi' }], temperature: null, stop: 'x', stream_options: null });
    expect(r.messages).toHaveLength(2);
    expect(parseRequest(CompletionRequest, { model: 'm', prompt: [1, 2, 3] }).prompt).toEqual([1, 2, 3]);
    // A 64-bit seed (OpenAI's range), which JSON gives as a double beyond 2^53, and the engine's seed it becomes.
    const big = JSON.parse('{"model": "m", "prompt": "x", "seed": 9223372036854775807}') as unknown;
    const seed = parseRequest(CompletionRequest, big).seed!;
    expect(engineSeed(seed)).toBeGreaterThanOrEqual(0);
    expect(engineSeed(seed)).toBeLessThan(2 ** 31);
    expect(refusal(CompletionRequest, { model: 'm', prompt: 'x', seed: 1.5 }).param).toBe('seed');
  });

  // Every top-level parameter the official client (openai 6.49) types for each endpoint: none may be taken for a typo.
  const OPENAI_PARAMS = {
    chat: ['messages', 'model', 'audio', 'frequency_penalty', 'function_call', 'functions', 'logit_bias', 'logprobs', 'max_completion_tokens', 'max_tokens', 'metadata', 'modalities', 'moderation', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_cache_options', 'prompt_cache_retention', 'reasoning_effort', 'response_format', 'safety_identifier', 'seed', 'service_tier', 'stop', 'store', 'stream', 'stream_options', 'temperature', 'tool_choice', 'tools', 'top_logprobs', 'top_p', 'user', 'verbosity', 'web_search_options'],
    completions: ['model', 'prompt', 'best_of', 'echo', 'frequency_penalty', 'logit_bias', 'logprobs', 'max_tokens', 'n', 'presence_penalty', 'seed', 'stop', 'stream', 'stream_options', 'suffix', 'temperature', 'top_p', 'user'],
    embeddings: ['input', 'model', 'dimensions', 'encoding_format', 'user'],
  };
  const bases = {
    chat: [ChatRequest, { model: 'm', messages: [{ role: 'user', content: 'hi' }] }],
    completions: [CompletionRequest, { model: 'm', prompt: 'Once' }],
    embeddings: [EmbeddingRequest, { model: 'm', input: 'Once' }],
  } as const;

  it('refuses an argument no endpoint defines as OpenAI does, naming it and the one likely meant', () => {
    // before: {"temprature": 0} was dropped in silence and the request sampled at temperature 1
    const typo = refusal(CompletionRequest, { model: 'm', prompt: 'Once', max_tokens: 5, temprature: 0 });
    expect(typo.body()).toEqual({ error: { message: "Unrecognized request argument supplied: temprature; did you mean 'temperature'?", type: 'invalid_request_error', param: 'temprature', code: 'unknown_parameter' } });
    expect(typo.status).toBe(400);
    expect(refusal(ChatRequest, { ...bases.chat[1], maxTokens: 5 }).message).toContain("did you mean 'max_tokens'?");
    expect(refusal(EmbeddingRequest, { ...bases.embeddings[1], encodingformat: 'float' }).message).toContain("did you mean 'encoding_format'?");
    // an argument of another endpoint says which; one like nothing lists what this endpoint takes
    expect(refusal(CompletionRequest, { ...bases.completions[1], messages: [] }).message).toBe('Unrecognized request argument supplied: messages; \'messages\' is an argument of POST /v1/chat/completions, not of POST /v1/completions');
    const none = refusal(EmbeddingRequest, { ...bases.embeddings[1], wibble: 1 });
    expect(none.message).toBe('Unrecognized request argument supplied: wibble; POST /v1/embeddings takes model, input, encoding_format, dimensions, user (docs/openai-api.md)');
    const two = refusal(ChatRequest, { ...bases.chat[1], temprature: 0, wibble: 1 });
    expect(two).toMatchObject({ param: 'temprature', code: 'unknown_parameter' });
    expect(two.message).toMatch(/^Unrecognized request arguments supplied: temprature, wibble; temprature: did you mean 'temperature'\?; POST \/v1\/chat\/completions takes model, /);
  });

  it('refuses a key inside a message, a content part or an options object by its path, as at the top level', () => {
    // before: {"contnet": …} in a message, {"include_usge": true} in stream_options were dropped in silence
    const chat = bases.chat[1];
    const typo = refusal(ChatRequest, { ...chat, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }, { role: 'user', contnet: 'more' }] });
    expect(typo.body()).toEqual({ error: { message: "Unrecognized request argument supplied: messages[2].contnet; did you mean 'content'?", type: 'invalid_request_error', param: 'messages[2].contnet', code: 'unknown_parameter' } });
    const odd = refusal(ChatRequest, { ...chat, messages: [{ role: 'user', content: 'hi', wibble: 1 }] });
    expect(odd).toMatchObject({ status: 400, param: 'messages[0].wibble', code: 'unknown_parameter' });
    expect(odd.message).toMatch(/^Unrecognized request argument supplied: messages\[0\]\.wibble; messages\[0\] takes role, content, name, /);
    expect(refusal(ChatRequest, { ...chat, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', txt: 'x' }] }] })).toMatchObject({ param: 'messages[0].content[0].txt', code: 'unknown_parameter' });
    expect(refusal(ChatRequest, { ...chat, stream: true, stream_options: { include_usge: true } }).message).toBe("Unrecognized request argument supplied: stream_options.include_usge; did you mean 'include_usage'?");
    expect(refusal(CompletionRequest, { ...bases.completions[1], stream: true, stream_options: { wibble: true } }).param).toBe('stream_options.wibble');
    expect(refusal(ChatRequest, { ...chat, response_format: { type: 'text', strict: true } }).param).toBe('response_format.strict');
    expect(refusal(ChatRequest, { ...chat, lathe_collection: { nme: 'docs' } }).message).toContain("lathe_collection.nme; did you mean 'name'?");
    // two at once are named together; an unknown key is said before another fault of the same request
    const two = refusal(ChatRequest, { ...chat, temperature: 9, messages: [{ role: 'user', content: 'hi', foo: 1 }, { role: 'wizard', content: 'x', bar: 2 }] });
    expect(two).toMatchObject({ param: 'messages[0].foo', code: 'unknown_parameter' });
    expect(two.message).toMatch(/^Unrecognized request arguments supplied: messages\[0\]\.foo, messages\[1\]\.bar; /);
    // a part or format of a kind this server refuses still says that, not that its other keys are unknown
    expect(refusal(ChatRequest, { ...chat, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }] }).message).toContain('image, audio and file parts are not supported');
    expect(refusal(ChatRequest, { ...chat, response_format: { type: 'json_schema', json_schema: { name: 's' } } })).toMatchObject({ param: 'response_format.type', code: 'invalid_value' });
  });

  it('accepts every key the official client types inside a message, a text part and stream_options', () => {
    // openai 6.49's ChatCompletion*MessageParam, ChatCompletionContentPartText and ChatCompletionStreamOptions
    const history = [
      { role: 'developer', content: [{ type: 'text', text: 'be brief', prompt_cache_breakpoint: { mode: 'explicit' } }], name: 'ops' },
      { role: 'user', content: 'hi', name: 'ann' },
      // an answer sent back as it came (choices[0].message), and the no-op forms of what this server never does
      { role: 'assistant', content: 'hello', refusal: null, tool_calls: [], function_call: null, audio: null, name: 'bot' },
      { role: 'tool', content: 'done', tool_call_id: 'call_1' },
      { role: 'user', content: 'again' },
    ];
    const r = parseRequest(ChatRequest, { ...bases.chat[1], messages: history, stream: true, stream_options: { include_usage: true, include_obfuscation: false } });
    expect(r.messages).toHaveLength(5);
    expect(refusal(ChatRequest, { ...bases.chat[1], messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }).message).toContain('tool calls are not supported');
    expect(refusal(ChatRequest, { ...bases.chat[1], messages: [{ role: 'assistant', content: 'x', audio: { id: 'a1' } }] }).param).toBe('messages[0].audio');
  });

  it('knows every parameter OpenAI defines: implemented, ignored, or refused as not supported by Lathe', () => {
    for (const [endpoint, params] of Object.entries(OPENAI_PARAMS) as [keyof typeof bases, string[]][]) {
      const [schema, base] = bases[endpoint];
      for (const param of params) {
        if (param in base) continue;
        let code: string | null = 'accepted';
        try {
          parseRequest(schema, { ...base, [param]: null });
        } catch (err) {
          code = (err as OpenAIError).code;
        }
        expect(code, `${endpoint} ${param}: null`).not.toBe('unknown_parameter');
      }
    }
    // ignored: about OpenAI's service, nothing in the answer
    const chat = bases.chat[1];
    const ignored = { user: 'u1', metadata: { app: 'x' }, store: true, service_tier: 'auto', safety_identifier: 'h', prompt_cache_key: 'k', parallel_tool_calls: false, prediction: { type: 'content', content: 'x' } };
    expect(parseRequest(ChatRequest, { ...chat, ...ignored, modalities: ['text'], function_call: 'none' }).messages).toHaveLength(1);
    // not supported: refused with a value, saying so and what to do
    const effort = refusal(ChatRequest, { ...chat, reasoning_effort: 'low' });
    expect(effort).toMatchObject({ status: 400, param: 'reasoning_effort', code: 'unsupported_parameter' });
    expect(effort.message).toBe("Unsupported parameter: 'reasoning_effort' is not supported by Lathe: these models have no separate reasoning step; leave it out.");
    expect(refusal(EmbeddingRequest, { ...bases.embeddings[1], dimensions: 256 })).toMatchObject({ param: 'dimensions', code: 'unsupported_parameter' });
    expect(refusal(ChatRequest, { ...chat, audio: { voice: 'alloy', format: 'mp3' } }).code).toBe('unsupported_parameter');
    expect(refusal(ChatRequest, { ...chat, modalities: ['text', 'audio'] }).param).toBe('modalities[1]');
    expect(refusal(ChatRequest, { ...chat, function_call: { name: 'f' } }).message).toContain('function calls are not supported');
  });

  it('documents every argument each endpoint takes (docs/openai-api.md, Request arguments)', () => {
    const docs = fs.readFileSync(new URL('../../docs/openai-api.md', import.meta.url), 'utf8');
    for (const [schema] of Object.values(bases)) for (const key of Object.keys(schema.shape)) expect(docs, key).toContain(`\`${key}\``);
  });

  it('suggests the served model a mistyped name most likely meant', () => {
    // before: the 404 listed every model but did not say which one 's26k' was
    expect(modelNotFound('s26k', ['s260k', 'gpt2']).message).toBe("The model 's26k' does not exist. Did you mean 's260k'? (models served: s260k, gpt2; GET /v1/models lists them.)");
    expect(modelNotFound('llama', ['s260k', 'gpt2']).message).not.toContain('Did you mean');
  });
});
