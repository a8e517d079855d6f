// The "?" dialog: every keyboard shortcut the studio understands.
import { Dialog } from '../ui/Dialog.tsx';
import { Keys } from '../ui/primitives.tsx';
import { PAGES } from './routes.ts';

export const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
export const MOD = isMac ? '⌘' : 'Ctrl';

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
      </div>
    </Dialog>
  );
}
