// Shown when the page was opened without the access token that `lathe serve` puts in its URL.
import { cliCommand } from '../../../native/api/labels.ts';
import { EmptyState } from '../ui/primitives.tsx';

export function NotConnected() {
  return (
    <div className="centered-page">
      <div className="card">
        <EmptyState icon="alert" title="This page needs the studio’s access token">
          Open the full address that <code className="cli">{cliCommand('serve')}</code> printed when it started — it ends in <code>?token=…</code>.
          The token keeps other programs on this machine from reading your projects. Start the studio with <code>npm start</code> or <code className="cli">{cliCommand('serve')}</code>.
        </EmptyState>
      </div>
    </div>
  );
}
