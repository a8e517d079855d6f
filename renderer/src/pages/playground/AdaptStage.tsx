// Stage 3, Adapt & align: prompting comes first (the playground); fine-tuning, preference tuning and evaluation
// follow as their pages are built, and until then the tab explains them.
import { useState } from 'react';
import type { PageId } from '../../app/routes.ts';
import { AdaptPage } from '../PlannedStagePages.tsx';
import { PageHeader } from '../../ui/primitives.tsx';
import { PlaygroundPage } from './PlaygroundPage.tsx';
import { EvaluatePage } from '../evaluate/EvaluatePage.tsx';

type Tab = 'prompt' | 'evaluate' | 'more';

export function AdaptStage({ navigate }: { navigate(page: PageId): void }) {
  const [tab, setTab] = useState<Tab>(() => (window.location.hash.startsWith('#/adapt/evaluate') ? 'evaluate' : 'prompt'));
  const tabs = (
    <div className="segmented" role="tablist" aria-label="Adapt & align">
      <button type="button" role="tab" aria-checked={tab === 'prompt'} aria-selected={tab === 'prompt'} onClick={() => setTab('prompt')}>Prompt</button>
      <button type="button" role="tab" aria-checked={tab === 'evaluate'} aria-selected={tab === 'evaluate'} onClick={() => setTab('evaluate')}>Evaluate</button>
      <button type="button" role="tab" aria-checked={tab === 'more'} aria-selected={tab === 'more'} onClick={() => setTab('more')}>Fine-tune · Align</button>
    </div>
  );
  if (tab === 'more') {
    return (
      <>
        <div className="page" style={{ paddingBottom: 0 }}>{tabs}</div>
        <AdaptPage navigate={navigate} />
      </>
    );
  }
  if (tab === 'evaluate') {
    return (
      <div className="page playground">
        <PageHeader title="Adapt & align" lede="Measure before and after every change: score the model on held-out examples with the project’s metric, then compare runs." actions={tabs} />
        <EvaluatePage navigate={navigate} />
      </div>
    );
  }
  return (
    <div className="page playground">
      <PageHeader title="Adapt & align" lede="Make the model good at your task. Start with the prompt and the decoding settings; fine-tune only when that is not enough." actions={tabs} />
      <PlaygroundPage navigate={navigate} />
    </div>
  );
}
