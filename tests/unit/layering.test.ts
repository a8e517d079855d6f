// The house import rules are enforced by eslint-rules/layering.js; these cases prove the rule bites.
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NATIVE_ALLOW } from '../../eslint-rules/layering.js';

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
  it('forbids an engine folder importing one above it', async () => {
    const upward: [string, string, RegExp][] = [
      ['native/store/x.ts', '../models/registry.ts', /Layer 'native\/store' may not import '..\/models\/registry.ts' \(layer 'native\/models'\)/],
      ['native/onnx/x.ts', '../store/db.ts', /Layer 'native\/onnx' may not import/],
      ['native/models/x.ts', '../studio/studio.ts', /Layer 'native\/models' may not import/],
      ['native/generate/x.ts', '../train/loop.ts', /Layer 'native\/generate' may not import/],
      ['native/studio/x.ts', '../cli/command.ts', /Layer 'native\/studio' may not import/],
      ['native/paths.ts', './store/db.ts', /Layer 'native\/paths.ts' may not import/],
    ];
    for (const [file, spec, message] of upward) {
      const errors = await layeringErrors(file, `import * as m from '${spec}';\nexport const a = m;\n`);
      expect(errors.join(), `${file} → ${spec}`).toMatch(message);
    }
  });
  it('lets a folder import the folders below it and itself', async () => {
    const code = "import { modelCard } from '../models/card.ts';\nimport { handlers } from './handlers.ts';\nexport const a = [modelCard, handlers];\n";
    expect(await layeringErrors('native/studio/x.ts', code)).toEqual([]);
  });
  it('rejects a file in an engine folder no rule covers (default deny)', async () => {
    const errors = await layeringErrors('native/reward/x.ts', 'export const a = 1;\n');
    expect(errors.join()).toMatch(/'native\/reward\/x.ts' is in no layer/);
  });
  it('keeps SQLite inside the store', async () => {
    const code = "import Database from 'better-sqlite3';\nexport const a = Database;\n";
    expect((await layeringErrors('native/eval/x.ts', code)).join()).toMatch(/may not import the package 'better-sqlite3'/);
    expect(await layeringErrors('native/store/x.ts', code)).toEqual([]);
  });
  it('has allow-lists whose arrows all point down (no folder reachable from itself)', () => {
    const allow = NATIVE_ALLOW;
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const to of allow[from] ?? []) if (!seen.has(to)) reaches(to, seen.add(to));
      return seen;
    };
    for (const folder of Object.keys(allow)) expect(reaches(folder).has(folder), folder).toBe(false);
    for (const top of ['cli', 'serve', 'studio']) {
      const importers = Object.keys(allow).filter((f) => allow[f].includes(top));
      expect(importers, `who may import ${top}`).toEqual(top === 'studio' ? ['serve', 'cli'] : top === 'serve' ? ['cli'] : []);
    }
  });
});
