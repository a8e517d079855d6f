// `lathe eval --prompt FILE.json`: a syntax error is placed by line and column, a misspelled key is named with the
// keys a template has (it was dropped unread, and the run failed later for want of an output), an input with no
// {{placeholder}} is refused (the model would never see the data), and --help says what the file holds. The run's
// name calls a custom template by its file, not "zero-shot" (promptLabel, one wording for the CLI and the studio).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_NAME, promptLabel, promptLabelParts, templateNameOf } from '../../native/api/default-prompt.ts';
import { latheInProcess } from '../fixtures/cli-in-process.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir } = tempStores('lathe-eval-prompt-file-');

describe('lathe eval --prompt FILE.json', () => {
  const refusal = async (name: string, text: string) => {
    const dataDir = tempDir();
    const file = path.join(tempDir(), name);
    fs.writeFileSync(file, text);
    const r = await latheInProcess(['eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rougeL', '--prompt', file], dataDir);
    expect(r.code, r.stderr).toBe(2);
    return { file, stderr: r.stderr };
  };

  it('places a syntax error by line and column', async () => {
    const { file, stderr } = await refusal('syntax.json', '{\n  "input": "Dialogue:\\n{{dialogue}}",\n  "output": "Summary: {{summary1}}"\n  "answerPrefix": "Summary:"\n}\n');
    expect(stderr).toMatch(new RegExp(`^lathe eval: --prompt ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON at line 4, column 3 `));
  });

  it('names an unknown key with the keys a template has and the one meant', async () => {
    const { file, stderr } = await refusal('typo.json', JSON.stringify({ input: '{{dialogue}}', outptu: 'Summary: {{summary1}}', answerPrefix: 'Summary:' }));
    expect(stderr).toBe(`lathe eval: --prompt ${file}: unknown key 'outptu'; a prompt template has instruction, input, output, answerPrefix, separator. Did you mean 'output'?`);
  });

  it('refuses an input with no placeholder, and a file that is not an object', async () => {
    const none = await refusal('none.json', JSON.stringify({ input: 'Dialogue:', output: 'Summary: {{summary1}}', answerPrefix: 'Summary:' }));
    expect(none.stderr).toContain(`--prompt ${none.file}: field 'input': has no {{column}} placeholder, so the model would never see the data`);
    const list = await refusal('list.json', '[]');
    expect(list.stderr).toContain(`--prompt ${list.file}: expected a JSON object { "instruction"?: "…", "input": `);
  });

  it('is described in --help', async () => {
    const r = await latheInProcess(['eval', '--help'], tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"answerPrefix": "Summary:", "separator"?: "\\n\\n" }; {{column}} is filled from each row');
  });
});

describe('the prompt kind in a run name', () => {
  it('calls a custom template by its name, with its shots, never zero-shot', () => {
    expect([promptLabel(0), promptLabel(1), promptLabel(3)]).toEqual(['zero-shot', 'one-shot', 'few-shot:3']);
    expect([promptLabel(0, 'template p.json'), promptLabel(2, 'custom')]).toEqual(['template p.json', 'custom, few-shot:2']);
  });

  it('is taken apart at its shots only, a comma in a file name kept, and a long file name cut to what a run records', () => {
    expect(promptLabelParts(promptLabel(2, 'template a, b.json'))).toEqual(['template a, b.json', 'few-shot:2']);
    expect(promptLabelParts(promptLabel(0, 'template a, b.json'))).toEqual(['template a, b.json']);
    expect(promptLabelParts('zero-shot')).toEqual(['zero-shot']);
    const long = templateNameOf(`${'x'.repeat(120)}.json`);
    expect([long.length, long.startsWith('template xxx'), long.endsWith('…')]).toEqual([MAX_TEMPLATE_NAME, true, true]);
    expect(templateNameOf('p.json')).toBe('template p.json');
  });
});
