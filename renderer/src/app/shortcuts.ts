// Global keyboard shortcuts: Ctrl/Cmd+1..8 and "g then <key>" switch pages, "?" opens the list, Ctrl+, opens
// Settings. Keys typed into a field are left alone (except the Ctrl chords).
import { useEffect, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { PAGES, type PageId } from './routes.ts';

const SEQUENCE_TIMEOUT_MS = 1200;

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useGlobalShortcuts(navigate: (page: PageId) => void, showHelp: () => void): void {
  useEffect(() => {
    let awaitingGo = 0;
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && !e.shiftKey && /^[1-8]$/.test(e.key)) {
        e.preventDefault();
        navigate(PAGES[Number(e.key) - 1].id);
        return;
      }
      if (mod && e.key === ',') {
        e.preventDefault();
        navigate('settings');
        return;
      }
      if (mod || e.altKey || isTyping(e.target)) return;
      if (awaitingGo && Date.now() - awaitingGo < SEQUENCE_TIMEOUT_MS) {
        awaitingGo = 0;
        const page = PAGES.find((p) => p.goKey === e.key);
        if (page) {
          e.preventDefault();
          navigate(page.id);
        }
        return;
      }
      if (e.key === 'g') awaitingGo = Date.now();
      else if (e.key === '?') {
        e.preventDefault();
        showHelp();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate, showHelp]);
}

/** Ctrl/Cmd+Enter inside a form submits it; forms opt in through onKeyDown={submitOnModEnter}. */
export function submitOnModEnter(e: ReactKeyboardEvent<HTMLFormElement>): void {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    e.currentTarget.requestSubmit();
  }
}
