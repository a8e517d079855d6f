// Preference pairs from the shared kit's real files: LLaMA-Factory's dpo_en_demo.json (conversations + chosen +
// rejected objects) and Anthropic's HH-RLHF harmless test split (whole transcripts), plus the plain-column shape;
// bad rows are refused naming their line and field, or left out and listed with skip-invalid.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { preferencePair, preferencePairs, preferenceStyle, readLocatedRows, readPreferenceFile, transcriptTurns } from '../../native/data/preferences.ts';

const KIT = path.resolve(import.meta.dirname, '../../../shared/data/datasets/preferences');
const DEMO = path.join(KIT, 'dpo_en_demo.json');
const HH = path.join(KIT, 'hh_rlhf_harmless_test.jsonl.gz');
const missing = fs.existsSync(DEMO) && fs.existsSync(HH) ? null : `${KIT} is absent (the shared data kit is not mounted)`;
if (missing) console.log(`skipping the real-file preference tests: ${missing}`);

describe.skipIf(missing !== null)('preference files from the shared kit', () => {
  it('dpo_en_demo.json: 300 LLaMA-Factory rows become 300 pairs whose prompt is the conversation', () => {
    const { style, pairs, skipped } = readPreferenceFile(DEMO, { skipInvalid: false });
    expect(style).toBe('columns');
    expect(skipped).toEqual([]);
    expect(pairs).toHaveLength(300);
    const raw = JSON.parse(fs.readFileSync(DEMO, 'utf8')) as { conversations: { from: string; value: string }[]; chosen: { value: string }; rejected: { value: string } }[];
    raw.forEach((row, i) => {
      expect(pairs[i].chosen).toBe(row.chosen.value);
      expect(pairs[i].rejected).toBe(row.rejected.value);
      expect(pairs[i].prompt.map((m) => m.content)).toEqual(row.conversations.map((m) => m.value));
      expect(pairs[i].prompt.at(-1)!.role).toBe('user');
    });
    // the roles LLaMA-Factory writes (system, human, gpt) become the chat roles
    expect(new Set(pairs.flatMap((p) => p.prompt.map((m) => m.role)))).toEqual(new Set(['system', 'user', 'assistant']));
  });

  it('HH-RLHF: transcripts split at the last assistant turn; the bad rows are refused by line, or skipped and listed', () => {
    // lines 87, 517, 926 and 1104 end in an empty chosen turn; at 1255, 1689, 1951, 1953 and 2037 the two transcripts
    // differ before their last assistant turn (checked with Python on the file)
    expect(() => readPreferenceFile(HH, { skipInvalid: false })).toThrow(/hh_rlhf_harmless_test\.jsonl\.gz line 87: the chosen completion is empty \(field 'chosen', column 'chosen'\)/);
    const { style, pairs, skipped } = readPreferenceFile(HH, { skipInvalid: true });
    expect(style).toBe('transcript');
    expect(skipped.map((s) => s.where.replace(/.* line /, ''))).toEqual(['87', '517', '926', '1104', '1255', '1689', '1951', '1953', '2037']);
    expect(skipped.filter((s) => /share no prompt/.test(s.reason)).length).toBe(5);
    expect(pairs.length + skipped.length).toBe(2312);
    const rows = readLocatedRows(HH);
    const first = rows[0].values as { chosen: string; rejected: string };
    const cut = first.chosen.lastIndexOf('\n\nAssistant:');
    expect(pairs[0].chosen).toBe(first.chosen.slice(cut + '\n\nAssistant:'.length).trim());
    expect(pairs[0].rejected).toBe(first.rejected.slice(cut + '\n\nAssistant:'.length).trim());
    expect(pairs[0].prompt).toEqual(transcriptTurns(first.chosen.slice(0, cut)));
    expect(pairs[0].prompt[0]).toEqual({ role: 'user', content: 'what are some pranks with a pen i can do?' });
    expect(pairs.every((p) => p.prompt.at(-1)!.role === 'user' && p.chosen !== p.rejected)).toBe(true);
  });
});

describe('preference rows', () => {
  const columns = { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' };
  it('plain columns: strings, message objects and message lists', () => {
    expect(preferencePair({ prompt: 'Hi?', chosen: 'Hello!', rejected: 'Go away.' }, columns, 'columns')).toEqual({ prompt: [{ role: 'user', content: 'Hi?' }], chosen: 'Hello!', rejected: 'Go away.' });
    const conversational = { prompt: [{ role: 'user', content: 'Hi?' }], chosen: [{ role: 'assistant', content: 'Hello!' }], rejected: [{ role: 'assistant', content: 'No.' }] };
    expect(preferencePair(conversational, columns, 'columns').chosen).toBe('Hello!');
  });

  it('names the line and the field of every kind of bad row; skip-invalid lists them instead', () => {
    const rows = [
      { values: { prompt: 'a', chosen: 'x', rejected: 'y' }, where: 'f.jsonl line 1' },
      { values: { prompt: 'a', chosen: '  ', rejected: 'y' }, where: 'f.jsonl line 2' },
      { values: { prompt: 'a', chosen: 'same', rejected: 'same' }, where: 'f.jsonl line 3' },
      { values: { prompt: '', chosen: 'x', rejected: 'y' }, where: 'f.jsonl line 4' },
    ];
    expect(() => preferencePairs(rows, columns, 'columns', { skipInvalid: false })).toThrow(StudioError);
    expect(() => preferencePairs(rows, columns, 'columns', { skipInvalid: false })).toThrow(/^f\.jsonl line 2: the chosen completion is empty/);
    const r = preferencePairs(rows, columns, 'columns', { skipInvalid: true });
    expect(r.pairs).toHaveLength(1);
    expect(r.skipped).toEqual([
      { where: 'f.jsonl line 2', reason: 'the chosen completion is empty' },
      { where: 'f.jsonl line 3', reason: 'chosen and rejected are the same text, so the pair prefers nothing' },
      { where: 'f.jsonl line 4', reason: 'the prompt is empty' },
    ]);
    const noAssistant = [{ values: { chosen: '\n\nHuman: hi', rejected: '\n\nHuman: hi\n\nAssistant: no' }, where: 'hh line 9' }];
    expect(() => preferencePairs(noAssistant, { chosen: 'chosen', rejected: 'rejected' }, 'transcript', { skipInvalid: false })).toThrow(/^hh line 9: the chosen transcript has no assistant turn/);
  });

  it('a mapping without chosen and rejected names what it lacks', () => {
    expect(() => preferenceStyle({ prompt: 'p', chosen: 'c' }, 'mine')).toThrow(/dataset mine has no preference pairs: preference training needs the columns of the chosen and the rejected response mapped as chosen and rejected \(missing: rejected; it maps prompt ← p, chosen ← c\)/);
    expect(() => preferenceStyle({ prompt: 'p', chosen: 'c' }, 'mine')).toThrow("choose a dataset of preference pairs, or map its columns with 'lathe dataset map mine --chosen-column C --rejected-column C'");
    expect(() => preferenceStyle({}, 'mine')).toThrow('(missing: chosen, rejected; it maps no columns)');
    expect(preferenceStyle({ chosen: 'c', rejected: 'r' }, 'hh')).toBe('transcript');
  });
});

// A file whose structure is broken (a CSV quote never closed, a header naming a column twice, a JSON array cut off,
// gzip that does not decompress) made the parser's FormatError (or zlib's error) escape with no file name: "line 2:"
// is not enough to find the file among a preference set's. Each now names the file, and the line where the parser
// knows it, as the dataset import does.
describe('readLocatedRows / readPreferenceFile: a broken file is named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-pref-broken-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  };
  const refusal = (read: () => unknown): StudioError => {
    try {
      read();
    } catch (err) {
      expect(err).toBeInstanceOf(StudioError);
      return err as StudioError;
    }
    throw new Error('the file was read');
  };

  it.each([
    ['unclosed.csv', 'prompt,chosen,rejected\n"Hi?,Hello!,Go away.\nHow?,Well.,Badly.\n', 2, /^unclosed\.csv line 2: a quoted field opens here and is never closed/],
    ['twice.csv', 'prompt,chosen,chosen\nHi?,Hello!,Go away.\n', 1, /^twice\.csv line 1: the header names column 'chosen' twice/],
    ['cut.json', '[{"prompt": "Hi?", "chosen": "Hello!", "rejected": "No."},', 1, /^cut\.json line 1: the file ends inside the array \(no closing \]\): it looks truncated\.$/],
    ['object.json', '{"prompt": "Hi?"}\n', 1, /^object\.json line 1: a \.json dataset must be an array of objects/],
  ])('%s: the error names the file and its line', (name, body, line, message) => {
    const file = write(name, body);
    for (const read of [() => readLocatedRows(file), () => readPreferenceFile(file, { skipInvalid: true })]) {
      const err = refusal(read);
      expect(err.message).toMatch(message);
      expect([err.code, err.details]).toEqual(['invalid_params', expect.objectContaining({ file, line })]);
    }
  });

  it('gzip that does not decompress, and a missing file, are named', () => {
    const gz = write('rows.jsonl.gz', Buffer.concat([zlib.gzipSync('{"prompt":"Hi?","chosen":"a","rejected":"b"}\n'.repeat(50)).subarray(0, 40)]));
    expect(refusal(() => readPreferenceFile(gz, { skipInvalid: false })).message).toMatch(/^rows\.jsonl\.gz: not a valid gzip file \(.+\)\. Decompress it to check it/);
    const absent = path.join(dir, 'absent.jsonl');
    expect(refusal(() => readLocatedRows(absent)).message).toBe(`${absent}: no such file; check the path of the preference file`);
  });

  // Read as UTF-8, UTF-16 gave "line 1: the line is not valid UTF-8" (a BOM) or "holds a NUL byte at column 2" (none),
  // which sent the user looking for one bad row; it is refused at once as what it is, as the dataset import does.
  it('UTF-16 text, with a byte order mark or without, plain or gzipped, is refused as UTF-16; a UTF-8 BOM is read', () => {
    const jsonl = '{"prompt":"Hi?","chosen":"Hello!","rejected":"Go away."}\n{"prompt":"How?","chosen":"Well.","rejected":"Badly."}\n';
    const csv = 'prompt,chosen,rejected\nHi?,Hello!,Go away.\nHow?,Well.,Badly.\n';
    const le = (text: string) => Buffer.from(text, 'utf16le');
    const withBom = 'the file is UTF-16 text (it starts with a UTF-16 byte order mark)';
    const without = (order: string) => `the file looks like UTF-16 text (${order}, with no byte order mark: every other byte is 0)`;
    const cases: [string, Buffer, string][] = [
      ['le-bom.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), le(jsonl)]), withBom],
      ['be-bom.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), le(csv).swap16()]), withBom],
      ['le.csv', le(csv), without('little-endian')],
      ['be.jsonl', le(jsonl).swap16(), without('big-endian')],
      ['le.jsonl.gz', zlib.gzipSync(le(jsonl)), without('little-endian')],
    ];
    for (const [name, bytes, what] of cases) {
      const file = write(name, bytes);
      const err = refusal(() => readLocatedRows(file));
      expect(err.message, name).toBe(`${name} line 1: ${what}; save it as UTF-8 and try again.`);
      expect([err.code, err.details], name).toEqual(['invalid_params', { file, line: 1 }]);
    }
    for (const [name, body] of [['bom.jsonl', jsonl], ['bom.csv', csv]]) {
      const rows = readLocatedRows(write(name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)])));
      expect(rows.map((r) => r.values.prompt), name).toEqual(['Hi?', 'How?']);
    }
  });
});
