// The Scope form: what the model is for, how success is measured, and what it must run within. Every field
// carries one line of help; the metric follows the task unless the user picked one themselves that still fits it.
// Only the metrics that fit the task are offered (the rule the engine enforces, native/api/schemas.ts TASK_METRICS).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { TASK_METRICS, TASK_TYPES, metricsForTask, type MetricName, type TaskType } from '../../../../native/api/schemas.ts';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { DEVICE_INFO, METRIC_INFO, TASKS } from '../../domain/tasks.ts';
import { Button, Card, CardHeader, Field, Select } from '../../ui/primitives.tsx';
import type { Device, FieldErrors, ProjectDraft } from './projectDraft.ts';

interface Props {
  initial: ProjectDraft;
  mode: 'create' | 'edit';
  busy: boolean;
  serverErrors: FieldErrors;
  onSubmit(draft: ProjectDraft): void;
  onCancel?: () => void;
  /** Focus "Project name" at once: only after an explicit "New project", never on page load, where the
   *  field would swallow the studio's keyboard shortcuts (?, g d …). */
  focusName?: boolean;
}

export function ProjectForm({ initial, mode, busy, serverErrors, onSubmit, onCancel, focusName = false }: Props) {
  const [draft, setDraft] = useState(initial);
  const [metricTouched, setMetricTouched] = useState(mode === 'edit');
  const set = <K extends keyof ProjectDraft>(key: K, value: ProjectDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const errors = serverErrors;
  const formRef = useRef<HTMLFormElement>(null);
  // A refused submit moves focus to the first field at fault: the name sits a screen above the button, so its
  // error would otherwise appear out of sight and the click seem to do nothing.
  useEffect(() => {
    if (Object.keys(serverErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverErrors]);

  function chooseTask(task: TaskType) {
    // A metric that does not measure the new task would be refused on save: move to the task's usual one.
    setDraft((d) => ({ ...d, task, metric: metricTouched && (d.metric === '' || metricsForTask(task).includes(d.metric)) ? d.metric : TASKS[task].metrics[0] }));
  }

  /** A numeric limit with its unit after it (called, not rendered as a component, so the input keeps focus). */
  function numberWithUnit(id: string, describedBy: string | undefined, field: 'memoryBudgetMb' | 'maxLatencyMs', unit: string, placeholder: string) {
    return (
      <div className="input-suffix">
        <input
          id={id} className="input" inputMode="numeric" value={draft[field]} onChange={(e) => set(field, e.target.value)}
          aria-describedby={describedBy} aria-invalid={Boolean(errors[field])} placeholder={placeholder}
        />
        <span>{unit}</span>
      </div>
    );
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit(draft);
  }

  const suggested = TASKS[draft.task].metrics;
  const others = TASK_METRICS[draft.task].alsoFit;
  // A project saved before the rule may hold a metric that no longer fits: show it, so the select does not
  // silently display another, and let the server's error under the field say what to pick.
  const misfit = draft.metric !== '' && !metricsForTask(draft.task).includes(draft.metric) ? draft.metric : null;
  const metricHelp = draft.metric === '' ? 'How you will judge the model. Pick one to compare runs on.' : METRIC_INFO[draft.metric].explain;
  const targetHelp = draft.metric === '' ? 'The score that makes the model good enough to ship.'
    : METRIC_INFO[draft.metric].higherIsBetter ? `The ${METRIC_INFO[draft.metric].label} you need, from 0 to 1 (higher is better).` : 'The perplexity you need to reach (lower is better).';

  return (
    <form ref={formRef} onSubmit={submit} onKeyDown={submitOnModEnter} aria-label={mode === 'create' ? 'New project' : 'Project scope'} noValidate>
      <div className="stack gap-5">
        <Card>
          <CardHeader title="Use case" subtitle="Be narrow: a model scoped to one task needs less data, less compute and less time." />
          <div className="card-body form-grid">
            <Field label="Project name" help="A short name you will recognise in lists, e.g. “Support-call summaries”." error={errors.name} className="span-2">
              {(id, describedBy) => <input id={id} className="input" value={draft.name} onChange={(e) => set('name', e.target.value)} aria-describedby={describedBy} aria-invalid={Boolean(errors.name)} autoFocus={focusName} maxLength={120} placeholder="Support-call summaries" />}
            </Field>
            <div className="field span-2" role="radiogroup" aria-label="Task type">
              <span className="field-label">Task</span>
              <div className="choice-grid">
                {TASK_TYPES.map((task) => (
                  <button type="button" key={task} role="radio" aria-checked={draft.task === task} className="choice" onClick={() => chooseTask(task)}>
                    <span className="choice-title">{TASKS[task].label}</span>
                    <span className="choice-help">{TASKS[task].explain}</span>
                  </button>
                ))}
              </div>
              <p className="field-help">The kind of work the model does; it decides the data fields and metrics that fit.</p>
            </div>
            <Field label="Description" optional help="Who uses it, on what inputs, and what a good output looks like." error={errors.description} className="span-2">
              {(id, describedBy) => <textarea id={id} className="textarea" value={draft.description} onChange={(e) => set('description', e.target.value)} aria-describedby={describedBy} placeholder="Summarise customer-support dialogues in two sentences for the ticket history." />}
            </Field>
          </div>
        </Card>

        <Card>
          <CardHeader title="Success" subtitle="Decide up front how you will know the model is good enough." />
          <div className="card-body form-grid">
            <Field label="Metric" help={metricHelp} error={errors.metric}>
              {(id, describedBy) => (
                <Select id={id} value={draft.metric} aria-describedby={describedBy} aria-invalid={Boolean(errors.metric)} onChange={(e) => { setMetricTouched(true); set('metric', e.target.value as MetricName | ''); }}>
                  <optgroup label={`Suggested for ${TASKS[draft.task].label.toLowerCase()}`}>
                    {suggested.map((m) => <option key={m} value={m}>{METRIC_INFO[m].label}</option>)}
                  </optgroup>
                  {others.length > 0 && (
                    <optgroup label="Also fit this task">
                      {others.map((m) => <option key={m} value={m}>{METRIC_INFO[m].label}</option>)}
                    </optgroup>
                  )}
                  {misfit && <option value={misfit}>{METRIC_INFO[misfit].label} (does not fit this task)</option>}
                  <option value="">No metric yet</option>
                </Select>
              )}
            </Field>
            <Field label="Target" optional help={targetHelp} error={errors.target}>
              {(id, describedBy) => <input id={id} className="input" inputMode="decimal" value={draft.target} onChange={(e) => set('target', e.target.value)} aria-describedby={describedBy} aria-invalid={Boolean(errors.target)} placeholder={draft.metric === 'perplexity' ? '12' : '0.35'} />}
            </Field>
          </div>
        </Card>

        <Card>
          <CardHeader title="Constraints" subtitle="Where the model must run. They steer which base models the Select stage offers." />
          <div className="card-body form-grid form-grid-lead">
            <Field label="Device" help="The hardware the finished model runs on." error={errors.device}>
              {(id, describedBy) => (
                <Select id={id} value={draft.device} aria-describedby={describedBy} onChange={(e) => set('device', e.target.value as Device)}>
                  {Object.entries(DEVICE_INFO).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
                </Select>
              )}
            </Field>
            <Field label="Memory budget" optional help="Most memory the model may use when it runs." error={errors.memoryBudgetMb}>
              {(id, describedBy) => numberWithUnit(id, describedBy, 'memoryBudgetMb', 'MB', '2048')}
            </Field>
            <Field label="Max latency" optional help="Longest acceptable wait for one answer." error={errors.maxLatencyMs}>
              {(id, describedBy) => numberWithUnit(id, describedBy, 'maxLatencyMs', 'ms', '500')}
            </Field>
          </div>
          <footer className="card-footer">
            {onCancel && <Button variant="ghost" onClick={onCancel}>Cancel</Button>}
            <Button type="submit" variant="primary" disabled={busy} shortcut={`${MOD}↵`}>{mode === 'create' ? 'Create project' : 'Save changes'}</Button>
          </footer>
        </Card>
      </div>
    </form>
  );
}
