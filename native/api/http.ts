// The HTTP transport of the Studio API (used by `lathe serve` and the renderer in a browser), defined once.
//
//   POST {RPC_PREFIX}<method>      body: JSON params        → 200 { result } | 4xx/5xx { error: ApiError }
//   GET  {EVENTS_PATH}?token=T     server-sent events; each message's data is a JSON StudioEvent
//   POST {UPLOAD_PATH}?name=F      raw file body (streamed to the data directory) → 200 { result: { path } }
//   GET  /…                        the built renderer (static files; they hold no user data)
//
// Every /api request must carry the token in the header `Authorization: Bearer T`; only the event stream takes
// `?token=T` instead, since EventSource cannot set headers. Without it the answer is 401 and no data. RPC bodies are
// sent as Content-Type: application/json (anything else is a 415), and a Host header that is not the server's
// address is a 403.
export const RPC_PREFIX = '/api/rpc/';
export const EVENTS_PATH = '/api/events';
export const UPLOAD_PATH = '/api/upload';
export const TOKEN_QUERY = 'token';
