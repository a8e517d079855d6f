// A `lathe serve` upload is stored as <dataDir>/uploads/<random>-<name>; the import is given the user's own file name
// (fileName) and every message, detail and the dataset's source name that, never the server's upload path.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import type { Studio } from '../../native/studio/studio.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-upload-names-', 'serve');
function setUp(): { studio: Studio; upload(name: string, content: string): string } {
  const { studio, dataDir } = studios.open();
  return {
    studio,
    upload(name, content) {
      fs.mkdirSync(path.join(dataDir, 'uploads'), { recursive: true });
      const stored = path.join(dataDir, 'uploads', `9f3a01c2-${name}`);
      fs.writeFileSync(stored, content);
      return stored;
    },
  };
}
const internal = /uploads|9f3a01c2|\.import-/;

describe('errors name the file the user chose, not the upload', () => {
  it('a bad row, a bad extension and an empty file', async () => {
    const { studio, upload } = setUp();
    const ctx = { store: studio.store, dataDir: studio.options.dataDir };
    const badRow = await refusal(importDataset({ path: upload('notes.jsonl', '{"a":1}\n{"b":2}\n'), fileName: 'notes.jsonl', name: 'notes' }, ctx));
    expect(badRow.message).toMatch(/^notes\.jsonl line 2: /);
    expect(badRow.message).not.toMatch(internal);
    expect(badRow.details).toMatchObject({ file: 'notes.jsonl', line: 2 });
    const ext = await refusal(studio.call('datasets.import', { path: upload('table.parquet', 'PAR1'), fileName: 'table.parquet', name: 't' }));
    expect(ext.message).toMatch(/^table\.parquet: unknown dataset format '\.parquet'/);
    expect(JSON.stringify([ext.message, ext.details])).not.toMatch(internal);
    const empty = await refusal(importDataset({ path: upload('empty.csv', ''), fileName: 'empty.csv', name: 'e' }, ctx));
    expect(empty.message).toBe('empty.csv has no data rows (an empty file, or a header alone). Check that it is the right file.');
  });

  it('a missing upload asks for it again; a good one records the user’s name as its source', async () => {
    const { studio, upload } = setUp();
    const gone = await refusal(studio.call('datasets.import', { path: path.join(studio.options.dataDir, 'uploads', '9f3a01c2-gone.csv'), fileName: 'gone.csv', name: 'g' }));
    expect(gone.message).toBe('gone.csv: no such file; upload it again');
    const dataset = await importDataset({ path: upload('rows.csv', 'text,label\nhi,1\n'), fileName: 'rows.csv', name: 'rows' }, { store: studio.store, dataDir: studio.options.dataDir });
    expect(dataset.sourcePath).toBe('rows.csv');
  });
});
