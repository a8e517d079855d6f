// "New alignment run": the method (reward model, DPO or PPO), model and dataset with a preview of what the
// method would read from it (PPO: the prompts, the reward run that scores them and the KL mode), and the settings (sized for the model by the engine where it sizes them), each
// with its one-line explanation; the rarely touched ones are folded under Advanced. Ctrl/Cmd+Enter starts the run.
import { useId, type FormEvent } from 'react';
import type { AlignPreview } from '../../../../native/api/align.ts';
import type { Model, Run } from '../../../../native/api/schemas.ts';
import { plural } from '../../../../native/api/format.ts';
import { SKIP_UNPAIRED_LABEL } from '../../../../native/api/labels.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { formatCount } from '../../domain/format.ts';
import { Button, Callout, Card, CardHeader, Field, Select } from '../../ui/primitives.tsx';
import { DatasetOptions, type DatasetChoices } from '../datasets/datasetChoices.tsx';
import { SettingField, SettingGroups } from '../finetune/SettingFields.tsx';
import type { Defaults } from '../finetune/trainForm.ts';
import { AlignDataPreview } from './AlignDataPreview.tsx';
import { AlignMethods } from './AlignMethods.tsx';
import { ALIGN_SETTINGS, alignProblems, defaultOf, settingsFor, valueOf, type AlignForm, type AlignSetting } from './alignForm.ts';
import { KlModePicker, PpoPromptPreview, ppoDataBlock, RewardRunField } from './PpoSetupParts.tsx';

const START_LABEL = { reward: 'Train the reward model', dpo: 'Start DPO', ppo: 'Start PPO' } as const;
const MODEL_ROLE = { reward: 'the score head sits on it', dpo: 'also the frozen reference', ppo: 'the policy starts here; also the frozen reference' } as const;

export function AlignSetup({ form, onChange, models, datasets, rewardRuns, defaults, defaultsStale, defaultsError, preview, busy, onStart, onMapColumns, projectName }: {
  form: AlignForm;
  onChange(next: AlignForm): void;
  models: Model[];
  datasets: DatasetChoices;
  /** Finished reward runs, newest first: what can score PPO's rollouts. */
  rewardRuns: Run[];
  defaults: Defaults | undefined;
  /** The defaults answer the model or tuning chosen before; those for the current ones are loading (useQuery's stale). */
  defaultsStale: boolean;
  defaultsError: Error | null;
  /** `stale`: the preview shown is of the dataset or method chosen before; the current one's is loading. */
  preview: { data: AlignPreview | undefined; stale: boolean; loading: boolean; error: Error | null };
  busy: boolean;
  onStart(): void;
  /** Datasets → mapping editor, and Datasets → import, where what is missing is made. */
  onMapColumns(): void;
  projectName: string;
}) {
  const set = (patch: Partial<AlignForm>) => onChange({ ...form, ...patch });
  const setValue = (key: string, text: string) => set({ values: { ...form.values, [key]: text } });
  const dataset = datasets.offered.find((d) => d.id === form.datasetId);
  const issues = alignProblems(form, defaults);
  const shown = settingsFor(form);
  const p = preview.data;
  const ppo = form.method === 'ppo';
  const dataBlock = ppo ? ppoDataBlock(dataset) ?? (form.rewardRunId ? null : 'Choose a reward model.') : !p || preview.stale ? 'The dataset preview has not loaded yet.' : p.unusable ? 'The dataset’s mapping cannot feed this method.' : p.valid === 0 ? 'No row of the dataset makes an example.' : p.kind === 'pairs' && p.problemCount > 0 && !form.skipInvalid ? `${plural(p.problemCount, 'row')} make no example; fix them or tick “${SKIP_UNPAIRED_LABEL}”.` : null;
  // Why Start is grey, beside it: a run started from the last model's or tuning's defaults would train with its settings.
  const blocked = dataBlock ?? (defaultsError || (defaults && !defaultsStale) ? null : 'To start, wait for the settings sized for this model and method: they are loading.');
  const canStart = !busy && defaults !== undefined && !defaultsStale && Object.keys(issues).length === 0 && blocked === null;
  const footerId = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canStart) onStart();
  };
  const field = (s: AlignSetting) => <SettingField label={s.label} explanation={s.explanation} typed={form.values[s.key]} fallback={defaultOf(form, defaults, s)} auto={s.auto} options={s.options} optionLabels={s.optionLabels} error={issues[s.key]} onChange={(t) => setValue(s.key, t)} />;
  const text = (key: string) => valueOf(form, defaults, ALIGN_SETTINGS.find((s) => s.key === key)!);
  const batch = ppo ? 0 : Number(text('batchSize')) * Number(text('gradAccum'));
  const steps = text('maxSteps');
  const unit = p?.kind === 'labels' ? 'text' : 'pair';
  const summary = ppo
    ? `${plural(Number(text('steps')) || 0, 'iteration')} · ${plural(Number(text('batchSize')) || 0, 'rollout')} each, ${plural(Number(text('generation.maxNewTokens')) || 0, 'new token')} long`
    : `${steps.trim() ? plural(Number(steps), 'step') : dataset && batch > 0 ? `about ${plural(Math.max(1, Math.ceil((dataset.splits.train ?? 0) / batch)), 'step')} per epoch` : ''}${batch > 0 ? ` · ${plural(batch, unit)} per step` : ''}`;

  return (
    <Card aria-label="New alignment run">
      <form onSubmit={submit} onKeyDown={submitOnModEnter} aria-label="Align setup">
        <CardHeader title="New alignment run" subtitle="Tune the model toward what people prefer. Runs as a job in the background; you can leave this page." />
        <div className="card-body stack gap-5">
          <AlignMethods method={form.method} onPick={(method) => set({ method, values: {}, datasetId: method === 'ppo' && ppoDataBlock(dataset) ? datasets.offered.find((d) => !ppoDataBlock(d))?.id ?? form.datasetId : form.datasetId })} />

          <div className="form-grid">
            <Field label="Model" help={defaults ? `${defaults.architecture} · ${formatCount(defaults.parameters.total)} parameters · ${MODEL_ROLE[form.method]}` : 'The model to align.'}>
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={form.modelId} onChange={(e) => set({ modelId: e.target.value, values: {} })}>
                  {models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
                </Select>
              )}
            </Field>
            {ppo && <RewardRunField form={form} runs={rewardRuns} onChange={(rewardRunId) => set({ rewardRunId })} onTrainOne={() => set({ method: 'reward', values: {} })} />}
            <Field label={ppo ? 'Prompts' : 'Dataset'} help={dataset ? `${formatCount(dataset.splits.train ?? 0)} train · ${formatCount(dataset.splits.validation ?? 0)} validation rows` : ppo ? 'Import a file of prompts on the Datasets page.' : 'Import preference pairs on the Datasets page.'}>
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={form.datasetId} onChange={(e) => set({ datasetId: e.target.value })}>
                  <DatasetOptions choices={datasets} />
                </Select>
              )}
            </Field>
            <div className="span-2">
              <h3 className="ft-section-title">What the {form.method === 'reward' ? 'reward model' : 'policy'} will read <span className="faint small">{ppo ? 'the first prompts; the policy writes the rest' : 'the first rows, and every row checked'}</span></h3>
              {ppo
                ? <PpoPromptPreview dataset={dataset} onMapColumns={onMapColumns} />
                : <div className="stale-view" aria-busy={preview.stale && !preview.error}><AlignDataPreview preview={p} loading={preview.loading} error={preview.error} skipInvalid={form.skipInvalid} onMapColumns={onMapColumns}
                  pairsInProject={{ any: datasets.offered.some((d) => d.mapping.chosen !== undefined && d.mapping.rejected !== undefined), projectName, onImport: onMapColumns }} /></div>}
            </div>
          </div>

          {defaultsError && <Callout tone="danger" title="Could not size the defaults for this model">{defaultsError.message}</Callout>}

          {ppo && <KlModePicker mode={form.klMode} onChange={(klMode) => set({ klMode })} />}
          {form.method !== 'reward' && (
            <div className="segmented" role="radiogroup" aria-label={ppo ? 'PPO tuning' : 'DPO tuning'}>
              <button type="button" role="radio" aria-checked={form.tuning === 'lora'} onClick={() => set({ tuning: 'lora', values: {} })}>LoRA · reference = base, adapter off</button>
              <button type="button" role="radio" aria-checked={form.tuning === 'full'} onClick={() => set({ tuning: 'full', values: {} })}>Full · reference = a frozen copy</button>
            </div>
          )}

          <SettingGroups title="Settings" note={ppo ? 'TRL’s PPO defaults; the learning rate sized for this model' : 'learning rate and length sized for this model'} settings={shown} field={field} stale={defaultsStale && !defaultsError}>
            {form.method !== 'reward' && form.tuning === 'lora' && (
              <div className="field ft-span"><label className="checkbox"><input type="checkbox" checked={form.merge} onChange={(e) => set({ merge: e.target.checked })} /><span>Also save the adapter merged into a new model</span></label></div>
            )}
            <Field label="Run name" optional help="Shown in the run list.">
              {(id, d) => <input id={id} aria-describedby={d} className="input" value={form.name} placeholder={`${form.method} ${models.find((m) => m.id === form.modelId)?.name ?? 'model'} on ${dataset?.name ?? 'dataset'}`} onChange={(e) => set({ name: e.target.value })} />}
            </Field>
          </SettingGroups>
        </div>
        <footer className="card-footer">
          {!ppo && p?.kind !== 'labels' && (
            <label className="checkbox small">
              <input type="checkbox" checked={form.skipInvalid} onChange={(e) => set({ skipInvalid: e.target.checked })} />
              <span>{SKIP_UNPAIRED_LABEL}</span>
            </label>
          )}
          <span className="muted small push-rest" id={footerId}>
            {blocked ?? summary}
          </span>
          <Button type="submit" variant="primary" icon="activity" disabled={!canStart} aria-describedby={footerId} shortcut={`${MOD}↵`}>{START_LABEL[form.method]}</Button>
        </footer>
      </form>
    </Card>
  );
}
