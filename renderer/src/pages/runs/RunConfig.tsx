// A run's settings as it recorded them: readable rows (each key in words, nested objects flattened to dotted
// keys, a chosen option in words, a model's, dataset's or project's id shown as its name, or marked deleted when the
// studio no longer has it, long text cut with the whole in a tooltip; files and BOS handling folded under
// Advanced), or the exact JSON to copy into a script.
import { useMemo, useState } from 'react';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery } from '../../app/StudioContext.tsx';
import { Badge, Card, CardHeader, CodeBlock, EmptyState } from '../../ui/primitives.tsx';
import { plural } from '../../../../native/api/format.ts';
import { shownRunConfig } from '../../../../native/api/run-config.ts';
import { formatLr } from '../finetune/runFormat.ts';
import { configLabel, configValueLabel, isAdvancedConfig } from './configLabels.ts';

/** [dotted key, value] pairs of a config, in its own order; arrays of scalars stay one value. */
export function flattenConfig(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'))) {
    return [[prefix || 'value', value]];
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0) return prefix ? [[prefix, Array.isArray(value) ? [] : {}]] : [];
  return entries.flatMap(([k, v]) => flattenConfig(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * The rows of the table: the config flattened, with a row that says again what one before it said left out. The
 * trainers record a resolved id beside the name asked for (model 's260k' and modelId 'mdl_…'), both labelled
 * 'Model': a value is compared as the table shows it, an id by the name `names` gives it.
 */
export function configRows(config: unknown, names: ReadonlyMap<string, string>): [string, unknown][] {
  const shown = (v: unknown, key: string) => (typeof v === 'string' ? names.get(v) : undefined) ?? configValueText(v, key);
  return flattenConfig(config).filter(([key, value], i, all) => all.findIndex(([k, v]) => configLabel(k) === configLabel(key) && shown(v, k) === shown(value, key)) === i);
}

/**
 * A recorded value as the table shows it: a flag as yes or no (as the Select page says it), a list joined, nothing as a
 * dash, and, by its dotted `key`, a chosen option in words (configValueLabel) and a learning rate as every other place
 * writes one (formatLr).
 */
export function configValueText(value: unknown, key = ''): string {
  if (value === null || value === undefined) return '—';
  const label = configValueLabel(key, value);
  if (label !== null) return label;
  if (typeof value === 'number' && key.split('.').at(-1) === 'lr') return formatLr(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === 'boolean' ? configValueText(v) : String(v))).join(', ') : '(none)';
  if (typeof value === 'object') return '{}';
  return String(value);
}

/** The names of the studio's models, datasets and projects by id; `gone` says what an id it no longer has was. */
function useNamesById(): { names: Map<string, string>; gone(value: unknown): string | null } {
  const models = useQuery('models.list', {});
  const datasets = useQuery('datasets.list', {});
  const { projects, loading } = useProjects();
  return useMemo(() => {
    const names = new Map([...(models.data ?? []), ...(datasets.data ?? []), ...projects].map((x) => [x.id, x.name]));
    // Known only once the list it would be in has loaded: an id is not called deleted while the names are on their way.
    const lists: [RegExp, unknown, string][] = [[/^ds_[0-9a-f]{12}$/, datasets.data, 'deleted dataset'], [/^mdl_[0-9a-f]{12}$/, models.data, 'deleted model'], [/^proj_[0-9a-f]{12}$/, loading ? undefined : projects, 'deleted project']];
    const gone = (value: unknown) => (typeof value === 'string' && !names.has(value) ? lists.find(([shape, list]) => list !== undefined && shape.test(value))?.[2] ?? null : null);
    return { names, gone };
  }, [models.data, datasets.data, projects, loading]);
}

/**
 * Rows as a definition list: an option in words, an id as its name (with the id faint beside it), a number, file or
 * other raw text in monospace.
 */
function ConfigList({ rows, names, gone }: { rows: [string, unknown][]; names: ReadonlyMap<string, string>; gone(value: unknown): string | null }) {
  return (
    <dl className="dl run-config">
      {rows.map(([key, value]) => {
        const text = configValueText(value, key);
        const name = typeof value === 'string' ? names.get(value) : undefined;
        const deleted = gone(value);
        const words = configValueLabel(key, value) !== null || typeof value === 'boolean'; // an option or a yes / no in words, not code
        return [
          <dt key={`k${key}`} className="small" title={key}>{configLabel(key)}</dt>,
          deleted !== null
            ? <dd key={`v${key}`} className="small" title={`${text}: no longer in the studio`}><Badge>{deleted}</Badge> <span className="faint mono">{text}</span></dd>
            : name !== undefined
            ? <dd key={`v${key}`} className="small" title={text}>{name} <span className="faint mono">{text}</span></dd>
            : words
            ? <dd key={`v${key}`} className="small" title={String(value)}>{text}</dd>
            : <dd key={`v${key}`} className="mono small" title={text.length > 120 ? text : undefined}>{text.length > 120 ? `${text.slice(0, 119)}…` : text}</dd>,
        ];
      })}
    </dl>
  );
}

export function RunConfig({ config }: { config: unknown }) {
  const [json, setJson] = useState(false);
  const { names, gone } = useNamesById();
  // A full run's table leaves out the LoRA settings it recorded but never used; the JSON stays the exact record.
  const rows = configRows(shownRunConfig(config), names);
  const main = rows.filter(([key, value]) => !isAdvancedConfig(key, value));
  const advanced = rows.filter(([key, value]) => isAdvancedConfig(key, value));
  return (
    <Card aria-label="Configuration">
      <CardHeader
        title="Configuration"
        subtitle="The settings the run was started with, as recorded."
        actions={rows.length > 0 && (
          <div className="segmented" role="radiogroup" aria-label="Configuration view">
            <button type="button" role="radio" aria-checked={!json} onClick={() => setJson(false)}>Table</button>
            <button type="button" role="radio" aria-checked={json} onClick={() => setJson(true)}>JSON</button>
          </div>
        )}
      />
      {rows.length === 0 && <EmptyState icon="settings" title="No settings recorded">This run was recorded without a configuration.</EmptyState>}
      {rows.length > 0 && !json && (
        <div className="card-body" data-testid="run-config">
          <ConfigList rows={main} names={names} gone={gone} />
          {advanced.length > 0 && (
            <details className="run-config-advanced" data-testid="run-config-advanced">
              <summary>Advanced <span className="faint">· {plural(advanced.length, 'setting')}: files and how the engine did its work</span></summary>
              <ConfigList rows={advanced} names={names} gone={gone} />
            </details>
          )}
        </div>
      )}
      {rows.length > 0 && json && <div className="card-body"><CodeBlock scroll label="Settings as JSON" data-testid="run-config-json">{JSON.stringify(config, null, 2)}</CodeBlock></div>}
    </Card>
  );
}
