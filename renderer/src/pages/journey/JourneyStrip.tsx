// A project's journey as a strip of steps under the top bar (scope → data → select → prompt → fine-tune / align
// → evaluate → integrate), each a link to where the step is done and marked done / in progress / next, with
// what it did to the project's metric; below it, the one "Next:" the engine derived, one click away.
// JourneyCard is the same journey step by step, with summaries, for the project's own page (Scope).
// Steps sit under the lifecycle stage they belong to, numbered 1–4 as the sidebar numbers them (lifecycle.ts);
// the steps themselves carry no number, so no second numbering competes with the sidebar's.
import { Fragment } from 'react';
import type { Journey, JourneyEffect, JourneyStep } from '../../../../native/api/journey.ts';
import type { Project } from '../../../../native/api/schemas.ts';
import { groupByStage } from '../../app/lifecycle.ts';
import { useProjects } from '../../app/ProjectsContext.tsx';
import { formatSigned } from '../../domain/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { Card, CardHeader } from '../../ui/primitives.tsx';
import { formatMetric, metricLabel } from '../evaluate/metrics.ts';
import { useJourney } from './useJourney.ts';
import './journey.css';

const STATE_WORDS: Record<JourneyStep['state'], string> = {
  done: 'done', 'in-progress': 'in progress', next: 'next', todo: 'to do', optional: 'optional', planned: 'not built yet',
};

/**
 * What the strip calls a step whose title is its stage's own ("Scope" under "1 Scope", "Select" under "2 Select"): the
 * stage label above already says the name, so the step says what it holds instead of repeating it ("Scope / Scope").
 */
const UNDER_ITS_STAGE: Partial<Record<JourneyStep['id'], string>> = { scope: 'Metric', select: 'Base model', integrate: 'Export & serve' };
const stripTitle = (step: JourneyStep, stageTitle: string): string => (step.title === stageTitle ? UNDER_ITS_STAGE[step.id] ?? step.title : step.title);

/** A title whose words may wrap onto a second line between words, never inside one ("Fine-" / "tune" at its hyphen). */
function WrappingTitle({ text }: { text: string }) {
  const words = text.split(' ');
  // the space between two words stays outside them: one inside a nowrap span is no place to break
  return <>{words.map((word, i) => <Fragment key={i}>{i > 0 && ' '}<span className="journey-word">{word}</span></Fragment>)}</>;
}

function go(route: string): void {
  window.location.hash = route.slice(1);
}

/** "0.100 → 0.200 (+0.100)" or, with nothing before, the value the step measured. */
export function effectText(e: JourneyEffect): string {
  const after = formatMetric(e.metric, e.after);
  if (e.before === null) return `${metricLabel(e.metric)} ${after}`;
  return `${metricLabel(e.metric)} ${formatMetric(e.metric, e.before)} → ${after} (${formatSigned(e.after - e.before, (v) => formatMetric(e.metric, v))})`;
}

/** Whether the effect moved the metric the right way (null: no before to compare with, or no change). */
function improved(e: JourneyEffect): boolean | null {
  if (e.before === null || e.after === e.before) return null;
  return e.higherIsBetter ? e.after > e.before : e.after < e.before;
}

function StepMark({ step }: { step: JourneyStep }) {
  return (
    <span className="journey-mark" aria-hidden="true">
      {step.state === 'done' ? <Icon name="check" size={12} /> : step.state === 'in-progress' ? <span className="journey-spinner" /> : null}
    </span>
  );
}

/** A stage's number and name, as the sidebar shows them. */
function StageLabel({ number, title }: { number: number; title: string }) {
  return <span className="journey-stage-label"><span className="journey-stage-number">{number}</span>{title}</span>;
}

function currentStep(): string | null {
  const hash = window.location.hash;
  return hash.startsWith('#/adapt/finetune') || hash.startsWith('#/adapt/align') ? 'finetune' : hash.startsWith('#/adapt/evaluate') ? 'evaluate' : hash.startsWith('#/adapt') ? 'prompt'
    : hash.startsWith('#/datasets') ? 'data' : hash.startsWith('#/select') ? 'select' : hash.startsWith('#/integrate') ? 'integrate' : hash.startsWith('#/scope') ? 'scope' : null;
}

export function NextCallout({ journey, compact }: { journey: Journey; compact?: boolean }) {
  const { next } = journey;
  return (
    <div className={compact ? 'journey-next journey-next-compact' : 'journey-next'} data-testid="journey-next" data-step={next.step ?? 'none'} role="status">
      <Icon name="sparkle" />
      <div className="journey-next-text">
        <strong>{next.title}</strong>
        <span className="muted">{next.text}</span>
      </div>
      {next.action && (
        <button type="button" className="btn btn-primary btn-sm" onClick={() => go(next.action!.route)}>
          {next.action.label} <Icon name="chevronRight" size={14} />
        </button>
      )}
    </div>
  );
}

/** The strip shown on every stage page of the current project; `page` reloads it when the user moves on. */
export function JourneyStrip({ page }: { page: string }) {
  const { current } = useProjects();
  const { journey } = useJourney(page);
  if (!current || !journey) return null;
  const here = currentStep();
  return (
    <nav className="journey" aria-label="Project journey" data-testid="journey">
      <ol className="journey-stages">
        {groupByStage(journey.steps).map((group) => (
          <li key={group.stage.id} className="journey-stage" data-stage={group.stage.id} data-here={group.steps.some((step) => step.id === here) || undefined} style={{ flexGrow: group.steps.length }}>
            <StageLabel number={group.number} title={group.stage.title} />
            <ol className="journey-steps">
              {group.steps.map((step) => (
                <li key={step.id} className="journey-step" data-step={step.id} data-state={step.state}>
                  <a href={step.action?.route ?? '#/scope'} aria-current={here === step.id ? 'page' : undefined} title={`${step.title}: ${step.summary}${step.effect ? ` — ${effectText(step.effect)}` : ''}`}>
                    <StepMark step={step} />
                    <span className="journey-label">
                      <span className="journey-title"><WrappingTitle text={stripTitle(step, group.stage.title)} /></span>
                      <span className="journey-state">
                        {step.effect && step.effect.before !== null ? <span data-improved={String(improved(step.effect))}>{formatMetric(step.effect.metric, step.effect.before)} → {formatMetric(step.effect.metric, step.effect.after)}</span> : STATE_WORDS[step.state]}
                      </span>
                    </span>
                  </a>
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
      {page !== 'scope' && <NextCallout journey={journey} compact />}
    </nav>
  );
}

/** The journey in full, one row per step: what was done, what it did to the metric, where to do it. */
export function JourneyCard({ project }: { project: Project }) {
  const { journey } = useJourney(project.updatedAt);
  if (!journey) return null;
  return (
    <Card className="journey-card" aria-label="Journey" data-testid="journey-card">
      <CardHeader title="Journey" subtitle="Each step of the project, as its data, runs and scorecard show it." />
      <div className="card-body stack">
        <NextCallout journey={journey} />
        {groupByStage(journey.steps).map((group) => (
          <section key={group.stage.id} className="journey-list-stage" data-stage={group.stage.id} aria-label={`Stage ${group.number}: ${group.stage.title}`}>
            <StageLabel number={group.number} title={group.stage.title} />
            <ol className="journey-list">
              {group.steps.map((step) => (
                <li key={step.id} data-step={step.id} data-state={step.state}>
                  <StepMark step={step} />
                  <div className="journey-list-text">
                    <div><strong>{step.title}</strong> <span className="journey-badge">{STATE_WORDS[step.state]}</span></div>
                    <div className="muted small">{step.summary}</div>
                  </div>
                  <div className="journey-effect small">
                    {step.effect && <span data-improved={String(improved(step.effect))}>{effectText(step.effect)}</span>}
                  </div>
                  {/* Named by its visible words first ("Open", "Import a dataset"), so voice control finds it by what it
                      says, then by its step, so a screen reader knows which of the Opens it is. */}
                  {step.action && step.state !== 'planned' && (
                    <button type="button" className="btn btn-ghost btn-sm" onClick={() => go(step.action!.route)} aria-label={step.state === 'done' ? `Open ${step.title}` : `${step.action.label} (${step.title})`}>
                      {step.state === 'done' ? 'Open' : step.action.label}
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </section>
        ))}
      </div>
    </Card>
  );
}
