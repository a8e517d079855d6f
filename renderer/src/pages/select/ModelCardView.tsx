// The model card: what the model is (architecture, size), what it is made of (parameters by component), how it
// was shaped (hyperparameters, explained), and whether it fits the project's memory budget.
import { useState } from 'react';
import type { ModelCard } from '../../../../native/api/models.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { formatDate } from '../../domain/format.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { Badge, Button, DeleteAction, Callout, Card, CardHeader, Meter, Stat } from '../../ui/primitives.tsx';
import { formatValue, humanBytes, humanCount } from '../../../../native/api/format.ts';
import { modelCollectionsNote } from '../../../../native/api/deletion.ts';
import { describeSource } from './format.ts';
import { ParameterChart } from './ParameterChart.tsx';

function MemoryTable({ memory: m }: { memory: NonNullable<ModelCard['memory']> }) {
  const { current } = useProjects();
  const budgetMb = current?.constraints.memoryBudgetMb ?? null;
  const rows = [
    { label: 'Inference', help: `Weights plus the key/value cache for a full ${m.kvCacheTokens.toLocaleString()}-token context.`, value: m.inference },
    { label: 'Full fine-tuning', help: 'Weights, gradients and the Adam optimiser’s two moments for every parameter.', value: m.fullFineTune },
    { label: `LoRA (rank ${m.loraRank})`, help: `Frozen weights plus ${humanCount(m.loraParameters)} trainable adapter parameters on ${m.loraTargets.join(', ')}, as fine-tuning starts.`, value: m.lora },
  ];
  const budgetBytes = budgetMb === null ? null : budgetMb * 1024 * 1024;
  const fit = (bytes: number) => (budgetBytes === null ? null : bytes <= budgetBytes);
  // One scale for every bar (the largest need, or the budget when it is larger), so lengths compare across rows.
  const scale = Math.max(budgetBytes ?? 0, ...rows.flatMap((r) => [r.value.fp32, r.value.fp16]));
  return (
    <table className="table" aria-label="Memory estimates">
      <thead><tr><th>Use</th><th className="num">fp32</th><th className="num">fp16</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <td><strong>{r.label}</strong><div className="muted small">{r.help}</div></td>
            {(['fp32', 'fp16'] as const).map((p) => {
              const ok = fit(r.value[p]);
              return (
                <td key={p} className="num">
                  <div className="mono nowrap">{humanBytes(r.value[p])}</div>
                  <Meter value={r.value[p]} max={scale} label={`${r.label}, ${p}: ${humanBytes(r.value[p])}`} tone={ok === false ? 'danger' : undefined} />
                  {ok !== null && <Badge tone={ok ? 'success' : 'danger'}>{ok ? 'fits budget' : 'over budget'}</Badge>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A quantised variant's needs, from its ONNX file: it only runs (training and merging start from its source). */
function VariantMemoryTable({ onnx }: { onnx: NonNullable<ModelCard['onnx']> }) {
  const { current } = useProjects();
  const budgetMb = current?.constraints.memoryBudgetMb ?? null;
  const fits = budgetMb === null ? null : onnx.inferenceBytes <= budgetMb * 1024 * 1024;
  const rows = [
    { label: 'Weights', help: `${onnx.file}, stored as ${onnx.dtype}.`, value: onnx.weightBytes },
    { label: 'KV cache', help: `Keys and values for a full ${onnx.kvCacheTokens.toLocaleString()}-token context, in fp32 as the graph computes.`, value: onnx.kvCacheBytes },
    { label: 'Inference', help: 'Weights plus the key/value cache.', value: onnx.inferenceBytes },
  ];
  return (
    <table className="table" aria-label="Memory estimates">
      <thead><tr><th>Use</th><th className="num">Bytes</th></tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <td><strong>{r.label}</strong><div className="muted small">{r.help}</div></td>
            <td className="num"><div className="mono nowrap">{humanBytes(r.value)}</div>{r.label === 'Inference' && fits !== null && <Badge tone={fits ? 'success' : 'danger'}>{fits ? 'fits budget' : 'over budget'}</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const ACTIVATIONS_NOTE = 'Activations come on top and grow with batch size and sequence length.';

export function ModelCardView({ modelId, onOpenPlayground, onDeleted }: { modelId: string; onOpenPlayground(): void; onDeleted(): void }) {
  const studio = useStudio();
  const toast = useToast();
  const { current } = useProjects();
  const card = useQuery('models.get', { id: modelId });
  const models = useQuery('models.list', {});
  const [confirming, setConfirming] = useState(false);
  const collections = useQuery('collections.list', confirming ? {} : null);

  if (card.error) return <Card><div className="card-body"><Callout tone="danger" title="This model cannot be read">{card.error.message}</Callout></div></Card>;
  if (!card.data) return <Card aria-label="Model card"><CardHeader title="Loading model…" /></Card>;
  const { model, parameters, hyperparameters, memory, embedding, tokenizer, onnx } = card.data;
  const runs = memory ?? onnx;
  const embeds = modelCollectionsNote((collections.data ?? []).filter((c) => c.embedModelId === model.id).map((c) => c.name));
  const remove = async () => {
    try {
      await studio.call('models.delete', { id: model.id });
      toast.show('success', `Deleted “${model.name}”`);
      onDeleted();
    } catch (err) {
      toast.show('error', 'Could not delete the model', errorMessage(err));
      setConfirming(false);
    }
  };
  const budget = current?.constraints.memoryBudgetMb;

  return (
    <div className="stack" data-testid="model-card">
      <Card aria-label="Model card">
        <CardHeader
          title={<span className="row">{model.name}<Badge tone="accent">{model.architecture}</Badge>{embedding && <Badge>Embedding model</Badge>}</span>}
          subtitle={`${describeSource(model.source, (id) => models.data?.find((m) => m.id === id)?.name)} · added ${formatDate(model.createdAt)}`}
          actions={<div className="row">{runs && <Button variant="primary" icon="sparkle" onClick={onOpenPlayground}>Try it in the playground</Button>}<DeleteAction onClick={() => setConfirming(true)}>Delete</DeleteAction></div>}
        />
        <div className="card-body grid-4">
          <Stat label="Parameters" value={humanCount(parameters.total)} />
          {runs ? <Stat label="Context" value={`${formatValue(runs.kvCacheTokens)} tokens`} /> : <Stat label="Vectors" value={`${embedding?.dim ?? '—'} numbers`} />}
          <Stat label="Vocabulary" value={`${tokenizer.vocabSize.toLocaleString()} tokens`} />
          <Stat label="On disk" value={humanBytes(card.data.diskBytes)} />
        </div>
      </Card>

      <Card aria-label="Parameters">
        <CardHeader title="Parameters" subtitle={`${parameters.total.toLocaleString()} numbers learned from data during training. They are the model’s knowledge, and they decide its memory footprint.`} />
        <ParameterChart parameters={parameters} encoder={embedding !== null} />
      </Card>

      <Card aria-label="Hyperparameters">
        <CardHeader title="Hyperparameters" subtitle="Choices fixed before training (config.json). They set the shape of the network, and so how many parameters it has — training never changes them." />
        <div className="card-body flush table-wrap">
          <table className="table">
            <thead><tr><th>Setting</th><th className="num">Value</th><th>What it means</th></tr></thead>
            <tbody>
              {hyperparameters.map((h) => (
                <tr key={h.key}>
                  <td><strong>{h.label}</strong><div className="faint small mono">{h.key}</div></td>
                  <td className="num mono" data-testid={`hp-${h.key}`}>{formatValue(h.value)}</td>
                  <td className="muted">{h.meaning}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>

      {memory && (
        <Card aria-label="Memory">
          <CardHeader
            title="Memory"
            subtitle={budget
              ? `Rough needs against this project’s budget of ${budget.toLocaleString()} MB. ${ACTIVATIONS_NOTE}`
              : `Rough needs for weights and training state. ${ACTIVATIONS_NOTE} Set a memory budget in Scope to check the fit.`}
          />
          <div className="card-body flush table-wrap"><MemoryTable memory={memory} /></div>
          <footer className="card-footer"><span className="muted small push-rest">LoRA at rank {memory.loraRank} on {memory.loraTargets.join(', ')} trains <strong className="mono" data-testid="lora-parameters">{memory.loraParameters.toLocaleString()}</strong> parameters, {((100 * memory.loraParameters) / parameters.total).toFixed(1)}% as many as full fine-tuning, which is why it fits where full fine-tuning does not.</span></footer>
        </Card>
      )}
      {onnx && (
        <Card aria-label="Memory">
          <CardHeader title="Memory" subtitle={`What running this ${onnx.dtype} ONNX graph needs, from its file. ${ACTIVATIONS_NOTE}`} />
          <div className="card-body flush table-wrap"><VariantMemoryTable onnx={onnx} /></div>
          <footer className="card-footer"><span className="muted small">A quantised model runs (playground, evaluation, serving) but cannot be trained or merged: fine-tuning and merging start from the model it was made from, whose card shows their memory.</span></footer>
        </Card>
      )}
      {embedding && (
        <Card aria-label="Embedding">
          <CardHeader title="Embedding model" subtitle="A sentence encoder: it turns a text into one vector, so a collection can find the chunks closest in meaning to a question. It does not generate text, so the playground, fine-tuning and evaluation leave it out." />
          <div className="card-body grid-3">
            <Stat label="Vector width" value={`${embedding.dim}`} />
            <Stat label="Pooling" value={`${embedding.pooling}, normalised`} />
            <Stat label="Longest input" value={`${embedding.maxTokens} tokens`} />
          </div>
          {(embedding.prompts.query || embedding.prompts.document) && <div className="card-body muted small">Prompts: query <code>{JSON.stringify(embedding.prompts.query)}</code>, document <code>{JSON.stringify(embedding.prompts.document)}</code></div>}
          <footer className="card-footer"><span className="muted small">Use it on the Documents page: create a collection and pick “{model.name}” as its embedding model.</span></footer>
        </Card>
      )}
      {confirming && (
        <Dialog title={`Delete ${model.name}?`} onClose={() => setConfirming(false)}>
          <div className="stack">
            <p>It leaves the studio, and its folder in the studio’s data directory is deleted. Runs made with it stay in Runs.</p>
            {embeds && <p data-testid="delete-model-collections">{embeds}</p>}
            <div className="dialog-actions">
              <Button data-autofocus onClick={() => setConfirming(false)}>Keep it</Button>
              <Button variant="danger" icon="x" onClick={() => void remove()}>Delete model</Button>
            </div>
          </div>
        </Dialog>
      )}
    </div>
  );
}
