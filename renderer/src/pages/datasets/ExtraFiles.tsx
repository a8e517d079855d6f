// More files of the dataset being imported: a published dev or test set beside its train file. Each is one split
// whole; its rows follow the first file's. Same format as the first file, same columns (the engine checks both).
import { useRef, useState } from 'react';
import type { PickPathOptions } from '../../../../native/api/pick-path.ts';
import { SPLITS } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { dialogFailure } from '../../ui/dialogFailure.ts';
import { Button, Select } from '../../ui/primitives.tsx';
import './datasets.css';

export type Chosen = { kind: 'file'; file: File } | { kind: 'path'; path: string };
export type SplitName = (typeof SPLITS)[number];
export interface ExtraFile { chosen: Chosen; split: SplitName }

/** The desktop's open dialog for a dataset file: the formats import reads first, any file on request. */
export const DATASET_FILE_DIALOG: PickPathOptions = {
  kind: 'file',
  title: 'Import a dataset',
  filters: [{ name: 'Datasets', extensions: ['jsonl', 'ndjson', 'json', 'csv', 'tsv', 'gz'] }, { name: 'All files', extensions: ['*'] }],
};

export const chosenName = (c: Chosen) => (c.kind === 'file' ? c.file.name : c.path);

/** The split a newly added file most likely is: the first one no file fills yet, test before validation. */
function nextSplit(taken: SplitName[]): SplitName {
  return (['test', 'validation', 'train'] as const).find((s) => !taken.includes(s)) ?? 'test';
}

export function ExtraFiles({ files, firstSplit, onChange }: { files: ExtraFile[]; firstSplit: SplitName | null; onChange(next: ExtraFile[]): void }) {
  const studio = useStudio();
  const input = useRef<HTMLInputElement>(null);
  const add = (chosen: Chosen) => {
    const taken = [...(firstSplit ? [firstSplit] : []), ...files.map((f) => f.split)];
    onChange([...files, { chosen, split: nextSplit(taken) }]);
  };
  const [pickError, setPickError] = useState<string | null>(null);
  const pick = async () => {
    if (studio.files.kind === 'upload') return input.current?.click();
    setPickError(null);
    try {
      const path = await studio.files.pick(DATASET_FILE_DIALOG);
      if (path) add({ kind: 'path', path });
    } catch (err) {
      setPickError(dialogFailure(err));
    }
  };
  return (
    <div className="field" data-testid="extra-files">
      <span className="field-label">More files of this dataset</span>
      {files.length > 0 && (
        <ul className="stack gap-label plain-list" aria-label="More files">
          {files.map((f, i) => (
            <li key={`${chosenName(f.chosen)}-${i}`} className="row">
              <strong className="mono small extra-file-name">{chosenName(f.chosen)}</strong>
              <span className="spacer" />
              <label className="row small">
                <span className="muted nowrap">all rows to</span>
                <Select value={f.split} aria-label={`Split of ${chosenName(f.chosen)}`} onChange={(e) => onChange(files.map((g, j) => (j === i ? { ...g, split: e.target.value as SplitName } : g)))}>
                  {SPLITS.map((s) => <option key={s} value={s}>{s}</option>)}
                </Select>
              </label>
              <Button size="sm" variant="ghost" icon="x" aria-label={`Remove ${chosenName(f.chosen)}`} onClick={() => onChange(files.filter((_, j) => j !== i))} />
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        {studio.files.kind === 'upload' && (
          <input ref={input} type="file" className="visually-hidden" tabIndex={-1} aria-label="Another file of this dataset" accept=".jsonl,.json,.csv,.tsv,.gz" onChange={(e) => {
            if (e.target.files?.[0]) add({ kind: 'file', file: e.target.files[0] });
            e.target.value = '';
          }} />
        )}
        <Button size="sm" icon="plus" onClick={pick}>Add a file for another split</Button>
      </div>
      {pickError && <p className="field-error" role="alert" data-testid="extra-files-pick-error">{pickError}</p>}
      <span className="field-help">A dataset published as several files (train, dev, test): each added file goes whole to the split you choose, after the first file’s rows. Same format and columns as the first file.</span>
    </div>
  );
}
