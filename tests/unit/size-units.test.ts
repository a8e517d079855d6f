// Sizes in progress lines come from one formatter (humanBytes, native/api/format.ts: steps of 1024 with the
// studio's KB/MB labels, as the Datasets, Select and Integrate pages show them). A dataset import said "460.8 KiB"
// and a llama2c import "(1.1 MB)" in steps of 1000, beside an export's "1.0 MB" of the same model.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { humanBytes } from '../../native/api/format.ts';
import { importDataset } from '../../native/data/import.ts';
import { openStore } from '../../native/store/db.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-size-units-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('sizes in progress lines', () => {
  it("a dataset import reads 'read N KB of M KB', the studio's units", async () => {
    const file = path.join(root, 'rows.jsonl');
    fs.writeFileSync(file, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ text: `row ${i} `.repeat(8), label: i % 2 })).join('\n') + '\n');
    const dataDir = path.join(root, 'data');
    const store = openStore(dataDir);
    const messages: string[] = [];
    try {
      await importDataset({ path: file, name: 'rows', split: { train: 1, validation: 0, test: 0 } }, { store, dataDir, onProgress: (p) => void messages.push(p.message) });
    } finally {
      store.close();
    }
    const total = humanBytes(fs.statSync(file).size);
    expect(total).toMatch(/ KB$/);
    expect(messages.some((m) => m.startsWith('read ') && m.includes(` of ${total}, `)), messages.join(' | ')).toBe(true);
    expect(messages.join(' | ')).not.toMatch(/KiB|MiB/);
  });
});
