// Under the prompt: how many tokens it takes of the model's context and what that leaves for the answer, counted by
// the model's own tokenizer (generate.countTokens) a moment after the user stops typing, so an answer the context
// would cut short is seen before Generate, not after. Until the count for the text now typed arrives, the last one
// stays, marked busy and faint (.stale-view), so it is not read as the count of what the editor holds.
import { useEffect, useState } from 'react';
import type { ChatMessage } from '../../../../native/api/models.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { promptBudget } from '../../domain/generation.ts';
import { Meter } from '../../ui/primitives.tsx';

const DEBOUNCE_MS = 250;

/** A count and the prompt (its `key`) it was made for. */
type Count = { promptTokens: number; contextTokens: number; key: string };

export function PromptBudgetLine({ modelId, modelName, prompt, messages, maxNewTokens }: { modelId: string | null; modelName: string; prompt: string | null; messages: ChatMessage[] | null; maxNewTokens: number }) {
  const studio = useStudio();
  const [count, setCount] = useState<Count | null>(null);
  const key = JSON.stringify({ modelId, prompt, messages });

  useEffect(() => {
    const empty = prompt === null ? !messages?.length : !prompt;
    if (!modelId || empty) {
      setCount(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      const params = messages ? { modelId, messages } : { modelId, prompt: prompt! };
      // A prompt the studio cannot count (a chat template that fails) says why when Generate is pressed.
      studio.call('generate.countTokens', params).then((r) => { if (live) setCount({ promptTokens: r.promptTokens, contextTokens: r.contextTokens, key }); }, () => { if (live) setCount(null); });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [studio, key]);

  if (!count) return null;
  const budget = promptBudget(count.promptTokens, count.contextTokens, maxNewTokens, modelName);
  return (
    <div className="prompt-budget stale-view" data-tone={budget.tone} data-testid="prompt-budget" aria-busy={count.key !== key} aria-live={budget.tone === 'ok' ? 'off' : 'polite'}>
      <Meter value={count.promptTokens} max={count.contextTokens} label="Prompt tokens of the model's context" tone={budget.tone === 'ok' ? undefined : budget.tone === 'short' ? 'warning' : 'danger'} />
      <span>{budget.text}</span>
    </div>
  );
}
