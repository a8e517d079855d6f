// A bad row's refusal ends with how to leave such rows out, in the words of the interface the user is in: the studio's
// import job (started from the Datasets page) names the form's checkbox, the CLI its --skip-invalid flag. One check
// in importDataset, worded per caller; the refusal once quoted a "skip invalid rows" option that neither has.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKIP_INVALID_LABEL } from '../../native/api/labels.ts';
import { failedJobError, tempStudios } from './studio-calls.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const studios = tempStudios('lathe-import-skip-advice-', 'serve');
const BAD = ['{"text": "fine", "label": 0}', '{"text": "cut in the mid', '{"text": "also fine", "label": 1}', ''].join('\n');

describe('the refusal of a bad row', () => {
  it('in the studio names the import form’s checkbox', async () => {
    const { studio, dataDir } = studios.open();
    const file = path.join(dataDir, 'bad.jsonl');
    fs.writeFileSync(file, BAD);
    const job = await studio.call('datasets.import', { path: file, name: 'bad' });
    const error = await failedJobError(studio, job.id);
    expect(error).toMatch(/^bad\.jsonl line 2: the line is not valid JSON/);
    expect(error).toContain(`Fix or remove that line and import again, or tick “${SKIP_INVALID_LABEL}” to leave out the rows that cannot be read.`);
    expect(error).not.toMatch(/--skip-invalid|skip invalid rows/);
  });

  it('in the CLI names its flag', () => {
    const { dataDir } = studios.open();
    const file = path.join(dataDir, 'bad.jsonl');
    fs.writeFileSync(file, BAD);
    const r = spawnSync(process.execPath, ['bin/lathe.mjs', 'dataset', 'import', file, '--name', 'bad'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LATHE_DATA_DIR: dataDir } });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain('bad.jsonl line 2: the line is not valid JSON');
    expect(r.stderr).toContain('Fix or remove that line and import again, or use --skip-invalid to leave out the rows that cannot be read.');
    expect(r.stderr).not.toMatch(/skip invalid rows|“/);
  });
});
