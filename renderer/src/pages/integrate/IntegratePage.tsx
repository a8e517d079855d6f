// Integrate: the last stage of the lifecycle. A short map of the path (merge → quantise → export → serve) that says
// what each step is for, then the two working sections: QuantizeSection (merge, quantise with its comparison table,
// export) and ServeSection (the OpenAI-compatible server, its snippets and request log).
import type { PageId } from '../../app/routes.ts';
import { Card, CardHeader, PageHeader } from '../../ui/primitives.tsx';
import { Icon, type IconName } from '../../ui/icons.tsx';
import { QuantizeSection } from './QuantizeSection.tsx';
import { ServeSection } from './ServeSection.tsx';
import './integrate.css';

const PATH: { icon: IconName; title: string; text: string }[] = [
  { icon: 'layers', title: '1 · Merge', text: 'Fold a LoRA adapter into its base: one model, no adapter to carry, the same outputs.' },
  { icon: 'cpu', title: '2 · Quantise', text: 'Store weights in 8 or 4 bits: a smaller file and less memory, usually at a small cost in quality. The table below measures it.' },
  { icon: 'box', title: '3 · Export', text: 'GGUF for llama.cpp, Ollama and LM Studio; ONNX for transformers.js; a Hugging Face folder for everything else.' },
  { icon: 'activity', title: '4 · Serve', text: 'Any OpenAI client — an app, a script, an agent framework — calls the model on this machine.' },
];

export function IntegratePage({ navigate }: { navigate(page: PageId): void }) {
  return (
    <div className="page">
      <PageHeader
        title="Integrate"
        lede="Prepare the model for the application: make it smaller and faster, write it in the format its runtime reads, and serve it."
      />
      <Card aria-label="The path to an application">
        <CardHeader
          title="From a trained model to an application"
          subtitle={<>Each step is optional. Check quality after quantising with an <a href="#/adapt/evaluate">evaluation</a> of the new model: it is a model like any other.</>}
        />
        <div className="card-body grid-2">
          {PATH.map((step) => (
            <div key={step.title} className="row align-start gap-3">
              <div className="empty-icon integrate-path-icon"><Icon name={step.icon} /></div>
              <div>
                <h3>{step.title}</h3>
                <p className="muted">{step.text}</p>
              </div>
            </div>
          ))}
        </div>
      </Card>
      <QuantizeSection navigate={navigate} />
      <ServeSection navigate={navigate} />
    </div>
  );
}
