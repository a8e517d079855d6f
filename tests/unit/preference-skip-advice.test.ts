// A row that makes no preference pair is refused with how to leave such rows out, in the words of the interface the
// user is in: the studio's DPO and reward jobs (started from the alignment form) name its checkbox, `lathe align dpo`
// and `lathe align reward` their --skip-invalid flag. One check in preferencePairs, worded per caller through
// TrainEnv.skipAdvice; the refusal once said "train with skip-invalid (--skip-invalid)" to both.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKIP_UNPAIRED_LABEL } from '../../native/api/labels.ts';
import { importDataset } from '../../native/data/import.ts';
import { importModelFolder } from '../../native/models/import.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { CONFIGS, charTokenizer, writeRandomCheckpoint } from '../fixtures/models/random-checkpoint.ts';
import { tempStudios } from './studio-calls.ts';

const studios = tempStudios('lathe-preference-skip-advice-', 'serve');
// the third row prefers nothing: its chosen and rejected completions are the same text
const ROWS = [['a', 'x', 'y'], ['b', 'x', 'z'], ['c', 'same', 'same'], ['d', 'u', 'v'], ['e', 'p', 'q']];

/** A studio holding a tiny model 'tiny' and the preference dataset 'pairs', every row in training. */
async function studioWithPairs() {
  const { studio, dataDir } = studios.open();
  const folder = path.join(dataDir, 'tiny-src');
  await writeRandomCheckpoint(folder, 'llama3', 5);
  const { tokenizer, tokenizerConfig } = charTokenizer(CONFIGS.llama3.vocab_size as number);
  fs.writeFileSync(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
  await importModelFolder(dataDir, folder, 'tiny');
  const file = path.join(dataDir, 'pairs.jsonl');
  fs.writeFileSync(file, `${ROWS.map(([prompt, chosen, rejected]) => JSON.stringify({ prompt, chosen, rejected })).join('\n')}\n`);
  await importDataset({ path: file, name: 'pairs', split: { train: 0.6, validation: 0.4, test: 0 } }, { store: studio.store, dataDir });
  return { studio, dataDir };
}

describe('the refusal of a row that makes no pair', () => {
  it('in the studio names the alignment form’s checkbox, for DPO and reward runs', async () => {
    const { studio } = await studioWithPairs();
    for (const method of ['align.dpo', 'align.reward'] as const) {
      const job = await studio.call(method, { model: 'tiny', dataset: 'pairs' });
      let error: string | null = null;
      for (let i = 0; i < 800 && error === null; i++) {
        const now = await studio.call('jobs.get', { id: job.id });
        expect(now.state, method).not.toBe('succeeded');
        if (now.state === 'failed') error = now.error;
        else await new Promise((r) => setTimeout(r, 25));
      }
      expect(error, method).toMatch(/^dataset pairs record \d+ \(of .*pairs\.jsonl, in file order\): chosen and rejected are the same text/);
      expect(error, method).toContain(`; fix or remove that row, or tick “${SKIP_UNPAIRED_LABEL}”`);
      expect(error, method).not.toMatch(/--skip-invalid|skip-invalid|skipInvalid/);
    }
  }, 60_000);

  it('in the CLI names its flag, for lathe align dpo and lathe align reward', async () => {
    const { dataDir } = await studioWithPairs();
    for (const command of ['dpo', 'reward']) {
      const r = await inProcessLathe(dataDir, ['align', command, '--model', 'tiny', '--dataset', 'pairs', '--threads', '1']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('chosen and rejected are the same text');
      expect(r.stderr).toContain('; fix or remove that row, or use --skip-invalid to leave out the rows that make no pair');
      expect(r.stderr).not.toMatch(/“|train with skip-invalid/);
    }
  }, 60_000);
});
