// The request log of the OpenAI-compatible server: one row per answered request (time, endpoint, model, HTTP
// status, how it ended, tokens in and out, latency, decode rate), so a user can see what applications asked of it.
import type Database from 'better-sqlite3';
import { nowIso } from './ids.ts';

export interface ApiRequestInput {
  endpoint: string;
  /** The model as the request named it (null when the request never got that far: bad JSON, no key). */
  model: string | null;
  status: number;
  /** 'stop', 'length', 'cancelled' (the client went away), 'error'. */
  outcome: string;
  promptTokens?: number;
  completionTokens?: number;
  latencyMs: number;
  /** Generated tokens per second of the decode phase, when there was one. */
  tokensPerSecond?: number | null;
  error?: string | null;
}

export interface ApiRequest extends Required<ApiRequestInput> {
  id: number;
  time: string;
}

interface ApiRequestRow {
  id: number;
  time: string;
  endpoint: string;
  model: string | null;
  status: number;
  outcome: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  tokens_per_second: number | null;
  error: string | null;
}

function toRequest(r: ApiRequestRow): ApiRequest {
  return {
    id: r.id,
    time: r.time,
    endpoint: r.endpoint,
    model: r.model,
    status: r.status,
    outcome: r.outcome,
    promptTokens: r.prompt_tokens,
    completionTokens: r.completion_tokens,
    latencyMs: r.latency_ms,
    tokensPerSecond: r.tokens_per_second,
    error: r.error,
  };
}

export class ApiRequestTable {
  constructor(private readonly db: Database.Database) {}

  record(input: ApiRequestInput): ApiRequest {
    const time = nowIso();
    const info = this.db
      .prepare(
        `INSERT INTO api_requests (time, endpoint, model, status, outcome, prompt_tokens, completion_tokens, latency_ms, tokens_per_second, error)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(time, input.endpoint, input.model, input.status, input.outcome, input.promptTokens ?? 0, input.completionTokens ?? 0, input.latencyMs,
        input.tokensPerSecond ?? null, input.error ?? null);
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): ApiRequest | undefined {
    const row = this.db.prepare('SELECT * FROM api_requests WHERE id = ?').get(id) as ApiRequestRow | undefined;
    return row && toRequest(row);
  }

  /** The latest `limit` requests, newest first. */
  recent(limit = 100): ApiRequest[] {
    return (this.db.prepare('SELECT * FROM api_requests ORDER BY id DESC LIMIT ?').all(limit) as ApiRequestRow[]).map(toRequest);
  }
}
