// The playground's generation settings: the form's state, each knob's one-line explanation and range, and
// the conversion to the API's GenerateSettings.
import type { GenerateSettingsInput } from '../../../../native/api/models.ts';

export type Strategy = 'greedy' | 'sample' | 'beam';

export interface SettingsForm {
  strategy: Strategy;
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  noRepeatNgramSize: number;
  numBeams: number;
  maxNewTokens: number;
  stopStrings: string;
  seed: number;
}

export const DEFAULT_SETTINGS: SettingsForm = {
  strategy: 'greedy', temperature: 0.8, topK: 40, topP: 0.95, minP: 0, repetitionPenalty: 1, presencePenalty: 0,
  frequencyPenalty: 0, noRepeatNgramSize: 0, numBeams: 3, maxNewTokens: 120, stopStrings: '', seed: 42,
};

export type NumericKnob = Exclude<keyof SettingsForm, 'strategy' | 'stopStrings'>;

export interface Knob {
  key: NumericKnob;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
  /** The strategies it acts in (all when absent). */
  only?: Strategy[];
  /** The value that turns it off, shown as "off". */
  off?: number;
}

export const KNOBS: Knob[] = [
  { key: 'temperature', label: 'Temperature', help: 'Below 1 sharpens the odds toward the likeliest tokens; above 1 flattens them.', min: 0.05, max: 2, step: 0.05, only: ['sample'] },
  { key: 'topK', label: 'Top-k', help: 'Draw only from the k likeliest tokens.', min: 0, max: 200, step: 1, only: ['sample'], off: 0 },
  { key: 'topP', label: 'Top-p', help: 'Draw from the smallest set of tokens whose odds add up to p (nucleus).', min: 0.05, max: 1, step: 0.01, only: ['sample'], off: 1 },
  { key: 'minP', label: 'Min-p', help: 'Drop tokens less likely than min-p × the top token’s probability.', min: 0, max: 0.5, step: 0.01, only: ['sample'], off: 0 },
  { key: 'repetitionPenalty', label: 'Repetition penalty', help: 'Divides the score of every token already in the text; above 1 discourages loops.', min: 1, max: 2, step: 0.05, off: 1 },
  { key: 'presencePenalty', label: 'Presence penalty', help: 'Subtracts a flat amount from tokens already generated once.', min: 0, max: 2, step: 0.1, off: 0 },
  { key: 'frequencyPenalty', label: 'Frequency penalty', help: 'Subtracts more the more often a token was generated.', min: 0, max: 2, step: 0.1, off: 0 },
  { key: 'noRepeatNgramSize', label: 'No-repeat n-gram', help: 'Forbids repeating any sequence of n tokens.', min: 0, max: 6, step: 1, off: 0 },
  { key: 'numBeams', label: 'Beams', help: 'Keeps this many candidate continuations and returns the best-scoring one.', min: 2, max: 8, step: 1, only: ['beam'] },
  { key: 'maxNewTokens', label: 'Max new tokens', help: 'Stop after this many generated tokens.', min: 1, max: 500, step: 1 },
  { key: 'seed', label: 'Seed', help: 'The same seed and settings give the same sample again.', min: 0, max: 99999, step: 1, only: ['sample'] },
];

export const STRATEGIES: { id: Strategy; label: string; help: string }[] = [
  { id: 'greedy', label: 'Greedy', help: 'Always the likeliest token: deterministic, can loop.' },
  { id: 'sample', label: 'Sampling', help: 'Draw at random from the shaped odds: varied, seeded.' },
  { id: 'beam', label: 'Beams', help: 'Explore several continuations, keep the best overall.' },
];

export function toApiSettings(s: SettingsForm): GenerateSettingsInput {
  const sample = s.strategy === 'sample';
  const stops = s.stopStrings.split('|').map((x) => x.replace(/\\n/g, '\n')).filter((x) => x.length > 0);
  return {
    doSample: sample,
    temperature: sample ? s.temperature : undefined,
    topK: sample ? s.topK : undefined,
    topP: sample ? s.topP : undefined,
    minP: sample ? s.minP : undefined,
    seed: sample ? s.seed : undefined,
    numBeams: s.strategy === 'beam' ? s.numBeams : 1,
    repetitionPenalty: s.repetitionPenalty,
    presencePenalty: s.presencePenalty || undefined,
    frequencyPenalty: s.frequencyPenalty || undefined,
    noRepeatNgramSize: s.noRepeatNgramSize,
    maxNewTokens: s.maxNewTokens,
    stopStrings: stops.length ? stops : undefined,
  };
}

/**
 * A setting and its value as one unbreakable unit (non-breaking hyphen and space): in a narrow column's header a
 * line may break between "top-k 40" and "top-p 0.95", never inside one ("top-" / "p 0.95").
 */
const unbroken = (part: string): string => part.replaceAll('-', '\u2011').replaceAll(' ', '\u00a0');

/** A short summary of what differs from greedy defaults, for comparison headers. */
export function summarize(s: SettingsForm): string {
  const parts: string[] = [STRATEGIES.find((x) => x.id === s.strategy)!.label];
  if (s.strategy === 'sample') parts.push(`T ${s.temperature}`, `top-k ${s.topK || 'off'}`, `top-p ${s.topP}`, ...(s.minP ? [`min-p ${s.minP}`] : []));
  if (s.strategy === 'beam') parts.push(`${s.numBeams} beams`);
  if (s.repetitionPenalty !== 1) parts.push(`rep ${s.repetitionPenalty}`);
  if (s.noRepeatNgramSize) parts.push(`no-repeat ${s.noRepeatNgramSize}`);
  return parts.map(unbroken).join(' · ');
}

/** What produced an output: its model and settings in words, and a key that changes whenever any setting does. */
export interface MadeWith { label: string; key: string }

export function madeWith(modelName: string, modelId: string | null, s: SettingsForm): MadeWith {
  return { label: `${modelName} · ${summarize(s)}`, key: JSON.stringify([modelId, toApiSettings(s)]) };
}

/**
 * An output card's subtitle. Before any generation, what Generate will use. After one, what made the answer on
 * screen (not the form's current settings, which did not), saying so when the form has moved on since, so that
 * "Greedy" above an answer while the form says Sampling reads as the truth it is rather than a stale label.
 */
export function outputSubtitle(made: MadeWith | null, now: MadeWith): string {
  if (!made) return now.label;
  return made.key === now.key ? made.label : `${made.label} — settings changed since`;
}

/** Side B's settings when comparison opens: what side A is not, so the first A/B run shows a difference (greedy against sampling at T 0.8). */
export function contrastingSettings(a: SettingsForm): SettingsForm {
  return a.strategy === 'greedy' ? { ...a, strategy: 'sample', temperature: DEFAULT_SETTINGS.temperature } : { ...a, strategy: 'greedy' };
}
