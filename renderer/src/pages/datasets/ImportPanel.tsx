// Importing a dataset: pick a file (browser: upload it; desktop: the native dialog gives a path), name it,
// choose split sizes, whether a CSV/TSV file's quotes are text and whether to skip invalid rows, then follow the
// import job's progress to the end.
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import { humanBytes } from '../../../../native/api/format.ts';
import { QUOTES_AS_TEXT_LABEL, SKIP_INVALID_LABEL } from '../../../../native/api/labels.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { dialogFailure } from '../../ui/dialogFailure.ts';
import { Icon } from '../../ui/icons.tsx';
import { Button, Callout, Card, CardHeader, Field } from '../../ui/primitives.tsx';
import { ImportProgress } from './ImportProgress.tsx';
import { rowProblemsIn } from './importErrors.ts';
import { RowProblemsTable } from './RowProblemsTable.tsx';
import { useJobProgress } from './useJobProgress.ts';
import { chosenName, DATASET_FILE_DIALOG, ExtraFiles, type Chosen, type ExtraFile } from './ExtraFiles.tsx';

type Phase = { step: 'idle' } | { step: 'uploading'; fraction: number; name: string } | { step: 'importing' } | { step: 'failed'; message: string; problems: ReturnType<typeof rowProblemsIn> };

type SplitMode = 'split' | 'train' | 'validation' | 'test';
const SPLIT_MODES: { id: SplitMode; label: string; help: string }[] = [
  { id: 'split', label: 'Split it', help: 'Shuffle the rows once, reproducibly, into train, validation and test.' },
  { id: 'train', label: 'All train', help: 'The file is a training set: every row is for learning, none is re-split.' },
  { id: 'validation', label: 'All validation', help: 'The file is a validation set: every row goes to validation, none is re-split.' },
  { id: 'test', label: 'All test', help: 'The file is a held-out test set (a published one, say): every row is kept for the final score, none is re-split.' },
];

/** The delimiter of a CSV or TSV file (gzipped or not), by its name; null for JSON and JSON Lines, which have no quoting option. */
function delimiterOf(name: string): 'comma' | 'tab' | null {
  const ext = /\.(csv|tsv)(\.gz)?$/i.exec(name)?.[1]?.toLowerCase();
  return ext === 'csv' ? 'comma' : ext === 'tsv' ? 'tab' : null;
}

const baseName = (name: string) => name.split(/[\\/]/).pop()!.replace(/\.(jsonl|json|csv|tsv)(\.gz)?$/i, '');

function datasetIdOf(job: Job): string | null {
  const r = job.result as Record<string, unknown> | null;
  const nested = r?.dataset as Record<string, unknown> | undefined;
  const id = r?.datasetId ?? nested?.id ?? r?.id;
  return typeof id === 'string' ? id : null;
}

/** `startCollapsed`: the project already has datasets, so the panel opens only when asked. */
export function ImportPanel({ projectId, startCollapsed, onImported }: { projectId: string | null; startCollapsed: boolean; onImported(datasetId: string | null): void }) {
  const [expanded, setExpanded] = useState(!startCollapsed);
  const studio = useStudio();
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [name, setName] = useState('');
  const [skipInvalid, setSkipInvalid] = useState(false);
  /** DatasetImportInput.quoting 'none', sent only for a CSV or TSV file (the box is shown only for one). */
  const [quotesAsText, setQuotesAsText] = useState(false);
  const [split, setSplit] = useState({ train: '80', validation: '10', test: '10' });
  /** 'split': shuffle the file into the three parts; a split's name: the file already is that split. */
  const [splitMode, setSplitMode] = useState<SplitMode>('split');
  const [extraFiles, setExtraFiles] = useState<ExtraFile[]>([]);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [over, setOver] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const progress = useJobProgress((job) => {
    if (job.state === 'succeeded') {
      setPhase({ step: 'idle' });
      onImported(datasetIdOf(job));
    } else {
      setPhase({ step: 'failed', message: job.error ?? `The import ended ${job.state}.`, problems: rowProblemsIn(job.result, job.error ?? undefined) });
    }
  });

  const choose = (next: Chosen) => {
    setExpanded(true);
    setChosen(next);
    setName(baseName(next.kind === 'file' ? next.file.name : next.path));
    setPhase({ step: 'idle' });
    progress.clear();
  };
  const pickNative = async () => {
    if (studio.files.kind !== 'native') return;
    setPickError(null);
    try {
      const path = await studio.files.pick(DATASET_FILE_DIALOG);
      if (path) choose({ kind: 'path', path });
    } catch (err) {
      setPickError(dialogFailure(err));
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file && studio.files.kind === 'upload') choose({ kind: 'file', file });
  };

  const percents = [split.train, split.validation, split.test].map(Number);
  const splitTotal = percents.reduce((a, b) => a + b, 0);
  const splitError = splitMode !== 'split' ? null : percents.some((p) => !Number.isFinite(p) || p < 0) ? 'Use whole percentages.' : Math.abs(splitTotal - 100) > 0.001 ? `The three parts add up to ${splitTotal}%, not 100%.` : null;
  const busy = phase.step === 'uploading' || phase.step === 'importing';
  const delimiter = chosen ? delimiterOf(chosenName(chosen)) : null;

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!chosen || busy || splitError || !name.trim()) return;
    try {
      // An upload is stored under a server path; errors and the dataset's source name the user's own file.
      const located = async (c: Chosen): Promise<{ path: string; fileName?: string }> => {
        if (c.kind === 'path') return { path: c.path };
        if (studio.files.kind !== 'upload') throw new Error('This studio reads files from disk; choose the file again.');
        const upload = studio.files;
        setPhase({ step: 'uploading', fraction: 0, name: c.file.name });
        return { path: await upload.upload(c.file, (fraction) => setPhase({ step: 'uploading', fraction, name: c.file.name })), fileName: c.file.name };
      };
      const first = await located(chosen);
      const more = [];
      for (const f of extraFiles) more.push({ ...(await located(f.chosen)), split: f.split });
      setPhase({ step: 'importing' });
      const job = await studio.call('datasets.import', {
        ...first, name: name.trim(), projectId, skipInvalid, ...(delimiter && quotesAsText ? { quoting: 'none' as const } : {}),
        split: splitMode === 'split' ? { train: percents[0] / 100, validation: percents[1] / 100, test: percents[2] / 100 } : splitMode,
        extraFiles: more,
      });
      progress.follow(job);
    } catch (err) {
      setPhase({ step: 'failed', message: (err as Error).message, problems: rowProblemsIn((err as { details?: unknown }).details, (err as Error).message) });
    }
  }

  const job = progress.job;
  if (!expanded) {
    return (
      <Card aria-label="Import a dataset">
        <CardHeader title="Import a dataset" subtitle="Add another file to this project: JSON Lines, JSON, CSV or TSV, optionally gzipped." actions={<Button icon="upload" onClick={() => setExpanded(true)}>Import a file</Button>} />
      </Card>
    );
  }
  const chosenLabel = chosen ? (chosen.kind === 'file' ? `${chosen.file.name} · ${humanBytes(chosen.file.size)}` : chosenName(chosen)) : null;
  return (
    <Card aria-label="Import a dataset">
      <CardHeader title="Import a dataset" subtitle="JSON Lines, JSON, CSV or TSV, optionally gzipped. Rows are checked, hashed and split once, reproducibly." />
      <form className="card-body stack" onSubmit={start} onKeyDown={submitOnModEnter} aria-label="Import a dataset">
        <div className="dropzone" data-over={over} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
          <Icon name="upload" size={20} />
          {chosenLabel ? <strong className="mono small">{chosenLabel}</strong> : <span className="muted">{studio.files.kind === 'upload' ? 'Drop a file here, or' : 'Choose a file from your disk'}</span>}
          {studio.files.kind === 'upload' ? (
            <>
              {/* Off the Tab order: hidden, it took focus with no ring to show it; the button beside it opens it. */}
              <input ref={fileInput} type="file" className="visually-hidden" tabIndex={-1} aria-label="Dataset file" accept=".jsonl,.json,.csv,.tsv,.gz" onChange={(e) => e.target.files?.[0] && choose({ kind: 'file', file: e.target.files[0] })} />
              <Button size="sm" onClick={() => fileInput.current?.click()}>{chosen ? 'Choose another file' : 'Choose a file'}</Button>
            </>
          ) : (
            <Button size="sm" onClick={pickNative}>{chosen ? 'Choose another file' : 'Choose a file…'}</Button>
          )}
        </div>
        {pickError && <p className="field-error" role="alert" data-testid="dataset-pick-error">{pickError}</p>}
        <Field label="Dataset name" help="How the dataset is listed; defaults to the file name.">
          {(id, d) => <input id={id} className="input" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} placeholder="dialogsum-dev" />}
        </Field>
        <div className="field">
          <span className="field-label" id="split-mode-label">Splits</span>
          <div className="segmented" role="radiogroup" aria-labelledby="split-mode-label">
            {SPLIT_MODES.map((m) => (
              <button key={m.id} type="button" role="radio" aria-checked={splitMode === m.id} onClick={() => setSplitMode(m.id)}>{m.label}</button>
            ))}
          </div>
          <span className="field-help">{SPLIT_MODES.find((m) => m.id === splitMode)!.help}</span>
        </div>
        {splitMode === 'split' && (
          <div className="form-grid form-grid-3" data-testid="split-percentages">
            {(['train', 'validation', 'test'] as const).map((part) => (
              <Field key={part} label={`${part[0].toUpperCase()}${part.slice(1)} %`} help={{ train: 'Rows the model learns from.', validation: 'Rows to tune settings on.', test: 'Rows kept for the final score.' }[part]} error={part === 'test' ? splitError : null}>
                {(id, d) => <input id={id} className="input" inputMode="numeric" value={split[part]} onChange={(e) => setSplit({ ...split, [part]: e.target.value })} aria-describedby={d} aria-invalid={Boolean(splitError)} />}
              </Field>
            ))}
          </div>
        )}
        <ExtraFiles files={extraFiles} firstSplit={splitMode === 'split' ? null : splitMode} onChange={setExtraFiles} />
        {delimiter && (
          <label className="checkbox">
            <input type="checkbox" checked={quotesAsText} onChange={(e) => setQuotesAsText(e.target.checked)} />
            <span>
              <strong>{QUOTES_AS_TEXT_LABEL}</strong><br />
              <span className="muted small">
                Every " is part of the text: a field is everything between two {delimiter}s and each line is one row, as in GLUE-style TSV corpora.
                Leave it off for files from pandas or a spreadsheet, which put quotes around a field holding a {delimiter}, a quote or a line break.
              </span>
            </span>
          </label>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)} />
          <span><strong>{SKIP_INVALID_LABEL}</strong><br /><span className="muted small">Skip rows that fail validation and list them, instead of refusing the whole file.</span></span>
        </label>
        {(phase.step === 'uploading' || phase.step === 'importing' || job) && (
          <ImportProgress testId="import-progress" job={job} upload={phase.step === 'uploading' ? { stage: `Uploading ${phase.name}`, detail: `${Math.round(phase.fraction * 100)}%`, fraction: phase.fraction } : null} />
        )}
        {phase.step === 'failed' && (
          <Callout tone="danger" title="The file was not imported">
            <div className="pre-wrap">{phase.message}</div>
            {phase.problems.length > 0 && <RowProblemsTable problems={phase.problems} />}
          </Callout>
        )}
        <div className="row">
          <span className="spacer" />
          <Button type="submit" variant="primary" icon="upload" disabled={!chosen || busy || Boolean(splitError) || !name.trim()} shortcut={`${MOD}↵`}>{busy ? 'Importing…' : 'Import'}</Button>
        </div>
      </form>
    </Card>
  );
}
