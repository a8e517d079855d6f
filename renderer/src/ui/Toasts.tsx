// Toasts: short notices in the corner. Errors stay until dismissed (the user must be able to read where and
// why); other notices leave by themselves after a few seconds, but not while the pointer or keyboard focus is on
// them (WCAG 2.2.1: whoever reads slowly, or reached them by Tab, keeps them until they move away). Dismissing one
// from the keyboard hands focus to the next notice, or back to where it was before it came into the notices.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type FocusEvent, type ReactNode } from 'react';
import { Icon } from './icons.tsx';

type ToastTone = 'info' | 'success' | 'error';
interface Toast { id: number; tone: ToastTone; title: string; detail?: string }
interface Toaster { show(tone: ToastTone, title: string, detail?: string): void }

/** How long a notice that is not an error stays, counted again from when the pointer or focus leaves the notices. */
const AUTO_DISMISS_MS = 4000;

const ToastContext = createContext<Toaster>({ show: () => undefined });
export const useToast = (): Toaster => useContext(ToastContext);

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  /** Whether the pointer is over the notices, and whether focus is in them: either holds them. */
  const held = useRef({ pointer: false, focus: false });
  const shown = useRef<Toast[]>([]);
  const region = useRef<HTMLDivElement>(null);
  /** What had focus before it came into the notices: where it goes back when the last one it was on is dismissed. */
  const cameFrom = useRef<HTMLElement | null>(null);

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((list) => list.filter((t) => t.id !== id));
  }, []);
  const schedule = useCallback((toast: Toast) => {
    if (toast.tone === 'error' || held.current.pointer || held.current.focus || timers.current.has(toast.id)) return;
    timers.current.set(toast.id, setTimeout(() => dismiss(toast.id), AUTO_DISMISS_MS));
  }, [dismiss]);
  const hold = (how: 'pointer' | 'focus') => {
    held.current[how] = true;
    timers.current.forEach((timer) => clearTimeout(timer));
    timers.current.clear();
  };
  const release = (how: 'pointer' | 'focus') => {
    held.current[how] = false;
    shown.current.forEach(schedule);
  };
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    if (e.relatedTarget instanceof HTMLElement && !e.currentTarget.contains(e.relatedTarget)) cameFrom.current = e.relatedTarget;
    hold('focus');
  };
  /** Dismiss `id`; when focus was on its button, move it on rather than let it fall to the page (Tab would start over). */
  const dismissByButton = (id: number, button: HTMLButtonElement) => {
    if (document.activeElement === button) {
      const buttons = [...(region.current?.querySelectorAll<HTMLButtonElement>('button[aria-label="Dismiss"]') ?? [])];
      const at = buttons.indexOf(button);
      const next = buttons[at + 1] ?? buttons[at - 1];
      const back = cameFrom.current?.isConnected ? cameFrom.current : document.getElementById('content');
      (next ?? back)?.focus();
    }
    dismiss(id);
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    if (!e.currentTarget.contains(e.relatedTarget)) release('focus');
  };

  // The room the notices take at the window's foot, as --toasts-room (base.css pads the page's end by it), so a page's
  // last controls (the dataset preview's pager) can scroll clear of them; a page read to its end stays at its end.
  useEffect(() => {
    const stack = region.current;
    if (!stack) return;
    const observer = new ResizeObserver(() => {
      const content = document.getElementById('content');
      const atEnd = content !== null && content.scrollHeight - content.scrollTop - content.clientHeight < 2;
      const height = stack.getBoundingClientRect().height;
      const room = height > 0 ? height + window.innerHeight - stack.getBoundingClientRect().bottom : 0;
      document.documentElement.style.setProperty('--toasts-room', `${Math.ceil(room)}px`);
      if (atEnd && content) content.scrollTop = content.scrollHeight;
    });
    observer.observe(stack);
    return () => {
      observer.disconnect();
      document.documentElement.style.removeProperty('--toasts-room');
    };
  }, []);

  // A notice removed under the pointer or with focus in it fires no mouseleave or blur: judge the hold afresh.
  useEffect(() => {
    shown.current = toasts;
    held.current.focus = region.current?.contains(document.activeElement) ?? false;
    if (toasts.length === 0) held.current.pointer = false;
    toasts.forEach(schedule);
  }, [toasts, schedule]);

  const toaster = useMemo<Toaster>(() => ({
    show(tone, title, detail) {
      setToasts((list) => [...list.slice(-3), { id: nextId++, tone, title, detail }]); // timed by the effect above
    },
  }), []);
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div ref={region} className="toasts" role="region" aria-label="Notifications" aria-live="polite" onMouseEnter={() => hold('pointer')} onMouseLeave={() => release('pointer')} onFocus={onFocus} onBlur={onBlur}>
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
            <div className="toast-body">
              <div className="toast-title">{t.title}</div>
              {t.detail && <div className="muted small">{t.detail}</div>}
            </div>
            <button className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={(e) => dismissByButton(t.id, e.currentTarget)}><Icon name="x" size={14} /></button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
