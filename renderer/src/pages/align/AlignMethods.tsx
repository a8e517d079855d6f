// The three ways to align a model with preferences, side by side: what each does in one line and what data it
// needs. PPO is selectable when the engine offers it (an `align.ppo` method in the Studio API contract); without it
// the card stays, so the lifecycle reads whole, and says so.
import { methods } from '../../../../native/api/contract.ts';
import { Badge } from '../../ui/primitives.tsx';
import type { AlignMethod } from './alignForm.ts';

/** Whether the Studio API can start a PPO run at all; the card says so either way. */
export const PPO_IN_CONTRACT = 'align.ppo' in methods;

const METHODS: { id: AlignMethod; title: string; does: string; needs: string }[] = [
  { id: 'reward', title: 'Reward model', does: 'Trains a scorer that rates answers the way the preference data does; PPO (and you) can then score any answer with it.', needs: 'Pairs (prompt, chosen, rejected), or texts with a label for a classifier reward.' },
  { id: 'dpo', title: 'DPO', does: 'Tunes the model straight from preference pairs: the chosen answer becomes likelier than the rejected one, relative to a frozen reference. No reward model, no sampling.', needs: 'Pairs: prompt, chosen and rejected answers (or HH-RLHF transcripts).' },
  { id: 'ppo', title: 'PPO (RLHF)', does: 'The classic loop: the model writes answers, a reward model scores them, and PPO moves the model toward higher scores with a KL penalty that keeps it near the reference.', needs: 'Prompts, and a reward model trained first.' },
];

export function AlignMethods({ method, onPick }: { method: AlignMethod; onPick(m: AlignMethod): void }) {
  return (
    <div className="al-methods" role="radiogroup" aria-label="Alignment method">
      {METHODS.map((m) => {
        const unavailable = m.id === 'ppo' && !PPO_IN_CONTRACT;
        return (
          <button key={m.id} type="button" role="radio" aria-checked={method === m.id} aria-disabled={unavailable} className="ft-method al-method" data-testid={`align-method-${m.id}`} onClick={() => !unavailable && onPick(m.id)}>
            <span className="row">
              <span className="ft-method-radio" aria-hidden />
              <strong>{m.title}</strong>
              <span className="spacer" />
              {unavailable && <Badge tone="warning">Not available yet</Badge>}
            </span>
            <span className="small">{m.does}</span>
            <span className="small muted"><span className="stat-label">Needs</span> {m.needs}</span>
            {unavailable && <span className="small muted">The PPO trainer is being built; until it lands, train a reward model here and align with DPO.</span>}
          </button>
        );
      })}
    </div>
  );
}
