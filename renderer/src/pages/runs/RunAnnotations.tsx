// What a person writes on a run: tags (Enter adds one, × or Backspace in the empty field removes) and a note,
// saved when the field loses focus or on Ctrl+Enter (⌘+Enter). Each save goes through runs.update; a refused
// tag shows the API's reason under the field. Tags are saved one change after another, each on top of the last:
// a second tag added before the first one's save came back was once saved over it (the run's tags were still the
// old ones), and the first one's late answer could then undo the second.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Run } from '../../../../native/api/schemas.ts';
import { MAX_RUN_TAGS, RunTag } from '../../../../native/api/schemas.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { Card, CardHeader } from '../../ui/primitives.tsx';
import { Icon } from '../../ui/icons.tsx';

type SaveState = 'idle' | 'saving' | 'saved' | { error: string };

export function RunAnnotations({ run, onSaved }: { run: Run; onSaved(run: Run): void }) {
  const studio = useStudio();
  const id = useId();
  const [draftTag, setDraftTag] = useState('');
  const [tagError, setTagError] = useState<string | null>(null);
  const [note, setNote] = useState(run.note);
  const [noteState, setNoteState] = useState<SaveState>('idle');
  useEffect(() => setNote(run.note), [run.id, run.note]);
  /** The tags as the person left them: the run's, or what the saves under way will make them. */
  const [tags, setTags] = useState(run.tags);
  const saving = useRef({ pending: 0, queue: Promise.resolve() });
  const saved = useRef(run.tags);
  saved.current = run.tags;
  useEffect(() => {
    if (saving.current.pending === 0) setTags(run.tags);
  }, [run.id, run.tags]);

  function saveTags(next: string[]) {
    setTags(next);
    const work = saving.current;
    work.pending++;
    work.queue = work.queue.then(async () => {
      try {
        onSaved(await studio.call('runs.update', { id: run.id, tags: next }));
        setTagError(null);
      } catch (err) {
        setTagError(errorMessage(err));
        if (work.pending === 1) setTags(saved.current); // the last change refused: show what the run holds
      } finally {
        work.pending--;
      }
    });
  }

  function addTag() {
    const parsed = RunTag.safeParse(draftTag);
    if (!parsed.success) return setTagError(parsed.error.issues[0].message);
    if (tags.includes(parsed.data)) return setDraftTag('');
    if (tags.length >= MAX_RUN_TAGS) return setTagError(`a run has at most ${MAX_RUN_TAGS} tags; remove one first`);
    setDraftTag('');
    saveTags([...tags, parsed.data]);
  }

  function onTagKey(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      if (draftTag.trim()) addTag();
    } else if (e.key === 'Backspace' && draftTag === '' && tags.length > 0) {
      saveTags(tags.slice(0, -1));
    }
  }

  async function saveNote() {
    if (note === run.note) return;
    setNoteState('saving');
    try {
      onSaved(await studio.call('runs.update', { id: run.id, note }));
      setNoteState('saved');
    } catch (err) {
      setNoteState({ error: errorMessage(err) });
    }
  }

  const noteHelp = typeof noteState === 'object' ? null : noteState === 'saving' ? 'Saving…' : noteState === 'saved' && note === run.note ? 'Saved.' : 'Saved when you leave the field, or with Ctrl+Enter.';
  return (
    <Card aria-label="Tags and note">
      <CardHeader title="Tags and note" subtitle="Yours, not the engine’s: tags to find the run again (the Runs list filters by them), a note on why it ran and what it showed." />
      <div className="card-body stack">
        <div className="field">
          <label className="field-label" htmlFor={`${id}-tag`}>Tags</label>
          <div className="input-box run-tag-editor">
            {tags.map((t) => (
              <span key={t} className="run-tag">
                {t}
                <button type="button" className="run-tag-remove" aria-label={`Remove tag ${t}`} onClick={() => saveTags(tags.filter((x) => x !== t))}><Icon name="x" size={10} /></button>
              </span>
            ))}
            <input
              id={`${id}-tag`}
              className="run-tag-input"
              placeholder={tags.length ? 'Add a tag…' : 'baseline, lr-sweep, keep… (Enter adds)'}
              value={draftTag}
              aria-invalid={tagError ? true : undefined}
              aria-describedby={`${id}-tag-help`}
              onChange={(e) => { setDraftTag(e.target.value); setTagError(null); }}
              onKeyDown={onTagKey}
              onBlur={() => draftTag.trim() && addTag()}
            />
          </div>
          {tagError
            ? <p className="field-error" id={`${id}-tag-help`} role="alert">{tagError}</p>
            : <p className="field-help" id={`${id}-tag-help`}>One word each; Enter adds, Backspace in the empty field removes the last.</p>}
        </div>
        <div className="field">
          <label className="field-label" htmlFor={`${id}-note`}>Note</label>
          <textarea
            id={`${id}-note`}
            className="textarea"
            rows={3}
            placeholder="Why this run, what changed, what it showed…"
            value={note}
            aria-describedby={`${id}-note-help`}
            onChange={(e) => { setNote(e.target.value); setNoteState('idle'); }}
            onBlur={() => void saveNote()}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void saveNote();
              }
            }}
          />
          {typeof noteState === 'object'
            ? <p className="field-error" id={`${id}-note-help`} role="alert">Not saved: {noteState.error}</p>
            : <p className="field-help" id={`${id}-note-help`} data-testid="note-state">{noteHelp}</p>}
        </div>
      </div>
    </Card>
  );
}
