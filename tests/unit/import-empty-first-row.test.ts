// The columns of a dataset come from its first row. A first row with no fields ({}, as some exports write for a
// record they could not fill) set no columns, so with skipInvalid every row after it was refused as "field 'text'
// is not among the first row's columns ()" and the import failed with "no valid rows". That row is skipped alone
// now and the columns come from the first row that has fields; without skipInvalid it is still refused.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../native/data/import.ts';
import { refusal, tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-import-empty-first-', 'cli');

describe('a first row with no fields', () => {
  it('is skipped alone with skipInvalid; the columns are the next row’s', async () => {
    const { studio, dataDir } = studios.open();
    const file = path.join(dataDir, 'rows.jsonl');
    fs.writeFileSync(file, '{}\n{"text":"good","label":1}\n{}\n{"text":"bad","label":0}\n');
    const dataset = await importDataset({ path: file, name: 'rows', skipInvalid: true }, { store: studio.store, dataDir });
    expect(dataset.columns).toEqual(['text', 'label']);
    expect(dataset.rowCount).toBe(2);
    expect(dataset.skippedRows).toEqual([{ line: 1, reason: 'the row has no fields' }, { line: 3, reason: "missing field 'text' (every row needs the columns of the first row: text, label)" }]);
  });

  it('is refused at its line without skipInvalid', async () => {
    const { studio, dataDir } = studios.open();
    const file = path.join(dataDir, 'rows.jsonl');
    fs.writeFileSync(file, '{}\n{"text":"good","label":1}\n');
    const err = await refusal(importDataset({ path: file, name: 'rows' }, { store: studio.store, dataDir }));
    expect(err.message).toMatch(/^rows\.jsonl line 1: the row has no fields\. /);
  });
});
