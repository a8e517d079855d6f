// Keyboard shortcuts. Global: Ctrl/Cmd+1..9 and "g then <key>" switch pages, "?" opens the list, Ctrl+, opens
// Settings; keys typed into a field are left alone (except the Ctrl chords). Page-specific shortcuts are
// defined once in PAGE_SHORTCUTS: the page binds them with usePageShortcuts and the "?" dialog lists them.
import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { PAGES, type PageId } from './routes.ts';

export const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
export const MOD = isMac ? '⌘' : 'Ctrl';

/** A key, with Ctrl (⌘ on macOS) held when `mod`; `key` is KeyboardEvent.key. */
export interface Chord {
  key: string;
  mod?: boolean;
  /** What it does, as the shortcuts dialog says it. */
  does: string;
}

const KEY_NAMES: Record<string, { keycap: string; hint: string }> = { Enter: { keycap: 'Enter', hint: '↵' }, Escape: { keycap: 'Esc', hint: 'Esc' } };

/** The keycaps the dialog draws, e.g. ['Ctrl', 'Enter']. */
export function chordKeys(c: Chord): string[] {
  return [...(c.mod ? [MOD] : []), KEY_NAMES[c.key]?.keycap ?? c.key];
}

/** The short hint a button shows, e.g. 'Ctrl↵'. */
export function chordHint(c: Chord): string {
  return `${c.mod ? MOD : ''}${KEY_NAMES[c.key]?.hint ?? c.key}`;
}

function chordMatches(c: Chord, e: KeyboardEvent): boolean {
  return e.key === c.key && Boolean(c.mod) === (e.ctrlKey || e.metaKey) && !e.altKey;
}

/** Shortcuts that work on one page only, by page; each page's `where` titles its section in the dialog. */
export const PAGE_SHORTCUTS = {
  playground: {
    where: 'Playground (Adapt & align → Prompt)',
    keys: {
      generate: { key: 'Enter', mod: true, does: 'Generate' },
      stop: { key: 'Escape', does: 'Stop generating' },
    },
  },
} as const satisfies Record<string, { where: string; keys: Record<string, Chord> }>;

type PageWithShortcuts = keyof typeof PAGE_SHORTCUTS;

/**
 * Bind a page's shortcuts while it is mounted. Each handler returns whether it acted (then the key's default
 * is prevented); e.g. Esc only stops a generation while one runs, and otherwise still closes what it closes.
 */
export function usePageShortcuts<P extends PageWithShortcuts>(page: P, handlers: { [A in keyof (typeof PAGE_SHORTCUTS)[P]['keys']]: () => boolean }): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const keys = PAGE_SHORTCUTS[page].keys as Record<string, Chord>;
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen()) return;
      for (const [action, chord] of Object.entries(keys)) {
        if (!chordMatches(chord, e)) continue;
        if ((current.current as Record<string, () => boolean>)[action]()) e.preventDefault();
        return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page]);
}

const SEQUENCE_TIMEOUT_MS = 1200;

/** While a modal dialog is open it owns the keyboard: no shortcut acts on the page behind it. */
function modalOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useGlobalShortcuts(navigate: (page: PageId) => void, showHelp: () => void): void {
  // The listener is added once and reads the latest callbacks: re-adding it on each render (the router hands out
  // a new navigate every time) reset a half-typed "g then key", so "g a" was lost whenever the app redrew between.
  const actions = useRef({ navigate, showHelp });
  actions.current = { navigate, showHelp };
  useEffect(() => {
    const navigate = (page: PageId) => actions.current.navigate(page);
    let awaitingGo = 0;
    const onKey = (e: KeyboardEvent) => {
      if (modalOpen()) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && !e.altKey && !e.shiftKey && /^[1-9]$/.test(e.key)) {
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
        actions.current.showHelp();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Ctrl/Cmd+Enter inside a form submits it; forms opt in through onKeyDown={submitOnModEnter}. */
export function submitOnModEnter(e: ReactKeyboardEvent<HTMLFormElement>): void {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    e.currentTarget.requestSubmit();
  }
}
