// A custom prompt template whose {{placeholder}} names no column of the dataset is refused before the evaluation's
// run exists: it once failed row by row after the run had started and left a failed run behind, with no reason kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { importLlama2cCheckpoint } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';

const DATA = path.resolve(import.meta.dirname, '../../../shared/data');
const MODEL = path.join(DATA, 'models/stories260K');
const DIALOGSUM = path.join(DATA, 'datasets/dialogsum/test.jsonl');
const available = fs.existsSync(path.join(MODEL, 'stories260K.bin')) && fs.existsSync(DIALOGSUM);
if (!available) console.warn(`eval-template-columns tests skipped: ${DATA} (stories260K and DialogSum) is not present`);

let dataDir: string;
let studio: Studio;

describe.skipIf(!available)('a prompt template checked against the dataset', () => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-eval-template-'));
    await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
    studio = new Studio({ dataDir, mode: 'serve' });
    await importDataset({ path: DIALOGSUM, name: 'ds-test' }, { store: studio.store, dataDir });
  });
  afterAll(async () => {
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a placeholder naming no column, with the column meant, and leaves no run', async () => {
    const template = { input: 'Dialogue:\n{{dialog}}', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:' };
    const job0 = await studio.call('eval.start', { model: 's260k', dataset: 'ds-test', split: 'test', limit: 2, metrics: ['rougeL'], template });
    await studio.queue.whenFinished(job0.id);
    const job = await studio.call('jobs.get', { id: job0.id });
    expect(job.state).toBe('failed');
    expect(job.error).toContain("the prompt template's input uses {{dialog}} but dataset ds-test has no column 'dialog'");
    expect(job.error).toContain("Did you mean 'dialogue'?");
    expect(studio.store.runs.list({ kind: 'evaluation' })).toEqual([]);
  });
});
