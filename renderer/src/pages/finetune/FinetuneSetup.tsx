// "New fine-tune run": model, dataset (with its column mapping, which decides the task format), method with
// the full-versus-LoRA comparison, and the hyperparameters the engine sized for this model, each with its
// one-line explanation; the rarely touched ones are folded under Advanced. Ctrl/Cmd+Enter starts the run.
import { useId, type FormEvent } from 'react';
import { firstFreeName, runNameTag, tunedModelName } from '../../../../native/api/model-names.ts';
import type { Dataset, Model, TaskType } from '../../../../native/api/schemas.ts';
import { DatasetOptions, type DatasetChoices } from '../datasets/datasetChoices.tsx';
import { mappedFields, namesItself } from '../datasets/mappingFields.ts';
import { SCHEDULE_LABELS, SCHEDULES, SFT_FORMAT_LABELS, SFT_FORMATS, defaultFinetuneRunName, formatForMapping } from '../../../../native/api/train.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { formatCount } from '../../domain/format.ts';
import { Button, Callout, Card, CardHeader, Field, Select } from '../../ui/primitives.tsx';
import { MethodCompare } from './MethodCompare.tsx';
import { SettingField, SettingGroups } from './SettingFields.tsx';
import { explanationOf, loraTrainable, problems, SETTINGS, defaultText, valueOf, type Defaults, type FinetuneForm, type Setting } from './trainForm.ts';
import { plural } from '../../../../native/api/format.ts';

/** The task format the run trains in, as the engine resolves it: the one chosen, else the one the mapping implies. */
function formatText(chosen: string, dataset: Dataset): string {
  if (chosen !== 'auto') return SFT_FORMAT_LABELS[chosen as keyof typeof SFT_FORMAT_LABELS] ?? chosen;
  const picked = formatForMapping(dataset.mapping, dataset.columns);
  return picked ? `${SFT_FORMAT_LABELS[picked]} (from the saved mapping)` : 'none fits this mapping: map its columns on the Datasets page';
}

export function FinetuneSetup({ form, onChange, task, models, datasets, defaults, defaultsStale, defaultsError, busy, onStart }: {
  form: FinetuneForm;
  onChange(next: FinetuneForm): void;
  /** The project's task: the mapping's fields are named as the Datasets page's editor names them (mappedFields). */
  task: TaskType;
  models: Model[];
  /** The project's datasets, then those in no project (datasetChoices). */
  datasets: DatasetChoices;
  defaults: Defaults | undefined;
  /** The defaults answer the model or method chosen before; those for the current ones are loading (useQuery's stale). */
  defaultsStale: boolean;
  defaultsError: Error | null;
  busy: boolean;
  onStart(): void;
}) {
  const set = (patch: Partial<FinetuneForm>) => onChange({ ...form, ...patch });
  const setValue = (key: string, text: string) => set({ values: { ...form.values, [key]: text } });
  const dataset = datasets.offered.find((d) => d.id === form.datasetId);
  const issues = problems(form, defaults);
  const shown = SETTINGS.filter((s) => !s.loraOnly || form.method === 'lora');
  const rank = Number(valueOf(form, defaults, SETTINGS.find((s) => s.key === 'lora.r')!));
  const targets = form.targetModules ?? defaults?.loraTargets.default ?? [];
  const footerId = useId();
  // Why Start is grey, beside it: a run started from the last method's defaults would train with its learning rate.
  const waiting = defaultsError ? null : !defaults || defaultsStale ? 'To start, wait for the settings sized for this model and method: they are loading.' : null;
  const canStart = Object.keys(issues).length === 0 && !busy && defaults !== undefined && !defaultsStale;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canStart) onStart();
  };
  const field = (s: Setting) => <SettingField label={s.label} explanation={explanationOf(defaults, s)} typed={form.values[s.key]} fallback={defaultText(defaults, s)} auto={s.auto} options={s.kind === 'schedule' ? SCHEDULES : s.kind === 'format' ? SFT_FORMATS : null} optionLabels={s.kind === 'format' ? SFT_FORMAT_LABELS : s.kind === 'schedule' ? SCHEDULE_LABELS : undefined} error={issues[s.key]} onChange={(t) => setValue(s.key, t)} />;
  const mapping = dataset ? mappedFields(task, dataset.mapping) : [];
  const batch = Number(valueOf(form, defaults, SETTINGS.find((s) => s.key === 'batchSize')!)) * Number(valueOf(form, defaults, SETTINGS.find((s) => s.key === 'gradAccum')!));
  const steps = valueOf(form, defaults, SETTINGS.find((s) => s.key === 'maxSteps')!);
  const trainRows = dataset?.splits.train ?? null;
  // The name the engine gives the tuned model when this is left empty (policy-outputs.ts), -2 and on when taken.
  const baseName = models.find((m) => m.id === form.modelId)?.name ?? 'model';
  const outputPlaceholder = firstFreeName(tunedModelName(baseName, runNameTag('finetune', form.method), form.method === 'lora'), (n) => models.some((m) => m.name === n));

  return (
    <Card aria-label="New fine-tune run">
      <form onSubmit={submit} onKeyDown={submitOnModEnter} aria-label="Fine-tune setup">
        <CardHeader title="New fine-tune run" subtitle="Teach a model your task from examples. Runs as a job in the background; you can leave this page." />
        <div className="card-body stack gap-5">
          <div className="form-grid">
            <Field label="Model" help={defaults ? `${defaults.architecture} · ${formatCount(defaults.parameters.total)} parameters` : 'The base model to adapt.'} error={models.length === 0 ? 'No models yet — import one on the Select page.' : null}>
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={form.modelId} onChange={(e) => set({ modelId: e.target.value, values: {}, targetModules: null })}>
                  {models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
                </Select>
              )}
            </Field>
            <Field label="Dataset" help={dataset ? `${formatCount(dataset.splits.train ?? 0)} train · ${formatCount(dataset.splits.validation ?? 0)} validation rows` : 'Import one on the Datasets page.'}>
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={form.datasetId} onChange={(e) => set({ datasetId: e.target.value })}>
                  <DatasetOptions choices={datasets} />
                </Select>
              )}
            </Field>
            {dataset && (
              <div className="span-2 ft-mapping" aria-label="Column mapping">
                <span className="stat-label">Column mapping</span>
                {mapping.length ? mapping.map((f) => <span key={f.field} className="ft-map-chip" data-testid="finetune-mapped">{namesItself(f) ? <span className="mono" title={`The ${f.column} column feeds the ${f.field} field`}>{f.column}</span> : <><span className="muted">{f.label}</span> ← <span className="mono">{f.column}</span></>}</span>) : <span className="muted small">none yet</span>}
                <span className="spacer" />
                <span className="small muted" data-testid="finetune-format">Format: {formatText(valueOf(form, defaults, SETTINGS.find((s) => s.key === 'format')!), dataset)}</span>
              </div>
            )}
          </div>

          {defaultsError && <Callout tone="danger" title="Could not size the defaults for this model">{defaultsError.message}</Callout>}
          {defaults && <div className="stale-view" aria-busy={defaultsStale && !defaultsError}><MethodCompare defaults={defaults} method={form.method} rank={rank} loraCount={loraTrainable(defaults, rank, form.targetModules)} onPick={(method) => set({ method, values: Object.fromEntries(Object.entries(form.values).filter(([k]) => k !== 'lr')) })} /></div>}

          <SettingGroups title="Hyperparameters" note="sized for this model and machine" settings={shown} field={field} stale={defaultsStale && !defaultsError}>
            {form.method === 'lora' && defaults && (
              <div className="field ft-span">
                <span className="field-label">LoRA target modules</span>
                <div className="row-wrap" role="group" aria-label="LoRA target modules">
                  {defaults.loraTargets.available.map((t) => {
                    const on = targets.includes(t);
                    return <button key={t} type="button" role="checkbox" aria-checked={on} className="metric-chip mono" onClick={() => set({ targetModules: on ? targets.filter((x) => x !== t) : [...targets, t] })}>{t}</button>;
                  })}
                </div>
                <p className={issues.targetModules ? 'field-error' : 'field-help'}>{issues.targetModules ?? `Projections that get an adapter; more modules learn more. Default: ${defaults.loraTargets.default.join(', ')}.`}</p>
              </div>
            )}
            <div className="ft-span stack gap-5 align-start">
              <label className="checkbox"><input type="checkbox" checked={form.trainOnPrompt} onChange={(e) => set({ trainOnPrompt: e.target.checked })} /><span>Also learn the prompt tokens <span className="faint small">(default: loss on the answer only)</span></span></label>
              {form.method === 'lora' && <label className="checkbox"><input type="checkbox" checked={form.merge} onChange={(e) => set({ merge: e.target.checked })} /><span>Also save the adapter merged into a new model</span></label>}
            </div>
            <Field label="Run name" optional help="Shown in the run list.">
              {(id, d) => <input id={id} aria-describedby={d} className="input" value={form.name} placeholder={defaultFinetuneRunName(form.method, baseName, dataset?.name ?? 'dataset')} onChange={(e) => set({ name: e.target.value })} />}
            </Field>
            <Field label="Output model name" optional help="The tuned model’s name on the Select page.">
              {(id, d) => <input id={id} aria-describedby={d} className="input" value={form.outputName} placeholder={outputPlaceholder} onChange={(e) => set({ outputName: e.target.value })} />}
            </Field>
          </SettingGroups>
        </div>
        <footer className="card-footer">
          <span className="muted small push-rest" id={footerId}>
            {waiting ?? <>{steps.trim() ? plural(Number(steps), 'step') : trainRows !== null && batch > 0 ? `about ${plural(Math.ceil(trainRows / batch), 'step')} per epoch` : ''}{batch > 0 ? ` · ${plural(batch, 'example')} per step` : ''}</>}
          </span>
          <Button type="submit" variant="primary" icon="activity" disabled={!canStart} aria-describedby={footerId} shortcut={`${MOD}↵`}>Start fine-tuning</Button>
        </footer>
      </form>
    </Card>
  );
}
