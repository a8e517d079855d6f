// The next-token panel: the model's top candidates after the prompt, each with its probability under the model
// alone (grey) and after the penalties and sampling knobs (accent). It asks again whenever the prompt, the
// model or a knob changes, so moving temperature visibly sharpens or flattens the odds. It asks a moment after the
// last change: until the answer for what the prompt holds now arrives, the odds on screen are an older text's, and
// the panel says so (aria-busy, drawn faint).
import { useEffect, useState } from 'react';
import type { GenerateSettingsInput, NextTokenResult } from '../../../../native/api/models.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { Card, CardHeader } from '../../ui/primitives.tsx';

const DEBOUNCE_MS = 150;

/** How a vocabulary entry reads: SentencePiece's ▁ and byte tokens made visible. */
/** How many tokens the settings leave in play, and how uncertain the model is before and after them. */
function distributionSummary(r: NextTokenResult): string {
  const drawn = r.strategy === 'sample'
    ? `${r.keptTokens.toLocaleString()} of ${r.vocabSize.toLocaleString()} tokens can be drawn`
    : 'greedy and beam search take the top token';
  return `${drawn} · uncertainty ${r.entropyBefore.toFixed(2)} → ${r.entropyAfter.toFixed(2)} bits`;
}

export function showToken(token: string): string {
  return token.replace(/▁/g, '␣').replace(/Ġ/g, '␣').replace(/Ċ|<0x0A>/g, '↵');
}

const pct = (p: number) => (p >= 0.995 ? '100%' : p >= 0.1 ? `${(p * 100).toFixed(0)}%` : p >= 0.001 ? `${(p * 100).toFixed(1)}%` : p > 0 ? '<0.1%' : '0%');

/** What the panel says before its first answer: what it lacks, or (a prompt there, the request out) that it is reading. */
function Waiting({ modelId, prompt }: { modelId: string | null; prompt: string }) {
  if (!modelId) return <p className="muted small">Choose a model first.</p>;
  if (!prompt) return <p className="muted small">Write a prompt to see the candidates.</p>;
  return <p className="muted small" role="status">Reading the prompt…</p>;
}

export function NextTokenPanel({ modelId, prompt, settings }: { modelId: string | null; prompt: string; settings: GenerateSettingsInput }) {
  const studio = useStudio();
  const [result, setResult] = useState<NextTokenResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify({ modelId, prompt, settings });
  /** What the result or error on screen answers (its key); null before any. */
  const [answered, setAnswered] = useState<string | null>(null);
  const asking = Boolean(modelId && prompt) && answered !== key;

  useEffect(() => {
    if (!modelId || !prompt) {
      setResult(null);
      setError(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      studio.call('generate.nextToken', { modelId, prompt, settings, top: 10 }).then(
        (r) => { if (live) { setResult(r); setError(null); setAnswered(key); } },
        (err) => { if (live) { setResult(null); setError(errorMessage(err)); setAnswered(key); } }, // no odds of an older prompt beside the refusal
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [studio, key]);

  const max = Math.max(1e-9, ...(result?.candidates.flatMap((c) => [c.before, c.after]) ?? [1]));
  return (
    <Card aria-label="Next token">
      <CardHeader
        title="Next token"
        subtitle={result ? distributionSummary(result) : 'The model’s odds for what comes right after the prompt.'}
      />
      <div className="card-body stack gap-2 nt-panel" data-testid="next-token-panel" aria-busy={asking}>
        <div className="row small muted nt-legend"><span><span className="legend-swatch nt-bar-before" />model alone</span><span><span className="legend-swatch nt-bar-after" />after your settings</span></div>
        {error && <p className="field-error">{error}</p>}
        {!result && !error && <Waiting modelId={modelId} prompt={prompt} />}
        {result?.candidates.map((c) => (
          <div key={c.id} className="nt-row" data-testid="nt-row" title={`id ${c.id} · ${c.token}`}>
            <span className="nt-token">{showToken(c.token)}</span>
            <div className="nt-bars" role="img" aria-label={`${c.token}: ${pct(c.before)} before, ${pct(c.after)} after`}>
              <div className="nt-bar nt-bar-before" data-zero={c.before === 0} style={{ width: `${(100 * c.before) / max}%` }} />
              <div className="nt-bar nt-bar-after" data-zero={c.after === 0} style={{ width: `${(100 * c.after) / max}%` }} />
            </div>
            <span className="nt-pct"><span className="faint">{pct(c.before)}</span><br /><strong data-testid="nt-after">{pct(c.after)}</strong></span>
          </div>
        ))}
      </div>
    </Card>
  );
}
