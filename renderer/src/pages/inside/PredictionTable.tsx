// The next-token distribution at every position: after reading tokens 0..t, the model's five likeliest
// continuations, and the probability (and rank) it gave the token that really comes next. This is the
// training objective made visible: every position is a prediction, scored against the next token.
import type { AttentionMaps } from '../../../../native/api/inside.ts';
import { percent, pieceLabel } from './heatmap.ts';

export function PredictionTable({ maps, focus, onFocus }: { maps: AttentionMaps; focus: number | null; onFocus(i: number | null): void }) {
  return (
    <div className="table-wrap">
      <table className="table prediction-table" aria-label="Next-token predictions" onMouseLeave={() => onFocus(null)}>
        <thead><tr><th className="num">#</th><th>After reading</th><th>Model’s top {maps.predictions[0]?.top.length ?? 0}</th><th>Really next</th></tr></thead>
        <tbody>
          {maps.predictions.map((p, t) => (
            <tr key={t} data-testid="prediction-row" data-focus={focus === t} onMouseEnter={() => onFocus(t)}>
              <td className="num faint mono">{t}</td>
              <td><span className="guess-token">{pieceLabel(maps.tokens[t].piece)}</span></td>
              <td>
                {p.top.map((c) => (
                  <span key={c.id} className="guess" data-actual={p.actual?.id === c.id} data-p={c.probability} title={`id ${c.id} · ${c.piece}`}>
                    <span className="guess-token">{pieceLabel(c.piece)}</span>
                    <span className="guess-p">{percent(c.probability)}</span>
                  </span>
                ))}
              </td>
              <td>
                {p.actual ? (
                  <span className="guess" data-actual="true" title={`the model ranked it #${p.actual.rank} of all tokens`}>
                    <span className="guess-token">{pieceLabel(maps.tokens[t + 1].piece)}</span>
                    <span className="guess-p">{percent(p.actual.probability)} · #{p.actual.rank}</span>
                  </span>
                ) : <span className="faint small">end of prompt</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
