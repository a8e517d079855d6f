// The HTTP transport of the Studio API (used by `lathe serve` and the renderer in a browser), defined once.
//
//   POST {RPC_PREFIX}<method>      body: JSON params        → 200 { result } | 4xx/5xx { error: ApiError }
//   GET  {EVENTS_PATH}?token=T     server-sent events; each message's data is a JSON StudioEvent
//   POST {UPLOAD_PATH}?name=F      raw file body (streamed to the data directory) → 200 { result: { path } }
//   GET  /…                        the built renderer (static files; they hold no user data)
//
// Every /api request must carry the token: header `Authorization: Bearer T` (or `?token=T`, which EventSource
// needs since it cannot set headers). Without it the answer is 401 and no data.
export const RPC_PREFIX = '/api/rpc/';
export const EVENTS_PATH = '/api/events';
export const UPLOAD_PATH = '/api/upload';
export const TOKEN_QUERY = 'token';
