// The OpenAI server's loaded-model cache: one load per model however many requests ask at once, an LRU bound,
// and no release of a model a request is still using.
import { describe, expect, it } from 'vitest';
import type { Model } from '../../native/api/schemas.ts';
import type { TextGenerator } from '../../native/generate/pipeline.ts';
import { ModelPool } from '../../native/openai/model-pool.ts';
import type { ServedModel } from '../../native/openai/served-models.ts';

function served(name: string, modelId = name): ServedModel {
  return { name, model: { id: modelId, path: `/models/${modelId}` } as Model, adapterDir: null, created: 0 };
}

/** A loader that records loads and releases; each load waits for `gate` so tests can overlap requests. */
function fakeLoader() {
  const loads: string[] = [];
  const released: string[] = [];
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const load = async (dir: string) => {
    loads.push(dir);
    await gate;
    return { dir, release: async () => void released.push(dir) } as unknown as TextGenerator;
  };
  return { loads, released, open: () => open(), load };
}

describe('ModelPool', () => {
  it('loads a model once for requests that ask for it at the same time', async () => {
    const f = fakeLoader();
    const pool = new ModelPool({ load: f.load });
    const uses = [1, 2, 3].map(() => pool.use(served('a'), async (g) => (g as unknown as { dir: string }).dir));
    f.open();
    expect(await Promise.all(uses)).toEqual(['/models/a', '/models/a', '/models/a']);
    expect(f.loads).toEqual(['/models/a']);
  });

  it('releases the least recently used idle model past the bound, never one in use', async () => {
    const f = fakeLoader();
    f.open();
    const pool = new ModelPool({ maxLoaded: 2, load: f.load });
    await pool.use(served('a'), async () => {});
    await pool.use(served('b'), async () => {});
    await pool.use(served('a'), async () => {}); // a is now the more recent
    await pool.use(served('c'), async () => {});
    expect(f.released).toEqual(['/models/b']);
    expect(pool.loaded).toEqual(['a', 'c']);

    let finish: () => void = () => {};
    const busy = pool.use(served('a'), () => new Promise<void>((r) => (finish = r)));
    await new Promise((r) => setTimeout(r, 0));
    await pool.use(served('d'), async () => {}); // c is idle and oldest: it goes; a is busy and stays
    expect(f.released).toEqual(['/models/b', '/models/c']);
    await pool.use(served('e'), async () => {}); // over the bound while a is busy: d goes, a waits
    expect(pool.loaded).toContain('a');
    finish();
    await busy;
    expect(pool.loaded.length).toBeLessThanOrEqual(2);
    await pool.close();
    expect(new Set(f.released)).toEqual(new Set(f.loads));
  });

  it('reports a model released to make room, once no loaded adapter entry still reads its folder', async () => {
    const f = fakeLoader();
    f.open();
    const unloaded: string[] = [];
    const loading: string[] = [];
    const pool = new ModelPool({ maxLoaded: 2, load: f.load, loading: (m) => loading.push(m.id), unloaded: (m) => unloaded.push(m.id) });
    await pool.use(served('base', 'm1'), async () => {});
    await pool.use(served('base:run', 'm1'), async () => {}); // an adapter on the same base model
    await pool.use(served('other', 'm2'), async () => {}); // base goes; base:run still reads m1
    expect([pool.loaded, unloaded]).toEqual([['base:run', 'other'], []]);
    await pool.use(served('third', 'm3'), async () => {}); // base:run goes: nothing reads m1 now
    expect([pool.loaded, unloaded]).toEqual([['other', 'third'], ['m1']]);
    await pool.use(served('base', 'm1'), async () => {}); // loaded again: reported as it starts loading
    expect(loading).toEqual(['m1', 'm1', 'm2', 'm3', 'm1']);
    expect(unloaded).toEqual(['m1', 'm2']);
    await pool.close();
    expect(unloaded).toEqual(['m1', 'm2']); // closing is the end of the server's use, not a release to make room
  });

  it('forgets a failed load so the next request tries again', async () => {
    let fail = true;
    const pool = new ModelPool({
      load: async (dir) => {
        if (fail) throw new Error(`cannot load ${dir}`);
        return { release: async () => {} } as unknown as TextGenerator;
      },
    });
    await expect(pool.use(served('a'), async () => 1)).rejects.toThrow('cannot load /models/a');
    fail = false;
    expect(await pool.use(served('a'), async () => 2)).toBe(2);
  });
});
