// The confirmation before a project is deleted, saying exactly what goes and what stays (native/studio/deletion.ts
// is the rule): the project's own record goes — its name, description, task, success metric, target and constraints
// — and with it its scorecard and journey, which measure its runs against that target. Everything it holds stays, in
// no project (the Datasets, Runs and Documents pages list those apart): runs with their scores, logs and files, and
// the models they wrote, which belong to no project. When work still runs in it, it says so and offers no delete.
// "Keep it" has the focus.
import { useId, useState } from 'react';
import { projectContentsNote } from '../../../../native/api/deletion.ts';
import type { Project } from '../../../../native/api/schemas.ts';
import { errorMessage } from '../../api/errors.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Button, Callout, ReadError } from '../../ui/primitives.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { UNASSIGNED_LABEL } from '../datasets/datasetChoices.tsx';

export function DeleteProjectDialog({ project, onClose, onDeleted }: { project: Project; onClose(): void; onDeleted(): void }) {
  const studio = useStudio();
  const toast = useToast();
  const usage = useQuery('projects.usage', { id: project.id });
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const u = usage.data;
  // Where what stays is found afterwards, naming only the pages that will list something.
  const pages = u ? [u.datasets > 0 && 'Datasets', u.collections > 0 && 'Documents'].filter(Boolean).join(' and ') : '';
  const them = u && u.datasets + u.collections + u.runs === 1 ? 'it' : 'them';
  const where = u ? [pages && `the ${pages} ${pages.includes(' and ') ? 'pages list' : 'page lists'} ${them} under “${UNASSIGNED_LABEL}”`, u.runs > 0 && `the Runs page${pages ? '' : ` lists ${them}`} under its “No project” filter`].filter(Boolean).join(', ') : '';

  async function remove() {
    setBusy(true);
    try {
      await studio.call('projects.delete', { id: project.id });
      toast.show('success', `Deleted “${project.name}”`);
      onDeleted();
    } catch (err) {
      toast.show('error', 'Could not delete the project', errorMessage(err));
      setBusy(false);
      onClose();
    }
  }

  return (
    <Dialog title={`Delete ${project.name}?`} onClose={onClose}>
      <div className="stack">
        <section className="dialog-section" aria-labelledby={`${titleId}-lost`}>
          <h3 id={`${titleId}-lost`}>Deleted</h3>
          <p data-testid="project-delete-lost">
            The project’s own record: its name, description, task, success metric and target, and constraints. Its scorecard and journey go
            with it, since they measure its runs against that target.
          </p>
        </section>
        <section className="dialog-section" aria-labelledby={`${titleId}-kept`}>
          <h3 id={`${titleId}-kept`}>Kept</h3>
          <ReadError what="Could not check what the project holds" read={usage} />
          {usage.data && (
            <p data-testid="project-delete-contents">
              {projectContentsNote(usage.data)}
              {usage.data.runs > 0 && ` ${usage.data.runs === 1 ? 'The run keeps its' : 'The runs keep their'} scores, logs and files.`}
              {where && ` ${where.charAt(0).toUpperCase()}${where.slice(1)}.`}
            </p>
          )}
          <p>Models belong to no project: none is deleted{usage.data && usage.data.runs > 0 ? ', the ones its runs wrote included' : ''}.</p>
        </section>
        {usage.data?.busy && <Callout tone="warning" title="In use: it cannot be deleted now">{`Work is running in this project: ${usage.data.busy}.`}</Callout>}
        <div className="dialog-actions">
          <Button data-autofocus onClick={onClose}>Keep it</Button>
          <Button variant="danger" icon="x" disabled={busy || !usage.data || usage.data.busy !== null} onClick={() => void remove()}>{busy ? 'Deleting…' : 'Delete project'}</Button>
        </div>
      </div>
    </Dialog>
  );
}
