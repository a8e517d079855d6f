// GGUF import through the Studio API, as the Select page does it: models.importGguf checks the path at once and
// starts a 'gguf-import' job, which registers the model like any import (its card, its source, greedy text equal
// to the folder it was exported from); a file that is not GGUF fails the job with the file named, leaving no
// model and no half-built folder. Runs on a tiny SentencePiece Llama written here (no shared data needed).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportGguf } from '../../native/deploy/gguf-write.ts';
import { TextGenerator } from '../../native/generate/pipeline.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { writeSpmLlama } from '../fixtures/models/spm-llama.ts';
import { refusal, tempStudios } from '../unit/studio-calls.ts';

const studios = tempStudios('lathe-gguf-job-', 'cli');

async function finished(studio: Studio, id: string) {
  await studio.queue.whenFinished(id);
  return studio.call('jobs.get', { id });
}

async function greedy(dir: string, prompt: string): Promise<number[]> {
  const gen = await TextGenerator.load(dir);
  try {
    return (await gen.generate([prompt], { maxNewTokens: 12, minNewTokens: 12, temperature: 0 })).rows[0].tokenIds;
  } finally {
    await gen.release();
  }
}

describe('models.importGguf', () => {
  it('imports an exported GGUF file as a model through a job, with its card and the same greedy text', async () => {
    const { studio, dataDir } = studios.open();
    const source = path.join(dataDir, 'src-llama');
    await writeSpmLlama(source);
    const file = path.join(dataDir, 'tiny.f32.gguf');
    await exportGguf(source, file, { dtype: 'f32' });

    const job = await studio.call('models.importGguf', { path: file, name: 'tiny-gguf' });
    expect(job.kind).toBe('gguf-import');
    const done = await finished(studio, job.id);
    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    const model = (done.result as { model: { id: string; name: string; path: string; source: string } }).model;
    expect(model.name).toBe('tiny-gguf');
    expect(model.source).toBe(`gguf:${file}`);
    expect((await studio.call('models.list', {})).map((m) => m.name)).toEqual(['tiny-gguf']);
    const card = await studio.call('models.get', { id: model.id });
    expect(card.model.name).toBe('tiny-gguf');
    expect(await greedy(model.path, 'the cat')).toEqual(await greedy(source, 'the cat'));

    const again = await refusal(studio.call('models.importGguf', { path: file, name: 'tiny-gguf' }));
    expect(again.message).toMatch(/tiny-gguf/);
  });

  it('refuses a missing path or a folder at once, naming the field', async () => {
    const { studio, dataDir } = studios.open();
    const missing = await refusal(studio.call('models.importGguf', { path: path.join(dataDir, 'nope.gguf'), name: 'x' }));
    expect(missing.code).toBe('invalid_params');
    expect(missing.details).toMatchObject({ field: 'path' });
    expect(missing.message).toContain('nope.gguf: no such file');
    const folder = await refusal(studio.call('models.importGguf', { path: dataDir, name: 'x' }));
    expect(folder.details).toMatchObject({ field: 'path' });
    expect(folder.message).toMatch(/a folder; give the full path of the GGUF file/);
  });

  it('fails the job on a file that is not GGUF, naming it, and keeps nothing', async () => {
    const { studio, dataDir } = studios.open();
    const file = path.join(dataDir, 'notes.gguf');
    fs.writeFileSync(file, 'these are not weights\n');
    const job = await studio.call('models.importGguf', { path: file, name: 'broken' });
    const done = await finished(studio, job.id);
    expect(done.state).toBe('failed');
    expect(done.error).toContain(`${file}: not a GGUF file (it does not start with "GGUF")`);
    expect(await studio.call('models.list', {})).toEqual([]);
    // refused from the header, before the import made a working folder (or models/ itself)
    const models = path.join(dataDir, 'models');
    expect(fs.existsSync(models) ? fs.readdirSync(models).filter((f) => f.startsWith('.import-')) : []).toEqual([]);
  });
});
