// The project switcher in the top bar: shows the current project and lets the user pick another or start one.
import { useEffect, useRef, useState } from 'react';
import { Icon } from '../ui/icons.tsx';
import { TASKS } from '../domain/tasks.ts';
import { useProjects } from './ProjectsContext.tsx';

export function ProjectSwitcher({ onNewProject }: { onNewProject: () => void }) {
  const { projects, current, select } = useProjects();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="switcher" ref={ref}>
      <button className="switcher-button" aria-haspopup="menu" aria-expanded={open} aria-label="Current project" onClick={() => setOpen(!open)}>
        <span className="switcher-dot" style={current ? undefined : { background: 'var(--text-faint)' }} />
        <span className="switcher-name">{current ? current.name : 'No project yet'}</span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open && (
        <div className="menu" role="menu">
          {projects.map((p) => (
            <button key={p.id} role="menuitemradio" aria-checked={p.id === current?.id} className="menu-item" onClick={() => { select(p.id); setOpen(false); }}>
              <span className="switcher-dot" style={p.id === current?.id ? undefined : { background: 'transparent' }} />
              <span className="switcher-name" style={{ flex: 1 }}>{p.name}</span>
              <span className="faint small">{TASKS[p.task].label}</span>
            </button>
          ))}
          {projects.length > 0 && <div className="menu-sep" />}
          <button role="menuitem" className="menu-item" onClick={() => { setOpen(false); onNewProject(); }}>
            <Icon name="plus" size={14} /> New project…
          </button>
        </div>
      )}
    </div>
  );
}
