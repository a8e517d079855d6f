// Integrate → Serve: start and stop the studio's OpenAI-compatible server (the one `lathe serve-api` runs, here in
// a child process of the studio that stops with it), then show its base URL and key, snippets that call it as they
// stand (curl, Python and JavaScript `openai`), and its request log, refreshed every second while it runs.
import { useEffect, useMemo, useState } from 'react';
import { SERVE_API_DEFAULT_PORT } from '../../../../native/api/serve-api.ts';
import { cliCommand } from '../../../../native/api/labels.ts';
import { errorMessage } from '../../api/errors.ts';
import { useQuery, useStudio } from '../../app/StudioContext.tsx';
import { useToast } from '../../ui/Toasts.tsx';
import { Badge, Button, Callout, Card, CardHeader, CodeBlock, Field, ReadError, Select, Stat } from '../../ui/primitives.tsx';
import { ApiRequestLog } from './ApiRequestLog.tsx';
import { stepHeading } from './integrateSteps.ts';
import { apiSnippets, SNIPPET_KINDS, SNIPPET_LABELS, type SnippetKind } from '../../../../native/api/serve-snippets.ts';
import './serve.css';

const POLL_MS = 1000;
const STATE_TONE = { running: 'success', starting: 'warning', failed: 'danger', stopped: 'neutral' } as const;

/** The key as shown while hidden: its prefix (which kind of key), the rest as dots. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]+-/.exec(key)?.[0] ?? '';
  return `${prefix}${'•'.repeat(16)}`;
}

export function ServeSection() {
  const studio = useStudio();
  const toast = useToast();
  const models = useQuery('models.list', { kind: 'decoder' });
  const status = useQuery('serveApi.status', {});
  const log = useQuery('serveApi.log', { limit: 50 });
  const names = useMemo(() => (models.data ?? []).map((m) => m.name), [models.data]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [port, setPort] = useState(String(SERVE_API_DEFAULT_PORT));
  const [busy, setBusy] = useState(false);
  const [kind, setKind] = useState<SnippetKind>('curl');
  // The key is a secret on a screen others may see (a shared screen, a screenshot): hidden until asked for, in the
  // snippets too; copying always takes the real one.
  const [keyShown, setKeyShown] = useState(false);
  const s = status.data;
  // Until the engine says whether its server runs, this page does not know: it drew "Stopped" and offered Start
  // for a server already running (a start the engine refuses), so the badge and Start wait for the answer.
  const statusKnown = s !== undefined;
  const state = busy && s?.state !== 'running' ? 'starting' : (s?.state ?? 'stopped');
  const live = state === 'running' || state === 'starting';
  const model = chosen ?? s?.model ?? names.at(-1) ?? null;
  // While the server runs, the port it really listens on (0 asks for any free one), not the one typed.
  const runningPort = s?.state === 'running' && s.port !== null ? s.port : null;
  const portNumber = Number(port);
  const portError = port.trim() === '' || !Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535 ? 'A port is a whole number from 0 to 65535 (0 picks any free one).' : null;

  const { reload: reloadStatus } = status;
  const { reload: reloadLog } = log;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      reloadStatus();
      reloadLog();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [live, reloadStatus, reloadLog]);

  async function start() {
    if (!model || portError) return;
    setBusy(true);
    try {
      await studio.call('serveApi.start', { model, port: portNumber });
    } catch (err) {
      toast.show('error', 'The API server did not start', errorMessage(err));
    } finally {
      setBusy(false);
      reloadStatus();
      reloadLog();
    }
  }

  async function stop() {
    setBusy(true);
    try {
      await studio.call('serveApi.stop', {});
    } catch (err) {
      toast.show('error', 'Could not stop the API server', errorMessage(err));
    } finally {
      setBusy(false);
      reloadStatus();
      reloadLog();
    }
  }

  const snippets = s?.state === 'running' && s.url && s.apiKey && s.model ? apiSnippets({ url: s.url, apiKey: s.apiKey, model: s.model }) : null;

  async function copy(text: string, what: string) {
    try {
      await navigator.clipboard.writeText(text);
      toast.show('success', `Copied the ${what}`);
    } catch (err) {
      toast.show('error', `Could not copy the ${what}`, `${errorMessage(err)} — select it and copy it by hand instead.`);
    }
  }

  return (
    <Card aria-label="Serve to applications">
      <CardHeader
        title={stepHeading('serve')}
        subtitle="An OpenAI-compatible API on this machine (127.0.0.1): any OpenAI client, SDK or agent framework can call your models by changing its base URL."
        actions={statusKnown && <Badge tone={STATE_TONE[state]}>{state === 'running' ? 'Running' : state === 'starting' ? 'Starting…' : state === 'failed' ? 'Failed' : 'Stopped'}</Badge>}
      />
      <div className="card-body stack">
        {/* Start waits for the state (a server may be running already): a failed read must leave a way to ask again */}
        <ReadError what="Could not read the API server’s state" read={status} then={statusKnown ? 'What is shown may be out of date.' : 'Start server waits for it, as a server may be running already.'} />
        {!models.data && <ReadError what="Could not list the models" read={models} />}
        {!models.data ? null : names.length === 0 ? (
          // Merge, quantise and export above already offers the way to Select: one next step on the page, not two.
          <p className="muted">No model to serve yet: once one is added on the Select page (or trained), start the server here.</p>
        ) : (
          <>
            <div className="serve-controls">
              <Field label="Model" help="Loaded at start. Requests may name any model of the studio, or <model>:<run id> for a LoRA run's adapter.">
                {(id, describedBy) => (
                  <Select id={id} aria-describedby={describedBy} value={model ?? ''} disabled={live} onChange={(e) => setChosen(e.target.value)}>
                    {names.map((n) => <option key={n} value={n}>{n}</option>)}
                  </Select>
                )}
              </Field>
              <Field label="Port" help={runningPort !== null ? 'The one it listens on.' : '0 picks any free port.'} error={runningPort !== null ? null : portError}>
                {(id, describedBy) => (
                  <input id={id} aria-describedby={describedBy} className="input mono serve-port" inputMode="numeric" value={runningPort !== null ? String(runningPort) : port} disabled={live} onChange={(e) => setPort(e.target.value)} />
                )}
              </Field>
            </div>
            {/* the action at the right, under its fields, as Quantise's, Export's and a card footer's */}
            <div className="row">
              <span className="spacer" />
              {live
                ? <Button variant="danger" icon="x" onClick={() => void stop()} disabled={busy}>Stop server</Button>
                : <Button variant="primary" icon="activity" onClick={() => void start()} disabled={busy || !statusKnown || !model || portError !== null}>Start server</Button>}
            </div>
          </>
        )}
        {s?.state === 'failed' && s.error && <Callout tone="danger" title="The server is not running">{s.error}</Callout>}
        {s?.state === 'running' && s.url && s.apiKey && (
          <div className="serve-endpoint">
            <Stat label="Base URL" value={<span className="serve-secret"><span data-testid="serve-url">{s.url}</span><Button size="sm" aria-label="Copy the base URL" onClick={() => void copy(s.url!, 'base URL')}>Copy</Button></span>} mono />
            <Stat label="API key (new at each start)" value={(
              <span className="serve-secret">
                {keyShown
                  ? <span data-testid="serve-key" data-masked={false}>{s.apiKey}</span>
                  : <span><span data-testid="serve-key" data-masked aria-hidden="true">{maskKey(s.apiKey)}</span><span className="visually-hidden">hidden</span></span>}
                <Button size="sm" aria-pressed={keyShown} onClick={() => setKeyShown((v) => !v)}>Show key</Button>
                <Button size="sm" aria-label="Copy the API key" onClick={() => void copy(s.apiKey!, 'API key')}>Copy</Button>
              </span>
            )} mono />
          </div>
        )}
        {snippets ? (
          <div className="stack">
            <div className="row">
              <div className="segmented" role="tablist" aria-label="Snippet language">
                {SNIPPET_KINDS.map((k) => (
                  <button key={k} type="button" role="tab" aria-selected={kind === k} onClick={() => setKind(k)}>{SNIPPET_LABELS[k]}</button>
                ))}
              </div>
              <span className="spacer" />
              <Button size="sm" onClick={() => void copy(snippets[kind], `${SNIPPET_LABELS[kind]} snippet`)}>Copy {SNIPPET_LABELS[kind]}</Button>
            </div>
            <CodeBlock role="tabpanel" label={`${SNIPPET_LABELS[kind]} snippet`} data-testid="serve-snippet" data-kind={kind}>{keyShown || !s?.apiKey ? snippets[kind] : snippets[kind].replaceAll(s.apiKey, maskKey(s.apiKey))}</CodeBlock>
          </div>
        ) : names.length > 0 && (
          <p className="muted small">
            Start the server to get ready-to-run snippets with its address and key. From a terminal, <span className="mono cli">{cliCommand('serve-api --model NAME')}</span> runs
            the same server (with <span className="mono cli">--host</span> and <span className="mono cli">--api-key</span> for other machines, <span className="mono cli">--cors-origin</span> for web pages).
          </p>
        )}
        {/* with no model the server cannot start: no log asking for its requests, unless it holds earlier ones */}
        {(names.length > 0 || (log.data?.length ?? 0) > 0 || log.error) && <div className="stack">
          <div className="row"><span className="stat-label">Requests</span><span className="spacer" /><span className="muted small">latest 50, newest first · also <span className="mono cli">{cliCommand('api-log')}</span></span></div>
          <ReadError what="Could not read the request log" read={log} />
          {/* a log never read is not an empty one: "No requests yet" waits for an answer */}
          {(log.data || !log.error) && <ApiRequestLog rows={log.data ?? []} running={s?.state === 'running'} />}
        </div>}
      </div>
    </Card>
  );
}
