// glibc malloc settings for the processes that train (job workers, foreground `lathe train`/`lathe pretrain`,
// benchmark children).
//
// onnxruntime-node hands every fetched output back in a fresh ArrayBuffer, even one ORT wrote into a tensor we
// passed: for full training that is the parameters and both AdamW moments, 1.86 GB a step at GPT-2 small. With
// glibc's defaults every buffer over 32 MB (and most smaller ones) is a new mmap whose pages fault in while the
// binding copies into it, and goes back to the OS at the next garbage collection. Measured here (Node 20, glibc
// 2.36): copying 620 MB into fresh pages took 264-294 ms, into pages already mapped 34-39 ms. With every
// allocation served from the heap and the heap never trimmed, the next step's buffers reuse the memory the last
// step's garbage freed: a GPT-2-small step went from 3.1-4.1 s to 2.8-3.0 s (docs/benchmarks.md).
//
// The heap is also marked for transparent huge pages (where the kernel's setting is 'madvise', as on Debian and
// Ubuntu): the training step's element-wise passes stream through tens of MB at a time, and fewer TLB misses with
// 2 MB pages are the likely reason they got faster. Measured side by side (3 and 2 alternated runs): small-full 106-109 vs 111-113 ms a step, GPT-2 small 2.54-2.65 vs
// 2.66-2.72 s once warm, GPT-2 LoRA 1.47-1.56 vs 1.63-1.67 s. The first touch costs more: ~2.5 s more on the first
// GPT-2 full step, 7.5-7.7 instead of 3.3 s to set up GPT-2 LoRA (so a run breaks even after some 40 steps), and peak
// memory is ~6 % higher.
//
// The cost: a worker's resident memory does not shrink until it exits, which a job process does when its job ends.
// Other platforms' allocators ignore the variable. LATHE_MALLOC_TUNING=0 turns it off.
//
// glibc reads GLIBC_TUNABLES only when a process starts, so a foreground training command gets the settings by
// running itself again with them (bin/lathe.mjs, foregroundRestartEnv below): Linux only, once, and not when the
// user already set every one of them or turned them off.

/** The tunables: no mmap for allocations (all from the heap), no trimming of the heap's free top, huge pages. */
export const REUSED_HEAP_TUNABLES = ['glibc.malloc.mmap_max=0', `glibc.malloc.trim_threshold=${2 ** 40}`, 'glibc.malloc.hugetlb=1'];

/** `env` with the tunables added to GLIBC_TUNABLES (settings already there for the same tunable win). */
export function withReusedHeap(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.LATHE_MALLOC_TUNING === '0') return env;
  const existing = (env.GLIBC_TUNABLES ?? '').split(':').filter(Boolean);
  const set = new Set(existing.map((t) => t.split('=')[0]));
  const added = REUSED_HEAP_TUNABLES.filter((t) => !set.has(t.split('=')[0]));
  return { ...env, GLIBC_TUNABLES: [...existing, ...added].join(':') };
}

/** CLI commands that train in the CLI's own process (the studio's training runs as jobs, which get the tunables). */
const FOREGROUND_TRAINING = new Set(['train', 'pretrain', 'align']);

/** The command word of `lathe <argv>`: global flags (`--data-dir DIR`, `--json`) may come before it. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data-dir') i++;
    else if (!argv[i].startsWith('-')) return argv[i];
  }
  return undefined;
}

/**
 * The environment `lathe <argv>` should run itself again with, or null to run as it is: on Linux, a foreground
 * training command whose environment lacks some of the tunables. Help never restarts, and the restarted process
 * finds the tunables set, so it never restarts again.
 */
export function foregroundRestartEnv(argv: readonly string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv | null {
  if (platform !== 'linux') return null;
  if (!FOREGROUND_TRAINING.has(commandWord(argv) ?? '') || argv.includes('--help') || argv.includes('-h')) return null;
  const tuned = withReusedHeap(env);
  return tuned.GLIBC_TUNABLES === env.GLIBC_TUNABLES ? null : tuned;
}
