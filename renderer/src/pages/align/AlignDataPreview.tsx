// What the chosen method would read from the dataset, before anything runs (align.preview): prompt / chosen /
// rejected side by side for pairs, text and label for a classifier, and each row that makes no example named by
// its record number in the imported file, with the field at fault. A mapping that cannot feed the method says
// which field it lacks and where to map it.
import { UnmappedDataset, type AlignPreview } from '../../../../native/api/align.ts';
import { mappingWords, plural } from '../../../../native/api/format.ts';
import { SKIP_UNPAIRED_LABEL } from '../../../../native/api/labels.ts';
import { Button, Callout, EmptyState } from '../../ui/primitives.tsx';
import { PreferenceDataHelp } from './PreferenceDataHelp.tsx';

const PROBLEMS_SHOWN = 8;

function PromptText({ prompt }: { prompt: AlignPreview['pairs'][number]['prompt'] }) {
  if (prompt.length === 1 && prompt[0].role === 'user') return <>{prompt[0].content}</>;
  return <>{prompt.map((m, i) => <span key={i} className="al-turn"><span className="al-role">{m.role}</span> {m.content}</span>)}</>;
}

const MAP_HERE = 'Map this dataset’s columns';
export const MAP_ON_DATASETS = 'Map columns on the Datasets page';
/** A dataset whose mapping cannot feed a method: a preview's, or a refused start's (UnmappedDataset's needs as kind). */
type Unmapped = Pick<AlignPreview, 'dataset' | 'missing' | 'mapping'> & { kind: UnmappedDataset['needs'] };
const NEEDS: Record<Unmapped['kind'], string> = {
  pairs: 'Preference training reads the chosen and the rejected answer of each pair from the columns mapped as chosen and rejected',
  labels: 'A classifier reward reads each text and its label from the columns mapped as text and label',
  'pairs-or-labels': 'A reward model on Auto reads pairs from the columns mapped as chosen and rejected, or labelled texts from those mapped as text and label',
};

function lacksWords(u: Unmapped): string {
  if (u.kind !== 'pairs-or-labels') return u.missing.length ? u.missing.join(' and ') : 'the fields this method reads';
  const pairs = u.missing.filter((f) => f === 'chosen' || f === 'rejected');
  const labels = u.missing.filter((f) => f === 'text' || f === 'label');
  return pairs.length && labels.length ? `${pairs.join(' and ')}, nor as ${labels.join(' and ')}` : lacksWords({ ...u, kind: pairs.length ? 'pairs' : 'labels' });
}

/**
 * Why the dataset cannot feed the method, in the studio's words (the engine's sentence names a CLI command): the
 * fields its mapping lacks, what it maps, and the button, `where` it is, that maps them.
 */
export function unusableWords(u: Unmapped, button: string, where = 'below'): string {
  const mapped = mappingWords(u.mapping);
  return `${u.dataset} has no column mapped as ${lacksWords(u)} (${mapped ? `it maps ${mapped}` : 'none of its columns is mapped'}). ${NEEDS[u.kind]}: point them at this dataset’s columns with “${button}” ${where}.`;
}

/**
 * A start the engine refused because the dataset's mapping cannot feed the method (details: UnmappedDataset), in the
 * studio's words, pointing at the preview's mapping button; null for any other error.
 */
export function unmappedStartWords(err: unknown): string | null {
  const details = UnmappedDataset.safeParse((err as { details?: unknown } | null)?.details);
  if (!details.success) return null;
  return unusableWords({ ...details.data, kind: details.data.needs }, MAP_ON_DATASETS, 'under the dataset’s preview');
}

export function AlignDataPreview({ preview, loading, error, skipInvalid, pairsInProject, onMapColumns }: {
  preview: AlignPreview | undefined;
  loading: boolean;
  error: Error | null;
  skipInvalid: boolean;
  /** Whether any dataset offered maps chosen and rejected; when none does and pairs are wanted, the page teaches the import. */
  pairsInProject: { any: boolean; projectName: string; onImport(): void };
  onMapColumns(): void;
}) {
  if (error) return <Callout tone="danger" title="Could not read the dataset">{error.message}</Callout>;
  if (!preview) return <p className="muted small" aria-busy={loading}>{loading ? 'Reading the dataset…' : ''}</p>;
  if (preview.unusable && preview.kind === 'pairs' && !pairsInProject.any) {
    // No dataset here holds pairs: mapping this one's columns is seldom the way (it has no answers to prefer).
    return (
      <div className="stack" data-testid="align-preview">
        <Callout tone="warning" title="No preference pairs in this project yet">{unusableWords(preview, MAP_HERE)}</Callout>
        <PreferenceDataHelp projectName={pairsInProject.projectName} />
        <div className="row-wrap">
          <Button size="sm" variant="primary" onClick={pairsInProject.onImport}>Import preference pairs on Datasets</Button>
          <Button size="sm" onClick={onMapColumns}>{MAP_HERE}</Button>
        </div>
      </div>
    );
  }
  if (preview.unusable) {
    return (
      <div className="stack" data-testid="align-preview">
        <Callout tone="warning" title="This dataset cannot feed this method yet">{unusableWords(preview, MAP_ON_DATASETS)}</Callout>
        <div><Button size="sm" onClick={onMapColumns}>{MAP_ON_DATASETS}</Button></div>
      </div>
    );
  }
  const pairs = preview.kind === 'pairs';
  const shape = pairs ? (preview.style === 'transcript' ? 'HH-RLHF transcripts, split at the last assistant turn into a shared prompt and two answers' : `prompt ← ${preview.mapping.prompt}, chosen ← ${preview.mapping.chosen}, rejected ← ${preview.mapping.rejected}`) : `text ← ${preview.mapping.text}, label ← ${preview.mapping.label}`;
  return (
    <div className="stack gap-3 al-preview" data-testid="align-preview">
      <div className="row-wrap small">
        <span><strong>{preview.valid.toLocaleString()}</strong> of {plural(preview.checked, 'row')} make {pairs ? 'a pair' : 'an example'}{preview.checked < preview.total ? ` (the first ${preview.checked.toLocaleString()} of ${preview.total.toLocaleString()} checked)` : ''}</span>
        <span className="muted">· {shape}</span>
        {!pairs && preview.labels.length > 0 && <span className="muted">· labels {preview.labels.map((l) => `${l.label} (${l.count})`).join(', ')}</span>}
      </div>
      {pairs && preview.pairs.length > 0 && (
        <div className="al-pairs" role="table" aria-label="Preference pairs">
          <div className="al-pair al-pair-head" role="row">
            <span role="columnheader">Prompt</span><span role="columnheader">Chosen</span><span role="columnheader">Rejected</span>
          </div>
          {preview.pairs.map((p) => (
            <div key={p.row} className="al-pair" role="row" data-testid="align-pair">
              <span role="cell" className="al-cell"><span className="faint small al-rownum">record {p.row}</span><PromptText prompt={p.prompt} /></span>
              <span role="cell" className="al-cell al-chosen">{p.chosen}</span>
              <span role="cell" className="al-cell al-rejected">{p.rejected}</span>
            </div>
          ))}
        </div>
      )}
      {!pairs && preview.texts.length > 0 && (
        <table className="table al-texts" aria-label="Labelled texts">
          <thead><tr><th>Record</th><th>Text</th><th>Label</th></tr></thead>
          <tbody>{preview.texts.map((t) => <tr key={t.row}><td className="mono faint">{t.row}</td><td>{t.text}</td><td className="mono">{t.label}</td></tr>)}</tbody>
        </table>
      )}
      {preview.valid === 0 && preview.problemCount === 0 && <EmptyState icon="database" title="No rows to read">Import rows into this dataset’s training split first.</EmptyState>}
      {preview.problemCount > 0 && (
        <div className={skipInvalid || !pairs ? 'al-problems' : 'al-problems al-problems-blocking'} data-testid="align-problems" role={skipInvalid || !pairs ? undefined : 'alert'}>
          <strong className="small">{plural(preview.problemCount, 'row')} {pairs ? `${preview.problemCount === 1 ? 'makes' : 'make'} no pair` : `${preview.problemCount === 1 ? 'looks' : 'look'} wrong`}</strong>
          <span className="small muted"> — {!pairs ? 'a classifier leaves no row out: fix these in the file and import it again (a validation label never seen in training stops the run).' : skipInvalid ? `${preview.problemCount === 1 ? 'it' : 'they'} will be left out and listed in the run’s log.` : `training refuses the dataset until they are fixed or “${SKIP_UNPAIRED_LABEL}” is ticked.`}</span>
          <ul className="small">
            {preview.problems.slice(0, PROBLEMS_SHOWN).map((p) => (
              <li key={`${p.split}-${p.row}`}><span className="mono">record {p.row}</span> <span className="faint">({p.split})</span>: {p.reason} <span className="faint">— field {p.field}{p.column ? `, column ${p.column}` : ''}</span></li>
            ))}
            {preview.problemCount > PROBLEMS_SHOWN && <li className="faint">and {plural(preview.problemCount - PROBLEMS_SHOWN, 'more row')}</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
