// An adapter path that is not a folder is named as such, resolved, with what to give instead. Before, a typo
// (`lathe export --model M --adapter nope`) said 'nope: no adapter_config.json; is this a PEFT adapter folder?',
// which reads as a folder that exists but lacks a file, while `lathe merge --adapter nope` said 'no such folder'.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPeftAdapter } from '../../native/models/peft.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-peft-path-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const GIVE = 'give the folder of a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors)';

describe('readPeftAdapter on a path that holds no adapter', () => {
  it('a missing path: no such folder, resolved', () => {
    const rel = path.relative(process.cwd(), path.join(root, 'nope'));
    expect(() => readPeftAdapter(rel)).toThrow(`${path.join(root, 'nope')}: no such folder; ${GIVE}`);
  });

  it('a file: said to be a file', () => {
    const file = path.join(root, 'adapter.safetensors');
    fs.writeFileSync(file, '');
    expect(() => readPeftAdapter(file)).toThrow(`${file} is a file; ${GIVE}`);
  });

  it('a folder without adapter_config.json: named, with what it should hold', () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    expect(() => readPeftAdapter(dir)).toThrow(`${dir}: no adapter_config.json; is this a PEFT adapter folder? G${GIVE.slice(1)}`);
  });
});
