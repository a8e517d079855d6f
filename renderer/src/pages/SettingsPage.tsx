// Settings: appearance, and where this studio keeps its data.
import { cliCommand } from '../../../native/api/labels.ts';
import { useQuery, useStudio } from '../app/StudioContext.tsx';
import { useTheme, type ThemeChoice } from '../app/theme.ts';
import { Card, CardHeader, PageHeader, ReadError } from '../ui/primitives.tsx';

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsPage() {
  const [theme, setTheme] = useTheme();
  const studio = useStudio();
  const info = useQuery('system.info', {});
  return (
    <div className="page">
      <PageHeader title="Settings" lede="Preferences for this machine." />
      <Card>
        <CardHeader title="Appearance" subtitle="“System” follows your operating system’s light or dark mode as it changes." />
        <div className="card-body">
          <div className="segmented" role="radiogroup" aria-label="Theme">
            {THEMES.map((t) => (
              <button key={t.value} role="radio" aria-checked={theme === t.value} onClick={() => setTheme(t.value)}>{t.label}</button>
            ))}
          </div>
        </div>
      </Card>
      <Card>
        <CardHeader title="Studio" subtitle="Everything runs on this machine; this is where it keeps projects, datasets, runs and models." />
        <div className="card-body">
          <ReadError what="Could not ask the engine" read={info} />
          <dl className="dl">
            <dt>Version</dt><dd>{info.data?.version ?? '…'}</dd>
            <dt>Data directory</dt><dd className="mono">{info.data?.dataDir ?? '…'}</dd>
            <dt>Running as</dt><dd>{info.data ? (info.data.mode === 'electron' ? 'Desktop app' : `Headless studio (${cliCommand('serve')})`) : '…'}</dd>
            <dt>Connection</dt><dd>{studio.transport === 'ipc' ? 'In-process (Electron IPC)' : `HTTP to ${window.location.host}`}</dd>
          </dl>
        </div>
      </Card>
    </div>
  );
}
