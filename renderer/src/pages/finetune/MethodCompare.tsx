// Full fine-tuning against LoRA, side by side: how many weights each trains (a bar against the whole model)
// and the memory each needs to train (bars on one scale, the larger need, as the Select page's memory bars) and
// whether that fits this machine. The memory bar takes the accent like every other bar, and the warning colour
// only when the need is tight: always orange, a full bar read as a warning beside "fits in 23.5 GB".
// Picking a side picks the method.
import type { Defaults } from './trainForm.ts';
import { Badge } from '../../ui/primitives.tsx';
import { humanBytes, humanCount } from '../../../../native/api/format.ts';

export function MethodCompare({ defaults, method, rank, loraCount, onPick }: { defaults: Defaults; method: 'lora' | 'full'; rank: number; loraCount: number; onPick(m: 'lora' | 'full'): void }) {
  const total = defaults.parameters.total;
  const machine = defaults.machine.memoryBytes;
  const options = [
    { id: 'full' as const, title: 'Full fine-tuning', trainable: defaults.parameters.trainableFull, memory: defaults.memoryBytes.full, text: 'Updates every weight. The most capable, and the result is a whole new model.' },
    { id: 'lora' as const, title: 'LoRA', trainable: loraCount, memory: 4 * total + 16 * loraCount, text: `Freezes the base and trains rank-${rank} adapters: a file of ${humanBytes(loraCount * 4)} you can merge or swap.` },
  ];
  const most = Math.max(...options.map((o) => o.memory), 1);
  return (
    <div className="ft-methods" role="radiogroup" aria-label="Method">
      {options.map((o) => {
        const share = o.trainable / Math.max(1, total);
        const fits = o.memory < machine * 0.8;
        return (
          <button key={o.id} type="button" role="radio" aria-checked={method === o.id} className="ft-method" onClick={() => onPick(o.id)} data-testid={`method-${o.id}`}>
            <span className="row">
              <span className="ft-method-radio" aria-hidden />
              <strong>{o.title}</strong>
              <span className="spacer" />
              {defaults.recommendedMethod === o.id && <Badge tone="accent">recommended</Badge>}
            </span>
            <span className="small muted">{o.text}</span>
            <span className="ft-measure">
              <span className="stat-label">Trainable parameters</span>
              <span className="ft-measure-value"><strong className="mono">{o.trainable.toLocaleString()}</strong><span className="muted small">{(share * 100).toFixed(share < 0.01 ? 2 : 1)}% of {humanCount(total)}</span></span>
              <span className="ft-bar" aria-hidden><span style={{ width: `${Math.max(0.6, share * 100)}%` }} /></span>
            </span>
            <span className="ft-measure">
              <span className="stat-label">Memory to train</span>
              <span className="ft-measure-value"><strong className="mono">≈ {humanBytes(o.memory)}</strong><span className={fits ? 'muted small' : 'small ft-warn'}>{fits ? `fits in ${humanBytes(machine)}` : `tight for ${humanBytes(machine)}`}</span></span>
              <span className="ft-bar" data-tone={fits ? undefined : 'warning'} data-testid={`memory-bar-${o.id}`} aria-hidden><span style={{ width: `${Math.max(0.6, (o.memory / most) * 100)}%` }} /></span>
            </span>
          </button>
        );
      })}
      <p className="field-help ft-methods-note">Memory counts fp32 weights, gradients and AdamW’s two moments for what is trained ({defaults.machine.cpus} CPU cores, {humanBytes(machine)} here); activations add more with batch × length.</p>
    </div>
  );
}
