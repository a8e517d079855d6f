// Stage 3, Adapt & align: prompting comes first (the playground), then the documents a model answers from (RAG
// collections), fine-tuning, evaluation and alignment with preferences (reward models, DPO), each a tab with its own
// address (#/adapt/documents, #/adapt/finetune, #/adapt/evaluate, #/adapt/align).
import { useEffect, useState, type ReactNode } from 'react';
import type { PageId } from '../../app/routes.ts';
import { PageHeader } from '../../ui/primitives.tsx';
import { PlaygroundPage } from './PlaygroundPage.tsx';
import { EvaluatePage } from '../evaluate/EvaluatePage.tsx';
import { FinetunePage } from '../finetune/FinetunePage.tsx';
import { AlignPage } from '../align/AlignPage.tsx';
import { DocumentsPage } from '../documents/DocumentsPage.tsx';

type Tab = 'prompt' | 'documents' | 'finetune' | 'evaluate' | 'align';

/** The tabs in order, each with its address: the prompt is the stage's own (#/adapt). */
const TABS: { id: Tab; label: string; hash: string }[] = [
  { id: 'prompt', label: 'Prompt', hash: '/adapt' },
  { id: 'documents', label: 'Documents', hash: '/adapt/documents' },
  { id: 'finetune', label: 'Fine-tune', hash: '/adapt/finetune' },
  { id: 'evaluate', label: 'Evaluate', hash: '/adapt/evaluate' },
  { id: 'align', label: 'Align', hash: '/adapt/align' },
];

function tabFromHash(): Tab {
  const hash = window.location.hash;
  return TABS.find((t) => t.id !== 'prompt' && hash.startsWith(`#${t.hash}`))?.id ?? 'prompt';
}

/** Opening a tab changes the address, so a reload, a bookmark or Back returns to it. */
function openTab(tab: Tab): void {
  const hash = TABS.find((t) => t.id === tab)!.hash;
  if (window.location.hash !== `#${hash}`) window.location.hash = hash;
}

export function AdaptStage({ navigate }: { navigate(page: PageId): void }) {
  const [tab, setTab] = useState<Tab>(tabFromHash);
  // The journey links to a tab by address (#/adapt/evaluate) while this stage may already be open.
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const tabs = (
    <div className="segmented" role="tablist" aria-label="Adapt & align">
      {TABS.map((t) => (
        <button key={t.id} type="button" role="tab" id={`adapt-tab-${t.id}`} aria-controls="adapt-panel" aria-selected={tab === t.id} onClick={() => { setTab(t.id); openTab(t.id); }}>{t.label}</button>
      ))}
    </div>
  );
  const panel = (content: ReactNode) => <div role="tabpanel" id="adapt-panel" aria-labelledby={`adapt-tab-${tab}`}>{content}</div>;
  if (tab === 'align') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Tune the model toward what people prefer: a reward model learns to score answers, DPO learns straight from preference pairs, PPO from the reward model’s scores of its own answers." actions={tabs} />
        {panel(<AlignPage navigate={navigate} />)}
      </div>
    );
  }
  if (tab === 'documents') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Give the model the right text at question time: collections of your documents, searched by keywords (BM25), meaning (an embedding model) or both, so answers can cite their sources." actions={tabs} />
        {panel(<DocumentsPage onUse={() => { setTab('prompt'); openTab('prompt'); }} />)}
      </div>
    );
  }
  if (tab === 'finetune') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Teach the model your task from examples: LoRA trains small adapters and fits in little memory; full fine-tuning updates every weight." actions={tabs} />
        {panel(<FinetunePage navigate={navigate} />)}
      </div>
    );
  }
  if (tab === 'evaluate') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Measure before and after every change: score the model on held-out examples with the project’s metric, then compare runs." actions={tabs} />
        {panel(<EvaluatePage navigate={navigate} />)}
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Adapt & align" lede="Make the model good at your task. Start with the prompt and the decoding settings; fine-tune only when that is not enough." actions={tabs} />
      {panel(<PlaygroundPage navigate={navigate} />)}
    </div>
  );
}
