// What `lathe serve-api` listens on and allows when no flag says otherwise. In its own file so the CLI's help text
// can name these without loading the server (and the models behind it); server.ts applies them.
export const API_DEFAULTS = {
  host: '127.0.0.1',
  port: 1234,
  maxBodyBytes: 1 << 20,
  slots: 8,
  maxQueued: 16,
  maxLoadedModels: 2,
} as const;
