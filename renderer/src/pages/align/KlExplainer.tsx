// Why alignment keeps a leash on the model: the KL term (β in DPO, the KL penalty in PPO) and reward hacking.
import { Card, CardHeader } from '../../ui/primitives.tsx';
import type { AlignMethod } from './alignForm.ts';

/** For the methods that have a β: DPO and PPO (a reward model's training has none). */
export function KlExplainer({ method }: { method: Exclude<AlignMethod, 'reward'> }) {
  return (
    <Card aria-label="Why the KL term exists">
      <CardHeader title="Why β, the KL term, exists" subtitle="Reward hacking, in three sentences." />
      <div className="card-body stack small al-explainer">
        <p>
          A reward model is only an imitation of people’s judgement, and it has blind spots: it may like longer answers, certain phrases, or flattery.
          A policy pushed toward high reward with nothing holding it back finds those blind spots and learns to please the reward model rather than people —
          <strong> reward hacking</strong>: the score climbs while the answers get worse.
        </p>
        <p>
          The KL term measures how far the tuned model has drifted from the reference (the model you started from) and charges for it.
          In PPO it is a penalty β·KL subtracted from the reward; in DPO the same β sits inside the loss, and the logged rewards are β · log(π / π<sub>ref</sub>).
          A higher β keeps the model closer to the reference; a lower one lets it move further on less evidence.
        </p>
        {method === 'ppo'
          ? <p className="muted">See it for yourself: start this run once with the adaptive KL, then again with <em>Fixed β</em> at 0, and tick both on the Runs page to compare them. Without the penalty the KL keeps climbing and the completions drift into whatever the reward model likes best.</p>
          : <p className="muted">Watch the chosen and rejected rewards: healthy DPO raises the margin between them; both falling fast while accuracy saturates means the model is drifting, so raise β or stop earlier.</p>}
      </div>
    </Card>
  );
}
