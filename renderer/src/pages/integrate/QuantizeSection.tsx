// Integrate → Merge, quantise and export: fold a LoRA adapter into the model (a new model), choose the ONNX variants (each becomes a model the playground,
// evaluation and serving run), optionally measure them beside fp32 on held-out text, then export the model as
// GGUF, a transformers.js ONNX folder or a Hugging Face folder. Each step is a 'deploy' job (api/deploy.ts):
// progress, cancel, no partial files; what it wrote is listed with its size.
import { useMemo, useState, type FormEvent } from 'react';
import { EXPORT_FORMATS, GGUF_DTYPES, HF_DTYPES, ONNX_DTYPES, type DeployResult } from '../../../../native/api/deploy.ts';
import { humanBytes } from '../../../../native/api/format.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { isFinished } from '../../domain/jobs.ts';
import { Button, Callout, Card, CardHeader, EmptyState, Field, ProgressBar } from '../../ui/primitives.tsx';
import { useJobProgress } from '../datasets/useJobProgress.ts';

const VARIANTS = ONNX_DTYPES.filter((d) => d !== 'fp32');
const VARIANT_HELP: Record<(typeof VARIANTS)[number], string> = {
  fp16: 'half-size weights, same compute',
  q8: 'int8 dynamic, ¼ size',
  int8: 'int8 blocks of 32, ≈ 0.28× size',
  q4: 'int4 blocks of 32, ≈ 0.16× size',
};
const DEFAULT_DTYPES: Record<(typeof EXPORT_FORMATS)[number], string> = { gguf: 'q8_0', onnx: 'fp32,q8,q4', hf: 'fp16' };
const FORMAT_HELP: Record<(typeof EXPORT_FORMATS)[number], string> = {
  gguf: `One file for llama.cpp, Ollama, LM Studio: ${GGUF_DTYPES.join(', ')}.`,
  onnx: `A transformers.js folder, one onnx/model*.onnx per dtype (comma-separated: ${ONNX_DTYPES.join(', ')}).`,
  hf: `A Hugging Face safetensors folder: ${HF_DTYPES.join(', ')}.`,
};

function Artifacts({ result }: { result: DeployResult }) {
  return (
    <ul className="stack small" aria-label="Written files" style={{ gap: 4, margin: 0, paddingLeft: 18 }}>
      {result.artifacts.map((a) => (
        <li key={a.path}><strong>{a.label}</strong> · {humanBytes(a.bytes)} · <span className="mono">{a.path}</span>{' '}
          <Button size="sm" variant="ghost" onClick={() => void navigator.clipboard?.writeText(a.path)} aria-label={`Copy the path of ${a.label}`}>Copy path</Button>
        </li>
      ))}
    </ul>
  );
}

function ReportTable({ rows }: { rows: NonNullable<DeployResult['report']> }) {
  const fp32 = rows[0];
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Quantisation report">
        <thead><tr><th>variant</th><th>file</th><th>× fp32</th><th>peak memory</th><th>prefill tok/s</th><th>decode tok/s</th><th>perplexity</th><th>greedy agreement</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.dtype}>
              <td className="mono">{r.dtype}</td>
              <td>{humanBytes(r.fileBytes)}</td>
              <td>
                <span className="row" style={{ gap: 6 }}>
                  <span aria-hidden style={{ display: 'inline-block', height: 8, width: `${Math.max(2, 60 * (r.fileBytes / fp32.fileBytes))}px`, background: 'var(--accent)', borderRadius: 2 }} />
                  {(r.fileBytes / fp32.fileBytes).toFixed(2)}
                </span>
              </td>
              <td>{r.peakRssMb.toFixed(0)} MiB</td>
              <td>{r.prefillTokensPerSecond.toFixed(0)}</td>
              <td>{r.decodeTokensPerSecond.toFixed(1)}</td>
              <td>{r.perplexity.toFixed(2)}</td>
              <td>{(100 * r.greedyAgreement).toFixed(1)}%</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function JobLine({ job, title, onCancel }: { job: NonNullable<ReturnType<typeof useJobProgress>['job']>; title: string; onCancel(): void }) {
  return (
    <div className="stack" style={{ gap: 6 }}>
      <div className="row small"><strong>{title}</strong><span className="muted">{job.message}</span><span className="spacer" /><span className="muted">{Math.round(job.progress * 100)}%</span>
        {!isFinished(job) && <Button size="sm" onClick={onCancel}>Cancel</Button>}
      </div>
      <ProgressBar label={`${title} progress`} value={job.state === 'running' && job.progress === 0 ? null : job.progress} state={job.state} />
    </div>
  );
}

export function QuantizeSection() {
  const studio = useStudio();
  const models = useQuery('models.list', {});
  // Quantised variants hold only ONNX weights: they are outputs here, not inputs.
  const sources = useMemo(() => (models.data ?? []).filter((m) => !m.source.startsWith('quantize:')), [models.data]);
  const [modelId, setModelId] = useState<string | null>(null);
  const model = sources.find((m) => m.id === modelId) ?? sources.at(-1) ?? null;
  const [dtypes, setDtypes] = useState<string[]>(['q4']);
  const [accuracyLevel, setAccuracyLevel] = useState(4);
  const [textPath, setTextPath] = useState('');
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('gguf');
  const [exportDtypes, setExportDtypes] = useState(DEFAULT_DTYPES.gguf);
  const [outPath, setOutPath] = useState('');
  const [adapterPath, setAdapterPath] = useState('');
  const [mergedName, setMergedName] = useState('');
  const [mergeDtype, setMergeDtype] = useState<(typeof HF_DTYPES)[number]>('fp32');
  const [merged, setMerged] = useState<DeployResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quantized, setQuantized] = useState<DeployResult | null>(null);
  const [exported, setExported] = useState<DeployResult | null>(null);
  const mergeJob = useJobProgress((job) => {
    if (job.state === 'succeeded') {
      const result = job.result as DeployResult;
      setMerged(result);
      if (result.models[0]) setModelId(result.models[0].id); // quantise and export the merge next
    } else setError(job.error ?? `The merge ended ${job.state}; nothing was kept.`);
    models.reload();
  });
  const quantJob = useJobProgress((job) => {
    if (job.state === 'succeeded') setQuantized(job.result as DeployResult);
    else setError(job.error ?? `Quantisation ended ${job.state}; nothing was kept.`);
    models.reload();
  });
  const exportJob = useJobProgress((job) => {
    if (job.state === 'succeeded') setExported(job.result as DeployResult);
    else setError(job.error ?? `The export ended ${job.state}; nothing was written.`);
  });

  if (!model) {
    return (
      <Card aria-label="Merge, quantise and export">
        <CardHeader title="Merge, quantise and export" subtitle="Smaller, faster variants of a model, and files other programs run." />
        <div className="card-body"><EmptyState icon="box" title="No model yet">Add a model on the Select page (or train one); its quantised variants and exports are made here.</EmptyState></div>
      </Card>
    );
  }

  async function merge(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setMerged(null);
    try {
      mergeJob.follow(await studio.call('deploy.merge', { modelId: model!.id, adapterPath: adapterPath.trim(), name: mergedName.trim(), dtype: mergeDtype }));
    } catch (err) {
      setError(errorMessage(err));
    }
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
  const mergeRunning = mergeJob.job !== null && !isFinished(mergeJob.job);
  const quantRunning = quantJob.job !== null && !isFinished(quantJob.job);
  const exportRunning = exportJob.job !== null && !isFinished(exportJob.job);

  return (
    <Card aria-label="Merge, quantise and export">
      <CardHeader title="Merge, quantise and export" subtitle="Each variant becomes a model the playground, evaluation and the API server run; the report measures it beside fp32." />
      <div className="card-body stack">
        <Field label="Source model" help="Merge, quantise and export act on this model; a merge selects its result.">
          {(id, d) => (
            <select id={id} aria-describedby={d} className="select" value={model.id} onChange={(e) => setModelId(e.target.value)}>
              {sources.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </select>
          )}
        </Field>
        <form className="stack" onSubmit={merge} aria-label="Merge an adapter">
          <div className="form-grid">
            <Field label="LoRA adapter folder" optional help="A LoRA run's adapter (runs/<id>/adapter) or any PEFT adapter trained on this model.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={adapterPath} onChange={(e) => setAdapterPath(e.target.value)} placeholder="/path/to/adapter" />}
            </Field>
            <Field label="Merged model name" optional help="The merged model is listed under this name, with the base's tokenizer and chat template.">
              {(id, d) => <input id={id} aria-describedby={d} className="input" value={mergedName} onChange={(e) => setMergedName(e.target.value)} placeholder={`${model.name}-merged`} />}
            </Field>
            <Field label="Merged weights" help="fp16 and bf16 halve the folder; the merge itself is computed in fp32.">
              {(id, d) => (
                <select id={id} aria-describedby={d} className="select" value={mergeDtype} onChange={(e) => setMergeDtype(e.target.value as typeof mergeDtype)}>
                  {HF_DTYPES.map((t) => <option key={t} value={t}>{t}</option>)}
                </select>
              )}
            </Field>
          </div>
          {mergeJob.job && <JobLine job={mergeJob.job} title="Merging" onCancel={() => void studio.call('jobs.cancel', { id: mergeJob.job!.id })} />}
          <div className="row"><span className="spacer" /><Button type="submit" disabled={mergeRunning || !adapterPath.trim() || !mergedName.trim()}>{mergeRunning ? 'Merging…' : 'Merge'}</Button></div>
          {merged && <div data-testid="merge-result"><Artifacts result={merged} /></div>}
        </form>
        <form className="stack" onSubmit={quantize} aria-label="Quantise">
          <fieldset className="row" style={{ gap: 16, border: 0, padding: 0, margin: 0, flexWrap: 'wrap' }}>
            <legend className="stat-label">Variants</legend>
            {VARIANTS.map((d) => (
              <label key={d} className="row small" style={{ gap: 6 }}>
                <input type="checkbox" checked={dtypes.includes(d)} onChange={() => toggle(d)} style={{ accentColor: 'var(--accent)' }} />
                <span className="mono">{d}</span><span className="muted">{VARIANT_HELP[d]}</span>
              </label>
            ))}
          </fieldset>
          <div className="form-grid">
            <Field label="Accuracy level" help="MatMulNBits for int4/int8: 4 quantises activations to int8 (fastest on CPU); 1 computes in float.">
              {(id, d) => (
                <select id={id} aria-describedby={d} className="select" value={accuracyLevel} onChange={(e) => setAccuracyLevel(Number(e.target.value))}>
                  {[4, 1, 0].map((l) => <option key={l} value={l}>{l}</option>)}
                </select>
              )}
            </Field>
            <Field label="Held-out text file" optional help="For the comparison table: perplexity and speed on its last 20,000 characters. Leave empty to skip the measurement.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={textPath} onChange={(e) => setTextPath(e.target.value)} placeholder="/path/to/held-out.txt" />}
            </Field>
          </div>
          {quantJob.job && <JobLine job={quantJob.job} title="Quantising" onCancel={() => void studio.call('jobs.cancel', { id: quantJob.job!.id })} />}
          <div className="row"><span className="spacer" /><Button type="submit" variant="primary" disabled={quantRunning || dtypes.length === 0}>{quantRunning ? 'Quantising…' : 'Quantise'}</Button></div>
          {quantized && (
            <div className="stack" data-testid="quantize-result">
              <Artifacts result={quantized} />
              {quantized.report && <ReportTable rows={quantized.report} />}
            </div>
          )}
        </form>
        <form className="stack" onSubmit={exportModel} aria-label="Export">
          <div className="form-grid">
            <Field label="Format" help={FORMAT_HELP[format]}>
              {(id, d) => (
                <select id={id} aria-describedby={d} className="select" value={format} onChange={(e) => { const f = e.target.value as typeof format; setFormat(f); setExportDtypes(DEFAULT_DTYPES[f]); }}>
                  {EXPORT_FORMATS.map((f) => <option key={f} value={f}>{f}</option>)}
                </select>
              )}
            </Field>
            <Field label="Weight types" help="Comma-separated for ONNX; one for GGUF and Hugging Face folders.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={exportDtypes} onChange={(e) => setExportDtypes(e.target.value)} />}
            </Field>
            <Field label="Write to" className="span-2" help="A file for GGUF, a folder otherwise; replaced whole if it exists.">
              {(id, d) => <input id={id} aria-describedby={d} className="input mono" value={outPath} onChange={(e) => setOutPath(e.target.value)} placeholder={format === 'gguf' ? '/path/to/model.gguf' : '/path/to/folder'} />}
            </Field>
          </div>
          {exportJob.job && <JobLine job={exportJob.job} title="Exporting" onCancel={() => void studio.call('jobs.cancel', { id: exportJob.job!.id })} />}
          <div className="row"><span className="spacer" /><Button type="submit" variant="primary" disabled={exportRunning || !outPath.trim()}>{exportRunning ? 'Exporting…' : 'Export'}</Button></div>
          {exported && <div data-testid="export-result"><Artifacts result={exported} /></div>}
        </form>
        {error && <Callout tone="danger" title="That did not work"><div style={{ whiteSpace: 'pre-wrap' }}>{error}</div></Callout>}
      </div>
    </Card>
  );
}
