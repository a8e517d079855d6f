// Importing documents into a collection as a job: files uploaded from the browser (or picked in the desktop app), or
// paths of files and folders on the studio's machine. Progress follows the job; when it ends, what came in and every
// file that did not, with its reason (an encrypted or scanned PDF, an unreadable encoding, a binary file).
import { useRef, useState, type DragEvent, type FormEvent } from 'react';
import type { PickPathOptions } from '../../../../native/api/pick-path.ts';
import { DOCUMENT_EXTENSIONS, type Collection, type DocsAddResult } from '../../../../native/api/rag.ts';
import { plural } from '../../../../native/api/format.ts';
import type { Job } from '../../../../native/api/schemas.ts';
import { errorMessage } from '../../api/errors.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { dialogFailure } from '../../ui/dialogFailure.ts';
import { Icon } from '../../ui/icons.tsx';
import { Button, Callout, Card, CardHeader, Field } from '../../ui/primitives.tsx';
import { ImportProgress } from '../datasets/ImportProgress.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';

const ACCEPT = Object.keys(DOCUMENT_EXTENSIONS).join(',');
const DOCUMENT_FILE_DIALOG: PickPathOptions = {
  kind: 'file',
  title: 'Import a document',
  filters: [{ name: 'Documents', extensions: Object.keys(DOCUMENT_EXTENSIONS).map((e) => e.slice(1)) }, { name: 'All files', extensions: ['*'] }],
};
const fileName = (p: string) => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

type Phase = { step: 'idle' } | { step: 'uploading'; done: number; of: number } | { step: 'importing' } | { step: 'done'; result: DocsAddResult } | { step: 'failed'; message: string };

export function DocumentImport({ collection, onImported }: { collection: Collection; onImported(): void }) {
  const studio = useStudio();
  const [files, setFiles] = useState<File[]>([]);
  const [paths, setPaths] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const [over, setOver] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const progress = useJobProgress((job: Job) => {
    if (job.state === 'succeeded') {
      setPhase({ step: 'done', result: job.result as DocsAddResult });
      setFiles([]);
      setPaths('');
      onImported();
    } else {
      setPhase({ step: 'failed', message: job.error ?? `The import ended ${job.state}; the collection is unchanged.` });
    }
  });
  const typed = paths.split('\n').map((p) => p.trim()).filter(Boolean);
  const busy = phase.step === 'uploading' || phase.step === 'importing';
  const canStart = !busy && (files.length > 0 || typed.length > 0);

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    setFiles((prev) => [...prev, ...Array.from(list).filter((f) => !prev.some((p) => p.name === f.name && p.size === f.size))]);
    setPhase({ step: 'idle' });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (studio.files.kind === 'upload') addFiles(e.dataTransfer.files);
  };
  const pickNative = async () => {
    if (studio.files.kind !== 'native') return;
    setPickError(null);
    try {
      const picked = await studio.files.pick(DOCUMENT_FILE_DIALOG);
      if (picked) setPaths((prev) => (prev.trim() ? `${prev.trim()}\n${picked}` : picked));
    } catch (err) {
      setPickError(dialogFailure(err, 'file', 'Type its path below instead.'));
    }
  };

  async function start(e: FormEvent) {
    e.preventDefault();
    if (!canStart) return;
    progress.clear();
    try {
      const fileNames: Record<string, string> = {};
      const uploaded: string[] = [];
      if (files.length && studio.files.kind === 'upload') {
        for (const [i, f] of files.entries()) {
          setPhase({ step: 'uploading', done: i, of: files.length });
          const stored = await studio.files.upload(f, () => undefined);
          fileNames[stored] = f.name;
          uploaded.push(stored);
        }
      }
      setPhase({ step: 'importing' });
      const job = await studio.call('collections.addDocuments', { collection: collection.id, paths: [...uploaded, ...typed], ...(uploaded.length ? { fileNames } : {}) });
      progress.follow(job);
    } catch (err) {
      setPhase({ step: 'failed', message: errorMessage(err) });
    }
  }

  const job = progress.job;
  return (
    <Card aria-label="Import documents">
      <CardHeader title="Import documents" subtitle="Text, Markdown, HTML, PDF and Word (.docx). Everything readable comes in at once; a failed or cancelled import leaves the collection as it was." />
      <form className="card-body stack" onSubmit={start} onKeyDown={submitOnModEnter} aria-label="Import documents">
        {studio.files.kind === 'upload' ? (
          <div className="dropzone" data-over={over} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
            <Icon name="upload" size={20} />
            {files.length ? <strong className="small">{files.map((f) => f.name).join(', ')}</strong> : <span className="muted">Drop documents here, or</span>}
            <input ref={fileInput} type="file" multiple className="visually-hidden" tabIndex={-1} aria-label="Document files" accept={ACCEPT} onChange={(e) => { addFiles(e.target.files); e.target.value = ''; }} />
            <div className="row">
              <Button size="sm" onClick={() => fileInput.current?.click()}>{files.length ? 'Add more files' : 'Choose files'}</Button>
              {files.length > 0 && <Button size="sm" onClick={() => setFiles([])}>Clear</Button>}
            </div>
          </div>
        ) : (
          <div className="row"><Button size="sm" icon="upload" onClick={() => void pickNative()}>Choose a file…</Button><span className="muted small">or type paths below</span></div>
        )}
        {pickError && studio.files.kind === 'native' && (
          <p className="field-error" role="alert" data-testid="docs-pick-error">{pickError}</p>
        )}
        <Field label="Paths on the studio’s machine" optional help="Files or folders, one per line; a folder brings in every document under it.">
          {(id, d) => <textarea id={id} className="textarea mono small" rows={2} value={paths} onChange={(e) => setPaths(e.target.value)} aria-describedby={d} placeholder="/home/me/manuals" />}
        </Field>
        {(busy || job) && (
          <ImportProgress testId="docs-import-progress" job={job} upload={phase.step === 'uploading' ? { stage: 'Uploading', detail: `${phase.done} of ${plural(phase.of, 'file')}`, fraction: phase.done / phase.of } : null} />
        )}
        {phase.step === 'done' && (
          <div className="stack gap-2" role="status">
            <p className="small"><strong>Imported {plural(phase.result.imported.length, 'document')}</strong>{phase.result.imported.length ? `: ${phase.result.imported.map((d) => d.name).join(', ')}` : ''}.</p>
            {phase.result.skipped.length > 0 && (
              <Callout tone="warning" title={`${plural(phase.result.skipped.length, 'file')} not imported`}>
                <ul className="skipped-files" aria-label="Files not imported">
                  {phase.result.skipped.map((s) => <li key={s.path}><span className="mono small" title={s.path}>{fileName(s.path)}</span> — {s.reason}</li>)}
                </ul>
              </Callout>
            )}
          </div>
        )}
        {phase.step === 'failed' && <Callout tone="danger" title="Nothing was imported"><div className="pre-wrap">{phase.message}</div></Callout>}
        <div className="row">
          <span className="spacer" />
          <Button type="submit" variant="primary" icon="upload" disabled={!canStart} shortcut={`${MOD}↵`}>{busy ? 'Importing…' : 'Import'}</Button>
        </div>
      </form>
    </Card>
  );
}
