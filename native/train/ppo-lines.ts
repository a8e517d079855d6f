// PPO's log lines, worded as the CLI's progress line and `lathe align ppo`'s summary word the same figures (figure:
// four significant digits): the log said 'KL 0.000' where the summary said 'KL 0' and the progress line 'KL 1.235e-5'.
import { figure } from '../api/format.ts';

/** 'iteration 6: held-out score 0.5, KL 0.01235': the held-out rollouts measured after an iteration (0: before any). */
export function heldoutLine(iteration: number, scoreMean: number, kl: number): string {
  return `iteration ${iteration}: held-out score ${figure(scoreMean)}, KL ${figure(kl)}`;
}

/** 'iteration 3: score 0.4123, KL 0.01235, β 0.2, loss 1.235': an iteration's rollouts and the KL coefficient it used. */
export function iterationLine(iteration: number, f: { score: number; kl: number; klCoef: number; loss: number }): string {
  return `iteration ${iteration}: score ${figure(f.score)}, KL ${figure(f.kl)}, β ${figure(f.klCoef)}, loss ${figure(f.loss)}`;
}
