// The layout of a page that trains runs of its own (fine-tune, align): the project's runs on the left; on the right a
// Starting card while a job just started has not named its run yet, above the selected run or the setup of a new one
// (or, when the project has nothing left to start one from, why not and where to get it: its past runs stay listed).
import type { ReactNode } from 'react';
import type { Job, Run } from '../../../../native/api/schemas.ts';
import { Card, ProgressBar, Reveal } from '../../ui/primitives.tsx';
import { TrainingRunList } from './TrainingRunList.tsx';
import type { TrainingStart } from './useTrainingStart.ts';

/** Shown from the moment a run is asked for until its job names the run: `hint` says what the job does meanwhile. */
export function StartingCard({ job, title, hint }: { job: Job; title: string; hint: string }) {
  return (
    <Reveal testId="revealed-progress"><Card aria-label="Starting">
      <div className="card-body stack gap-2">
        <strong>{title}</strong>
        <ProgressBar value={null} label="Starting" />
        <span className="muted small">{job.message || hint}</span>
      </div>
    </Card></Reveal>
  );
}

export function TrainingLayout({ training, listTitle, runs, empty, startingHint, datasets, children }: {
  training: TrainingStart;
  listTitle: string;
  /** The runs, newest first. */
  runs: Run[];
  /** The run list's text while it is empty: how to begin. */
  empty: string;
  startingHint: string;
  /** The studio's datasets once loaded: a run whose dataset is not among them is marked as on a deleted dataset. */
  datasets?: readonly { id: string }[];
  /** The selected run's view, or the setup of a new run. */
  children: ReactNode;
}) {
  const { selectedId, select, pending } = training;
  return (
    <div className="ft-layout">
      <TrainingRunList title={listTitle} runs={runs} selectedId={selectedId} onSelect={select} onNew={() => select(null)} newLabel="New run" empty={empty} datasets={datasets} />
      <div className="stack">
        {pending && !pending.runId && <StartingCard job={pending} title="Starting the run…" hint={startingHint} />}
        {children}
      </div>
    </div>
  );
}
