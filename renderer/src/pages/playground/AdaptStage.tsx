// Stage 3, Adapt & align: prompting comes first (the playground), then the documents a model answers from (RAG
// collections), fine-tuning, evaluation and alignment with preferences (reward models, DPO), each a tab with its own
// address (#/adapt/documents, #/adapt/finetune, #/adapt/evaluate, #/adapt/align).
import { useEffect, useState } from 'react';
import type { PageId } from '../../app/routes.ts';
import { PageHeader } from '../../ui/primitives.tsx';
import { PlaygroundPage } from './PlaygroundPage.tsx';
import { EvaluatePage } from '../evaluate/EvaluatePage.tsx';
import { FinetunePage } from '../finetune/FinetunePage.tsx';
import { AlignPage } from '../align/AlignPage.tsx';
import { DocumentsPage } from '../documents/DocumentsPage.tsx';

type Tab = 'prompt' | 'documents' | 'finetune' | 'evaluate' | 'align';

function tabFromHash(): Tab {
  const hash = window.location.hash;
  if (hash.startsWith('#/adapt/documents')) return 'documents';
  return hash.startsWith('#/adapt/evaluate') ? 'evaluate' : hash.startsWith('#/adapt/finetune') ? 'finetune' : hash.startsWith('#/adapt/align') ? 'align' : 'prompt';
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
      <button type="button" role="tab" aria-selected={tab === 'prompt'} onClick={() => setTab('prompt')}>Prompt</button>
      <button type="button" role="tab" aria-selected={tab === 'documents'} onClick={() => setTab('documents')}>Documents</button>
      <button type="button" role="tab" aria-selected={tab === 'finetune'} onClick={() => setTab('finetune')}>Fine-tune</button>
      <button type="button" role="tab" aria-selected={tab === 'evaluate'} onClick={() => setTab('evaluate')}>Evaluate</button>
      <button type="button" role="tab" aria-selected={tab === 'align'} onClick={() => setTab('align')}>Align</button>
    </div>
  );
  if (tab === 'align') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Tune the model toward what people prefer: a reward model learns to score answers, DPO learns straight from preference pairs, PPO from the reward model’s scores of its own answers." actions={tabs} />
        <AlignPage navigate={navigate} />
      </div>
    );
  }
  if (tab === 'documents') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Give the model the right text at question time: collections of your documents, searched by keywords (BM25), meaning (an embedding model) or both, so answers can cite their sources." actions={tabs} />
        <DocumentsPage onUse={() => { window.location.hash = '/adapt'; setTab('prompt'); }} />
      </div>
    );
  }
  if (tab === 'finetune') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Teach the model your task from examples: LoRA trains small adapters and fits in little memory; full fine-tuning updates every weight." actions={tabs} />
        <FinetunePage navigate={navigate} />
      </div>
    );
  }
  if (tab === 'evaluate') {
    return (
      <div className="page">
        <PageHeader title="Adapt & align" lede="Measure before and after every change: score the model on held-out examples with the project’s metric, then compare runs." actions={tabs} />
        <EvaluatePage navigate={navigate} />
      </div>
    );
  }
  return (
    <div className="page">
      <PageHeader title="Adapt & align" lede="Make the model good at your task. Start with the prompt and the decoding settings; fine-tune only when that is not enough." actions={tabs} />
      <PlaygroundPage navigate={navigate} />
    </div>
  );
}
