// What the shape costs, before anything runs: the parameter count, where the parameters sit (one bar per
// component), and the memory training needs, against what this studio's models usually are.
import { Card, CardHeader, Stat } from '../../ui/primitives.tsx';
import { humanBytes, humanCount } from '../../../../native/api/format.ts';
import { COMPONENT_COLORS } from '../select/ParameterChart.tsx';
import type { ModelShape, Plan } from './pretrainPlan.ts';

const PARTS = [
  { key: 'embeddings', label: 'Embeddings', color: COMPONENT_COLORS.embeddings },
  { key: 'attention', label: 'Attention', color: COMPONENT_COLORS.attention },
  { key: 'mlp', label: 'MLP', color: COMPONENT_COLORS.mlp },
  { key: 'norms', label: 'Norms', color: COMPONENT_COLORS.norms },
] as const;

export function PlanCard({ shape, plan }: { shape: ModelShape; plan: Plan | null }) {
  return (
    <Card aria-label="Model plan">
      <CardHeader title="Before it runs" subtitle="Computed from the shape; nothing is trained yet." />
      <div className="card-body stack">
        {plan ? (
          <>
            <div>
              <span className="stat-label">Parameters</span>
              <div className="pt-total" data-testid="pretrain-parameters">{plan.total.toLocaleString()}</div>
              <span className="muted small">{humanCount(plan.total)} · {shape.family === 'gpt2' ? 'GPT-2' : 'Llama'}, tied input and output embeddings</span>
            </div>
            <div className="pt-parts" role="table" aria-label="Parameters by component">
              {PARTS.map((p) => {
                const share = plan[p.key] / Math.max(1, plan.total);
                return (
                  <div key={p.key} role="row" className="grid-row">
                    <span role="cell" className="row"><span className="swatch" style={{ background: p.color }} />{p.label}</span>
                    <span role="cell" className="ft-bar" aria-hidden><span style={{ width: `${Math.max(0.5, share * 100)}%`, background: p.color }} /></span>
                    <span role="cell" className="mono small" title={plan[p.key].toLocaleString()}>{(share * 100).toFixed(1)}%</span>
                  </div>
                );
              })}
            </div>
            <div className="grid-2">
              <Stat label="Memory to train" value={`≈ ${humanBytes(plan.trainingBytes)}`} />
              <Stat label="Weights on disk" value={humanBytes(plan.total * 4)} />
              <Stat label="Head size" value={Number.isInteger(plan.headDim) ? plan.headDim : '—'} />
              <Stat label="MLP width" value={plan.mlpWidth.toLocaleString()} />
            </div>
            <p className="field-help">Memory counts fp32 weights, gradients and AdamW’s two moments; activations add more with batch × context. A model of a few million parameters trains in minutes on a laptop CPU.</p>
          </>
        ) : (
          <p className="muted small">Fix the highlighted fields to see the parameter count and memory.</p>
        )}
      </div>
    </Card>
  );
}
