// One head enlarged, two ways, each in its own card (the page sets the matrix under the grid of small maps, so the
// short grid no longer left half the page blank beside the tall lines). Lines (bertviz's "head view"): each token on
// the left reads the tokens on the right, one line per pair, as opaque as the attention weight; pointing at a token
// keeps only its lines. Matrix: the same T×T numbers as cells, each with its exact probability (hover for it), the
// focused row outlined.
// With a token pointed at, the read side also prints each weight, since faint lines are hard to compare by eye.
import type { AttentionMaps } from '../../../../native/api/inside.ts';
import type { HeadRef } from './AttentionGrid.tsx';
import { percent, pieceLabel } from './heatmap.ts';

const ROW = 22; // px per token in the lines view; the label columns use the same height (inside.css .head-token)

function label(maps: AttentionMaps, i: number): string {
  return pieceLabel(maps.tokens[i].piece);
}

function Lines({ maps, matrix, focus, onFocus }: { maps: AttentionMaps; matrix: number[]; focus: number | null; onFocus(i: number | null): void }) {
  const T = maps.tokens.length;
  const lines = [];
  for (let q = 0; q < T; q++) {
    if (focus !== null && q !== focus) continue;
    for (let k = 0; k <= q; k++) {
      const p = matrix[q * T + k];
      if (p < 0.01) continue; // fainter than the eye can tell apart from nothing
      lines.push(<line key={`${q}-${k}`} x1={0} y1={q * ROW + ROW / 2} x2={100} y2={k * ROW + ROW / 2} strokeOpacity={focus === null ? p * 0.8 : p} vectorEffect="non-scaling-stroke" />);
    }
  }
  // Only the reading side is interactive (and focusable): a token's row is what it reads.
  return (
    <div className="head-lines" onMouseLeave={() => onFocus(null)} aria-label="Token-to-token attention lines" data-testid="head-lines">
      <div className="head-lines-col queries">
        {maps.tokens.map((_, i) => (
          <button key={i} type="button" className="head-token" data-focus={focus === i} title={`${label(maps, i)} (#${i}): show what it reads`} onMouseEnter={() => onFocus(i)} onFocus={() => onFocus(i)}>{label(maps, i)}</button>
        ))}
      </div>
      <svg viewBox={`0 0 100 ${T * ROW}`} preserveAspectRatio="none" width="100%" height={T * ROW} aria-hidden>{lines}</svg>
      <div className="head-lines-col keys" aria-hidden>
        {maps.tokens.map((_, i) => {
          const p = focus !== null && i <= focus ? matrix[focus * T + i] : null;
          return <span key={i} className="head-token" data-read={p !== null && p >= 0.1}>{label(maps, i)}{p !== null && <span className="head-token-p">{percent(p)}</span>}</span>;
        })}
      </div>
    </div>
  );
}

function Matrix({ maps, matrix, focus, onFocus }: { maps: AttentionMaps; matrix: number[]; focus: number | null; onFocus(i: number | null): void }) {
  const T = maps.tokens.length;
  const cells = [];
  for (let q = 0; q < T; q++) {
    for (let k = 0; k < T; k++) {
      const p = matrix[q * T + k];
      cells.push(
        <rect key={`${q}-${k}`} className="cell" x={k} y={q} width={1} height={1} fillOpacity={p} data-q={q} data-k={k} data-p={p} onMouseEnter={() => onFocus(q)}>
          <title>{`${label(maps, q)} reads ${label(maps, k)}: ${percent(p)}${k > q ? ' (later token: masked)' : ''}`}</title>
        </rect>,
      );
    }
  }
  // The cells carry no token names (a label per token a side would not fit), so a caption says which axis is which,
  // with the scale of the shading.
  return (
    <figure className="head-matrix-figure">
      <svg className="head-matrix" viewBox={`-0.2 -0.2 ${T + 0.4} ${T + 0.4}`} role="img" aria-label={`Attention matrix, ${T} × ${T}: rows read, columns are read`} data-testid="head-matrix" onMouseLeave={() => onFocus(null)}>
        <rect className="bg" x={0} y={0} width={T} height={T} />
        {cells}
        {focus !== null && <rect className="row-focus" x={0} y={focus} width={T} height={1} />}
      </svg>
      <figcaption className="head-matrix-caption small muted">
        <span className="head-matrix-scale" aria-hidden><span>0%</span><span className="head-matrix-ramp" /><span>100%</span></span>
        <span>Rows: the token reading, the first at the top. Columns: the token it reads, the first at the left. Darker: more attention.</span>
      </figcaption>
    </figure>
  );
}

/** The enlarged head as lines, with a sentence saying what the pointed-at token reads most. */
export function HeadView({ maps, head, focus, onFocus }: { maps: AttentionMaps; head: HeadRef; focus: number | null; onFocus(i: number | null): void }) {
  const matrix = maps.attentions[head.layer][head.head];
  const T = maps.tokens.length;
  const row = focus !== null ? Array.from({ length: focus + 1 }, (_, k) => ({ k, p: matrix[focus * T + k] })).sort((a, b) => b.p - a.p).slice(0, 3) : null;
  return (
    <div className="stack" data-testid="head-view" data-layer={head.layer} data-head={head.head}>
      <p className="small muted" aria-live="polite">
        {row && focus !== null
          ? <>“{label(maps, focus)}” reads most from {row.map((r, i) => <span key={r.k}>{i ? ', ' : ''}<strong>{label(maps, r.k)}</strong> {percent(r.p)}</span>)}.</>
          : 'Point at a token on the left to see only what it reads; its row of the matrix is outlined too.'}
      </p>
      <Lines maps={maps} matrix={matrix} focus={focus} onFocus={onFocus} />
    </div>
  );
}

/** The enlarged head as its T×T numbers; the page draws it under the grid, where its small copy is. */
export function HeadMatrix({ maps, head, focus, onFocus }: { maps: AttentionMaps; head: HeadRef; focus: number | null; onFocus(i: number | null): void }) {
  return <Matrix maps={maps} matrix={maps.attentions[head.layer][head.head]} focus={focus} onFocus={onFocus} />;
}
