// Toasts: short notices in the corner. Errors stay until dismissed (the user must be able to read where and
// why); other notices leave by themselves.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Icon } from './icons.tsx';

type ToastTone = 'info' | 'success' | 'error';
interface Toast { id: number; tone: ToastTone; title: string; detail?: string }
interface Toaster { show(tone: ToastTone, title: string, detail?: string): void }

const ToastContext = createContext<Toaster>({ show: () => undefined });
export const useToast = (): Toaster => useContext(ToastContext);

let nextId = 1;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const toaster = useMemo<Toaster>(() => ({
    show(tone, title, detail) {
      const id = nextId++;
      setToasts((list) => [...list.slice(-3), { id, tone, title, detail }]);
      if (tone !== 'error') setTimeout(() => dismiss(id), 4000);
    },
  }), [dismiss]);
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts" role="region" aria-label="Notifications" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
            <div className="toast-body">
              <div className="toast-title">{t.title}</div>
              {t.detail && <div className="muted small">{t.detail}</div>}
            </div>
            <button className="btn btn-ghost btn-sm" aria-label="Dismiss" onClick={() => dismiss(t.id)}><Icon name="x" size={14} /></button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
