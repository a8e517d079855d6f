// The left navigation: the four stages as numbered steps, then the workspace pages.
import { Icon, type IconName } from '../ui/icons.tsx';
import { PAGES, type PageId } from './routes.ts';
import { MOD } from './ShortcutHelp.tsx';

const WORKSPACE_ICONS: Partial<Record<PageId, IconName>> = { projects: 'folder', datasets: 'database', runs: 'activity', settings: 'settings' };

export function Sidebar({ page, navigate, onShowShortcuts }: { page: PageId; navigate: (page: PageId) => void; onShowShortcuts: () => void }) {
  const stages = PAGES.filter((p) => p.group === 'stages');
  const workspace = PAGES.filter((p) => p.group === 'workspace');
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <div className="brand-mark" aria-hidden>L</div>
        <span className="brand-name">Lathe</span>
      </div>
      <div className="nav-section">
        <div className="nav-heading">Model lifecycle</div>
        {stages.map((p, i) => (
          <button key={p.id} className="nav-item" aria-current={page === p.id ? 'page' : undefined} onClick={() => navigate(p.id)} title={p.summary}>
            <span className="nav-step">{i + 1}</span>
            {p.title}
            <span className="nav-hint">{MOD}{i + 1}</span>
          </button>
        ))}
      </div>
      <div className="nav-section">
        <div className="nav-heading">Workspace</div>
        {workspace.map((p) => (
          <button key={p.id} className="nav-item" aria-current={page === p.id ? 'page' : undefined} onClick={() => navigate(p.id)} title={p.summary}>
            <span className="nav-icon"><Icon name={WORKSPACE_ICONS[p.id] ?? 'box'} /></span>
            {p.title}
            <span className="nav-hint">{MOD}{PAGES.indexOf(p) + 1}</span>
          </button>
        ))}
      </div>
      <div className="sidebar-footer">
        <button className="btn btn-ghost btn-sm" onClick={onShowShortcuts}><Icon name="keyboard" size={14} /> Shortcuts <kbd>?</kbd></button>
      </div>
    </nav>
  );
}
