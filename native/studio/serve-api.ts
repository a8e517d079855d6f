// Studio API handlers for serving to applications (schemas in native/api/serve-api.ts): the server itself runs
// in serve-api-service.ts's child process; its request log is read from the store, where the server writes it.
import type { serveApiMethods } from '../api/serve-api.ts';
import type { HandlersFor } from './context.ts';
import { serveApiService } from './serve-api-service.ts';

export const serveApiHandlers: HandlersFor<typeof serveApiMethods> = {
  'serveApi.start': ({ model, port, threads }, _raw, ctx) => serveApiService(ctx.store, ctx.dataDir).start(model, port, threads),
  'serveApi.stop': (_p, _raw, ctx) => serveApiService(ctx.store, ctx.dataDir).stop(),
  'serveApi.status': (_p, _raw, ctx) => serveApiService(ctx.store, ctx.dataDir).status(),
  'serveApi.log': ({ limit }, _raw, ctx) => ctx.store.apiRequests.recent(limit),
};
