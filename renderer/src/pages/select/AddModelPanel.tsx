// The four ways a model comes in: a Hugging Face folder on disk, a llama2.c checkpoint with its tokenizer, a
// GGUF file (llama.cpp, LM Studio, Ollama), or a download from the Hugging Face Hub. Each is a job followed to its
// end by the ImportProgress that every import shows (bar, stage, its Cancel): an import ('model-import',
// 'gguf-import') can be cancelled; a download ('model-download') is paused, and resumes where it stopped when started again.
import { useState, type FormEvent } from 'react';
import type { Model } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { fieldRefusal } from '../../api/errors.ts';
import { PathField } from '../../ui/PathField.tsx';
import { Button, Callout, Card, CardHeader, Field } from '../../ui/primitives.tsx';
import { ImportProgress } from '../datasets/ImportProgress.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';

type Way = 'folder' | 'llama2c' | 'gguf' | 'hub';

const WAYS: { id: Way; title: string; help: string }[] = [
  { id: 'folder', title: 'Hugging Face folder', help: 'A folder on disk with config.json, .safetensors weights and tokenizer.json.' },
  { id: 'llama2c', title: 'llama2.c checkpoint', help: 'A model.bin from llama2.c and its tokenizer.bin; converted on import.' },
  { id: 'gguf', title: 'GGUF file', help: 'A llama .gguf from llama.cpp, LM Studio or Ollama; dequantised to float32 on import.' },
  { id: 'hub', title: 'Download from the Hub', help: 'owner/name on huggingface.co, once; it then works offline.' },
];

/** The fields that show their own refusal under them; any other refusal is a callout below the form. */
const FIELDS = ['path', 'checkpoint', 'tokenizer', 'name', 'repo', 'token'];

const LLAMA2C_FILES = [{ name: 'llama2.c files', extensions: ['bin'] }, { name: 'All files', extensions: ['*'] }];
/** Ollama's blobs have no extension: All files is a choice, not a fallback. */
const GGUF_FILES = [{ name: 'GGUF', extensions: ['gguf'] }, { name: 'All files', extensions: ['*'] }];

const stem = (p: string) => p.split(/[\\/]/).filter(Boolean).pop()?.replace(/\.(bin|gguf)$/i, '') ?? '';

export function AddModelPanel({ startCollapsed, onAdded }: { startCollapsed: boolean; onAdded(model: Model): void }) {
  const studio = useStudio();
  const [expanded, setExpanded] = useState(!startCollapsed);
  const [way, setWay] = useState<Way>('llama2c');
  const [fields, setFields] = useState({ folder: '', checkpoint: '', tokenizer: '', gguf: '', repo: '', revision: 'main', token: '', name: '' });
  const [nameTouched, setNameTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const progress = useJobProgress((job) => {
    setBusy(false);
    const model = (job.result as { model?: Model } | null)?.model;
    if (job.state === 'succeeded' && model) {
      setFields((f) => ({ ...f, folder: '', checkpoint: '', tokenizer: '', gguf: '', name: '' }));
      setNameTouched(false);
      onAdded(model);
    } else if (job.kind === 'model-download') setError({ message: job.error ?? `The download ended ${job.state}. Start it again to resume.` });
    else setError({ message: job.error ?? (job.state === 'cancelled' ? 'The import was cancelled; nothing was kept.' : `The import ended ${job.state}.`) });
  });

  const set = (key: keyof typeof fields, value: string) => {
    if (error?.field) setError(null); // a field's refusal goes once the field is edited
    const next = { ...fields, [key]: value };
    if (!nameTouched && (key === 'folder' || key === 'checkpoint' || key === 'gguf' || key === 'repo')) next.name = key === 'repo' ? (value.split('/')[1] ?? '') : stem(value);
    setFields(next);
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setBusy(true);
    progress.clear();
    try {
      const name = fields.name.trim();
      const job = way === 'folder'
        ? await studio.call('models.importFolder', { path: fields.folder.trim(), name })
        : way === 'llama2c'
          ? await studio.call('models.importLlama2c', { checkpoint: fields.checkpoint.trim(), tokenizer: fields.tokenizer.trim(), name })
          : way === 'gguf'
            ? await studio.call('models.importGguf', { path: fields.gguf.trim(), name })
            : await studio.call('models.download', { repo: fields.repo.trim(), revision: fields.revision.trim() || 'main', token: fields.token.trim() || undefined, name: name || undefined });
      progress.follow(job); // busy until the job ends
    } catch (err) {
      setError(fieldRefusal(err, FIELDS));
      setBusy(false);
    }
  }

  if (!expanded) {
    return (
      <Card aria-label="Add a model">
        <CardHeader title="Add a model" subtitle="Import a folder, a llama2.c checkpoint or a GGUF file, or download one from the Hugging Face Hub." actions={<Button icon="plus" onClick={() => setExpanded(true)}>Add a model</Button>} />
      </Card>
    );
  }
  const fieldError = (f: string) => (error?.field === f ? error.message : null);
  const job = progress.job;
  const downloading = job?.kind === 'model-download';
  const ready = fields.name.trim() !== '' || way === 'hub';
  const complete = { folder: fields.folder.trim(), llama2c: fields.checkpoint.trim() && fields.tokenizer.trim(), gguf: fields.gguf.trim(), hub: fields.repo.trim() }[way];
  return (
    <Card aria-label="Add a model">
      <CardHeader title="Add a model" subtitle="Four ways in. Whatever the source, the model is stored as a standard Hugging Face folder in the studio’s data directory." />
      <form className="card-body stack" onSubmit={submit} onKeyDown={submitOnModEnter} aria-label="Add a model">
        <div className="choice-grid four" role="radiogroup" aria-label="Source">
          {WAYS.map((w) => (
            <button key={w.id} type="button" role="radio" aria-checked={way === w.id} className="choice" onClick={() => { setWay(w.id); setError(null); }}>
              <span className="choice-title">{w.title}</span>
              <span className="choice-help">{w.help}</span>
            </button>
          ))}
        </div>
        <div className="form-grid">
          {way === 'folder' && (
            <PathField label="Folder path" className="span-2" help="The full path of the folder, e.g. /models/SmolLM2-135M." error={fieldError('path')} value={fields.folder} onChange={(v) => set('folder', v)} placeholder="/path/to/model-folder" dialog={{ kind: 'folder', title: 'A Hugging Face model folder' }} />
          )}
          {way === 'llama2c' && (
            <>
              <PathField label="Checkpoint path" help="llama2.c’s model file (stories15M.bin, stories260K.bin…)." error={fieldError('checkpoint')} value={fields.checkpoint} onChange={(v) => set('checkpoint', v)} placeholder="/path/to/stories260K.bin" dialog={{ kind: 'file', title: 'A llama2.c checkpoint', filters: LLAMA2C_FILES }} />
              <PathField label="Tokenizer path" help="The tokenizer.bin trained with it (tok512.bin for stories260K)." error={fieldError('tokenizer')} value={fields.tokenizer} onChange={(v) => set('tokenizer', v)} placeholder="/path/to/tok512.bin" dialog={{ kind: 'file', title: 'Its llama2.c tokenizer', filters: LLAMA2C_FILES }} />
            </>
          )}
          {way === 'gguf' && (
            <PathField label="GGUF file path" className="span-2" help="Llama-family weights in F32, F16, Q8_0, Q4_0, Q4_K or Q6_K (a Q4_K_M file is these). Ollama keeps its models as blobs under ~/.ollama/models/blobs; the largest blob of a model is its GGUF." error={fieldError('path')} value={fields.gguf} onChange={(v) => set('gguf', v)} placeholder="/path/to/model.Q4_K_M.gguf" dialog={{ kind: 'file', title: 'A GGUF file', filters: GGUF_FILES }} />
          )}
          {way === 'hub' && (
            <>
              <Field label="Repository" help="owner/name as on huggingface.co, e.g. HuggingFaceTB/SmolLM2-135M." error={fieldError('repo')}>
                {(id, d) => <input id={id} className="input mono" value={fields.repo} onChange={(e) => set('repo', e.target.value)} aria-describedby={d} placeholder="owner/name" />}
              </Field>
              <Field label="Revision" help="Branch, tag or commit; main is the latest." optional>
                {(id, d) => <input id={id} className="input mono" value={fields.revision} onChange={(e) => set('revision', e.target.value)} aria-describedby={d} />}
              </Field>
              <Field label="Access token" className="span-2" optional help="Only for gated or private models: accept the licence on the model’s page, then create a read token in your Hugging Face settings." error={fieldError('token')}>
                {(id, d) => <input id={id} type="password" autoComplete="off" className="input mono" value={fields.token} onChange={(e) => set('token', e.target.value)} aria-describedby={d} placeholder="hf_…" />}
              </Field>
            </>
          )}
          <Field label="Model name" help="How the model is listed in the studio; must be unique." error={fieldError('name')} optional={way === 'hub'}>
            {(id, d) => <input id={id} className="input" value={fields.name} onChange={(e) => { setNameTouched(e.target.value !== ''); set('name', e.target.value); }} aria-describedby={d} placeholder="stories260K" />}
          </Field>
        </div>
        {job && <ImportProgress testId="model-job-progress" job={job} upload={null} kind={downloading ? 'download' : 'import'} />}
        {error && !FIELDS.includes(error.field ?? '') && <Callout tone="danger" title={way === 'hub' ? 'The model was not downloaded' : 'The model was not imported'}><div className="pre-wrap">{error.message}</div></Callout>}
        <div className="row">
          {startCollapsed && <Button variant="ghost" onClick={() => setExpanded(false)}>Close</Button>}
          <span className="spacer" />
          <Button type="submit" variant="primary" icon={way === 'hub' ? 'upload' : 'plus'} disabled={busy || !complete || !ready} shortcut={`${MOD}↵`}>{busy ? (way === 'hub' ? 'Downloading…' : 'Importing…') : way === 'hub' ? 'Download' : 'Import'}</Button>
        </div>
      </form>
    </Card>
  );
}
