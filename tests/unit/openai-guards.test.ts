// The OpenAI server's request guards on their own: which Host headers name the server (DNS rebinding), the
// constant-time key check, and the parameter names a 400 carries.
import { describe, expect, it } from 'vitest';
import { hostAllowed, isLoopbackHost, keyMatches } from '../../native/openai/guards.ts';
import { ChatRequest, CompletionRequest, EmbeddingRequest, paramName, parseRequest } from '../../native/openai/params.ts';
import { OpenAIError } from '../../native/openai/errors.ts';
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
});
