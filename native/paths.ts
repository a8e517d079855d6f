// Where Lathe keeps its data when no --data-dir / LATHE_DATA_DIR is given: the same folder Electron's
// userData resolves to for an app named "Lathe", so the CLI and the desktop app share one store.
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(): string {
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Lathe');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Lathe');
    default:
      return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Lathe');
  }
}
