// The parts of a stage that are not built yet. Each page says so plainly and explains what the stage will do, so
// the user learns the lifecycle without being shown anything that does not work. (Adapt & align is built whole:
// prompting, fine-tuning, evaluation, and alignment — reward models and DPO — on its Align tab.)
import type { ReactNode } from 'react';
import type { PageId } from '../app/routes.ts';
import { useProjects } from '../app/ProjectsContext.tsx';
import { Badge, Button, Card, CardHeader, PageHeader } from '../ui/primitives.tsx';
import { Icon, type IconName } from '../ui/icons.tsx';
import { ServeSection } from './integrate/ServeSection.tsx';
import { QuantizeSection } from './integrate/QuantizeSection.tsx';

interface Plan {
  title: string;
  lede: string;
  items: { icon: IconName; title: string; text: string }[];
}

function PlannedStage({ plan, navigate, children }: { plan: Plan; navigate(page: PageId): void; children?: ReactNode }) {
  const { current } = useProjects();
  return (
    <div className="page">
      <PageHeader title={plan.title} lede={plan.lede} actions={<Badge tone="warning">Not built yet</Badge>} />
      <Card>
        <CardHeader title="What this stage will do" subtitle="This part of the studio is planned; nothing here runs yet." />
        <div className="card-body grid-2">
          {plan.items.map((item) => (
            <div key={item.title} className="row" style={{ alignItems: 'flex-start', gap: 'var(--space-3)' }}>
              <div className="empty-icon" style={{ width: 32, height: 32, flex: 'none' }}><Icon name={item.icon} /></div>
              <div>
                <h3>{item.title}</h3>
                <p className="muted">{item.text}</p>
              </div>
            </div>
          ))}
        </div>
        <footer className="card-footer">
          <span className="muted small" style={{ marginRight: 'auto' }}>
            {current ? `Meanwhile, make sure “${current.name}” is scoped and has its data.` : 'Meanwhile, start with the Scope stage.'}
          </span>
          <Button onClick={() => navigate(current ? 'datasets' : 'scope')}>{current ? 'Go to Datasets' : 'Go to Scope'}</Button>
        </footer>
      </Card>
      {children}
    </div>
  );
}

const SELECT: Plan = {
  title: 'Select',
  lede: 'Decide whether to start from an existing base model or train a small one from scratch, within the constraints you scoped.',
  items: [
    { icon: 'box', title: 'Browse base models', text: 'Compare open models by size, licence and memory need, and download one once for offline use.' },
    { icon: 'cpu', title: 'Check the fit', text: 'Estimate memory and latency on your device against the project’s budget before committing.' },
    { icon: 'layers', title: 'Import your own', text: 'Bring a Hugging Face folder (config.json, safetensors, tokenizer.json) from disk.' },
    { icon: 'sparkle', title: 'Train from scratch', text: 'Pre-train a small model on your own text when no base model suits the task.' },
  ],
};

const INTEGRATE: Plan = {
  title: 'Integrate',
  lede: 'Prepare the model for the application: make it smaller and faster, export it in standard formats, and serve it.',
  items: [
    { icon: 'layers', title: 'Merge adapters', text: 'Fold LoRA weights into the base model for a single, simpler artefact.' },
    { icon: 'cpu', title: 'Quantise', text: 'Trade a little accuracy for much less memory and faster answers on your target device.' },
    { icon: 'box', title: 'Export', text: 'Write ONNX (transformers.js layout) or GGUF for llama.cpp.' },
    { icon: 'activity', title: 'Serve', text: 'Run an OpenAI-compatible endpoint so applications can call the model locally (available now: start it below).' },
  ],
};

type StageProps = { navigate(page: PageId): void };
export const SelectPage = ({ navigate }: StageProps) => <PlannedStage plan={SELECT} navigate={navigate} />;
export const IntegratePage = ({ navigate }: StageProps) => (
  <PlannedStage plan={INTEGRATE} navigate={navigate}>
    <QuantizeSection />
    <ServeSection />
  </PlannedStage>
);
