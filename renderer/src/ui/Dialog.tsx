// A modal dialog: focus moves into it and Tab cycles inside it (the page behind is inert to the keyboard as it is
// to the mouse), Escape or a click outside closes it, and focus returns where it was. Focus starts on the control
// marked data-autofocus, else on the dialog itself: a confirmation marks its safe choice ("Keep it"), so Enter
// pressed straight after opening never destroys anything and the destructive button is a deliberate Tab away.
import { useEffect, useId, useRef, type ReactNode } from 'react';

const TABBABLE = 'a[href], button:not(:disabled), input:not(:disabled):not([type=hidden]), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** The dialog's controls that Tab visits, in order; hidden ones (display: none) are left out. */
function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.getClientRects().length > 0);
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Held in a ref so the mount effect runs once: a new onClose each render (an inline arrow) must not re-run it,
  // or the focus it remembers to return to would become the dialog itself.
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    (ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      const dialog = ref.current;
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      } else if (e.key === 'Tab' && dialog) {
        const inside = tabbables(dialog);
        if (inside.length === 0) return e.preventDefault();
        const first = inside[0];
        const last = inside[inside.length - 1];
        const active = document.activeElement;
        const leaving = !dialog.contains(active) || (e.shiftKey ? active === first || active === dialog : active === last);
        if (leaving) {
          e.preventDefault();
          (e.shiftKey ? last : first).focus();
        }
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (previous?.isConnected) previous.focus();
    };
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} ref={ref}>
        <header className="card-header"><div><h2 id={titleId}>{title}</h2></div><button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>Close <kbd>Esc</kbd></button></header>
        <div className="card-body">{children}</div>
      </div>
    </div>
  );
}
