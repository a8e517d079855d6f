// The 'gguf-import' job: a GGUF file (llama.cpp, LM Studio, Ollama) becomes a Lathe model in a child process,
// through the same code as `lathe model import-gguf` (gguf-import.ts), with progress per tensor dequantised.
import { GgufImportParams } from '../api/models.ts';
import type { WorkerRun } from '../jobs/protocol.ts';
import { runImportJob } from '../models/import-worker.ts';
import { importGgufModel } from './gguf-import.ts';

export const run: WorkerRun = (params, ctx) => {
  const p = GgufImportParams.parse(params);
  return runImportJob(ctx, (opts) => importGgufModel(ctx.dataDir, p.path, p.name, opts));
};
