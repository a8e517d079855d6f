// Stage 1, Scope: create the project or refine the current one. Saving validates with the contract's schema
// first, then the engine's answer; field errors land under their fields, anything else in a toast. The project's
// Delete asks first, saying what it holds (which stays, in no project).
import { useState } from 'react';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { StudioError } from '../../api/errors.ts';
import { TASKS } from '../../domain/tasks.ts';
import { CreateAction, DeleteAction, PageHeader } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { ProjectForm } from './ProjectForm.tsx';
import { DeleteProjectDialog } from './DeleteProjectDialog.tsx';
import { ScorecardCard } from '../evaluate/ScorecardCard.tsx';
import { JourneyCard } from '../journey/JourneyStrip.tsx';
import { draftFromProject, emptyDraft, errorsFromIssues, toProjectInput, type FieldErrors, type ProjectDraft } from './projectDraft.ts';

/** Field issues from an invalid_params error (details.issues, path 'constraints.device', or a bare array) or a conflict naming its field. */
function issuesOf(err: unknown): { path: PropertyKey[]; message: string }[] {
  if (!(err instanceof StudioError)) return [];
  const details = err.details as { issues?: unknown; field?: unknown } | unknown[] | undefined;
  // A taken name comes back as a conflict on its field: shown under the field like any other problem.
  if (err.code === 'conflict' && !Array.isArray(details) && typeof details?.field === 'string') return [{ path: [details.field], message: err.message }];
  if (err.code !== 'invalid_params') return [];
  const list = Array.isArray(details) ? details : Array.isArray(details?.issues) ? details.issues : [];
  return list.flatMap((d: { path?: unknown; message?: unknown }) => {
    if (typeof d?.message !== 'string') return [];
    const path = Array.isArray(d.path) ? d.path : typeof d.path === 'string' ? d.path.split('.') : [];
    return [{ path, message: d.message }];
  });
}

export function ScopePage({ creating, onCreatingChange }: { creating: boolean; onCreatingChange(creating: boolean): void; navigate(page: PageId): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { current, projects, loading, select, reload } = useProjects();
  const [busy, setBusy] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // Errors belong to the form they were found in (a project's, or the new one's): another form starts without them.
  const [found, setFound] = useState<{ form: string; errors: FieldErrors }>({ form: '', errors: {} });
  const mode = creating || !current ? 'create' : 'edit';
  const form = mode === 'edit' ? current!.id : 'new';
  const errors = found.form === form ? found.errors : {};
  const setErrors = (next: FieldErrors) => setFound({ form, errors: next });

  async function save(draft: ProjectDraft) {
    const checked = toProjectInput(draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const saved = mode === 'create'
        ? await studio.call('projects.create', checked.input)
        : await studio.call('projects.update', { id: current!.id, patch: checked.input });
      select(saved.id);
      reload();
      onCreatingChange(false);
      toast.show('success', mode === 'create' ? `Created “${saved.name}”` : 'Scope saved');
    } catch (err) {
      const fieldErrors = errorsFromIssues(issuesOf(err));
      if (Object.keys(fieldErrors).length > 0) setErrors(fieldErrors);
      else toast.show('error', mode === 'create' ? 'Could not create the project' : 'Could not save the scope', (err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  /**
   * The deleted project leaves the switcher: the newest project left becomes current (as ProjectsContext's fallback
   * would choose), or none, and Scope offers a new one. The page is drawn afresh for it, so focus goes to the page, not the document's top.
   */
  function afterDelete() {
    const next = projects.filter((p) => p.id !== current?.id).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    setConfirmingDelete(false);
    select(next?.id ?? null);
    reload();
    requestAnimationFrame(() => document.getElementById('content')?.focus());
  }

  if (loading) return <div className="page" aria-busy="true" />;
  const first = projects.length === 0;
  // Keyed by the form: the new-project page is built afresh, never patched from a project's (whose scorecard stayed).
  return (
    <div className="page" key={form}>
      <PageHeader
        title={mode === 'create' ? (first ? 'Scope your first model' : 'New project') : current!.name}
        lede={mode === 'create'
          ? 'A project is one use case. Say what the model should do, how you will measure it and where it has to run; every later stage builds on this.'
          : `${TASKS[current!.task].label} · ${TASKS[current!.task].explain}`}
        actions={mode === 'edit' ? <><CreateAction onClick={() => onCreatingChange(true)}>New project</CreateAction><DeleteAction onClick={() => setConfirmingDelete(true)}>Delete project</DeleteAction></> : null}
      />
      {mode === 'edit' && <JourneyCard project={current!} />}
      {mode === 'edit' && <ScorecardCard key={`scorecard ${current!.id} ${current!.updatedAt}`} project={current!} />}
      <ProjectForm
        key={mode === 'edit' ? `form ${current!.id} ${current!.updatedAt}` : 'new'}
        initial={mode === 'edit' ? draftFromProject(current!) : emptyDraft()}
        mode={mode}
        busy={busy}
        serverErrors={errors}
        onSubmit={save}
        onCancel={creating && current ? () => onCreatingChange(false) : undefined}
        focusName={creating}
      />
      {confirmingDelete && mode === 'edit' && <DeleteProjectDialog project={current!} onClose={() => setConfirmingDelete(false)} onDeleted={afterDelete} />}
    </div>
  );
}
