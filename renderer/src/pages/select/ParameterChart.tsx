// Where a model's parameters live: one stacked SVG bar (no chart library) and a legend that says what each
// component does. Colours are the chart series tokens, so the chart follows the theme. The bar sits in a padded card
// body and the legend table runs to the card's edges, as the model card's Hyperparameters and Memory tables do.
import type { ModelCard } from '../../../../native/api/models.ts';
import { PARAMETER_COMPONENTS } from '../../../../native/api/models.ts';
import { humanCount } from '../../../../native/api/format.ts';
import { SERIES_COLORS } from '../../ui/charts/scale.ts';

type Component = (typeof PARAMETER_COMPONENTS)[number];

/** One series colour per component, the same on the model card and the pretraining plan (PlanCard). */
export const COMPONENT_COLORS: Record<Component, string> = {
  embeddings: SERIES_COLORS[0],
  attention: SERIES_COLORS[1],
  mlp: SERIES_COLORS[2],
  norms: SERIES_COLORS[3],
  head: SERIES_COLORS[4],
};

const COMPONENT_INFO: Record<Component, { label: string; color: string; text: string }> = {
  embeddings: { label: 'Embeddings', color: COMPONENT_COLORS.embeddings, text: 'One learned vector per vocabulary token (and per position in GPT-2).' },
  attention: { label: 'Attention', color: COMPONENT_COLORS.attention, text: 'Query, key, value and output projections: how tokens read each other.' },
  mlp: { label: 'MLP', color: COMPONENT_COLORS.mlp, text: 'Feed-forward layers that transform each token on its own; usually the largest share.' },
  norms: { label: 'Norms', color: COMPONENT_COLORS.norms, text: 'Scales of the normalisation layers that keep activations in range.' },
  head: { label: 'Output head', color: COMPONENT_COLORS.head, text: 'Turns the last hidden vector into a score per vocabulary token.' },
};

/** An embedding model's 'head' is BERT's pooler: saved with the checkpoint, unused by mean or CLS pooling. */
const ENCODER_HEAD = { label: 'Pooler', color: COMPONENT_INFO.head.color, text: 'BERT’s pooler layer, saved with the checkpoint; sentence embeddings (mean or CLS pooling) do not use it.' };

export function ParameterChart({ parameters, encoder = false }: { parameters: ModelCard['parameters']; encoder?: boolean }) {
  const info = (c: Component) => (encoder && c === 'head' ? ENCODER_HEAD : COMPONENT_INFO[c]);
  const parts = PARAMETER_COMPONENTS.filter((c) => parameters[c] > 0).map((c) => ({ key: c, value: parameters[c], ...info(c) }));
  const total = parameters.total || 1;
  let x = 0;
  return (
    <>
      <div className="card-body">
        <svg width="100%" height="28" viewBox="0 0 1000 28" preserveAspectRatio="none" role="img" aria-label={`Parameters by component: ${parts.map((p) => `${p.label} ${((100 * p.value) / total).toFixed(1)}%`).join(', ')}`}>
          <rect x="0" y="0" width="1000" height="28" rx="6" fill="var(--surface-sunken)" />
          {parts.map((p) => {
            const w = (1000 * p.value) / total;
            const rect = <rect key={p.key} x={x} y="0" width={Math.max(w, 2)} height="28" fill={p.color}><title>{`${p.label}: ${humanCount(p.value)}`}</title></rect>;
            x += w;
            return rect;
          })}
        </svg>
      </div>
      <div className="card-body flush table-wrap">
        <table className="table" aria-label="Parameters by component">
          <thead><tr><th>Component</th><th className="num">Parameters</th><th className="num">Share</th><th>What it does</th></tr></thead>
          <tbody>
            {parts.map((p) => (
              <tr key={p.key}>
                <td><span className="row"><span className="swatch" style={{ background: p.color }} />{p.label}</span></td>
                <td className="num mono">{p.value.toLocaleString()}</td>
                <td className="num mono">{((100 * p.value) / total).toFixed(1)}%</td>
                <td className="muted small">{p.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
