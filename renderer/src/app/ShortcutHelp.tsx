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
          <div key={page.id} className="shortcut-row">
            <span>Go to {page.title}</span>
            <span className="row shortcut-keys"><Keys keys={['g', page.goKey]} /><span className="faint small">or</span><Keys keys={[MOD, String(i + 1)]} /></span>
          </div>
        ))}
        <span>Open Settings</span><Keys keys={[MOD, ',']} className="shortcut-keys" />
        <span>Submit the form you are in</span><Keys keys={[MOD, 'Enter']} className="shortcut-keys" />
        <span>Close a dialog or menu</span><Keys keys={['Esc']} className="shortcut-keys" />
        <span>Show this list</span><Keys keys={['?']} className="shortcut-keys" />
        {Object.entries(PAGE_SHORTCUTS).map(([page, { where, keys }]) => (
          <div key={page} role="group" aria-label={where} className="shortcut-row">
            <strong className="small shortcut-group-title">{where}</strong>
            {Object.entries(keys as Record<string, Chord>).map(([action, chord]) => (
              <div key={action} className="shortcut-row">
                <span>{chord.does}</span><Keys keys={chordKeys(chord)} className="shortcut-keys" />
              </div>
            ))}
          </div>
        ))}
      </div>
    </Dialog>
  );
}
