// Inside: self-attention, seen. For a prompt and a model in the studio, the tokens the model reads, every
// layer's and head's attention probabilities (a grid of small maps, one enlarged with token-to-token lines),
// and its next-token odds at each position. Everything comes from the model's own graph (inside.attention).
import { useState, type FormEvent } from 'react';
import { cliCommand } from '../../../../native/api/labels.ts';
import type { PageId } from '../../app/routes.ts';
import { MOD, submitOnModEnter } from '../../app/shortcuts.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { hasSourceWeights } from '../../domain/models.ts';
import { Button, Card, CardHeader, CodeBlock, EmptyState, Field, PageHeader, ReadError, Select } from '../../ui/primitives.tsx';
import { AttentionGrid, type HeadRef } from './AttentionGrid.tsx';
import { HeadMatrix, HeadView } from './HeadView.tsx';
import { PredictionTable } from './PredictionTable.tsx';
import { TokenStrip } from './TokenStrip.tsx';
import './inside.css';

/** The sentence of the course notes: which words does "book" attend to — the teacher, the student? */
export const SEED_SENTENCE = 'The teacher taught the student with the book.';
const MODEL_KEY = 'lathe.inside.model';

function Explanation() {
  return (
    <div className="inside-explain" data-testid="inside-explain">
      <p><strong>What self-attention does</strong>At every layer each token builds its next representation by looking back over the tokens before it and mixing in what they carry. How much it takes from each one is a probability: a row of a map always adds up to 100%.</p>
      <p><strong>Why there are many maps</strong>Each layer has several heads that attend independently, so one head can follow the previous word while another links “book” back to “teacher” or “student”. Rows are the reading token, columns the token read.</p>
      <p><strong>Why the upper half is empty</strong>This model writes left to right, so a token may only read itself and what came before it. Everything above the diagonal is exactly zero; that is the causal mask.</p>
    </div>
  );
}

export function InsidePage({ navigate }: { navigate(page: PageId): void }) {
  const models = useQuery('models.list', { kind: 'decoder' });
  // a quantised variant's graph does not expose its attention (and it is the newest model after Integrate)
  const list = (models.data ?? []).filter(hasSourceWeights).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const [modelId, setModelId] = useState<string | null>(() => localStorage.getItem(MODEL_KEY));
  const model = list.find((m) => m.id === modelId) ?? list[0] ?? null;
  const [draft, setDraft] = useState(SEED_SENTENCE);
  const [prompt, setPrompt] = useState(SEED_SENTENCE);
  const maps = useQuery('inside.attention', model && prompt.trim() ? { modelId: model.id, prompt, top: 5 } : null);
  const [head, setHead] = useState<HeadRef>({ layer: 0, head: 0 });
  const [focus, setFocus] = useState<number | null>(null);
  const data = maps.data && maps.data.modelId === model?.id ? maps.data : null;
  // A model with fewer layers or heads than the last one keeps the selection inside its grid.
  const shown = data ? { layer: Math.min(head.layer, data.layers - 1), head: Math.min(head.head, data.heads - 1) } : head;

  const choose = (id: string) => {
    localStorage.setItem(MODEL_KEY, id);
    setModelId(id);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFocus(null);
    setPrompt(draft);
  };

  return (
    <div className="page">
      <PageHeader title="Inside" lede="Self-attention, seen: run one sentence through a model and watch which earlier tokens each token reads, in every layer and head, and what the model expects next at each step." />
      <Card>
        <div className="card-body"><Explanation /></div>
      </Card>
      <ReadError what="Could not load models" read={models} />
      {models.data && list.length === 0 && models.data.length > 0 && (
        <Card>
          <EmptyState icon="layers" title="Only quantised models here" action={<Button variant="primary" onClick={() => navigate('select')}>Import a model on Select</Button>}>
            A quantised variant runs as a prebuilt ONNX graph whose attention is fused, so it cannot show attention maps. Look inside the model it was quantised from: import it again on the Select page if it was deleted.
          </EmptyState>
        </Card>
      )}
      {models.data && models.data.length === 0 && (
        <Card>
          <EmptyState icon="layers" title="No model to look inside yet" action={<Button variant="primary" onClick={() => navigate('select')}>Import a model on Select</Button>}>
            <div className="stack">
              <p>Attention maps come from a real model’s graph, so bring one in first. The smallest will do: stories260K (5 layers × 8 heads, 260 thousand parameters) imports in a second on the Select page as a llama2.c checkpoint, or from a terminal:</p>
              <CodeBlock label="The same from a terminal">{cliCommand('model import-llama2c stories260K.bin --tokenizer tok512.bin --name s260k')}</CodeBlock>
            </div>
          </EmptyState>
        </Card>
      )}
      {model && (
        <Card>
          <form className="card-body inside-form" onSubmit={submit} onKeyDown={submitOnModEnter}>
            <Field label="Model" help={`${model.architecture.replace(/ForCausalLM|LMHeadModel/, '')} · ${model.parameterCount.toLocaleString()} parameters`}>
              {(id, d) => <Select id={id} aria-describedby={d} value={model.id} onChange={(e) => choose(e.target.value)}>{list.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}</Select>}
            </Field>
            <Field label="Sentence" help={`Up to ${data?.maxTokens ?? 64} tokens. ${MOD}+Enter looks inside.`} error={maps.error?.message}>
              {(id, d) => <textarea id={id} aria-describedby={d} className="input textarea" value={draft} onChange={(e) => setDraft(e.target.value)} />}
            </Field>
            <Button variant="primary" type="submit" disabled={maps.loading}>{maps.loading ? 'Reading…' : 'Look inside'}</Button>
          </form>
        </Card>
      )}
      {data && (
        <>
          <Card aria-label="Tokenizer">
            <CardHeader title="What the model reads" subtitle="The tokenizer cuts the sentence into pieces from its vocabulary; the number under each piece is the id the model receives." />
            <div className="card-body"><TokenStrip maps={data} focus={focus} onFocus={setFocus} /></div>
          </Card>
          <div className="inside-main">
            <Card aria-label="All heads" className="inside-grid">
              <CardHeader title="Every layer and head" subtitle={`${data.layers} layers × ${data.heads} heads${data.kvHeads < data.heads ? ` (${data.kvHeads} key/value heads, shared in groups of ${data.heads / data.kvHeads})` : ''}. Click a map or move with the arrow keys.`} />
              <div className="card-body"><AttentionGrid maps={data} selected={shown} onSelect={setHead} /></div>
            </Card>
            <Card aria-label="Selected head as numbers" className="inside-matrix">
              <CardHeader title={`Layer ${shown.layer + 1}, head ${shown.head + 1}, as numbers`} subtitle="The selected map enlarged: point at a cell for its probability." />
              <div className="card-body"><HeadMatrix maps={data} head={shown} focus={focus} onFocus={setFocus} /></div>
            </Card>
            <Card aria-label="Selected head" className="inside-lines">
              <CardHeader title={`Layer ${shown.layer + 1}, head ${shown.head + 1}`} subtitle="Left: the token reading. Right: the tokens it reads. Darker lines carry more attention." />
              <div className="card-body"><HeadView maps={data} head={shown} focus={focus} onFocus={setFocus} /></div>
            </Card>
          </div>
          <Card aria-label="Next token">
            <CardHeader title="What it expects next, at every position" subtitle="After each token the model gives every vocabulary entry a probability; the highlighted one is the token that really follows." />
            <div className="card-body flush"><PredictionTable maps={data} focus={focus} onFocus={setFocus} /></div>
          </Card>
        </>
      )}
    </div>
  );
}
