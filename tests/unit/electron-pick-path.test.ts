// The Electron main side of the Browse… buttons: the page names one of three dialogs (open a file, open a folder,
// choose where to save) with a title and file types; main parses that (electron/pick-path.ts) and hands Electron's
// dialog only what it built itself. Anything else the page sends is refused before a dialog opens. The renderer's IPC
// transport sends the options, opens any file when given none, and turns a refusal into a StudioError.
import { describe, expect, it } from 'vitest';
import { dialogOptionsFor, pickPath, type OpenDialogOptions, type PathDialog, type SaveDialogOptions } from '../../electron/pick-path.ts';
import type { LatheBridge } from '../../renderer/src/api/bridge.ts';
import type { FileSource, NativeFileSource } from '../../renderer/src/api/transport.ts';
import { StudioError } from '../../renderer/src/api/errors.ts';
import { createIpcStudio } from '../../renderer/src/api/ipcTransport.ts';

function recordingDialog(answer: { open?: string[]; save?: string; canceled?: boolean } = {}) {
  const shown: { open?: OpenDialogOptions; save?: SaveDialogOptions }[] = [];
  const dialog: PathDialog = {
    showOpenDialog: async (open) => (shown.push({ open }), { canceled: answer.canceled ?? false, filePaths: answer.open ?? [] }),
    showSaveDialog: async (save) => (shown.push({ save }), { canceled: answer.canceled ?? false, filePath: answer.save }),
  };
  return { dialog, shown };
}

describe('dialogOptionsFor (Electron main)', () => {
  it('builds an open-file, an open-folder and a save dialog from the three kinds', () => {
    const gguf = [{ name: 'GGUF', extensions: ['gguf'] }];
    expect(dialogOptionsFor({ kind: 'file', title: 'Checkpoint path', filters: [{ name: 'llama2.c', extensions: ['bin'] }, { name: 'All files', extensions: ['*'] }] })).toEqual({
      ok: true, kind: 'open', options: { title: 'Checkpoint path', properties: ['openFile'], filters: [{ name: 'llama2.c', extensions: ['bin'] }, { name: 'All files', extensions: ['*'] }] },
    });
    expect(dialogOptionsFor({ kind: 'folder', title: 'LoRA adapter folder' })).toEqual({ ok: true, kind: 'open', options: { title: 'LoRA adapter folder', properties: ['openDirectory', 'createDirectory'] } });
    expect(dialogOptionsFor({ kind: 'save', filters: gguf })).toEqual({ ok: true, kind: 'save', options: { filters: gguf, properties: ['createDirectory', 'showOverwriteConfirmation'] } });
    expect(dialogOptionsFor({ kind: 'file' })).toEqual({ ok: true, kind: 'open', options: { properties: ['openFile'] } });
  });

  it('refuses options that are not one of those dialogs, naming the field', () => {
    const refusals: [unknown, RegExp][] = [
      [undefined, /^pickPath: options: /],
      ['file', /^pickPath: options: /],
      [{ kind: 'multi' }, /^pickPath: kind: /],
      [{ kind: 'file', properties: ['multiSelections'] }, /^pickPath: options: .*properties/],
      [{ kind: 'save', defaultPath: '/etc/passwd' }, /^pickPath: options: .*defaultPath/],
      [{ kind: 'folder', filters: [{ name: 'Text', extensions: ['txt'] }] }, /^pickPath: filters: a folder dialog takes no file filters$/],
      [{ kind: 'file', filters: [{ name: 'Text', extensions: ['.txt'] }] }, /^pickPath: filters\.0\.extensions\.0: an extension is/],
      [{ kind: 'file', filters: [{ name: 'Text', extensions: [] }] }, /^pickPath: filters\.0\.extensions: /],
      [{ kind: 'file', filters: [] }, /^pickPath: filters: /],
      [{ kind: 'file', title: '' }, /^pickPath: title: /],
      [{ kind: 'file', title: 'x'.repeat(121) }, /^pickPath: title: /],
    ];
    for (const [raw, message] of refusals) {
      const answer = dialogOptionsFor(raw);
      expect(answer.ok, JSON.stringify(raw)).toBe(false);
      if (!answer.ok) expect(answer.message, JSON.stringify(raw)).toMatch(message);
    }
  });
});

describe('pickPath (Electron main)', () => {
  it('answers the chosen path, or null when the dialog is cancelled', async () => {
    const open = recordingDialog({ open: ['/models/adapter'] });
    expect(await pickPath({ kind: 'folder' }, open.dialog)).toEqual({ ok: true, result: '/models/adapter' });
    expect(open.shown).toEqual([{ open: { properties: ['openDirectory', 'createDirectory'] } }]);
    const save = recordingDialog({ save: '/out/model.gguf' });
    expect(await pickPath({ kind: 'save', title: 'Write to' }, save.dialog)).toEqual({ ok: true, result: '/out/model.gguf' });
    expect(save.shown).toEqual([{ save: { title: 'Write to', properties: ['createDirectory', 'showOverwriteConfirmation'] } }]);
    expect(await pickPath({ kind: 'file' }, recordingDialog({ canceled: true, open: ['/x'] }).dialog)).toEqual({ ok: true, result: null });
    expect(await pickPath({ kind: 'save' }, recordingDialog({ canceled: true, save: '/x' }).dialog)).toEqual({ ok: true, result: null });
  });

  it('opens no dialog for refused options, and reports a dialog that fails', async () => {
    const { dialog, shown } = recordingDialog({ open: ['/x'] });
    expect(await pickPath({ kind: 'file', properties: ['multiSelections'] }, dialog)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    expect(shown).toEqual([]);
    const broken: PathDialog = { showOpenDialog: async () => { throw new Error('no display'); }, showSaveDialog: async () => ({ canceled: true }) };
    expect(await pickPath({ kind: 'file' }, broken)).toEqual({ ok: false, error: { code: 'internal', message: 'no display' } });
  });
});

describe('the IPC transport’s file source', () => {
  /** Fails the test (not skips it) unless the IPC studio offers the native dialog, then narrows the type. */
  function nativeSource(files: FileSource): NativeFileSource {
    expect(files.kind).toBe('native');
    return files as NativeFileSource;
  }

  function studioWith(answer: unknown) {
    const sent: unknown[] = [];
    const bridge = {
      call: async () => ({ ok: true, result: null }),
      listen: () => () => {},
      pickPath: async (options: unknown) => (sent.push(options), answer),
      revealArtifact: async () => ({ ok: true, result: null }),
    } as unknown as LatheBridge;
    return { studio: createIpcStudio(bridge), sent };
  }

  it('sends the options (any file when none are given) and resolves to the path or null', async () => {
    const { studio, sent } = studioWith({ ok: true, result: '/data/a.bin' });
    const files = nativeSource(studio.files);
    expect(await files.pick({ kind: 'save', title: 'Write to' })).toBe('/data/a.bin');
    expect(await files.pick()).toBe('/data/a.bin');
    expect(sent).toEqual([{ kind: 'save', title: 'Write to' }, { kind: 'file' }]);
    const cancelled = nativeSource(studioWith({ ok: true, result: null }).studio.files);
    expect(await cancelled.pick()).toBeNull();
  });

  it('turns a refusal or an odd answer into a StudioError', async () => {
    const refused = nativeSource(studioWith({ ok: false, error: { code: 'invalid_params', message: 'pickPath: kind: bad' } }).studio.files);
    await expect(refused.pick()).rejects.toThrow(new StudioError('invalid_params', 'pickPath: kind: bad'));
    const odd = nativeSource(studioWith({ ok: true, result: 42 }).studio.files);
    await expect(odd.pick()).rejects.toThrow(/answered number/);
  });
});
