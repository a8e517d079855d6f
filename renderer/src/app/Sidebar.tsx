// The left navigation: the four stages, numbered as the journey strip numbers them (lifecycle.ts), the workspace
// pages, then how a model works inside. Folded (sidebarFold.ts) it shows only the numbers and icons: each item keeps
// its page's name as its accessible name, and shows it beside the item on hover and keyboard focus.
import { Icon, type IconName } from '../ui/icons.tsx';
import { STAGES, stageNumber } from './lifecycle.ts';
import { PAGES, type PageId } from './routes.ts';
import { MOD } from './ShortcutHelp.tsx';

const WORKSPACE_ICONS: Partial<Record<PageId, IconName>> = { projects: 'folder', datasets: 'database', runs: 'activity', settings: 'settings', inside: 'layers' };

export function Sidebar({ page, navigate, onShowShortcuts, folded }: { page: PageId; navigate: (page: PageId) => void; onShowShortcuts: () => void; folded: boolean }) {
  const workspace = PAGES.filter((p) => p.group === 'workspace');
  const understand = PAGES.filter((p) => p.group === 'understand');
  return (
    <nav className="sidebar" id="sidebar" aria-label="Main" data-folded={folded || undefined}>
      <div className="brand">
        <div className="brand-mark" aria-hidden>L</div>
        <span className="brand-name">Lathe</span>
      </div>
      <div className="nav-section">
        <div className="nav-heading">Model lifecycle</div>
        {STAGES.map((p) => (
          <button key={p.id} className="nav-item" aria-current={page === p.id ? 'page' : undefined} onClick={() => navigate(p.id)} title={p.summary}>
            <span className="nav-step">{stageNumber(p.id)}</span>
            <span className="nav-label">{p.title}</span>
            <span className="nav-hint">{MOD}{stageNumber(p.id)}</span>
          </button>
        ))}
      </div>
      {([['Workspace', workspace], ['Understand', understand]] as const).map(([heading, pages]) => (
        <div className="nav-section" key={heading}>
          <div className="nav-heading">{heading}</div>
          {pages.map((p) => (
            <button key={p.id} className="nav-item" aria-current={page === p.id ? 'page' : undefined} onClick={() => navigate(p.id)} title={p.summary}>
              <span className="nav-icon"><Icon name={WORKSPACE_ICONS[p.id] ?? 'box'} /></span>
              <span className="nav-label">{p.title}</span>
              <span className="nav-hint">{MOD}{PAGES.indexOf(p) + 1}</span>
            </button>
          ))}
        </div>
      ))}
      <div className="sidebar-footer">
        <button className="btn btn-ghost btn-sm nav-shortcuts" onClick={onShowShortcuts} title={folded ? 'Shortcuts (?)' : undefined}><Icon name="keyboard" size={14} /> <span className="nav-shortcuts-label">Shortcuts <kbd>?</kbd></span></button>
      </div>
    </nav>
  );
}
