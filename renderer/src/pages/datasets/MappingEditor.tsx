// Column mapping: for each field the project's task needs, which dataset column supplies it. Unmapped
// required fields are suggested from common column names; nothing is saved until the user says so.
import { useMemo, useState } from 'react';
import type { Dataset, TaskType } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { guessColumn, TASKS } from '../../domain/tasks.ts';
import { Badge, Button, Card, CardHeader, Field } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';

export function MappingEditor({ dataset, task, onSaved }: { dataset: Dataset; task: TaskType; onSaved(dataset: Dataset): void }) {
  const studio = useStudio();
  const toast = useToast();
  const fields = TASKS[task].fields;
  const initial = useMemo(() => {
    const mapping: Record<string, string> = {};
    for (const f of fields) {
      const chosen = dataset.mapping[f.name] ?? (f.required ? guessColumn(f, dataset.columns) : undefined);
      if (chosen) mapping[f.name] = chosen;
    }
    return mapping;
  }, [dataset, fields]);
  const [mapping, setMapping] = useState(initial);
  const [saving, setSaving] = useState(false);
  const saved = JSON.stringify(dataset.mapping) === JSON.stringify(mapping);
  const missing = fields.filter((f) => f.required && !mapping[f.name]);

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

  return (
    <Card aria-label="Column mapping">
      <CardHeader
        title="Column mapping"
        subtitle={`Which column feeds each field of a ${TASKS[task].label.toLowerCase()} example.`}
        actions={saved ? <Badge tone="success">Saved</Badge> : <Badge tone="warning">Not saved</Badge>}
      />
      <div className="card-body form-grid">
        {fields.map((f) => (
          <Field key={f.name} label={f.label} optional={!f.required} help={f.help}>
            {(id, d) => (
              <select id={id} className="select" aria-describedby={d} value={mapping[f.name] ?? ''} onChange={(e) => {
                const next = { ...mapping };
                if (e.target.value) next[f.name] = e.target.value;
                else delete next[f.name];
                setMapping(next);
              }}>
                <option value="">{f.required ? 'Choose a column…' : 'None'}</option>
                {dataset.columns.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            )}
          </Field>
        ))}
      </div>
      <footer className="card-footer">
        {missing.length > 0 && <span className="muted small" style={{ marginRight: 'auto' }}>Still needed: {missing.map((f) => f.label).join(', ')}</span>}
        <Button variant="primary" disabled={saving || saved || missing.length > 0} onClick={save}>Save mapping</Button>
      </footer>
    </Card>
  );
}
