// Column mapping: for each field the project's task needs, which dataset column supplies it; folded, the fields of
// a preference pair that Align reads whatever the task (prompt, chosen, rejected); and, folded, every other field the
// dataset maps (mappingFields.ts says why all are shown and saved). Unmapped required fields are suggested from
// common column names; nothing is saved until the user says so. A dataset of preference pairs saves with its pair
// complete even when it cannot feed the task's own examples, and so does one complete for any other format
// (mappingFields.ts stillNeeded). The folded section also offers every other training format, mapped or not, as a
// radio group: choosing one shows its fields to map (otherFormats), so a second format is mapped from here too.
import { useMemo, useState } from 'react';
import type { Dataset, TaskType } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { TASKS, type TaskField } from '../../domain/tasks.ts';
import { Badge, Button, Callout, Card, CardHeader, Field, Select } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { formatForMapping } from '../../../../native/api/train.ts';
import { FORMAT_FIELDS, formatLabel, mappingSections, otherCompleteFormat, otherField, otherFormats, PAIR_FIELDS, startingMapping, stillNeeded, suggestedFields, withField } from './mappingFields.ts';

/** The same field → column pairs, whatever their order. */
const sameMapping = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export function MappingEditor({ dataset, task, onSaved }: { dataset: Dataset; task: TaskType; onSaved(dataset: Dataset): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { task: taskFields, pairs: pairFields, others } = useMemo(() => mappingSections(task, dataset.mapping), [task, dataset.mapping]);
  const [mapping, setMapping] = useState(() => startingMapping(dataset, task));
  const [saving, setSaving] = useState(false);
  const saved = sameMapping(dataset.mapping, mapping);
  const missing = stillNeeded(task, mapping);
  const taskComplete = taskFields.every((f) => !f.required || mapping[f.name]);
  const other = taskComplete ? null : otherCompleteFormat(task, mapping);
  const pairMapped = PAIR_FIELDS.some((f) => dataset.mapping[f.name]);
  const formats = otherFormats(task, mapping);
  // The format whose fields show: the first the saved mapping maps any of, until the user picks one.
  const [format, setFormat] = useState(() => otherFormats(task, dataset.mapping).find((f) => f.mapped > 0)?.format ?? null);
  const chosen = formats.find((f) => f.format === format);
  // The chosen format's fields, then every other field mapped (saved or since), so none is hidden while it is mapped.
  const otherNames = [...new Set([...(chosen?.fields ?? []), ...others.map((f) => f.name), ...mappingSections(task, mapping).others.map((f) => f.name)])];
  // Fields filled from a guess, while the editor still shows the guess: said as a suggestion over the saved mapping,
  // with what the saved one does meanwhile (the journey calls Data done on that: native/studio/journey.ts).
  const suggested = useMemo(() => suggestedFields(dataset, task), [dataset, task]);
  const showingSuggestion = !saved && suggested.length > 0 && sameMapping(mapping, startingMapping(dataset, task));
  const savedFormat = formatForMapping(dataset.mapping, dataset.columns);
  const savedDoes = savedFormat ? `The saved mapping trains as ${formatLabel(savedFormat)}.` : FORMAT_FIELDS.pairs.every((f) => dataset.mapping[f]) ? `The saved mapping is complete as ${formatLabel('pairs')}.` : 'The saved mapping leaves them unmapped.';
  const status = (f: (typeof formats)[number]) => (f.mapped === 0 ? 'not mapped' : f.mapped === f.fields.length ? 'mapped' : 'partly mapped');

  async function save() {
    setSaving(true);
    try {
      const updated = await studio.call('datasets.setMapping', { id: dataset.id, mapping });
      onSaved(updated);
      toast.show('success', 'Column mapping saved');
    } catch (err) {
      toast.show('error', 'Could not save the mapping', (err as Error).message);
    } finally {
      setSaving(false);
    }
  }

  const field = (f: TaskField) => (
    <Field key={f.name} label={f.label} optional={!f.required} help={f.help}>
      {(id, d) => (
        <Select id={id} aria-describedby={d} value={mapping[f.name] ?? ''} onChange={(e) => setMapping(withField(mapping, f.name, e.target.value))}>
          <option value="">{f.required ? 'Choose a column…' : 'None'}</option>
          {dataset.columns.map((c) => <option key={c} value={c}>{c}</option>)}
        </Select>
      )}
    </Field>
  );

  return (
    <Card aria-label="Column mapping">
      <CardHeader
        title="Column mapping"
        subtitle={`Which column feeds each field of a ${TASKS[task].label.toLowerCase()} example.`}
        actions={saved ? <Badge tone="success">Saved</Badge> : <Badge tone="warning">{showingSuggestion ? 'Suggestion, not saved' : 'Changes not saved'}</Badge>}
      />
      <div className="card-body stack">
        {showingSuggestion && (
          <div data-testid="mapping-suggestion">
            <Callout title={`Suggested from the column names: ${suggested.map((f) => `${f.label} ← ${f.column}`).join(', ')}`}>
              <span>Shown below but not saved: Save suggestion, below, keeps it. {savedDoes}</span>
            </Callout>
          </div>
        )}
        <div className="form-grid">{taskFields.map(field)}</div>
        {pairFields.length > 0 && (
          <details className="disclosure" open={pairMapped} data-testid="mapping-pairs">
            <summary>Preference pairs, for Align <span className="faint small">DPO and reward models read these, whatever the task</span></summary>
            <div className="form-grid">{pairFields.map(field)}</div>
          </details>
        )}
        {formats.length > 0 && (
          <details className="disclosure" data-testid="mapping-others">
            <summary>
              {others.length > 0 ? `Also mapped, for other formats: ${others.map((f) => f.name).join(', ')}` : 'Other formats'}{' '}
              <span className="faint small">{others.length > 0 ? 'kept as they are when you save; set one to None to drop it' : 'map this dataset for another training format too'}</span>
            </summary>
            <div className="stack">
              <div className="segmented mapping-formats" role="radiogroup" aria-label="Format to map">
                {formats.map((f) => (
                  <button key={f.format} type="button" role="radio" aria-checked={f.format === format} onClick={() => setFormat(f.format)}>
                    {formatLabel(f.format)} <span className="faint small">{status(f)}</span>
                  </button>
                ))}
              </div>
              {chosen === undefined && <p className="muted small">Choose a format to map its fields; the training format is picked from whichever fields are mapped.</p>}
              {otherNames.length > 0 && <div className="form-grid">{otherNames.map((name) => field(otherField(name)))}</div>}
            </div>
          </details>
        )}
      </div>
      <footer className="card-footer">
        {missing.length > 0 && <span className="muted small push-rest">Still needed: {missing.map((f) => f.label).join(', ')}{pairFields.length > 0 && ' (or, for preference pairs, a chosen and a rejected answer)'}</span>}
        {other && <span className="muted small push-rest" data-testid="mapping-complete-as">Complete as {formatLabel(other)}; this project’s own fields may stay unmapped.</span>}
        <Button variant="primary" disabled={saving || saved || missing.length > 0} onClick={save}>{showingSuggestion ? 'Save suggestion' : 'Save mapping'}</Button>
      </footer>
    </Card>
  );
}
