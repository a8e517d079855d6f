// No engine module imports itself back through others: a cycle makes load order matter (a value read before
// its module finished loading is undefined) and hides which of two folders is the lower one. Type-only
// imports are erased at run time and do not count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** The relative modules a file imports for their values (not `import type` / `export type`). */
function valueImports(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of source.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.[^']+)'/gm)) found.push(m[1]);
  for (const m of source.matchAll(/import\(\s*'(\.[^']+)'\s*\)/g)) found.push(m[1]);
  return found.map((spec) => path.resolve(path.dirname(file), spec));
}

/** One import path that leads from a file back to itself, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...stack.slice(stack.indexOf(file)), file];
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = graph.has(next) ? visit(next) : null;
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return null;
}

describe('engine imports', () => {
  it('have no cycle', () => {
    const graph = new Map(sourceFiles(path.join(root, 'native')).map((f) => [f, valueImports(f)]));
    const cycle = findCycle(graph);
    expect(cycle?.map((f) => path.relative(root, f)).join(' → ') ?? null).toBeNull();
  });
  it('would be caught (the check finds a made-up cycle and ignores type-only imports)', () => {
    const graph = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', []]]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-cycle-'));
    try {
      fs.writeFileSync(path.join(dir, 'x.ts'), "import type { Y } from './y.ts';\nimport { z } from './z.ts';\nexport const x = z;\n");
      expect(valueImports(path.join(dir, 'x.ts'))).toEqual([path.join(dir, 'z.ts')]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
