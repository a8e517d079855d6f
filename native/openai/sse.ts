// Server-sent events as OpenAI's clients parse them: each chunk a `data: {json}` block ended by a blank line,
// and `data: [DONE]` last. An error after the stream began can no longer change the status, so it is sent as one
// more data block holding {"error": …}, which the official clients raise.
import type http from 'node:http';

export class SseStream {
  constructor(private readonly res: http.ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
  }

  send(chunk: unknown): void {
    if (!this.res.writableEnded && !this.res.destroyed) this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  done(): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }
}
