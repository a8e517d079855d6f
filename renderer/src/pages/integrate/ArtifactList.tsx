// What a deploy job wrote, each with its size and a way to get at it. In the desktop app "Open folder" asks the
// main process to show it, naming it by artifact id (<job>#<index>): main resolves and checks the path itself. A
// browser on `lathe serve` has no shell (and the files may be on another machine), so it offers "Copy path", with
// the reason on the button (the page says it once, below its lists); which one is decided by what the transport
// can do, not by sniffing the browser.
import { useState } from 'react';
import { artifactId, type DeployResult } from '../../../../native/api/deploy.ts';
import { humanBytes } from '../../../../native/api/format.ts';
import { useStudio } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';
import { Button } from '../../ui/primitives.tsx';

type Feedback = { index: number; text: string; tone: 'ok' | 'error' };

export function ArtifactList({ jobId, result, testId }: { jobId: string; result: DeployResult; testId: string }) {
  const studio = useStudio();
  const folders = studio.folders;
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  async function open(index: number) {
    if (folders.kind !== 'native') return;
    try {
      await folders.reveal(artifactId(jobId, index));
      setFeedback(null);
    } catch (err) {
      setFeedback({ index, text: errorMessage(err), tone: 'error' });
    }
  }

  async function copy(index: number, path: string) {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(path);
      setFeedback({ index, text: 'Path copied', tone: 'ok' });
    } catch {
      // The clipboard needs a secure page (https or localhost); the path is on screen to select instead.
      setFeedback({ index, text: 'This page may not use the clipboard: select the path and copy it.', tone: 'error' });
    }
  }

  return (
    <div className="stack gap-label" data-testid={testId}>
      <ul className="artifact-list" aria-label="Written files">
        {result.artifacts.map((a, i) => (
          <li key={a.path} className="artifact">
            <div className="artifact-text">
              <div><strong>{a.label}</strong> <span className="muted">·</span> <span data-testid="artifact-size">{humanBytes(a.bytes)}</span></div>
              <div className="mono small muted artifact-path" title={a.path}>{a.path}</div>
              {feedback?.index === i && <div className={`small ${feedback.tone === 'error' ? 'field-error' : 'muted'}`} role="status">{feedback.text}</div>}
            </div>
            {folders.kind === 'native'
              ? <Button size="sm" icon="folder" onClick={() => void open(i)} aria-label={`Open the folder of ${a.label}`}>Open folder</Button>
              : <Button size="sm" icon="file" onClick={() => void copy(i, a.path)} title={folders.reason} aria-label={`Copy the path of ${a.label}`}>Copy path</Button>}
          </li>
        ))}
      </ul>
    </div>
  );
}
