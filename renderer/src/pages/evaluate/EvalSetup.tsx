// The "New evaluation" form: model, data (dataset, split, how many examples), prompt (zero/one/few-shot and
// its layout), metrics (the project's first; the LLM judge with its model and rubric) and decoding (greedy by
// default). Ctrl/Cmd+Enter starts it.
import { useEffect, useId, type FormEvent } from 'react';
import { intervalsSaid, type EvalMetricName } from '../../../../native/api/eval.ts';
import type { Model, Run } from '../../../../native/api/schemas.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { DatasetOptions, type DatasetChoices } from '../datasets/datasetChoices.tsx';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { formatCount } from '../../domain/format.ts';
import { Badge, Button, Card, CardHeader, Field, ReadError, Select } from '../../ui/primitives.tsx';
import { layoutLabels, limitHelp, problems, shotColumnMissing, shotsOf, SPLIT_LABELS, templateFromMapping, templateName, type EvalForm, type JudgeRubricChoice, type Split, withDefaultLimit } from './evalForm.ts';
import { isPerplexity, metricExplain, metricLabel } from './metrics.ts';
import { KNOBS, type NumericKnob } from '../playground/settings.ts';
import { plural } from '../../../../native/api/format.ts';

const SPLITS: Split[] = ['test', 'validation', 'train', 'all'];
const SPLIT_HELP: Record<Split, string> = {
  test: 'Held out from tuning: the honest score.',
  train: 'Rows a fine-tune learns from: scores here flatter the model.',
  validation: 'For choosing settings; keep test for the final word.',
  all: 'Every row, whatever its split.',
};
const DECODING_HELP: Record<EvalForm['decoding'], string> = {
  greedy: 'Greedy is deterministic: the same run gives the same scores again. Answers stop at a newline.',
  sample: 'Sampling varies with the seed; compare runs with the same seed.',
  beam: 'Beam search keeps several candidates and returns the best-scoring one; slower.',
};
const TEMPLATE_LABELS = { instruction: 'Instruction', input: 'Input', output: 'Solved example', answerPrefix: 'Answer prefix' } as const;

function Segmented<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: { id: T; label: string }[]; onChange(v: T): void }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((o) => <button key={o.id} type="button" role="radio" aria-checked={value === o.id} onClick={() => onChange(o.id)}>{o.label}</button>)}
    </div>
  );
}

/** A decoding setting as a form field, label over its box and help under it; the help is the playground knob's. */
function DecodingField({ knob, label, value, min, max, step = 1, onChange }: { knob: NumericKnob; label?: string; value: number; min: number; max: number; step?: number; onChange(v: number): void }) {
  const { label: knobLabel, help } = KNOBS.find((k) => k.key === knob)!;
  return (
    <Field label={label ?? knobLabel} help={help}>
      {(id, d) => <input id={id} aria-describedby={d} className="input mono" type="number" min={min} max={max} step={step} value={value} onChange={(e) => e.target.value !== '' && Number.isFinite(Number(e.target.value)) && onChange(Number(e.target.value))} />}
    </Field>
  );
}

function NumberInput({ label, value, min, max, step = 1, onChange }: { label: string; value: number; min: number; max: number; step?: number; onChange(v: number): void }) {
  return (
    <label className="eval-knob">
      <span className="small muted">{label}</span>
      <input className="input mono" type="number" aria-label={label} min={min} max={max} step={step} value={value} onChange={(e) => e.target.value !== '' && Number.isFinite(Number(e.target.value)) && onChange(Number(e.target.value))} />
    </label>
  );
}

const RUBRIC_LABELS: Record<JudgeRubricChoice, string> = { helpfulness: 'Helpfulness', faithfulness: 'Faithfulness to the input', summary: 'Summary quality', custom: 'Your own rubric…' };
const JUDGE_HELP = {
  pointwise: 'The judge rates each answer 1–5. The score is read from its probabilities of the five digits, not from text it writes, so small models work too; each example keeps the prompt and the probabilities.',
  pairwise: 'The judge compares each answer with the first reference (or another run’s answer to the same example), asked twice with the two swapped; averaging the orders cancels position bias. The score is the chance the answer wins.',
};

/** Evaluation runs whose answers a pairwise judge can compare with: same dataset and split, answers kept. */
function comparableRuns(runs: Run[] | undefined, form: EvalForm): Run[] {
  return (runs ?? []).filter((r) => {
    const c = (r.config ?? {}) as { dataset?: { id?: string }; split?: string; retrieval?: unknown };
    return c.dataset?.id === form.datasetId && c.split === form.split && !c.retrieval && (r.status === 'succeeded' || r.status === 'cancelled');
  });
}

function JudgeFields({ form, set, models, columns, issues }: { form: EvalForm; set(patch: Partial<EvalForm>): void; models: Model[]; columns: string[]; issues: ReturnType<typeof problems> }) {
  const message = issues.judge ?? issues.rubric;
  const evalRuns = useQuery('runs.list', form.judgeMode === 'pairwise' && form.datasetId ? { kind: 'evaluation' } : null);
  const opponents = comparableRuns(evalRuns.data, form);
  return (
    <div className="field span-2" role="group" aria-label="Judge">
      <span className="field-label">Judge</span>
      <div className="row-wrap">
        <Select className="judge-model" aria-label="Judge model" aria-invalid={Boolean(issues.judge)} value={form.judgeModelId} onChange={(e) => set({ judgeModelId: e.target.value })}>
          <option value="">Choose a judge model…</option>
          {models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
        </Select>
        <Segmented label="Judge mode" value={form.judgeMode} options={[{ id: 'pointwise', label: 'Score 1–5' }, { id: 'pairwise', label: 'Pairwise A/B' }]} onChange={(judgeMode) => set({ judgeMode })} />
        <Select className="judge-rubric" aria-label="Rubric" value={form.judgeRubric} onChange={(e) => set({ judgeRubric: e.target.value as JudgeRubricChoice })}>
          {(Object.keys(RUBRIC_LABELS) as JudgeRubricChoice[]).map((r) => <option key={r} value={r}>{RUBRIC_LABELS[r]}</option>)}
        </Select>
        {form.judgeMode === 'pointwise' && columns.length > 0 && (
          <Select className="judge-labels" aria-label="Label column" title="A column of 1–5 scores: the run then reports how often the judge agrees" value={form.judgeLabelColumn} onChange={(e) => set({ judgeLabelColumn: e.target.value })}>
            <option value="">No labels to agree with</option>
            {columns.map((c) => <option key={c} value={c}>Labels: {c}</option>)}
          </Select>
        )}
        {form.judgeMode === 'pairwise' && (
          <Select className="judge-against" aria-label="Compare with" title="What each answer is judged against" value={form.judgeAgainstRun} onChange={(e) => set({ judgeAgainstRun: e.target.value })}>
            <option value="">Against the first reference</option>
            {opponents.map((r) => <option key={r.id} value={r.id}>Against run: {r.name}</option>)}
          </Select>
        )}
        {columns.length > 0 && (
          <Select className="judge-responses" aria-label="Responses" title="What the judge rates: the model's answers, or a column of the dataset (then nothing is generated)" value={form.judgeResponseColumn} onChange={(e) => set({ judgeResponseColumn: e.target.value })}>
            <option value="">Judge the model’s answers</option>
            {columns.map((c) => <option key={c} value={c}>Judge the column: {c}</option>)}
          </Select>
        )}
      </div>
      {form.judgeRubric === 'custom' && (
        <textarea className="textarea" rows={3} aria-label="Rubric text" aria-invalid={Boolean(issues.rubric)} placeholder="What makes an answer good, e.g. “A good answer names the product and quotes its price.”" value={form.judgeRubricText} maxLength={4000} onChange={(e) => set({ judgeRubricText: e.target.value })} />
      )}
      <p className={message ? 'field-error' : 'field-help'}>{message ?? JUDGE_HELP[form.judgeMode]}</p>
      {form.judgeResponseColumn && <p className="field-help">Nothing is generated: the judge rates the text of “{form.judgeResponseColumn}” as it is in the dataset, so the model above is not used.</p>}
    </div>
  );
}

export interface AdapterChoice { path: string; label: string; model: string | null }

export function EvalSetup({ form, onChange, models, adapters, datasets, metricOrder, suggested, projectMetric, busy, onStart }: {
  form: EvalForm;
  onChange(next: EvalForm): void;
  models: Model[];
  /** LoRA adapters written by this project's fine-tune runs. */
  adapters: AdapterChoice[];
  /** The project's datasets, then those in no project (datasetChoices). */
  datasets: DatasetChoices;
  metricOrder: EvalMetricName[];
  suggested: EvalMetricName[];
  /** The project's success metric, or null when it has none (its task's first metric is then only suggested). */
  projectMetric: EvalMetricName | null;
  busy: boolean;
  onStart(): void;
}) {
  // The judge's picks belong to a dataset (its columns) and a split (the runs it may be compared with): another
  // dataset or split clears them. Kept, the selects showed their first option while the form sent the old pick, and
  // the engine refused a column the dataset lacks.
  const set = (patch: Partial<EvalForm>) => {
    const otherDataset = patch.datasetId !== undefined && patch.datasetId !== form.datasetId;
    const otherSplit = patch.split !== undefined && patch.split !== form.split;
    const cleared: Partial<EvalForm> = {
      ...(otherDataset ? { judgeLabelColumn: '', judgeResponseColumn: '' } : {}),
      ...(otherDataset || otherSplit ? { judgeAgainstRun: '' } : {}),
    };
    onChange({ ...form, ...cleared, ...patch });
  };
  const dataset = datasets.offered.find((d) => d.id === form.datasetId);
  // A classification prompt names its labels, read by the engine from every row (only for a dataset that maps a label).
  // (the last dataset's labels, while this one's load, are not this one's: useQuery's stale). Custom layout starts from
  // them: it waits for them, grey and saying why, rather than start from none and keep none once they come.
  const promptLabels = useQuery('datasets.promptLabels', dataset?.mapping.label ? { id: dataset.id } : null);
  const labels = layoutLabels(Boolean(dataset?.mapping.label), promptLabels);
  const labelsWaitId = useId();
  // Examples from another dataset's train split, for a test set imported on its own ('' or the dataset itself: its own).
  const shotsFrom = form.shotsFromId !== form.datasetId ? datasets.offered.find((d) => d.id === form.shotsFromId) : undefined;
  const issues = problems(form, dataset, shotsFrom);
  const splitSize = dataset ? (form.split === 'all' ? dataset.rowCount : dataset.splits[form.split] ?? 0) : null;
  // Examples defaults to the split's size when that is under the default, until the user types a number.
  useEffect(() => {
    const fitted = withDefaultLimit(form, splitSize);
    if (fitted !== form) onChange(fitted);
  }, [form, splitSize, onChange]);
  const perplexity = form.metrics.some(isPerplexity);
  const shots = shotsOf(form);
  const toggleMetric = (m: EvalMetricName) => {
    const on = form.metrics.includes(m);
    // Perplexity cannot share a run with generation metrics: picking one side clears the other.
    const keep = form.metrics.filter((x) => x !== m && isPerplexity(x) === isPerplexity(m));
    set({ metrics: on ? form.metrics.filter((x) => x !== m) : [...keep, m] });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (Object.keys(issues).length === 0 && !busy) onStart();
  };

  return (
    <Card aria-label="New evaluation">
      <form onSubmit={submit} onKeyDown={submitOnModEnter} aria-label="Evaluation setup">
        <CardHeader title="New evaluation" subtitle="Score a model on held-out examples; every evaluation is kept as a run you can compare." />
        <div className="card-body form-grid">
          <Field label="Model" help={models.length ? 'The model to evaluate; merged fine-tunes are listed too.' : 'No models yet — import one on the Select page.'} error={models.length ? null : undefined}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={form.modelId} onChange={(e) => set({ modelId: e.target.value })}>
                {models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
              </Select>
            )}
          </Field>
          <Field label="Dataset" help={dataset ? `${plural(dataset.rowCount, 'row')} · ${Object.entries(dataset.mapping).map(([k, v]) => `${k} ← ${v}`).join(', ') || 'no column mapping'}` : 'Import one on the Datasets page.'}>
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={form.datasetId} onChange={(e) => set({ datasetId: e.target.value })}>
                <DatasetOptions choices={datasets} />
              </Select>
            )}
          </Field>
          {adapters.length > 0 && (
            <Field label="Adapter" optional className="span-2" help="A LoRA adapter from a fine-tune run, applied on the model above: compare it with the base model's runs.">
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={form.adapterPath} onChange={(e) => set({ adapterPath: e.target.value })}>
                  <option value="">None — the base model as it is</option>
                  {adapters.map((a) => <option key={a.path} value={a.path}>{a.label}</option>)}
                </Select>
              )}
            </Field>
          )}
          <div className="field">
            <span className="field-label">Split</span>
            <Segmented label="Split" value={form.split} options={SPLITS.map((s) => ({ id: s, label: SPLIT_LABELS[s] }))} onChange={(split) => set({ split })} />
            <p className="field-help">{SPLIT_HELP[form.split]}</p>
          </div>
          <Field label="Examples" optional help={limitHelp(form.limit, splitSize)} error={issues.limit}>
            {(id, d) => (
              <div className="input-suffix">
                <input id={id} aria-describedby={d} className="input" inputMode="numeric" value={form.limit} placeholder="all" aria-invalid={Boolean(issues.limit)} onChange={(e) => set({ limit: e.target.value, limitTyped: true })} />
                {splitSize !== null && <span>of {formatCount(splitSize)}</span>}
              </div>
            )}
          </Field>

          <fieldset className="field span-2 eval-unused" disabled={perplexity}>
            {/* Custom layout on the field's own line, at its end: in the row of knobs it went wherever the row wrapped, alone at
                the right end of a line of its own at 1440 px. */}
            <span className="field-label">
              Prompt {perplexity && <span className="field-optional">not used for perplexity</span>}
              <label className="checkbox small push-end eval-layout-toggle">
                <input type="checkbox" checked={form.customTemplate} disabled={labels.waiting && !form.customTemplate} aria-describedby={labels.waiting ? labelsWaitId : undefined} onChange={(e) => set({ customTemplate: e.target.checked, template: form.template.input ? form.template : templateFromMapping(dataset, labels.labels) })} />
                <span>Custom layout</span>
              </label>
            </span>
            <div className="row-wrap">
              <Segmented label="Prompt" value={form.prompt} options={[{ id: 'zero', label: 'Zero-shot' }, { id: 'one', label: 'One-shot' }, { id: 'few', label: 'Few-shot' }]} onChange={(prompt) => set({ prompt })} />
              {form.prompt === 'few' && <NumberInput label="Examples (K)" value={form.shots} min={2} max={16} onChange={(v) => set({ shots: Math.max(2, Math.min(16, Math.round(v))) })} />}
              {shots > 0 && <NumberInput label="Draw seed" value={form.shotSeed} min={0} max={99999} onChange={(v) => set({ shotSeed: Math.round(v) })} />}
              {shots > 0 && (
                <label className="eval-knob" title="The dataset whose train split the solved examples are drawn from: another one when this dataset is a test set with no train rows">
                  <span className="small muted">Examples from</span>
                  <Select className="eval-knob-select" aria-label="Examples from" value={shotsFrom?.id ?? ''} onChange={(e) => set({ shotsFromId: e.target.value })}>
                    <option value="">This dataset{dataset ? ` (${dataset.name})` : ''}</option>
                    {datasets.offered.filter((d) => d.id !== form.datasetId).map((d) => {
                      const missing = dataset ? shotColumnMissing(form, dataset, d) : null;
                      return <option key={d.id} value={d.id} disabled={missing !== null && d.id !== shotsFrom?.id}>{d.name} · {missing === null ? plural(d.splits.train ?? 0, 'train row') : `no column ${missing}`}</option>;
                    })}
                  </Select>
                </label>
              )}
            </div>
            {issues.shots ? <p className="field-error">{issues.shots}</p> : (
              <p className="field-help">
                {shots === 0 ? 'The instruction and the input only: how the model does with no examples.' : `${shots} solved example${shots === 1 ? '' : 's'} from the train split${shotsFrom ? ` of ${shotsFrom.name}` : ''} before each input (${templateName(shots)}). Examples that do not fit the model’s context are dropped whole.`}
              </p>
            )}
            {labels.waiting && <p className="field-help" id={labelsWaitId}>Custom layout starts from the prompt naming the labels of {dataset?.name}: reading them…</p>}
            <ReadError what={`Could not read the labels of ${dataset?.name ?? 'the dataset'}`} read={promptLabels} then="A custom layout starts without them." />
            {form.customTemplate && (
              <div className="eval-template">
                {(['instruction', 'input', 'output', 'answerPrefix'] as const).map((key) => (
                  <label key={key} className="eval-template-row">
                    <span className="small muted">{TEMPLATE_LABELS[key]}</span>
                    {key === 'input'
                      ? <textarea className="textarea mono" rows={2} aria-label={`Prompt ${TEMPLATE_LABELS[key].toLowerCase()}`} value={form.template[key]} onChange={(e) => set({ template: { ...form.template, [key]: e.target.value } })} />
                      : <input className="input mono" aria-label={`Prompt ${TEMPLATE_LABELS[key].toLowerCase()}`} value={form.template[key]} placeholder={key === 'instruction' ? 'optional' : undefined} onChange={(e) => set({ template: { ...form.template, [key]: e.target.value } })} />}
                  </label>
                ))}
                <p className={issues.template ? 'field-error' : 'field-help'}>{issues.template ?? `Placeholders name columns: ${dataset?.columns.map((c) => `{{${c}}}`).join(' ') ?? '—'}`}</p>
              </div>
            )}
          </fieldset>

          <div className="field span-2">
            <span className="field-label">Metrics</span>
            <div className="row-wrap" role="group" aria-label="Metrics">
              {metricOrder.map((m) => (
                <button key={m} type="button" role="checkbox" aria-checked={form.metrics.includes(m)} className="metric-chip" title={metricExplain(m)} onClick={() => toggleMetric(m)}>
                  {metricLabel(m)}
                  {projectMetric === m ? <Badge tone="accent">project</Badge> : projectMetric === null && suggested[0] === m && <Badge tone="accent">suggested</Badge>}
                </button>
              ))}
            </div>
            <p className={issues.metrics ? 'field-error' : 'field-help'}>{issues.metrics ?? (suggested.length ? `Suggested for this task: ${suggested.map(metricLabel).join(', ')}. Each gets a 95% interval (${intervalsSaid('labels', false)}).` : `Each metric gets a 95% interval (${intervalsSaid('labels', false)}).`)}</p>
          </div>

          {form.metrics.includes('judge') && <JudgeFields form={form} set={set} models={models} columns={dataset?.columns ?? []} issues={issues} />}

          {/* The strategy, then its settings two a row, each labelled above its box as the form's other fields are
              (inline labels wrapped "Repetition penalty" onto a line of its own). */}
          <fieldset className="span-2 form-grid eval-unused eval-decoding" disabled={perplexity} aria-label="Decoding">
            <div className="field span-2">
              <span className="field-label">Decoding</span>
              <Segmented label="Decoding" value={form.decoding} options={[{ id: 'greedy', label: 'Greedy' }, { id: 'sample', label: 'Sampling' }, { id: 'beam', label: 'Beams' }]} onChange={(decoding) => set({ decoding })} />
              <p className="field-help">{DECODING_HELP[form.decoding]}</p>
            </div>
            <DecodingField knob="maxNewTokens" value={form.maxNewTokens} min={1} max={4096} onChange={(v) => set({ maxNewTokens: Math.max(1, Math.round(v)) })} />
            {form.decoding === 'sample' && <DecodingField knob="temperature" value={form.temperature} min={0.05} max={2} step={0.05} onChange={(v) => set({ temperature: v })} />}
            {form.decoding === 'sample' && <DecodingField knob="topP" value={form.topP} min={0.05} max={1} step={0.05} onChange={(v) => set({ topP: v })} />}
            {form.decoding === 'sample' && <DecodingField knob="seed" value={form.seed} min={0} max={99999} onChange={(v) => set({ seed: Math.round(v) })} />}
            {form.decoding === 'beam' && <DecodingField knob="numBeams" value={form.numBeams} min={2} max={16} onChange={(v) => set({ numBeams: Math.round(v) })} />}
            <DecodingField knob="repetitionPenalty" value={form.repetitionPenalty} min={1} max={2} step={0.05} onChange={(v) => set({ repetitionPenalty: v })} />
          </fieldset>

          <Field label="Run name" optional help="Shown in comparisons; by default model · dataset/split · prompt." className="span-2">
            {(id, d) => {
              const modelName = models.find((m) => m.id === form.modelId)?.name ?? 'model';
              const placeholder = `${modelName} · ${dataset?.name ?? 'dataset'}/${form.split} · ${perplexity ? 'perplexity' : templateName(shots, form.customTemplate)}`;
              return <input id={id} aria-describedby={d} className="input" value={form.name} placeholder={placeholder} onChange={(e) => set({ name: e.target.value })} />;
            }}
          </Field>
        </div>
        <footer className="card-footer">
          <span className="muted small push-rest">Runs as a job in the background; you can leave this page.</span>
          <Button type="submit" variant="primary" icon="activity" disabled={busy || Object.keys(issues).length > 0} shortcut={`${MOD}↵`}>Start evaluation</Button>
        </footer>
      </form>
    </Card>
  );
}
