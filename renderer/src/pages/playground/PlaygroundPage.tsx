// The prompt playground (Adapt & align → Prompt): pick a model, write or build a prompt, tune every decoding
// knob, and watch the answer stream with its speed. The next-token panel shows what the knobs do to the odds;
// comparison runs the same prompt under two settings or two models side by side. Every generation is a run.
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import type { Params } from '../../../../native/api/contract.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import type { PageId } from '../../app/routes.ts';
import { chordHint, PAGE_SHORTCUTS, usePageShortcuts } from '../../app/shortcuts.ts';
import { useQuery } from '../../app/StudioContext.tsx';
import { Button, Card, CardHeader, EmptyState, Select } from '../../ui/primitives.tsx';
import { PLAYGROUND_MODEL_KEY } from '../select/SelectPage.tsx';
import { CollectionPanel } from './CollectionPanel.tsx';
import { NextTokenPanel } from './NextTokenPanel.tsx';
import { OutputPane } from './OutputPane.tsx';
import { PromptEditor, type PromptValue } from './PromptEditor.tsx';
import { PromptBudgetLine } from './PromptBudgetLine.tsx';
import { generateBlocker, readyButWaiting } from './generateBlocker.ts';
import { contrastingSettings, DEFAULT_SETTINGS, madeWith, outputSubtitle, summarize, toApiSettings, type MadeWith, type SettingsForm } from './settings.ts';
import { SettingsPanel } from './SettingsPanel.tsx';
import { useGeneration, type GenerationState } from './useGeneration.ts';
import './playground.css';

type SideId = 'A' | 'B';
interface Side { modelId: string | null; settings: SettingsForm }

/** The grey lead-in an output is shown after: the last 240 characters of a plain or few-shot prompt (none for chat). */
function promptTail(prompt: PromptValue, text: string): string {
  if (prompt.style === 'chat') return '';
  return text.length > 240 ? `…${text.slice(-240)}` : text;
}

export function PlaygroundPage({ navigate }: { navigate(page: PageId): void }) {
  const { current } = useProjects();
  const models = useQuery('models.list', { kind: 'decoder' });
  const [sides, setSides] = useState<Record<SideId, Side>>({ A: { modelId: null, settings: DEFAULT_SETTINGS }, B: { modelId: null, settings: contrastingSettings(DEFAULT_SETTINGS) } });
  const [compare, setCompare] = useState(false);
  const [editing, setEditing] = useState<SideId>('A');
  const [prompt, setPrompt] = useState<PromptValue>({ style: 'plain', plain: 'Once upon a time, there was a little', built: '', messages: [{ role: 'user', content: '' }] });
  /** What made each side's output on screen; null before a generation (or after the prompt mode cleared it). */
  const [ran, setRan] = useState<Record<SideId, MadeWith | null>>({ A: null, B: null });
  // The prompt's tail as it was when Generate was pressed: an answer is shown after the prompt that made it, not
  // after what the editor holds since.
  const [ranTail, setRanTail] = useState<string | null>(null);
  const genA = useGeneration();
  const genB = useGeneration();

  // Default model: the one opened from Select, else the newest.
  useEffect(() => {
    const list = models.data;
    if (!list?.length) return;
    const wanted = localStorage.getItem(PLAYGROUND_MODEL_KEY);
    const fallback = list.find((m) => m.id === wanted)?.id ?? [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0].id;
    setSides((s) => ({
      A: { ...s.A, modelId: s.A.modelId && list.some((m) => m.id === s.A.modelId) ? s.A.modelId : fallback },
      B: { ...s.B, modelId: s.B.modelId && list.some((m) => m.id === s.B.modelId) ? s.B.modelId : fallback },
    }));
  }, [models.data]);

  // A new prompt mode (plain, zero/one/few-shot, chat) or a rebuilt few-shot prompt makes the old answers stale.
  const { style, built } = prompt;
  useEffect(() => {
    genA.cancel();
    genB.cancel();
    genA.reset();
    genB.reset();
    setRan({ A: null, B: null });
  }, [style, built]); // only a change of mode or built prompt clears, not each render

  const openCompare = (on: boolean) => {
    setCompare(on);
    setEditing('A');
    // B starts from A's model and the contrasting decoding, unless the user already made B differ.
    if (on) setSides((s) => (summarize(s.B.settings) === summarize(s.A.settings) ? { ...s, B: { ...s.B, settings: contrastingSettings(s.A.settings) } } : s));
  };

  const side = compare ? editing : 'A';
  const active = sides[side];
  // Each side's model card (B's only while A / B is on), never the last model's while the chosen one's loads: a chat
  // template read off the previous model had chat messages counted (and generated) with a model that has none,
  // which the engine refuses. The editor reads the side being edited; Generate waits for both sides.
  const cardQueries = {
    A: useQuery('models.get', sides.A.modelId ? { id: sides.A.modelId } : null),
    B: useQuery('models.get', compare && sides.B.modelId ? { id: sides.B.modelId } : null),
  };
  const chatTemplateOf = (id: SideId): boolean | null => {
    const q = cardQueries[id];
    return q.stale || !q.data ? null : q.data.tokenizer.hasChatTemplate;
  };
  const cardError = (id: SideId): string | null => cardQueries[id].error?.message ?? null;
  const card = cardQueries[side].stale ? undefined : cardQueries[side].data;
  const text = prompt.style === 'plain' ? prompt.plain : prompt.style === 'few-shot' ? prompt.built : '';
  const chatMessages = useMemo(() => (prompt.style === 'chat' ? prompt.messages.filter((m) => m.content.trim()) : []), [prompt]);
  const running = genA.state.status === 'running' || genB.state.status === 'running';

  const generate = useCallback(() => {
    const base = (s: Side, label?: string): Params<'generate.start'> | null => {
      if (!s.modelId) return null;
      const common = { modelId: s.modelId, settings: toApiSettings(s.settings), projectId: current?.id ?? null, label, topAlternatives: 5 };
      if (prompt.style === 'chat') return { ...common, messages: chatMessages };
      return { ...common, prompt: text };
    };
    const made = (s: Side) => madeWith(models.data?.find((m) => m.id === s.modelId)?.name ?? '—', s.modelId, s.settings);
    setRan({ A: made(sides.A), B: compare ? made(sides.B) : null });
    setRanTail(promptTail(prompt, text));
    const a = base(sides.A, compare ? 'A' : undefined);
    if (a) void genA.start(a);
    const b = compare ? base(sides.B, 'B') : null;
    if (b) void genB.start(b);
    else genB.reset();
  }, [sides, compare, prompt, text, chatMessages, current, genA, genB, models.data]);

  const stop = useCallback(() => {
    genA.cancel();
    genB.cancel();
  }, [genA, genB]);

  // What Generate's button needs, said beside it while it is grey; the shortcut acts only when the button would.
  // In A / B both sides generate, so either side's need greys it: the side being edited is said first. Each pane
  // says its own side's need, and a side that needs nothing says which side Generate waits for.
  const blockerOf = (id: SideId) => generateBlocker({ modelsLoaded: models.data !== undefined, modelId: sides[id].modelId, hasChatTemplate: chatTemplateOf(id), cardError: cardError(id), prompt, side: compare ? id : null });
  const blockers = { A: blockerOf('A'), B: compare ? blockerOf('B') : null };
  const other = (id: SideId): SideId => (id === 'A' ? 'B' : 'A');
  const blocker = blockers[side] ?? blockers[other(side)];
  const paneBlocker = (id: SideId) => blockers[id] ?? (blockers[other(id)] ? readyButWaiting(id, other(id)) : null);
  const canGenerate = blocker === null;
  const whyId = useId();
  usePageShortcuts('playground', {
    generate: () => {
      if (!running && canGenerate) generate();
      return true;
    },
    stop: () => {
      if (running) stop();
      return running;
    },
  });

  if (models.data && models.data.length === 0) {
    return <Card><EmptyState icon="box" title="No model to prompt yet" action={<Button variant="primary" onClick={() => navigate('select')}>Go to Select</Button>}>Import or download a base model on the Select page, then come back to try prompts and decoding settings on it.</EmptyState></Card>;
  }
  const modelName = (id: string | null) => models.data?.find((m) => m.id === id)?.name ?? '—';
  const subtitle = (id: SideId) => outputSubtitle(ran[id], madeWith(modelName(sides[id].modelId), sides[id].modelId, sides[id].settings));
  const setSide = (id: SideId, patch: Partial<Side>) => setSides((s) => ({ ...s, [id]: { ...s[id], ...patch } }));
  const tailFor = (state: GenerationState) => (state.status === 'idle' || ranTail === null ? promptTail(prompt, text) : ranTail);

  return (
    <div className="playground-grid">
      <div className="stack">
        <Card aria-label="Prompt">
          <CardHeader
            title="Prompt"
            subtitle="Try prompting before training anything: a clear instruction and a few examples often get most of the way."
            actions={
              <div className="row-wrap playground-actions">
                <label className="checkbox small"><input type="checkbox" checked={compare} onChange={(e) => openCompare(e.target.checked)} /><span>Compare A / B</span></label>
                <span className="row">
                  {!running && blocker && <span className="muted small playground-why" id={whyId}>{blocker}</span>}
                  {running ? <Button onClick={stop} shortcut={chordHint(PAGE_SHORTCUTS.playground.keys.stop)}>Stop</Button> : <Button variant="primary" icon="sparkle" onClick={generate} disabled={!canGenerate} aria-describedby={blocker ? whyId : undefined} shortcut={chordHint(PAGE_SHORTCUTS.playground.keys.generate)}>Generate</Button>}
                </span>
              </div>
            }
          />
          <div className="card-body">
            <PromptEditor value={prompt} onChange={setPrompt} hasChatTemplate={card ? card.tokenizer.hasChatTemplate : null} cardError={cardError(side)} />
            <PromptBudgetLine
              modelId={active.modelId}
              modelName={modelName(active.modelId)}
              prompt={prompt.style === 'chat' ? null : text}
              messages={prompt.style === 'chat' && card?.tokenizer.hasChatTemplate ? chatMessages : null}
              maxNewTokens={active.settings.maxNewTokens}
            />
          </div>
        </Card>
        {compare ? (
          <div className="compare-grid">
            <OutputPane title="A" subtitle={subtitle('A')} state={genA.state} promptTail={tailFor(genA.state)} blocker={paneBlocker('A')} testId="output-A" />
            <OutputPane title="B" subtitle={subtitle('B')} state={genB.state} promptTail={tailFor(genB.state)} blocker={paneBlocker('B')} testId="output-B" />
          </div>
        ) : (
          <OutputPane title="Output" subtitle={subtitle('A')} state={genA.state} promptTail={tailFor(genA.state)} blocker={blocker} testId="output-A" />
        )}
        <NextTokenPanel modelId={active.modelId} prompt={text} settings={toApiSettings(active.settings)} />
        <CollectionPanel modelId={sides.A.modelId} question={prompt.style === 'chat' ? (prompt.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '') : text} />
      </div>
      <div className="playground-side">
        <Card aria-label="Generation settings">
          <CardHeader title="Settings" subtitle={compare ? 'Each side has its own model and settings.' : 'How the next token is chosen, step by step.'} />
          <div className="card-body stack gap-3">
            {compare && (
              <div className="segmented segmented-fill" role="radiogroup" aria-label="Side">
                {(['A', 'B'] as const).map((id) => <button key={id} type="button" role="radio" aria-checked={editing === id} onClick={() => setEditing(id)}>Side {id}</button>)}
              </div>
            )}
            <div className="field">
              <label className="field-label" htmlFor="playground-model">Model</label>
              <Select id="playground-model" value={active.modelId ?? ''} onChange={(e) => setSide(side, { modelId: e.target.value })}>
                {models.data?.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
              </Select>
            </div>
            <SettingsPanel value={active.settings} onChange={(settings) => setSide(side, { settings })} />
          </div>
          <footer className="card-footer"><Button variant="ghost" size="sm" onClick={() => setSide(side, { settings: side === 'B' ? contrastingSettings(sides.A.settings) : DEFAULT_SETTINGS })}>Reset to defaults</Button></footer>
        </Card>
      </div>
    </div>
  );
}
