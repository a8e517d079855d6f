// The house import rules are enforced by eslint-rules/layering.js; these cases prove the rule bites.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'lathe/layering').map((m) => m.message);
}

describe('layering rule', () => {
  it('forbids native importing electron', async () => {
    const errors = await layeringErrors('native/store/x.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(errors.join()).toMatch(/may not import the package 'electron'/);
  });
  it('forbids the renderer importing engine runtime code', async () => {
    const errors = await layeringErrors('renderer/src/x.ts', "import { openStore } from '../../native/store/db.ts';\nexport const a = openStore;\n");
    expect(errors.join()).toMatch(/Layer 'renderer' may not import/);
  });
  it('forbids the renderer importing Node built-ins', async () => {
    const errors = await layeringErrors('renderer/src/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n");
    expect(errors.join()).toMatch(/runs in the browser/);
  });
  it('lets the renderer import the API contract', async () => {
    const errors = await layeringErrors('renderer/src/x.ts', "import { methods } from '../../native/api/contract.ts';\nexport const a = methods;\n");
    expect(errors).toEqual([]);
  });
  it('forbids native/api importing the rest of the engine', async () => {
    const errors = await layeringErrors('native/api/x.ts', "import { openStore } from '../store/db.ts';\nexport const a = openStore;\n");
    expect(errors.join()).toMatch(/Layer 'native\/api' may not import/);
  });
  it('forbids the electron shell being imported by the engine', async () => {
    const errors = await layeringErrors('native/serve/x.ts', "import { x } from '../../electron/main.ts';\nexport const a = x;\n");
    expect(errors.join()).toMatch(/may not import/);
  });
});
