// Every job kind and the module its child process runs, listed once. A new kind (training, evaluation,
// export) adds a line here and a module exporting `run: WorkerRun` (see protocol.ts).
import { fileURLToPath, pathToFileURL } from 'node:url';

export const JOB_KINDS: Record<string, { module: string; summary: string }> = {
  deploy: { module: '../deploy/deploy-worker.ts', summary: 'Merge, quantise or export a model' },
  'dataset-import': { module: '../data/import-worker.ts', summary: 'Import a dataset file' },
  evaluation: { module: '../eval/runner-worker.ts', summary: 'Evaluate a model on a dataset split' },
  'docs-import': { module: '../rag/import-worker.ts', summary: 'Import documents into a collection (RAG)' },
  dpo: { module: '../train/dpo-worker.ts', summary: 'Align a model to preference pairs (DPO, robust DPO, IPO)' },
  finetune: { module: '../train/finetune-worker.ts', summary: 'Fine-tune a model (full or LoRA)' },
  'gguf-import': { module: '../deploy/gguf-import-worker.ts', summary: 'Import a GGUF file (llama.cpp, LM Studio, Ollama) as a model' },
  'model-download': { module: '../models/download-worker.ts', summary: 'Download a model from the Hugging Face Hub' },
  'model-import': { module: '../models/import-worker.ts', summary: 'Import a model folder or a llama2.c checkpoint' },
  ppo: { module: '../train/ppo-worker.ts', summary: 'Align a model to a reward model with PPO and a KL penalty (RLHF)' },
  pretrain: { module: '../train/pretrain-worker.ts', summary: 'Pretrain a model from scratch on a corpus' },
  'retrieval-eval': { module: '../eval/retrieval-worker.ts', summary: 'Evaluate retrieval from a collection (recall@k, MRR, nDCG) per search mode' },
  reward: { module: '../train/reward-worker.ts', summary: 'Train a reward model or a sequence classifier' },
};

/** Add a kind at run time (tests, plugins); `module` is an absolute path or file URL of a WorkerRun module. */
export function registerJobKind(kind: string, module: string, summary = kind): void {
  JOB_KINDS[kind] = { module: module.startsWith('file:') ? module : pathToFileURL(module).href, summary };
}

export function workerModulePath(kind: string): string {
  const entry = JOB_KINDS[kind];
  if (!entry) throw new Error(`unknown job kind '${kind}' (known: ${Object.keys(JOB_KINDS).join(', ')})`);
  return fileURLToPath(new URL(entry.module, import.meta.url));
}
