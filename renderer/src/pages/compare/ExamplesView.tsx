// The per-example view: every example the runs share, its input and references, and each run's output with
// its score side by side — sorted by how much the score changed between a baseline and a candidate run, by
// how much the runs disagree, or in dataset order; a judged run shows the judge's answer probabilities and prompts
// under each output, and a run fed another input or scored against other references than the row's shows its own
// under its output. Paged; [ and ] turn pages.
import { useEffect, useState } from 'react';
import { DEFAULT_EXAMPLE_SORT, EXAMPLE_SORTS, type Comparison } from '../../../../native/api/eval.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { formatSigned } from '../../domain/format.ts';
import { Badge, Button, Card, CardHeader, CodeBlock, EmptyState, ReadError, Select } from '../../ui/primitives.tsx';
import { formatMetric, isPerplexity, metricLabel } from '../evaluate/metrics.ts';
import { JudgeVerdictView } from './JudgeVerdict.tsx';
import { RunSwatch } from './MetricsTable.tsx';
import { hasOwnSource, sortLabel, type ExampleSort as Sort } from './exampleSorts.ts';

const PAGE = 5;

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function ExamplesView({ comparison, metric, onMetric }: { comparison: Comparison; metric: string | null; onMetric(m: string): void }) {
  const runIds = comparison.runs.map((r) => r.id);
  const [sort, setSort] = useState<Sort>(runIds.length > 1 ? DEFAULT_EXAMPLE_SORT : 'index');
  const [baseline, setBaseline] = useState(runIds[0]);
  const [candidate, setCandidate] = useState(runIds[1] ?? null);
  const [offset, setOffset] = useState(0);
  const key = runIds.join(',');
  useEffect(() => {
    setBaseline(runIds[0]);
    setCandidate(runIds[1] ?? null);
    setOffset(0);
    // Reset when the set of runs changes (key), not on every render.
  }, [key]);
  const perExample = comparison.metrics.filter((m) => !m.name.startsWith('latency') && m.name !== 'tokens_per_second' && !isPerplexity(m.name)).map((m) => m.name);
  const page = useQuery('runs.examples', {
    runIds, metric: metric ?? undefined, sort, offset, limit: PAGE,
    baselineRunId: runIds.includes(baseline) ? baseline : undefined,
    candidateRunId: candidate && runIds.includes(candidate) && candidate !== baseline ? candidate : undefined,
  });
  const total = page.data?.total ?? 0;
  const higherIsBetter = comparison.metrics.find((m) => m.name === (page.data?.metric ?? metric))?.higherIsBetter ?? true;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === ']' && offset + PAGE < total) setOffset(offset + PAGE);
      else if (e.key === '[' && offset > 0) setOffset(Math.max(0, offset - PAGE));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [offset, total]);

  const name = (id: string) => comparison.runs.find((r) => r.id === id)?.name ?? id;
  const deltaTone = (d: number) => (d === 0 ? 'neutral' : (d > 0) === higherIsBetter ? 'success' : 'danger');

  return (
    <Card aria-label="Examples">
      <CardHeader
        title="Example by example"
        subtitle={page.data ? `${total} examples matched by ${page.data.joinedBy === 'example-id' ? 'example id (same dataset, split and seed)' : 'input text'}${page.data.candidateRunId ? ` · Δ = ${name(page.data.candidateRunId)} − ${name(page.data.baselineRunId)}` : ''}` : page.error ? undefined : 'Loading…'}
      />
      <div className="card-body compare-controls">
        {perExample.length > 0 && (
          <label className="row small"><span className="muted">Score</span>
            <Select className="examples-metric" aria-label="Score metric" value={page.data?.metric ?? metric ?? ''} onChange={(e) => { onMetric(e.target.value); setOffset(0); }}>
              {perExample.map((m) => <option key={m} value={m}>{metricLabel(m)}</option>)}
            </Select>
          </label>
        )}
        <div className="segmented" role="radiogroup" aria-label="Sort examples">
          {EXAMPLE_SORTS.filter((s) => runIds.length > 1 || s === 'index').map((s) => (
            <button key={s} type="button" role="radio" aria-checked={sort === s} onClick={() => { setSort(s); setOffset(0); }}>{sortLabel(s, higherIsBetter)}</button>
          ))}
        </div>
        {runIds.length > 1 && (
          <div className="row small">
            <Select className="examples-run" aria-label="Baseline run" value={baseline} onChange={(e) => { setBaseline(e.target.value); setOffset(0); }}>
              {comparison.runs.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </Select>
            <span className="muted">→</span>
            <Select className="examples-run" aria-label="Candidate run" value={candidate ?? ''} onChange={(e) => { setCandidate(e.target.value); setOffset(0); }}>
              {comparison.runs.filter((r) => r.id !== baseline).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </Select>
          </div>
        )}
      </div>
      <ReadError className="card-body" what="Could not load the examples" read={page} />
      {page.data && page.data.rows.length === 0 && <EmptyState icon="file" title="No shared examples">These runs have no example in common: compare runs on the same dataset and split.</EmptyState>}
      <div className="example-list" aria-busy={page.loading}>
        {page.data?.rows.map((row, rowIndex) => {
          // Joined by input text, two rows may carry one id (each run's test:0 of another dataset): keyed by place.
          const ownSources = row.outputs.some(hasOwnSource);
          const firstRun = row.outputs.findIndex((o) => o !== null);
          return (
          <article key={`${offset + rowIndex}`} className="example" aria-label={`Example ${row.key}`}>
            <header className="row">
              <span className="mono small muted">{row.key}</span>
              <span className="spacer" />
              {row.delta !== null && <Badge tone={deltaTone(row.delta)}>Δ {formatSigned(row.delta)}</Badge>}
              {row.spread !== null && runIds.length > 2 && <Badge>spread {row.spread.toFixed(3)}</Badge>}
            </header>
            <div className="example-source">
              <div>
                <div className="stat-label">Input{ownSources ? ` · ${name(runIds[firstRun])}` : ''}</div>
                <CodeBlock scroll className="example-input" label={`Input of ${row.key}`}>{row.input}</CodeBlock>
              </div>
              <div>
                <div className="stat-label">Reference{row.references.length === 1 ? '' : 's'}{ownSources ? ` · ${name(runIds[firstRun])}` : ''}</div>
                <ol className="example-refs">{row.references.map((r, i) => <li key={i}>{r}</li>)}</ol>
              </div>
            </div>
            <div className="example-outputs" style={{ gridTemplateColumns: `repeat(${Math.min(runIds.length, 4)}, minmax(0, 1fr))` }}>
              {row.outputs.map((o, i) => (
                <div key={runIds[i]} className="example-output" data-testid="example-output">
                  <div className="row small">
                    <RunSwatch index={i} /><span className="example-run">{name(runIds[i])}</span>
                    <span className="spacer" />
                    {o?.score != null && page.data?.metric && <span className="mono small" title={metricLabel(page.data.metric)}>{formatMetric(page.data.metric, o.score)}</span>}
                  </div>
                  <div className="example-prediction">{o === null ? <span className="faint">not in this run</span> : o.prediction || <span className="faint">(empty answer)</span>}</div>
                  {o?.input !== undefined && (
                    <div className="example-own-source">
                      <div className="stat-label">This run’s input</div>
                      <CodeBlock scroll className="example-input" label={`${name(runIds[i])}’s input of ${row.key}`}>{o.input}</CodeBlock>
                    </div>
                  )}
                  {o?.references !== undefined && (
                    <div className="example-own-source">
                      <div className="stat-label">This run’s reference{o.references.length === 1 ? '' : 's'}</div>
                      <ol className="example-refs">{o.references.map((r, i) => <li key={i}>{r}</li>)}</ol>
                    </div>
                  )}
                  {o?.judge && <JudgeVerdictView record={o.judge} />}
                </div>
              ))}
            </div>
          </article>
          );
        })}
      </div>
      {total > 0 && (
        <div className="pager">
          <span>Examples {offset + 1}–{Math.min(total, offset + PAGE)} of {total}</span>
          <span className="spacer" />
          <span className="faint">Keys <kbd className="key">[</kbd><kbd className="key">]</kbd></span>
          <Button size="sm" icon="chevronLeft" aria-label="Previous page" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} />
          <Button size="sm" icon="chevronRight" aria-label="Next page" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)} />
        </div>
      )}
    </Card>
  );
}
