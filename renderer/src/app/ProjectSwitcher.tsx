// The project switcher in the top bar: shows the current project and lets the user pick another or start one.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { Icon } from '../ui/icons.tsx';
import { TASKS } from '../domain/tasks.ts';
import { useProjects } from './ProjectsContext.tsx';

/** Up and Down move between a menu's items, wrapping round, as in any native menu. */
function moveThroughItems(e: ReactKeyboardEvent<HTMLDivElement>): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  e.preventDefault();
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>('[role^="menuitem"]')];
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = e.key === 'ArrowDown' ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
  items[next]?.focus();
}

export function ProjectSwitcher({ onNewProject }: { onNewProject: () => void }) {
  const { projects, current, select } = useProjects();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent) {
        if (e.key !== 'Escape') return;
        // The focused item is about to unmount: focus goes back to the button, not to the page's top.
        setOpen(false);
        button.current?.focus();
      } else if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', close);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="switcher" ref={ref} onBlur={(e) => { if (!ref.current?.contains(e.relatedTarget as Node | null)) setOpen(false); }}>
      <button ref={button} className="switcher-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
        {/* Named by what it shows, after a hidden "Current project:": an aria-label would hide the project's name from
            a screen reader and from voice control ("click Dialogue summaries"). */}
        <span className="visually-hidden">Current project: </span>
        <span className="switcher-dot" data-none={current ? undefined : true} />
        <span className="switcher-name" title={current?.name}>{current ? current.name : 'No project yet'}</span>
        <Icon name="chevronDown" size={14} />
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="Projects" onKeyDown={moveThroughItems}>
          {projects.map((p) => (
            <button key={p.id} role="menuitemradio" aria-checked={p.id === current?.id} className="menu-item" onClick={() => { select(p.id); setOpen(false); }}>
              <span className="switcher-dot" />
              <span className="switcher-name" title={p.name}>{p.name}</span>
              <span className="faint small menu-item-aside">{TASKS[p.task].label}</span>
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
