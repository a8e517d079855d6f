// Every decoding knob with its one-line explanation. Knobs that do not act in the chosen strategy stay visible
// but disabled, so the user sees what exists and when it applies.
import type { SettingsForm, Strategy } from './settings.ts';
import { KNOBS, STRATEGIES } from './settings.ts';
import { Range } from '../../ui/primitives.tsx';

/**
 * "Sampling only." for a knob that acts in one strategy. It opens the help line under the slider: beside the label,
 * in a 280 px column, it wrapped "Temperature" onto three lines and made that row taller than the others.
 */
function onlyIn(strategies: Strategy[]): string {
  const names = strategies.map((s) => STRATEGIES.find((x) => x.id === s)!.label.toLowerCase()).join(', ');
  return `${names.charAt(0).toUpperCase()}${names.slice(1)} only.`;
}

export function SettingsPanel({ value, onChange }: { value: SettingsForm; onChange(next: SettingsForm): void }) {
  const set = (patch: Partial<SettingsForm>) => onChange({ ...value, ...patch });
  return (
    <div className="stack gap-3">
      <div className="stack gap-label">
        <div className="segmented segmented-fill" role="radiogroup" aria-label="Decoding strategy">
          {STRATEGIES.map((s) => (
            <button key={s.id} type="button" role="radio" aria-checked={value.strategy === s.id} onClick={() => set({ strategy: s.id as Strategy })}>{s.label}</button>
          ))}
        </div>
        <p className="field-help">{STRATEGIES.find((s) => s.id === value.strategy)!.help}</p>
      </div>
      {KNOBS.map((k) => {
        const active = !k.only || k.only.includes(value.strategy);
        const v = value[k.key];
        const id = `knob-${k.key}`;
        return (
          <div key={k.key} className="knob" data-active={active}>
            <div className="row">
              <label htmlFor={id} className="field-label">{k.label}</label>
              <span className="spacer" />
              <input className="input knob-number mono" type="number" aria-label={`${k.label} value`} min={k.min} max={k.max} step={k.step} value={v} disabled={!active}
                onChange={(e) => e.target.value !== '' && Number.isFinite(Number(e.target.value)) && set({ [k.key]: Number(e.target.value) })} />
            </div>
            <Range id={id} min={k.min} max={k.max} step={k.step} value={v} disabled={!active} onChange={(e) => set({ [k.key]: Number(e.target.value) })} aria-describedby={`${id}-help`} />
            <p id={`${id}-help`} className="field-help">{!active && <span className="knob-only">{onlyIn(k.only!)} </span>}{k.help}{k.off !== undefined && v === k.off ? ' (off)' : ''}</p>
          </div>
        );
      })}
      <div className="knob" data-active="true">
        <label htmlFor="knob-stop" className="field-label">Stop strings</label>
        <input id="knob-stop" className="input mono" value={value.stopStrings} onChange={(e) => set({ stopStrings: e.target.value })} placeholder={'e.g. \\n\\n|The end'} aria-describedby="knob-stop-help" />
        <p id="knob-stop-help" className="field-help">End the answer when one appears; separate with |, write a newline as \n.</p>
      </div>
    </div>
  );
}
