// Step 1 of the guided path: merge a LoRA adapter into its base as a new model. The usual source is a finished
// LoRA run of this project (fine-tune, DPO, PPO), picked from a list: the page sends the run's id and the server
// finds its adapter folder. An adapter made elsewhere (a PEFT folder) can still be named by path, onto the source
// model chosen above.
import { useState, type FormEvent } from 'react';
import { HF_DTYPES, type AdapterlessRun, type AdapterRun, type DeployResult } from '../../../../native/api/deploy.ts';
import { firstFreeName, runNameTag, tunedModelName } from '../../../../native/api/model-names.ts';
import type { Model } from '../../../../native/api/schemas.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { formatDate } from '../../domain/format.ts';
import { isFinished } from '../../domain/jobs.ts';
import { formatLoss } from '../finetune/runFormat.ts';
import { PathField } from '../../ui/PathField.tsx';
import { Button, EmptyState, Field, ReadError, Select } from '../../ui/primitives.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';
import { ArtifactList } from './ArtifactList.tsx';
import { JobLine } from './JobLine.tsx';
import { stepHeading } from './integrateSteps.ts';

type Source = 'run' | 'folder';
const KIND_LABEL: Record<string, string> = { finetune: 'fine-tune', dpo: 'DPO', ppo: 'PPO' };

function RunPicker({ runs, chosen, onChoose }: { runs: AdapterRun[]; chosen: string | null; onChoose(id: string): void }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Finished LoRA runs">
        <thead><tr><th className="pick-cell"><span className="visually-hidden">Chosen</span></th><th>Run</th><th>Base model</th><th>Finished</th><th>Final val loss</th></tr></thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId} className="pick-row" data-chosen={r.runId === chosen} onClick={() => onChoose(r.runId)}>
              <td><input type="radio" name="merge-run" id={`merge-run-${r.runId}`} checked={r.runId === chosen} onChange={() => onChoose(r.runId)} className="checkbox" /></td>
              <td><label htmlFor={`merge-run-${r.runId}`}>{r.name}</label> <span className="badge">{KIND_LABEL[r.kind] ?? r.kind}</span></td>
              <td>{r.baseModelName}</td>
              <td className="small">{r.finishedAt ? formatDate(r.finishedAt) : '—'}</td>
              <td className="mono">{r.finalValLoss === null ? '—' : formatLoss(r.finalValLoss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const ADAPTERLESS_WHY: Record<AdapterlessRun['reason'], string> = {
  full: 'trained the whole model, so it saved a model (on the model list, ready to quantise) rather than an adapter',
  'no-adapter': 'has no adapter files any more',
  'base-deleted': 'was trained on a model since deleted from the studio',
};

/** No run to pick: none finished yet, or (`adapterless`, deploy.adapterlessRuns) those that did left no adapter to merge. */
function NoRunToMerge({ runs, adapterless }: { runs: AdapterRun[] | undefined; adapterless: AdapterlessRun[] | undefined }) {
  const howTo = <>A run saves its adapter when it trains with the LoRA method and runs to its last step (a cancelled run saves none): fine-tune with LoRA on <a href="#/adapt/finetune">Adapt &amp; align</a> (or align with DPO or PPO).</>;
  if (adapterless?.length) {
    return (
      <EmptyState icon="layers" title="No adapter to merge">
        {adapterless.length === 1 ? 'The finished run' : `The ${adapterless.length} finished runs`} of this project left no LoRA adapter:{' '}
        {adapterless.slice(0, 3).map((r, i) => <span key={r.runId}>{i > 0 && '; '}<strong>{r.name}</strong> {ADAPTERLESS_WHY[r.reason]}</span>)}
        {adapterless.length > 3 && `; and ${adapterless.length - 3} more`}. {howTo} An adapter made elsewhere can be merged from its folder.
      </EmptyState>
    );
  }
  return (
    <EmptyState icon="layers" title={runs === undefined || adapterless === undefined ? 'Looking for LoRA runs…' : 'No finished LoRA run yet'}>
      Fine-tune with LoRA on <a href="#/adapt/finetune">Adapt &amp; align</a> (or align with DPO or PPO); each finished run is listed here with its base model and final validation loss (the merge takes the last step's adapter). An adapter made elsewhere can be merged from its folder.
    </EmptyState>
  );
}

/**
 * `runs`: the project's finished LoRA runs (deploy.adapterRuns), undefined while they load; `adapterless`: its
 * finished runs that left no adapter (asked only when `runs` is empty).
 */
export function MergeStep({ model, runs, adapterless, highlighted, onMerged, onError }: { model: Model; runs: AdapterRun[] | undefined; adapterless: AdapterlessRun[] | undefined; highlighted: boolean; onMerged(result: DeployResult): void; onError(message: string | null): void }) {
  const studio = useStudio();
  const [source, setSource] = useState<Source>('run');
  const [runId, setRunId] = useState<string | null>(null);
  const [adapterPath, setAdapterPath] = useState('');
  const [name, setName] = useState('');
  const [dtype, setDtype] = useState<(typeof HF_DTYPES)[number]>('fp32');
  const [merged, setMerged] = useState<{ jobId: string; result: DeployResult } | null>(null);
  const job = useJobProgress((j) => {
    if (j.state === 'succeeded') {
      const result = j.result as DeployResult;
      setMerged({ jobId: j.id, result });
      onMerged(result);
    } else onError(j.error ?? `The merge ended ${j.state}; nothing was kept.`);
  });
  const list = runs ?? [];
  const run = list.find((r) => r.runId === runId) ?? list[0] ?? null;
  // What was merged into what, as a run's own merge would name it ('s260k-lora-merged'), -2 and on when taken;
  // the server still refuses a taken name, should another model take it meanwhile.
  const models = useQuery('models.list', {});
  const merging = source === 'run' && run ? tunedModelName(run.baseModelName, runNameTag(run.kind, 'lora'), true) : `${model.name}-merged`;
  const suggested = firstFreeName(merging, (n) => (models.data ?? []).some((m) => m.name === n));
  const running = job.job !== null && !isFinished(job.job);
  // The suggested name is free only against the model list: before it arrives it may be taken (the engine refuses a
  // taken name), so a merge under it waits for the list; a name typed by the person needs none.
  const ready = (source === 'run' ? run !== null : adapterPath.trim() !== '') && (name.trim() !== '' || models.data !== undefined);

  async function merge(e: FormEvent) {
    e.preventDefault();
    onError(null);
    setMerged(null);
    const common = { name: name.trim() || suggested, dtype };
    try {
      job.follow(await studio.call('deploy.merge', source === 'run' ? { ...common, runId: run!.runId } : { ...common, modelId: model.id, adapterPath: adapterPath.trim() }));
    } catch (err) {
      onError(errorMessage(err));
    }
  }

  return (
    <form className="stack guided-form" data-next={highlighted} onSubmit={merge} aria-label="Merge an adapter">
      <div className="row"><h3>{stepHeading('merge')}</h3><span className="spacer" />
        <div className="segmented" role="radiogroup" aria-label="Adapter source">
          <button type="button" role="radio" aria-checked={source === 'run'} onClick={() => setSource('run')}>A finished run</button>
          <button type="button" role="radio" aria-checked={source === 'folder'} onClick={() => setSource('folder')}>An adapter folder</button>
        </div>
      </div>
      {source === 'run' ? (
        list.length > 0 ? <RunPicker runs={list} chosen={run?.runId ?? null} onChoose={setRunId} /> : <NoRunToMerge runs={runs} adapterless={adapterless} />
      ) : (
        <PathField label="LoRA adapter folder" help={<>A PEFT adapter (adapter_config.json + adapter_model.safetensors) trained on <strong>{model.name}</strong>, the source model above.</>} value={adapterPath} onChange={setAdapterPath} placeholder="/path/to/adapter" dialog={{ kind: 'folder' }} />
      )}
      {(source === 'folder' || list.length > 0 || job.job) && <>
        <div className="form-grid">
          <Field label="Merged model name" optional help="The merged model is listed under this name, with the base's tokenizer and chat template.">
            {(id, d) => <input id={id} aria-describedby={d} className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder={suggested} />}
          </Field>
          <Field label="Merged weights" help="fp16 and bf16 halve the folder; the merge itself is computed in fp32.">
            {(id, d) => (
              <Select id={id} aria-describedby={d} value={dtype} onChange={(e) => setDtype(e.target.value as typeof dtype)}>
                {HF_DTYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </Select>
            )}
          </Field>
        </div>
        {job.job && <JobLine job={job.job} title="Merging" />}
        {!models.data && name.trim() === '' && <ReadError what="Could not list the models to check the suggested name" read={models} then="Type a name to merge under it." />}
        <div className="row"><span className="spacer" /><Button type="submit" variant={highlighted ? 'primary' : 'default'} disabled={running || !ready}>{running ? 'Merging…' : 'Merge'}</Button></div>
      </>}
      {merged && <ArtifactList jobId={merged.jobId} result={merged.result} testId="merge-result" />}
    </form>
  );
}
