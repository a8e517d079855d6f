// Tokenizing a run's data in turns: fine-tuning's examples, a reward classifier's texts, DPO's and a pairwise reward
// model's preference pairs. On a large split (SST-2's 60k rows) tokenizing took most of a minute on a busy machine,
// which the CLI spent silent after its 'run RUN' line, and a Ctrl-C (or a job's cancel) heard in it still waited for
// the last row. Every TOKENIZE_BATCH items the event loop gets a turn, after which a cancel stops the tokenizing there,
// and how far it got is said every TOKENIZE_PROGRESS_MS at most (as progress 0 with no ETA: the run's own progress
// starts with its steps). One rule for all four, so they stop and report alike.
import { formatValue } from '../api/format.ts';

/** How often, at most, tokenizing says how far it got (the CLI prints a line a second at most). */
export const TOKENIZE_PROGRESS_MS = 500;
/** Items tokenized between two turns of the event loop (and two looks at the clock). */
export const TOKENIZE_BATCH = 256;

/** The progress line of tokenizing `done` of `total` `what` ('examples', 'texts', 'pairs'): one wording for all. */
export function tokenizingMessage(what: string, done: number, total: number): string {
  return `tokenizing the ${what}: ${formatValue(done)} of ${formatValue(total)}`;
}

/**
 * One count across a run's splits (`total` items in all): `map` tokenizes a split, giving the event loop a turn every
 * TOKENIZE_BATCH items (counted over all the splits), and answers null when `signal` stopped it there: nothing was
 * trained, and nothing may be saved from part of the data.
 */
export class TokenizingTurns {
  private done = 0;
  private reported = Date.now();

  constructor(private readonly total: number, private readonly signal: AbortSignal, private readonly onTokenized?: (done: number, total: number) => void) {}

  async map<T, R>(items: readonly T[], each: (item: T) => R): Promise<R[] | null> {
    const out: R[] = [];
    for (const item of items) {
      out.push(each(item));
      if (++this.done % TOKENIZE_BATCH === 0) {
        if (Date.now() - this.reported >= TOKENIZE_PROGRESS_MS) {
          this.reported = Date.now();
          this.onTokenized?.(this.done, this.total);
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (this.signal.aborted) return null;
      }
    }
    return out;
  }
}
