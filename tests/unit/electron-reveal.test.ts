// The Electron main side of "Open folder": the page sends an artifact id; main resolves it through the engine's
// locateArtifact (here the real function over a real store) and hands Electron's shell only what that returns. A
// path, a traversal or an id whose row points outside what its job wrote never reaches the shell; a folder is
// opened, a file only shown in its folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StudioClient } from '../../native/api/contract.ts';
import { artifactId } from '../../native/api/deploy.ts';
import { locateArtifact } from '../../native/studio/deploy-artifacts.ts';
import { revealArtifact, type FolderShell } from '../../electron/reveal.ts';
import { tempStores } from './temp-stores.ts';

const stores = tempStores('lathe-reveal-');

function setup() {
  const dir = stores.tempDir();
  const store = stores.open(dir);
  const calls: string[] = [];
  const studio = {
    call: async (method: string, params: { id: string }) => {
      calls.push(method);
      if (method !== 'deploy.locateArtifact') throw new Error(`unexpected ${method}`);
      return locateArtifact(store, dir, params.id);
    },
    listen: () => () => {},
  } as unknown as StudioClient;
  const opened: string[] = [];
  const shell: FolderShell = {
    openPath: async (p) => (opened.push(`open ${p}`), ''),
    showItemInFolder: (p) => void opened.push(`show ${p}`),
  };
  const deployJob = (params: unknown, artifactPath: string) => {
    const job = store.jobs.create('deploy', params);
    store.jobs.update(job.id, { state: 'succeeded', result: { models: [], artifacts: [{ path: artifactPath, bytes: 1, label: 'x' }], report: null } });
    return artifactId(job.id, 0);
  };
  return { dir, calls, studio, shell, opened, deployJob };
}

describe('revealArtifact (Electron main)', () => {
  it('opens a merged model folder and shows an exported file in its folder', async () => {
    const { dir, studio, shell, opened, deployJob } = setup();
    const model = path.join(dir, 'models', 'mdl_1');
    fs.mkdirSync(model, { recursive: true });
    const gguf = path.join(dir, 'out', 'm.gguf');
    fs.mkdirSync(path.dirname(gguf));
    fs.writeFileSync(gguf, 'GGUF');
    expect(await revealArtifact(studio, deployJob({ op: 'merge', modelId: 'b', adapterPath: '/a', name: 'm', dtype: 'fp32' }, model), shell)).toMatchObject({ ok: true });
    expect(await revealArtifact(studio, deployJob({ op: 'export', modelId: 'b', format: 'gguf', dtypes: ['f32'], outPath: gguf }, gguf), shell)).toMatchObject({ ok: true });
    expect(opened).toEqual([`open ${fs.realpathSync(model)}`, `show ${fs.realpathSync(gguf)}`]);
  });

  it('never hands the shell a path from the page or one outside the artifact dirs', async () => {
    const { dir, calls, studio, shell, opened, deployJob } = setup();
    for (const bad of ['/etc', path.join(dir, 'models'), '../../etc#0', 42, null, { id: 'job_x#0' }]) {
      expect(await revealArtifact(studio, bad, shell)).toMatchObject({ ok: false, error: { code: 'invalid_params' } });
    }
    expect(calls).toEqual([]); // refused before the engine was asked
    fs.mkdirSync(path.join(dir, 'models'), { recursive: true });
    const outside = deployJob({ op: 'merge', modelId: 'b', adapterPath: '/a', name: 'm', dtype: 'fp32' }, dir); // the data dir itself: not inside models/
    expect(await revealArtifact(studio, outside, shell)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const etc = deployJob({ op: 'export', modelId: 'b', format: 'gguf', dtypes: ['f32'], outPath: path.join(dir, 'x.gguf') }, '/etc');
    expect(await revealArtifact(studio, etc, shell)).toMatchObject({ ok: false });
    expect(opened).toEqual([]);
  });
});
