// Choosing few-shot examples that fit the model's context beside each query. A long query with k seeded
// examples often overflows a small context; rather than quietly dropping to zero-shot, the planner keeps the
// seeded draw among the examples that fit the room the query leaves, prefers shorter examples when the draw
// is too long together, and refuses the run up front when a query leaves no room for even one example.
import { StudioError } from '../api/errors.ts';
import { buildPrompt, drawExamples, fill, fillInput, type PromptTemplate, type Row } from '../text/prompt.ts';
import { formatValue, plural } from '../api/format.ts';

export interface ShotChoice {
  prompt: string;
  ids: number[];
  shotsUsed: number;
}

export interface ShotPlannerSetup {
  template: PromptTemplate;
  shots: number;
  seed: number;
  /** Train rows the examples come from. */
  pool: Row[];
  /** Prompt tokens available: the context less the tokens kept for the answer. */
  budget: number;
  contextTokens: number;
  maxNewTokens: number;
  encode(text: string): number[];
}

export interface ShotPlanner {
  /** The prompt for `row` with as many of the run's shots as fit (memoised per row). */
  choose(row: Row): ShotChoice;
  /** Refuses (StudioError, field 'shots') when some query leaves no room for even one example. */
  check(items: readonly { id: string; row: Row }[]): void;
}

function sum(costs: readonly number[]): number {
  return costs.reduce((s, c) => s + c, 0);
}

export function createShotPlanner(setup: ShotPlannerSetup): ShotPlanner {
  const { template, shots, seed, pool, budget } = setup;
  const keys = pool.map((r) => JSON.stringify(r));
  // What one example adds to a prompt, in tokens (its block; the separator is covered by the final check).
  const costs = pool.map((r) => setup.encode(`${fillInput(template.input, r)}\n${fill(template.output, r)}`).length);
  const cache = new Map<string, ShotChoice & { queryTokens: number }>();

  const build = (row: Row, chosen: number[]): ShotChoice => {
    const prompt = buildPrompt(template, row, { shots: chosen.length, pool: chosen.map((i) => pool[i]), seed });
    return { prompt, ids: setup.encode(prompt), shotsUsed: chosen.length };
  };

  /** Up to k pool indices whose costs fit `room` together: the seeded draw where it fits, else shorter ones. */
  const pick = (candidates: number[], room: number): number[] => {
    for (let k = Math.min(shots, candidates.length); k > 0; k--) {
      const drawn = drawExamples(candidates.map((i) => ({ i })), k, seed).map((r) => r.i as number);
      if (sum(drawn.map((i) => costs[i])) <= room) return drawn;
      const share = Math.floor(room / k);
      const small = candidates.filter((i) => costs[i] <= share);
      if (small.length >= k) return drawExamples(small.map((i) => ({ i })), k, seed).map((r) => r.i as number);
      const shortest = [...candidates].sort((a, b) => costs[a] - costs[b] || a - b).slice(0, k);
      if (sum(shortest.map((i) => costs[i])) <= room) return shortest;
    }
    return [];
  };

  const choose = (row: Row): ShotChoice & { queryTokens: number } => {
    const key = JSON.stringify(row);
    const hit = cache.get(key);
    if (hit) return hit;
    const alone = build(row, []);
    const room = budget - alone.ids.length;
    // A query never serves as its own example (possible when the evaluated split is 'all' or 'train').
    const candidates = pool.map((_, i) => i).filter((i) => keys[i] !== key && costs[i] <= room);
    const chosen = pick(candidates, room);
    let choice = build(row, chosen);
    // Token counts of the parts do not add up exactly (separators, merges at the seams): drop the longest until it fits.
    while (choice.ids.length > budget && chosen.length > 0) {
      const longest = chosen.reduce((a, b) => (costs[b] > costs[a] ? b : a));
      chosen.splice(chosen.indexOf(longest), 1);
      choice = build(row, chosen);
    }
    const result = { ...(chosen.length > 0 ? choice : alone), queryTokens: alone.ids.length };
    cache.set(key, result);
    return result;
  };

  return {
    choose,
    check(items) {
      if (shots === 0) return;
      const without = items.map((item) => ({ id: item.id, choice: choose(item.row) })).filter((x) => x.choice.shotsUsed === 0);
      if (without.length === 0) return;
      const worst = without.reduce((a, b) => (b.choice.queryTokens > a.choice.queryTokens ? b : a));
      const shortest = costs.length > 0 ? Math.min(...costs) : 0;
      throw new StudioError(
        'invalid_params',
        `few-shot:${shots} cannot fit even one example beside ${formatValue(without.length)} of ${plural(items.length, 'query', 'queries')}, so it would run as zero-shot: ` +
          `the model's context is ${plural(setup.contextTokens, 'token')}, ${formatValue(setup.maxNewTokens)} of them kept for the answer, leaving ${formatValue(budget)} for the prompt; ` +
          `query ${worst.id} alone takes ${plural(worst.choice.queryTokens, 'token')} and the shortest train example ${shortest}. ` +
          `Use fewer shots or zero-shot (--template), a custom prompt with shorter columns (--prompt FILE.json), fewer new tokens (--max-new-tokens), or a model with a longer context.`,
        { field: 'shots' },
      );
    },
  };
}
