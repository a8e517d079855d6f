// The "?" dialog: every keyboard shortcut the studio understands, the pages' own from PAGE_SHORTCUTS.
import { Dialog } from '../ui/Dialog.tsx';
import { Keys } from '../ui/primitives.tsx';
import { PAGES } from './routes.ts';
import { chordKeys, MOD, PAGE_SHORTCUTS, type Chord } from './shortcuts.ts';

export { isMac, MOD } from './shortcuts.ts';

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <div className="shortcut-list">
        {PAGES.map((page, i) => (
          <div key={page.id} style={{ display: 'contents' }}>
            <span>Go to {page.title}</span>
            <span className="row"><Keys keys={['g', page.goKey]} /><span className="faint small">or</span><Keys keys={[MOD, String(i + 1)]} /></span>
          </div>
        ))}
        <span>Open Settings</span><Keys keys={[MOD, ',']} />
        <span>Submit the form you are in</span><Keys keys={[MOD, 'Enter']} />
        <span>Close a dialog or menu</span><Keys keys={['Esc']} />
        <span>Show this list</span><Keys keys={['?']} />
        {Object.entries(PAGE_SHORTCUTS).map(([page, { where, keys }]) => (
          <div key={page} role="group" aria-label={where} style={{ display: 'contents' }}>
            <strong className="small" style={{ gridColumn: '1 / -1', marginTop: 8 }}>{where}</strong>
            {Object.entries(keys as Record<string, Chord>).map(([action, chord]) => (
              <div key={action} style={{ display: 'contents' }}>
                <span>{chord.does}</span><Keys keys={chordKeys(chord)} />
              </div>
            ))}
          </div>
        ))}
      </div>
    </Dialog>
  );
}
