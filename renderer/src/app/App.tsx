// The application frame: navigation (folded to its icons in a narrow window, or by the top bar's toggle), top bar with
// the project switcher, the current page, shortcuts.
import { Fragment, useCallback, useState } from 'react';
import { IntegratePage } from '../pages/integrate/IntegratePage.tsx';
import { AdaptStage } from '../pages/playground/AdaptStage.tsx';
import { SelectRoute } from '../pages/pretrain/route.tsx';
import { DatasetsPage } from '../pages/datasets/DatasetsPage.tsx';
import { ProjectsPage } from '../pages/ProjectsPage.tsx';
import { RunsRoute } from '../pages/runs/route.tsx';
import { ScopePage } from '../pages/scope/ScopePage.tsx';
import { SettingsPage } from '../pages/SettingsPage.tsx';
import { InsidePage } from '../pages/inside/InsidePage.tsx';
import { JourneyStrip } from '../pages/journey/JourneyStrip.tsx';
import { ProjectSwitcher } from './ProjectSwitcher.tsx';
import { useProjects } from './ProjectsContext.tsx';
import { PAGES, useRoute, type PageId } from './routes.ts';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { useGlobalShortcuts } from './shortcuts.ts';
import { Sidebar } from './Sidebar.tsx';
import { useSidebarFold } from './sidebarFold.ts';
import { Icon } from '../ui/icons.tsx';

export function App() {
  const [page, navigate] = useRoute();
  const [showShortcuts, setShowShortcuts] = useState(false);
  const [creatingProject, setCreatingProject] = useState(false);
  const go = useCallback((next: PageId) => {
    setCreatingProject(false);
    navigate(next);
  }, [navigate]);
  const openShortcuts = useCallback(() => setShowShortcuts(true), []);
  const newProject = useCallback(() => {
    navigate('scope');
    setCreatingProject(true);
  }, [navigate]);
  useGlobalShortcuts(go, openShortcuts);
  const info = PAGES.find((p) => p.id === page)!;
  const { current, settling } = useProjects();
  const [folded, toggleFold] = useSidebarFold();

  return (
    <div className="app" data-sidebar={folded ? 'folded' : 'open'}>
      {/* First on every page, shown when focused: one key past the sidebar's ten stops to the page itself. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('page-start')?.focus()}>Skip to content</button>
      <Sidebar page={page} navigate={go} onShowShortcuts={openShortcuts} folded={folded} />
      <div className="main">
        <header className="topbar">
          {/* Named for what it does; aria-expanded says the sidebar's state, as for any disclosure. */}
          <button type="button" className="btn btn-ghost sidebar-toggle" aria-controls="sidebar" aria-expanded={!folded} aria-label={folded ? 'Expand sidebar' : 'Collapse sidebar'} title={folded ? 'Expand sidebar' : 'Collapse sidebar'} onClick={toggleFold}>
            <Icon name="sidebar" />
          </button>
          <ProjectSwitcher onNewProject={newProject} />
          <div className="breadcrumb" aria-label="Location">
            <span className="faint">/</span>
            <strong>{info.title}</strong>
            <span className="faint small breadcrumb-summary">{info.summary}</span>
          </div>
          <div className="topbar-spacer" />
        </header>
        <main className="content" id="content" tabIndex={-1}>
          {/* Inside the scrolling column: it scrolls away with the page instead of holding a quarter of a laptop's height. */}
          {(info.group === 'stages' || page === 'datasets') && !(page === 'scope' && creatingProject) ? <JourneyStrip page={page} /> : null}
          {/* The skip link's target: past the journey strip too, so the next Tab is the page's own first control. */}
          <div id="page-start" tabIndex={-1}>
            {/* Keyed by project: a page's state (a shown run, a form, an error) never carries over to another project. */}
            {settling ? <div className="page" aria-busy="true" aria-label="Loading projects" /> : <Fragment key={current?.id ?? 'no-project'}>
              {page === 'scope' && <ScopePage creating={creatingProject} onCreatingChange={setCreatingProject} navigate={go} />}
              {page === 'select' && <SelectRoute navigate={go} />}
              {page === 'adapt' && <AdaptStage navigate={go} />}
              {page === 'integrate' && <IntegratePage navigate={go} />}
              {page === 'projects' && <ProjectsPage navigate={go} onNewProject={newProject} />}
              {page === 'datasets' && <DatasetsPage navigate={go} />}
              {page === 'runs' && <RunsRoute navigate={go} />}
              {page === 'settings' && <SettingsPage />}
              {page === 'inside' && <InsidePage navigate={go} />}
            </Fragment>}
          </div>
        </main>
      </div>
      {showShortcuts && <ShortcutHelp onClose={() => setShowShortcuts(false)} />}
    </div>
  );
}
