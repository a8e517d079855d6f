// Integrate → Serve: the one part of the Integrate stage that is built. The OpenAI-compatible server runs from the
// command line (`lathe serve-api`); this section picks a model of the studio and shows the command to start it and
// the few lines an application needs to call it, so nothing here pretends to run the server itself.
import { useMemo, useState } from 'react';
import { useQuery } from '../../app/StudioContext.tsx';
import { Badge, Card, CardHeader, Field } from '../../ui/primitives.tsx';

const CODE_STYLE = { whiteSpace: 'pre-wrap', margin: 0 } as const;

/** A shell word quoted when it needs to be. */
const shellWord = (s: string) => (/^[\w.:@/-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

export function ServeSection() {
  const models = useQuery('models.list', {});
  const names = useMemo(() => (models.data ?? []).map((m) => m.name), [models.data]);
  const [chosen, setChosen] = useState<string | null>(null);
  const model = chosen ?? names.at(-1) ?? 'MODEL';
  const command = `lathe serve-api --model ${shellWord(model)}`;
  const client = [
    "import OpenAI from 'openai';",
    "const client = new OpenAI({ baseURL: 'http://127.0.0.1:1234/v1', apiKey: process.env.LATHE_API_KEY });",
    `const reply = await client.chat.completions.create({ model: ${JSON.stringify(model)}, messages: [{ role: 'user', content: 'Hello' }] });`,
  ].join('\n');
  return (
    <Card aria-label="Serve to applications">
      <CardHeader
        title="Serve to applications"
        subtitle="An OpenAI-compatible API on this machine, from the command line: any OpenAI client can call your model."
        actions={<Badge tone="success">Available</Badge>}
      />
      <div className="card-body stack">
        {names.length > 0 && (
          <Field label="Model" help="Requests may also name any other model, or <model>:<run id> for a LoRA run's adapter.">
            {(id, describedBy) => (
              <select id={id} aria-describedby={describedBy} className="select" value={model} onChange={(e) => setChosen(e.target.value)}>
                {names.map((n) => <option key={n} value={n}>{n}</option>)}
              </select>
            )}
          </Field>
        )}
        <div>
          <span className="stat-label">Start it (it prints the API key; 127.0.0.1:1234 by default)</span>
          <pre className="mono small" style={CODE_STYLE} data-testid="serve-command">{command}</pre>
        </div>
        <div>
          <span className="stat-label">Call it from an application</span>
          <pre className="mono small" style={CODE_STYLE}>{client}</pre>
        </div>
        <p className="muted small">
          Chat and text completions (streamed or whole), embeddings and the model list; requests are logged (`lathe api-log`).
          Other hosts need --api-key; web pages need --cors-origin. `lathe serve-api --help` lists every option.
        </p>
      </div>
    </Card>
  );
}
