// How a training setup (fine-tune, align) shows its settings: each one a field with its one-line explanation and, once
// changed, a button back to its default; the usual ones under a heading, the rarely touched ones folded under Advanced.
import { Fragment, type ReactNode } from 'react';
import { Field, Select } from '../../ui/primitives.tsx';

/** One setting: `typed` is the text entered (undefined until then), `fallback` its default as text ('' lets the engine decide, shown as `auto`; a choice's named by its label, as the picker shows it). */
export function SettingField({ label, explanation, typed, fallback, auto, options, optionLabels, error, onChange }: {
  label: string;
  explanation: string;
  typed: string | undefined;
  fallback: string;
  auto?: string;
  /** A choice between these rather than a number. */
  options?: readonly string[] | null;
  /** What each option reads as, where its value alone says too little. */
  optionLabels?: Readonly<Record<string, string>>;
  error?: string;
  onChange(text: string): void;
}) {
  const value = typed ?? fallback;
  const changed = typed !== undefined && typed !== fallback;
  return (
    <Field label={label} help={<>{explanation}{changed && <> <button type="button" className="ft-reset" onClick={() => onChange(fallback)}>Default: {optionLabels?.[fallback] ?? (fallback || auto)}</button></>}</>} error={error}>
      {(id, d) => options ? (
        <Select id={id} aria-describedby={d} value={value} onChange={(e) => onChange(e.target.value)}>
          {options.map((o) => <option key={o} value={o}>{optionLabels?.[o] ?? o}</option>)}
        </Select>
      ) : (
        <input id={id} aria-describedby={d} className="input mono" inputMode="decimal" value={value} placeholder={auto} aria-invalid={Boolean(error)} data-changed={changed} onChange={(e) => onChange(e.target.value)} />
      )}
    </Field>
  );
}

/**
 * The settings shown, each drawn by `field`: the usual ones under `title` and `note`, the advanced ones (then `children`)
 * folded. `stale`: their defaults answer other settings than those chosen (useQuery's stale) and are loading.
 */
export function SettingGroups<S extends { key: string; advanced: boolean }>({ title, note, settings, field, stale = false, children }: { title: string; note: string; settings: S[]; field(setting: S): ReactNode; stale?: boolean; children?: ReactNode }) {
  const draw = (s: S) => <Fragment key={s.key}>{field(s)}</Fragment>;
  return (
    <>
      <div className="stale-view" aria-busy={stale}>
        <h3 className="ft-section-title">{title} <span className="faint small">{note}</span></h3>
        <div className="ft-settings">
          {settings.filter((s) => !s.advanced).map(draw)}
        </div>
      </div>

      <details className="ft-advanced stale-view" aria-busy={stale}>
        <summary>Advanced settings</summary>
        <div className="ft-settings">
          {settings.filter((s) => s.advanced).map(draw)}
          {children}
        </div>
      </details>
    </>
  );
}
