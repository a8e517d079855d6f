// One generation's output as it streams: the prompt's tail in grey, then each generated token (hover shows its
// probability and the alternatives the model considered), then time to first token and decoding speed.
import { TOKENS_PER_SECOND } from '../../../../native/api/labels.ts';
import type { GenerationState } from './useGeneration.ts';
import { finishNeedsNotice, finishReasonLabel } from '../../domain/generation.ts';
import { showToken } from './NextTokenPanel.tsx';
import { Badge, Card, CardHeader, Stat } from '../../ui/primitives.tsx';


function tokenTitle(t: GenerationState['tokens'][number]): string {
  const p = t.logprob === null ? '' : `${(Math.exp(t.logprob) * 100).toFixed(1)}%`;
  const alts = t.top.map((a) => `${showToken(a.token)} ${(Math.exp(a.logprob) * 100).toFixed(1)}%`).join('  ');
  return `${showToken(t.token)} ${p}${alts ? `\nalternatives: ${alts}` : ''}`;
}

/**
 * `blocker`: why Generate is grey (generateBlocker), said where the output will be, or null when it is not: the pane
 * said "… press Generate" beside a grey button that said to type a prompt first.
 */
export function OutputPane({ title, subtitle, state, promptTail, blocker, testId }: { title: string; subtitle?: string; state: GenerationState; promptTail: string; blocker: string | null; testId: string }) {
  const timing = state.done?.timing;
  const streamedText = state.tokens.map((t) => t.text).join('');
  // Token spans while streaming; the final text once done (stop strings may have cut the last pieces).
  const showTokens = state.status === 'running' || (state.done !== null && streamedText === state.text);
  return (
    <Card aria-label={title}>
      <CardHeader
        title={title}
        subtitle={subtitle}
        actions={state.status === 'running' ? <Badge tone="accent">Generating…</Badge> : state.done ? <Badge tone={finishNeedsNotice(state.done.finishReason, state.done.contextFull) ? 'warning' : 'success'}>{finishReasonLabel(state.done.finishReason, state.done.contextFull)}</Badge> : null}
      />
      <div className="card-body stack">
        <div className="output" data-testid={testId} aria-live="polite">
          {promptTail && <span className="output-prompt">{promptTail}</span>}
          {showTokens ? state.tokens.map((t, i) => <span key={i} className="output-token" title={tokenTitle(t)}>{t.text}</span>) : <span>{state.text}</span>}
          {state.status === 'running' && <span className="output-cursor" />}
          {state.status === 'idle' && <span className="faint">{blocker ? `${promptTail ? ' ' : ''}${blocker}` : ' … press Generate'}</span>}
        </div>
        {state.error && <p className="field-error" role="alert">{state.error}</p>}
        <div className="output-stats">
          <Stat label="First token" value={timing ? `${timing.timeToFirstTokenMs.toFixed(0)} ms` : '—'} />
          <Stat label="Speed" value={timing ? `${timing.decodeTokensPerSecond.toFixed(0)} ${TOKENS_PER_SECOND}` : '—'} />
          <Stat label="Tokens" value={timing ? `${timing.promptTokens} → ${timing.generatedTokens}` : state.tokens.length || '—'} />
          <Stat label="Total" value={timing ? `${(timing.totalMs / 1000).toFixed(2)} s` : '—'} />
        </div>
      </div>
    </Card>
  );
}
