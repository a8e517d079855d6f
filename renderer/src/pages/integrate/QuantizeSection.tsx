// Integrate → the guided path from a finished run to files other programs run: merge a LoRA run's adapter into its
// base (MergeStep), quantise (each chosen variant becomes a model the playground, evaluation and serving run),
// compare the variants beside fp32 on held-out text (QuantReport), then export GGUF, a transformers.js ONNX folder
// or a Hugging Face folder. Each step is a 'deploy' job (api/deploy.ts): progress, cancel, no partial files; what
// it wrote is listed with its size and a way to open its folder (ArtifactList). The step after the last one
// finished is highlighted as the next.
import { useMemo, useState, type FormEvent } from 'react';
import { EXPORT_FORMATS, GGUF_DTYPES, HF_DTYPES, ONNX_DTYPES, type DeployResult } from '../../../../native/api/deploy.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { isFinished } from '../../domain/jobs.ts';
import { PathField } from '../../ui/PathField.tsx';
import { Button, Callout, Card, CardHeader, EmptyState, Field, ReadError, Select } from '../../ui/primitives.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';
import { ArtifactList } from './ArtifactList.tsx';
import { GuidedSteps, nextStep, type GuidedStep } from './GuidedSteps.tsx';
import { stepHeading } from './integrateSteps.ts';
import { JobLine } from './JobLine.tsx';
import { MergeStep } from './MergeStep.tsx';
import { QuantReportCharts, QuantReportTable } from './QuantReport.tsx';
import './integrate.css';
import { hasSourceWeights } from '../../domain/models.ts';

const VARIANTS = ONNX_DTYPES.filter((d) => d !== 'fp32');
const VARIANT_HELP: Record<(typeof VARIANTS)[number], string> = {
  fp16: 'half-size weights, same compute',
  q8: 'int8 dynamic, ¼ size',
  int8: 'int8 blocks of 32, ≈ 0.28× size',
  q4: 'int4 blocks of 32, ≈ 0.16× size',
};
const DEFAULT_DTYPES: Record<(typeof EXPORT_FORMATS)[number], string> = { gguf: 'q8_0', onnx: 'fp32,q8,q4', hf: 'fp16' };
const FORMAT_NAME: Record<(typeof EXPORT_FORMATS)[number], string> = { gguf: 'GGUF', onnx: 'ONNX (transformers.js layout)', hf: 'Hugging Face folder' };
const FORMAT_HELP: Record<(typeof EXPORT_FORMATS)[number], string> = {
  gguf: `One file for llama.cpp, Ollama, LM Studio: ${GGUF_DTYPES.join(', ')}.`,
  onnx: `A transformers.js folder, one onnx/model*.onnx per dtype (comma-separated: ${ONNX_DTYPES.join(', ')}).`,
  hf: `A Hugging Face safetensors folder: ${HF_DTYPES.join(', ')}.`,
};

type Finished = { jobId: string; result: DeployResult };

export function QuantizeSection({ navigate }: { navigate(page: PageId): void }) {
  const studio = useStudio();
  const models = useQuery('models.list', { kind: 'decoder' });
  const { current } = useProjects();
  const adapterRuns = useQuery('deploy.adapterRuns', current ? { projectId: current.id } : {});
  // Asked only when no run has an adapter: the merge step then says why the finished ones offer none (unread, it says
  // what it said before it could tell, rather than wait on an answer that is not coming).
  const adapterless = useQuery('deploy.adapterlessRuns', adapterRuns.data?.length === 0 ? (current ? { projectId: current.id } : {}) : null);
  // Quantised variants hold only ONNX weights: they are outputs here, not inputs.
  const sources = useMemo(() => (models.data ?? []).filter(hasSourceWeights), [models.data]);
  const [modelId, setModelId] = useState<string | null>(null);
  const model = sources.find((m) => m.id === modelId) ?? sources.at(-1) ?? null;
  const [dtypes, setDtypes] = useState<string[]>(['q4']);
  const [accuracyLevel, setAccuracyLevel] = useState(4);
  const [textPath, setTextPath] = useState('');
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('gguf');
  const [exportDtypes, setExportDtypes] = useState(DEFAULT_DTYPES.gguf);
  const [outPath, setOutPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ReadonlySet<GuidedStep>>(new Set());
  const [quantized, setQuantized] = useState<Finished | null>(null);
  const [exported, setExported] = useState<Finished | null>(null);
  const finish = (...steps: GuidedStep[]) => setDone((d) => new Set([...d, ...steps]));
  const quantJob = useJobProgress((job) => {
    if (job.state === 'succeeded') {
      const result = job.result as DeployResult;
      setQuantized({ jobId: job.id, result });
      finish(...(result.report ? (['quantise', 'compare'] as const) : (['quantise'] as const)));
    } else setError(job.error ?? `Quantisation ended ${job.state}; nothing was kept.`);
    models.reload();
  });
  const exportJob = useJobProgress((job) => {
    if (job.state === 'succeeded') {
      setExported({ jobId: job.id, result: job.result as DeployResult });
      finish('export');
    } else setError(job.error ?? `The export ended ${job.state}; nothing was written.`);
  });
  // With no LoRA run to merge, the path starts from the model: quantise is the first suggestion.
  const next = nextStep(adapterRuns.data?.length === 0 && !done.has('merge') ? new Set([...done, 'merge' as const]) : done);

  if (!model) {
    // "No model yet" only once the list says so: drawn while it loaded, it flashed for studios that have models.
    return (
      <Card aria-label="Merge, quantise and export">
        <CardHeader title="Merge, quantise and export" subtitle="Smaller, faster variants of a model, and files other programs run." />
        {models.error ? <ReadError className="card-body" what="Could not load the models" read={models} /> : !models.data ? <div className="card-body" aria-busy="true" /> : <div className="card-body"><EmptyState icon="box" title="No model yet" action={<Button variant="primary" onClick={() => navigate('select')}>Go to Select</Button>}>Add a model on the Select page (or train one); its quantised variants and exports are made here.</EmptyState></div>}
      </Card>
    );
  }

  function merged(result: DeployResult) {
    if (result.models[0]) setModelId(result.models[0].id); // quantise and export the merge next
    finish('merge');
    models.reload();
    adapterRuns.reload();
    adapterless.reload();
  }

  async function quantize(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setQuantized(null);
    try {
      quantJob.follow(await studio.call('deploy.quantize', { modelId: model!.id, dtypes: dtypes as ('fp16' | 'q8' | 'int8' | 'q4')[], accuracyLevel, reportTextPath: textPath.trim() || undefined }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function exportModel(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setExported(null);
    try {
      exportJob.follow(await studio.call('deploy.export', { modelId: model!.id, format, dtypes: exportDtypes.split(',').map((s) => s.trim()).filter(Boolean), outPath: outPath.trim() }));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const toggle = (d: string) => setDtypes((xs) => (xs.includes(d) ? xs.filter((x) => x !== d) : [...xs, d]));
  const quantRunning = quantJob.job !== null && !isFinished(quantJob.job);
  const exportRunning = exportJob.job !== null && !isFinished(exportJob.job);
  const report = quantized?.result.report ?? null;

  return (
    <Card aria-label="Merge, quantise and export">
      <CardHeader title="Merge, quantise and export" subtitle="Each variant becomes a model the playground, evaluation and the API server run; the report measures it beside fp32." />
      <div className="card-body stack">
        <GuidedSteps done={done} next={next} />
        <Field label="Source model" help="Quantise and export act on this model (and an adapter folder merges onto it); a merge selects its result.">
          {(id, d) => (
            <Select id={id} aria-describedby={d} value={model.id} onChange={(e) => setModelId(e.target.value)}>
              {sources.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </Select>
          )}
        </Field>
        <MergeStep model={model} runs={adapterRuns.data} adapterless={adapterless.error ? [] : adapterless.data} highlighted={next === 'merge'} onMerged={merged} onError={setError} />
        <form className="stack guided-form" data-next={next === 'quantise' || next === 'compare'} onSubmit={quantize} aria-label="Quantise">
          <h3>{stepHeading('quantise')} <span className="muted small">and {stepHeading('compare')}</span></h3>
          <fieldset className="field-group">
            <legend className="field-label">Variants</legend>
            <div className="field-group-options">
              {VARIANTS.map((d) => (
                <label key={d} className="checkbox small">
                  <input type="checkbox" checked={dtypes.includes(d)} onChange={() => toggle(d)} />
                  <span><span className="mono">{d}</span> <span className="muted">{VARIANT_HELP[d]}</span></span>
                </label>
              ))}
            </div>
          </fieldset>
          <div className="form-grid">
            <Field label="Accuracy level" help="MatMulNBits for int4/int8: 4 quantises activations to int8 (fastest on CPU); 1 computes in float.">
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={accuracyLevel} onChange={(e) => setAccuracyLevel(Number(e.target.value))}>
                  {[4, 1, 0].map((l) => <option key={l} value={l}>{l}</option>)}
                </Select>
              )}
            </Field>
            <PathField label="Held-out text file" optional={next !== 'compare'} help={next === 'compare' ? 'Quantise again with a held-out text file to compare the variants: perplexity and speed on its last 20,000 characters.' : 'For the comparison table: perplexity and speed on its last 20,000 characters. Leave empty to skip the measurement.'} value={textPath} onChange={setTextPath} placeholder="/path/to/held-out.txt" dialog={{ kind: 'file', filters: [{ name: 'Text', extensions: ['txt', 'md'] }, { name: 'All files', extensions: ['*'] }] }} />
          </div>
          {quantJob.job && <JobLine job={quantJob.job} title="Quantising" />}
          <div className="row"><span className="spacer" /><Button type="submit" variant={next === 'quantise' || next === 'compare' ? 'primary' : 'default'} disabled={quantRunning || dtypes.length === 0}>{quantRunning ? 'Quantising…' : 'Quantise'}</Button></div>
          {quantized && (
            <div className="stack" data-testid="quantize-result">
              <ArtifactList jobId={quantized.jobId} result={quantized.result} testId="quantize-artifacts" />
              {report && <QuantReportTable rows={report} />}
              {report && <QuantReportCharts rows={report} />}
            </div>
          )}
        </form>
        <form className="stack guided-form" data-next={next === 'export'} onSubmit={exportModel} aria-label="Export">
          <h3>{stepHeading('export')}</h3>
          <div className="form-grid">
            <Field label="Format" help={FORMAT_HELP[format]}>
              {(id, d) => (
                <Select id={id} aria-describedby={d} value={format} onChange={(e) => { const f = e.target.value as typeof format; setFormat(f); setExportDtypes(DEFAULT_DTYPES[f]); }}>
                  {EXPORT_FORMATS.map((f) => <option key={f} value={f}>{FORMAT_NAME[f]}</option>)}
                </Select>
              )}
            </Field>
            <Field label="Weight types" help="Comma-separated for ONNX; one for GGUF and Hugging Face folders.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={exportDtypes} onChange={(e) => setExportDtypes(e.target.value)} />}
            </Field>
            <PathField label="Write to" className="span-2" help="A file for GGUF, a folder otherwise. An earlier export there is replaced whole; a folder holding other files is refused." value={outPath} onChange={setOutPath} placeholder={format === 'gguf' ? '/path/to/model.gguf' : '/path/to/folder'}
              dialog={format === 'gguf' ? { kind: 'save', title: 'Write the GGUF file to', filters: [{ name: 'GGUF', extensions: ['gguf'] }] } : { kind: 'folder', title: `Write the ${FORMAT_NAME[format]} to` }} />
          </div>
          {exportJob.job && <JobLine job={exportJob.job} title="Exporting" />}
          <div className="row"><span className="spacer" /><Button type="submit" variant={next === 'export' ? 'primary' : 'default'} disabled={exportRunning || !outPath.trim()}>{exportRunning ? 'Exporting…' : 'Export'}</Button></div>
          {exported && <ArtifactList jobId={exported.jobId} result={exported.result} testId="export-result" />}
        </form>
        {studio.folders.kind === 'none' && done.size > 0 && <p className="small muted">{studio.folders.reason}</p>}
        {error && <Callout tone="danger" title="That did not work"><div className="pre-wrap">{error}</div></Callout>}
      </div>
    </Card>
  );
}
