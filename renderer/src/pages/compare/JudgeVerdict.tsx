// The judge's record of one example in Compare: the score it gave (pointwise: the most probable 1–5 and the
// expected score; pairwise: the chance the response beats the reference or another run's answer, from both orders), the probability
// of each allowed answer as bars, and, folded, the exact prompts the judge read. This is the judge's rationale:
// it answered with probabilities, not text.
import type { JudgeRecord, JudgeVerdict as Verdict } from '../../../../native/api/eval.ts';
import { Badge, CodeBlock, Meter } from '../../ui/primitives.tsx';

function Answers({ verdict, caption, other }: { verdict: Verdict; caption: string; other: string }) {
  const mass = verdict.logprobs.reduce((s, l) => s + Math.exp(l), 0);
  return (
    <div className="judge-answers" role="group" aria-label={caption} data-sides={verdict.responseAs ? '' : undefined}>
      <span className="small muted">{caption}</span>
      {verdict.labels.map((label, i) => (
        <div key={label} className="judge-answer">
          <span className="small"><span className="mono">{label}</span>{verdict.responseAs && <span className="muted"> {label === verdict.responseAs ? 'answer' : other}</span>}</span>
          <Meter value={verdict.probs[i]} max={1} label={`${caption}: p(${label})`} />
          <span className="mono small">{verdict.probs[i].toFixed(2)}</span>
        </div>
      ))}
      <span className="faint small" title="Probability the judge gave all the allowed answers together, before renormalising over them">
        the allowed answers got {(100 * mass).toFixed(mass < 0.01 ? 2 : 0)}% of the judge’s probability; the rest went to other tokens
      </span>
    </div>
  );
}

export function JudgeVerdictView({ record }: { record: JudgeRecord }) {
  const pairwise = record.mode === 'pairwise';
  const caption = (v: Verdict) => (pairwise ? `Response shown as ${v.responseAs}` : 'Score');
  // A pairwise judge compares with the first reference, or with another run's answer to the same example.
  const other = record.againstRun ? 'other run' : 'reference';
  return (
    <div className="judge-verdict" data-testid="judge-verdict">
      <div className="row small">
        <span className="stat-label">Judge</span>
        {pairwise
          ? <Badge tone={record.winProbability! > 0.5 ? 'success' : record.winProbability! < 0.5 ? 'danger' : 'neutral'}>beats the {record.againstRun ? <span title={record.againstRun}>other run</span> : 'reference'} {(100 * record.winProbability!).toFixed(0)}%</Badge>
          : <Badge tone="accent">score {record.argmax} · expected {record.expected!.toFixed(2)}</Badge>}
        {record.label !== undefined && <Badge tone={record.label === record.argmax ? 'success' : 'danger'}>label {record.label}</Badge>}
        {record.truncatedChars > 0 && <span className="faint" title="Characters cut so the prompt fits the judge's context: the input's first, then the responses' (see the prompt)">{record.truncatedChars} characters cut so the prompt fits the judge</span>}
      </div>
      <div className="judge-orders">
        {record.verdicts.map((v, i) => <Answers key={i} verdict={v} caption={caption(v)} other={other} />)}
      </div>
      <details className="judge-prompt">
        <summary className="small">Judge prompt{record.verdicts.length > 1 ? 's (both orders)' : ''}</summary>
        {record.verdicts.map((v, i) => <CodeBlock key={i} scroll label={record.verdicts.length > 1 ? `Judge prompt ${i + 1} of ${record.verdicts.length}` : 'Judge prompt'}>{v.prompt}</CodeBlock>)}
      </details>
    </div>
  );
}
