// Integrate: the last stage of the lifecycle. A short map of the path (merge → quantise → compare → export → serve,
// numbered as the sections below number them: integrateSteps.ts) that says what each step is for, then the two working sections: QuantizeSection (merge, quantise with its comparison table,
// export) and ServeSection (the OpenAI-compatible server, its snippets and request log).
import type { PageId } from '../../app/routes.ts';
import { Card, CardHeader, PageHeader } from '../../ui/primitives.tsx';
import { Icon } from '../../ui/icons.tsx';
import { INTEGRATE_STEPS, stepLabel } from './integrateSteps.ts';
import { QuantizeSection } from './QuantizeSection.tsx';
import { ServeSection } from './ServeSection.tsx';
import './integrate.css';

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
        <div className="card-body grid-2 integrate-path">
          {INTEGRATE_STEPS.map((step) => (
            <div key={step.id} className="row align-start gap-3">
              <div className="empty-icon integrate-path-icon"><Icon name={step.icon} /></div>
              <div>
                <h3>{stepLabel(step.id)}</h3>
                <p className="muted">{step.text}</p>
              </div>
            </div>
          ))}
        </div>
      </Card>
      <QuantizeSection navigate={navigate} />
      <ServeSection />
    </div>
  );
}
