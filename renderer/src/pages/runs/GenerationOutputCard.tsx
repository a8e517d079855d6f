// A playground generation's run page shows what it generated: the prompt in grey, then the text, with how it ended
// (runs.generationOutput reads the output.json the generation recorded).
import { useQuery } from '../../app/StudioContext.tsx';
import { finishNeedsNotice, finishReasonLabel } from '../../domain/generation.ts';
import { Badge, Card, CardHeader, EmptyState, ReadError } from '../../ui/primitives.tsx';
import '../playground/playground.css';

export function GenerationOutputCard({ runId, live }: { runId: string; live: boolean }) {
  const output = useQuery('runs.generationOutput', { id: runId });
  const out = output.data;
  return (
    <Card aria-label="Output">
      <CardHeader
        title="Output"
        subtitle="The prompt, in grey, and the text the model generated after it."
        actions={out ? <Badge tone={finishNeedsNotice(out.finishReason, out.contextFull) ? 'warning' : 'success'}>{finishReasonLabel(out.finishReason, out.contextFull)} · {out.generatedTokens} tokens</Badge> : null}
      />
      <ReadError className="card-body" what="Could not read the output" read={output} />
      {output.data === null && (
        <EmptyState icon="file" title={live ? 'Still generating' : 'No output recorded'}>
          {live ? 'The text is recorded when the generation ends.' : 'This generation ended before it recorded its text (it failed, or the studio stopped).'}
        </EmptyState>
      )}
      {out && (
        <div className="card-body">
          <div className="output generation-output" data-testid="generation-output"><span className="output-prompt">{out.prompt}</span><span>{out.text}</span></div>
        </div>
      )}
    </Card>
  );
}
