// Writing the prompt three ways: plain text the model continues; zero/one/few-shot, where worked examples from a
// project dataset are placed before the question (the engine builds it, so the result is exactly what the
// model reads); or chat messages rendered with the model's own template.
import { useEffect, useRef, useState } from 'react';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { Callout, CodeBlock, Field, Select } from '../../ui/primitives.tsx';
import { defaultAnswerColumn, defaultInputColumn } from './shotColumns.ts';

export type PromptStyle = 'plain' | 'few-shot' | 'chat';
export interface ChatTurn { role: 'system' | 'user' | 'assistant'; content: string }

export interface PromptValue {
  style: PromptStyle;
  plain: string;
  /** The few-shot prompt as the engine built it. */
  built: string;
  messages: ChatTurn[];
}

const STYLES: { id: PromptStyle; label: string; help: string }[] = [
  { id: 'plain', label: 'Plain', help: 'The model continues your text.' },
  { id: 'few-shot', label: 'Zero / one / few-shot', help: 'Show worked examples from a dataset first, then the question (in-context learning).' },
  { id: 'chat', label: 'Chat', help: 'Messages rendered with the model’s chat template.' },
];

const title = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ');

function FewShotBuilder({ onBuilt }: { onBuilt(prompt: string): void }) {
  const studio = useStudio();
  const { current } = useProjects();
  const datasets = useQuery('datasets.list', { projectId: current?.id ?? null });
  const [datasetId, setDatasetId] = useState('');
  const dataset = datasets.data?.find((d) => d.id === datasetId) ?? datasets.data?.[0];
  const [form, setForm] = useState({ inputColumn: '', outputColumn: '', instruction: '', shots: 1, seed: 0, query: '' });
  const [error, setError] = useState<string | null>(null);
  const latestOnBuilt = useRef(onBuilt);
  latestOnBuilt.current = onBuilt;
  // A column picked for one dataset means nothing in another: the engine refused it (invalid_params) when the
  // dataset changed under it, so a pick applies only while the dataset shown has that column.
  const own = (column: string) => (column && dataset?.columns.includes(column) ? column : '');
  const inputColumn = own(form.inputColumn) || defaultInputColumn(dataset);
  const outputColumn = own(form.outputColumn) || defaultAnswerColumn(dataset, inputColumn);
  const key = JSON.stringify({ ...form, id: dataset?.id, inputColumn, outputColumn });

  useEffect(() => {
    // A form that builds no prompt (no dataset or column; the engine refusing it) leaves none to generate from: the
    // last one built stayed, and Generate sent it under the form's error.
    if (!dataset || !inputColumn || !outputColumn) {
      latestOnBuilt.current('');
      return;
    }
    // Only the answer to what the form holds now is shown: one asked for earlier settings may arrive after it.
    let live = true;
    const timer = setTimeout(() => {
      studio.call('generate.buildPrompt', { style: 'few-shot', datasetId: dataset.id, inputColumn, outputColumn, inputLabel: title(inputColumn), outputLabel: title(outputColumn), instruction: form.instruction, shots: form.shots, seed: form.seed, query: form.query })
        .then((r) => { if (live) { setError(null); latestOnBuilt.current(r.prompt); } }, (err) => { if (live) { setError(errorMessage(err)); latestOnBuilt.current(''); } });
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [studio, key]);

  if (datasets.data && datasets.data.length === 0) return <Callout title="No dataset in this project">Import one on the Datasets page; its train split supplies the worked examples.</Callout>;
  const columns = dataset?.columns ?? [];
  return (
    <div className="stack">
    <div className="form-grid form-grid-4">
      <Field label="Dataset" className="span-2" help="Examples are drawn from its train split.">
        {(id, d) => <Select id={id} value={dataset?.id ?? ''} onChange={(e) => setDatasetId(e.target.value)} aria-describedby={d}>{datasets.data?.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</Select>}
      </Field>
      <Field label="Shots" help="0 zero-shot, 1 one-shot, more few-shot.">
        {(id, d) => <input id={id} className="input" type="number" min={0} max={8} value={form.shots} onChange={(e) => setForm({ ...form, shots: Math.max(0, Math.min(8, Number(e.target.value) || 0)) })} aria-describedby={d} />}
      </Field>
      <Field label="Example seed" help="Another seed, other examples.">
        {(id, d) => <input id={id} className="input" type="number" min={0} value={form.seed} onChange={(e) => setForm({ ...form, seed: Math.max(0, Number(e.target.value) || 0) })} aria-describedby={d} />}
      </Field>
      <Field label="Input column" help="What the model reads.">
        {(id, d) => <Select id={id} value={inputColumn} onChange={(e) => setForm({ ...form, inputColumn: e.target.value })} aria-describedby={d}>{columns.map((c) => <option key={c}>{c}</option>)}</Select>}
      </Field>
      <Field label="Answer column" help="What the examples answer.">
        {(id, d) => <Select id={id} value={outputColumn} onChange={(e) => setForm({ ...form, outputColumn: e.target.value })} aria-describedby={d}>{columns.map((c) => <option key={c}>{c}</option>)}</Select>}
      </Field>
      <Field label="Instruction" className="span-2" optional help="One sentence that states the task, before the examples.">
        {(id, d) => <input id={id} className="input" value={form.instruction} onChange={(e) => setForm({ ...form, instruction: e.target.value })} aria-describedby={d} placeholder="Summarise the dialogue in one sentence." />}
      </Field>
    </div>
      <Field label="Your input" help="The new case the model should answer; the examples above show it how." error={error}>
        {(id, d) => <textarea id={id} className="textarea" rows={3} value={form.query} onChange={(e) => setForm({ ...form, query: e.target.value })} aria-describedby={d} />}
      </Field>
    </div>
  );
}

/**
 * `hasChatTemplate`: the chosen model's, null while its card loads (neither the messages nor the no-template note is
 * drawn) or when it could not be read: `cardError` says why, in place of the messages.
 */
export function PromptEditor({ value, onChange, hasChatTemplate, cardError = null }: { value: PromptValue; onChange(next: PromptValue): void; hasChatTemplate: boolean | null; cardError?: string | null }) {
  const set = (patch: Partial<PromptValue>) => onChange({ ...value, ...patch });
  return (
    <div className="stack gap-3">
      <div className="row-wrap">
        <div className="segmented" role="radiogroup" aria-label="Prompt style">
          {STYLES.map((s) => <button key={s.id} type="button" role="radio" aria-checked={value.style === s.id} onClick={() => set({ style: s.id })}>{s.label}</button>)}
        </div>
        <span className="muted small">{STYLES.find((s) => s.id === value.style)!.help}</span>
      </div>
      {value.style === 'plain' && (
        <textarea className="textarea" aria-label="Prompt" rows={4} value={value.plain} onChange={(e) => set({ plain: e.target.value })} placeholder="Once upon a time" />
      )}
      {value.style === 'few-shot' && (
        <>
          <FewShotBuilder onBuilt={(built) => set({ built })} />
          {value.built && (
            <details>
              <summary className="small muted">The prompt the model reads ({value.built.length.toLocaleString()} characters)</summary>
              <CodeBlock scroll label="The prompt the model reads">{value.built}</CodeBlock>
            </details>
          )}
        </>
      )}
      {value.style === 'chat' && hasChatTemplate === null && (cardError !== null
        ? <p className="field-error" role="alert">Could not read the model’s card, so its chat template is unknown: {cardError}</p>
        : <div aria-busy="true" aria-label="Reading the model’s chat template" />)}
      {value.style === 'chat' && hasChatTemplate !== null && (hasChatTemplate ? (
        <div className="stack gap-2">
          {value.messages.map((m, i) => (
            <div key={i} className="row align-start">
              <Select className="message-role" aria-label={`Message ${i + 1} role`} value={m.role} onChange={(e) => set({ messages: value.messages.map((x, j) => (j === i ? { ...x, role: e.target.value as ChatTurn['role'] } : x)) })}>
                <option value="system">System</option><option value="user">User</option><option value="assistant">Assistant</option>
              </Select>
              <textarea className="textarea" aria-label={`Message ${i + 1}`} rows={2} value={m.content} onChange={(e) => set({ messages: value.messages.map((x, j) => (j === i ? { ...x, content: e.target.value } : x)) })} />
            </div>
          ))}
          <div className="row"><button type="button" className="btn btn-sm" onClick={() => set({ messages: [...value.messages, { role: value.messages.at(-1)?.role === 'user' ? 'assistant' : 'user', content: '' }] })}>Add a message</button></div>
        </div>
      ) : (
        <Callout title="This model has no chat template">It is a base model: it continues text rather than answering turns. Use a plain or few-shot prompt, or select an instruction-tuned model that ships a template.</Callout>
      ))}
    </div>
  );
}
