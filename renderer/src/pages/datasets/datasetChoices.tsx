// Which datasets a page offers for the current project, in one rule shared by the Datasets page and the
// Fine-tune and Evaluate pickers: the project's own datasets first, then those that belong to no project
// (imported with `lathe dataset import` and no --project, say), labelled as such. Other projects' datasets
// belong to those projects and are not offered.
import type { Dataset } from '../../../../native/api/schemas.ts';

export const UNASSIGNED_LABEL = 'Not in any project';

export interface DatasetChoices {
  /** The current project's datasets, newest first (empty without a project). */
  inProject: Dataset[];
  /** Datasets attached to no project, newest first. */
  unassigned: Dataset[];
  /** Both, in that order: what a picker offers and the first one it preselects. */
  offered: Dataset[];
}

const newestFirst = (a: Dataset, b: Dataset) => b.createdAt.localeCompare(a.createdAt);

export function datasetChoices(datasets: readonly Dataset[] | undefined, projectId: string | null): DatasetChoices {
  const all = datasets ?? [];
  const inProject = projectId ? all.filter((d) => d.projectId === projectId).sort(newestFirst) : [];
  const unassigned = all.filter((d) => d.projectId === null).sort(newestFirst);
  return { inProject, unassigned, offered: [...inProject, ...unassigned] };
}

/** The <option>s of a dataset <select>: a group per kind, the unassigned group named so a pick is deliberate. */
export function DatasetOptions({ choices }: { choices: DatasetChoices }) {
  const option = (d: Dataset) => <option key={d.id} value={d.id}>{d.name}</option>;
  if (choices.unassigned.length === 0) return <>{choices.inProject.map(option)}</>;
  return (
    <>
      {choices.inProject.length > 0 && <optgroup label="In this project">{choices.inProject.map(option)}</optgroup>}
      <optgroup label={UNASSIGNED_LABEL}>{choices.unassigned.map(option)}</optgroup>
    </>
  );
}
