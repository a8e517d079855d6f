// A path on the engine's disk: a labelled text box, and beside it, in the desktop app, a Browse… button that opens the
// native dialog the field needs (a file, a folder, or where to save) and fills the box. A typed path always works;
// in a browser on `lathe serve` there is no dialog (the engine's disk may not be this machine's), so no button.
import { useState, type ReactNode } from 'react';
import type { PickPathOptions } from '../../../native/api/pick-path.ts';
import { useStudio } from '../app/StudioContext.tsx';
import { dialogFailure } from './dialogFailure.ts';
import { Button, Field } from './primitives.tsx';

export function PathField({ label, help, error, optional, className, value, onChange, placeholder, dialog }: {
  label: string;
  help: ReactNode;
  error?: string | null;
  optional?: boolean;
  className?: string;
  value: string;
  onChange(path: string): void;
  placeholder?: string;
  /** The dialog Browse… opens; its title is the field's label unless it names one. */
  dialog: PickPathOptions;
}) {
  const studio = useStudio();
  const [browseError, setBrowseError] = useState<string | null>(null);
  const files = studio.files;
  const browse = async () => {
    if (files.kind !== 'native') return;
    setBrowseError(null);
    try {
      const chosen = await files.pick({ title: label, ...dialog });
      if (chosen) onChange(chosen);
    } catch (err) {
      setBrowseError(dialogFailure(err, dialog.kind, 'Type the path instead.'));
    }
  };
  return (
    <Field label={label} help={help} error={error ?? browseError} optional={optional} className={className}>
      {(id, d) => (
        <div className="row">
          <input id={id} aria-describedby={d} className="input mono input-grow" value={value} onChange={(e) => { setBrowseError(null); onChange(e.target.value); }} placeholder={placeholder} />
          {files.kind === 'native' && <Button aria-label={`Browse: ${label}`} onClick={browse}>Browse…</Button>}
        </div>
      )}
    </Field>
  );
}
