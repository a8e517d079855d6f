// The from-scratch config builder: family, depth, width, context and vocabulary (each with what raising it
// does), then the corpus and the length of training. The plan beside it updates as the numbers change.
import { useId, useState, type FormEvent } from 'react';
import { pretrainedModelName } from '../../../../native/api/model-names.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { MOD } from '../../app/ShortcutHelp.tsx';
import { submitOnModEnter } from '../../app/shortcuts.ts';
import { errorMessage } from '../../api/errors.ts';
import type { PickPathOptions } from '../../../../native/api/pick-path.ts';
import { dialogFailure } from '../../ui/dialogFailure.ts';
import { Button, Card, CardHeader, Field } from '../../ui/primitives.tsx';
import { pretrainProblems, type PretrainForm } from './pretrainForm.ts';

type Key = keyof PretrainForm;
/** What a corpus file is named: plain text, Markdown included (the run reads any UTF-8 text). */
const CORPUS_EXTENSIONS = ['txt', 'text', 'md', 'markdown'];
const CORPUS_FILE_DIALOG: PickPathOptions = {
  kind: 'file',
  title: 'Choose a text corpus',
  filters: [{ name: 'Text', extensions: CORPUS_EXTENSIONS }, { name: 'All files', extensions: ['*'] }],
};
const SHAPE: { key: Key; label: string; help: string }[] = [
  { key: 'layers', label: 'Layers', help: 'Transformer blocks stacked; deeper models compose more, and cost time per step.' },
  { key: 'heads', label: 'Attention heads', help: 'Parallel attention patterns per layer; hidden size is split between them.' },
  { key: 'dModel', label: 'Hidden size', help: 'Width of every token’s vector; parameters grow with its square.' },
  { key: 'context', label: 'Context length', help: 'Longest span of tokens the model sees at once; attention cost grows with it.' },
  { key: 'vocab', label: 'Vocabulary', help: 'Tokens the byte-level BPE tokenizer learns from the corpus; more means shorter sequences.' },
];
const TRAINING: { key: Key; label: string; help: string; placeholder?: string }[] = [
  { key: 'steps', label: 'Steps', help: 'Optimiser steps; more keeps lowering the loss until the model’s size limits it.' },
  { key: 'batchSize', label: 'Batch size', help: 'Windows of text per step; bigger is steadier and needs more memory.' },
  { key: 'seqLen', label: 'Window length', help: 'Tokens per training window; empty uses the full context.', placeholder: 'context' },
  { key: 'lr', label: 'Learning rate', help: 'Peak AdamW step size after warm-up; too high and the loss spikes.' },
  { key: 'evalEvery', label: 'Evaluate every', help: 'Validation loss on the held-out tenth of the corpus every N steps.' },
  { key: 'saveEvery', label: 'Save every', help: 'Checkpoint every N steps, so a cancelled run can resume.' },
  { key: 'seed', label: 'Seed', help: 'Initial weights and window order; the same seed gives the same run.' },
  { key: 'threads', label: 'Threads', help: 'CPU threads; empty uses every core.', placeholder: 'all cores' },
];

export function PretrainBuilder({ form, onChange, busy, onStart }: { form: PretrainForm; onChange(next: PretrainForm): void; busy: boolean; onStart(): void }) {
  const studio = useStudio();
  const [uploading, setUploading] = useState<number | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const issues = pretrainProblems(form);
  const footerId = useId();
  // Why Start is disabled, beside it: an empty corpus is not marked at its field (an untouched form is not wrong),
  // so the button went grey with nothing saying what it waited for.
  const blocked = issues.corpus && !form.corpus.trim()
    ? `To start, choose a corpus above: a plain-text file to learn from (${studio.files.kind === 'native' ? 'Choose…' : 'Upload…'} or its path).`
    : Object.keys(issues).length > 0 ? 'To start, fix the fields marked above.' : null;
  const set = (patch: Partial<PretrainForm>) => onChange({ ...form, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (Object.keys(issues).length === 0 && !busy) onStart();
  };
  const number = (f: { key: Key; label: string; help: string; placeholder?: string }) => (
    <Field key={f.key} label={f.label} help={f.help} error={issues[f.key]}>
      {(id, d) => <input id={id} aria-describedby={d} className="input mono" inputMode="decimal" value={form[f.key]} placeholder={f.placeholder} aria-invalid={Boolean(issues[f.key])} onChange={(e) => set({ [f.key]: e.target.value })} />}
    </Field>
  );
  async function chooseFile(file?: File) {
    setFileError(null);
    try {
      if (studio.files.kind === 'native') {
        try {
          const picked = await studio.files.pick(CORPUS_FILE_DIALOG);
          if (picked) set({ corpus: picked });
        } catch (err) {
          setFileError(dialogFailure(err, 'file', 'Type the path instead.'));
        }
      } else if (file) {
        setUploading(0);
        const stored = await studio.files.upload(file, setUploading);
        set({ corpus: stored });
      }
    } catch (err) {
      setFileError(errorMessage(err));
    } finally {
      setUploading(null);
    }
  }

  return (
    <form onSubmit={submit} onKeyDown={submitOnModEnter} aria-label="Pretraining setup" className="stack">
      <Card aria-label="Model shape">
        <CardHeader title="Model shape" subtitle="A decoder-only transformer, initialised at random and trained on your text alone." />
        <div className="card-body stack gap-5">
          <div className="pt-family" role="radiogroup" aria-label="Family">
            {([['gpt2', 'GPT-2', 'LayerNorm, GELU MLP, learned positions. The classic small-model recipe.'], ['llama', 'Llama', 'RMSNorm, SwiGLU MLP, rotary positions. What most current open models use.']] as const).map(([id, title, text]) => (
              <button key={id} type="button" role="radio" aria-checked={form.family === id} className="choice" onClick={() => set({ family: id })}>
                <span className="choice-title">{title}</span>
                <span className="choice-help">{text}</span>
              </button>
            ))}
          </div>
          <div className="ft-settings">{SHAPE.map(number)}</div>
        </div>
      </Card>
      <Card aria-label="Data and training">
        <CardHeader title="Data and training" subtitle="The last tenth of the corpus is held out to measure validation loss." />
        <div className="card-body stack gap-5">
          <Field label="Corpus" help={uploading !== null ? `Uploading… ${Math.round(uploading * 100)}%` : 'A plain-text file (UTF-8). A megabyte of text is enough to see a small model learn spelling and style.'} error={fileError ?? (form.corpus ? issues.corpus : null)}>
            {(id, d) => (
              <div className="row">
                <input id={id} aria-describedby={d} className="input input-grow mono" value={form.corpus} placeholder="/path/to/corpus.txt" onChange={(e) => set({ corpus: e.target.value })} />
                {studio.files.kind === 'native'
                  ? <Button icon="file" onClick={() => void chooseFile()}>Choose…</Button>
                  : (
                    <label className="btn">
                      <input type="file" className="visually-hidden" accept={[...CORPUS_EXTENSIONS.map((e) => `.${e}`), 'text/plain'].join(',')} aria-label="Upload a corpus" onChange={(e) => void chooseFile(e.target.files?.[0])} />
                      Upload…
                    </label>
                  )}
              </div>
            )}
          </Field>
          <div className="ft-settings">{TRAINING.map(number)}</div>
          <Field label="Output model name" optional help="The trained model’s name on the Select page.">
            {(id, d) => <input id={id} aria-describedby={d} className="input" value={form.outputName} placeholder={pretrainedModelName(form.family)} onChange={(e) => set({ outputName: e.target.value })} />}
          </Field>
        </div>
        <footer className="card-footer">
          <span className="muted small push-rest" id={footerId}>{blocked ?? 'Trains a tokenizer first, then the model; runs as a job you can cancel and resume.'}</span>
          <Button type="submit" variant="primary" icon="sparkle" disabled={busy || blocked !== null} aria-describedby={footerId} shortcut={`${MOD}↵`}>Start pretraining</Button>
        </footer>
      </Card>
    </form>
  );
}
