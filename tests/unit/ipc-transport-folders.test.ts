// Open-folder is offered by capability: the IPC transport has it exactly when the preload's bridge has
// revealArtifact, sends the artifact id (never a path) and turns main's refusal into a StudioError; the HTTP
// transport (a browser on `lathe serve`) never has it and says why, for the copy-path fallback's tooltip.
import { describe, expect, it } from 'vitest';
import type { BridgeResponse, LatheBridge } from '../../renderer/src/api/bridge.ts';
import { StudioError } from '../../renderer/src/api/errors.ts';
import { createHttpStudio } from '../../renderer/src/api/httpTransport.ts';
import { createIpcStudio } from '../../renderer/src/api/ipcTransport.ts';

function bridge(reveal?: (id: string) => Promise<BridgeResponse>): LatheBridge {
  const base = { call: async () => ({ ok: true as const, result: null }), listen: () => () => {}, pickPath: async () => ({ ok: true as const, result: null }) };
  return (reveal ? { ...base, revealArtifact: reveal } : base) as LatheBridge;
}

describe('folder opener by capability', () => {
  it('IPC with revealArtifact: native, sends the id, surfaces a refusal', async () => {
    const sent: string[] = [];
    const studio = createIpcStudio(bridge(async (id) => {
      sent.push(id);
      return id.endsWith('#9') ? { ok: false, error: { code: 'conflict', message: 'outside what its job wrote' } } : { ok: true, result: { path: '/x' } };
    }));
    expect(studio.folders.kind).toBe('native');
    if (studio.folders.kind !== 'native') return;
    await studio.folders.reveal('job_a#0');
    await expect(studio.folders.reveal('job_a#9')).rejects.toThrow(StudioError);
    expect(sent).toEqual(['job_a#0', 'job_a#9']);
  });

  it('IPC without it, and HTTP: none, with the reason', () => {
    const old = createIpcStudio(bridge());
    expect(old.folders).toMatchObject({ kind: 'none', reason: expect.stringMatching(/copy the path/) });
    const http = createHttpStudio('http://127.0.0.1:1', 't');
    expect(http.folders).toMatchObject({ kind: 'none', reason: expect.stringMatching(/browser .*cannot open folders/) });
  });
});
