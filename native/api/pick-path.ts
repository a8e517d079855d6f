// What the page may ask of the desktop's native path dialog (Electron only: `lathe serve` has none): open a file,
// open a folder, or choose where to save a file. Defined once here; the renderer's bridge types it with this, the
// preload passes it on untouched and the main process parses it with this schema before any dialog opens
// (electron/pick-path.ts), so a page can only choose among these dialogs, never pass Electron options through.
import { z } from 'zod';

export const PICK_KINDS = ['file', 'folder', 'save'] as const;

/** One entry of the dialog's type menu: `extensions` without the dot; '*' is every file. */
export const PickFilter = z.object({
  name: z.string().trim().min(1).max(80),
  extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,16})$/, "an extension is letters, digits, '_' or '-' without the dot, or '*'")).min(1).max(16),
}).strict();

export const PickPathOptions = z.object({
  kind: z.enum(PICK_KINDS),
  /** The dialog's title (the field's label, say). */
  title: z.string().trim().min(1).max(120).optional(),
  /** File types to offer; a folder dialog has none. */
  filters: z.array(PickFilter).min(1).max(8).optional(),
}).strict().refine((o) => o.kind !== 'folder' || o.filters === undefined, { message: 'a folder dialog takes no file filters', path: ['filters'] });

export type PickKind = (typeof PICK_KINDS)[number];
export type PickFilter = z.infer<typeof PickFilter>;
export type PickPathOptions = z.infer<typeof PickPathOptions>;
