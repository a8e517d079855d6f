// The streaming parsers and the line decoder, fed in tiny chunks so every state crosses a chunk boundary.
import { describe, expect, it } from 'vitest';
import { LineDecoder } from '../../native/data/decode.ts';
import { createParser, FormatError, type ParserOptions, type RecordSink } from '../../native/data/parsers.ts';
import type { DataFormat } from '../../native/data/formats.ts';
import { suggestMapping } from '../../native/data/mapping.ts';
import { assignSplits, drawnSplits, splitCounts } from '../../native/data/splits.ts';

function parse(format: DataFormat, input: string | Uint8Array, chunkSize = 5, maxRecordChars?: number, opts: ParserOptions = {}) {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const records: { line: number; values: Record<string, unknown> }[] = [];
  const invalid: { line: number; reason: string; field?: string }[] = [];
  const sink: RecordSink = { record: (values, line) => records.push({ values, line }), invalid: (line, reason, field) => invalid.push({ line, reason, field }) };
  const parser = createParser(format, sink, { ...opts, maxRecordChars });
  const decoder = new LineDecoder();
  for (let i = 0; i < bytes.length; i += chunkSize) for (const p of decoder.decode(bytes.subarray(i, i + chunkSize))) parser.feed(p);
  for (const p of decoder.end()) parser.feed(p);
  parser.end();
  return { records, invalid };
}

describe('JSON Lines', () => {
  it('reads objects with their line numbers, skipping blank lines and CRLF endings', () => {
    const { records, invalid } = parse('jsonl', '{"a":1,"b":"x"}\r\n\n{"a":2,"b":"é ü"}\n{"a":3,"b":"no newline at end"}');
    expect(invalid).toEqual([]);
    expect(records.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(records[1].values).toEqual({ a: 2, b: 'é ü' });
  });
  it('reports malformed JSON, non-objects and invalid UTF-8 on their own lines', () => {
    const bad = new Uint8Array([...new TextEncoder().encode('{"a":1}\n{"a":\n[1]\n{"a":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}\n{"a":5}\n')]);
    const { records, invalid } = parse('jsonl', bad, 3);
    expect(records.map((r) => r.line)).toEqual([1, 5]);
    expect(invalid.map((i) => i.line)).toEqual([2, 3, 4]);
    expect(invalid[0].reason).toMatch(/not valid JSON/);
    expect(invalid[1].reason).toMatch(/is an array/);
    expect(invalid[2].reason).toMatch(/UTF-8/);
  });
  it('keeps a multi-byte character split across chunks intact', () => {
    for (const size of [1, 2, 3, 4]) expect(parse('jsonl', '{"t":"日本語 🙂"}\n', size).records[0].values.t).toBe('日本語 🙂');
  });
});

describe('JSON array', () => {
  const text = '[\n  {"a": "x, ] } {", "b": [1, {"c": 2}]},\n  {"a": "esc \\" quote", "b": []}\n]\n';
  it('streams elements of an array, whatever the chunking', () => {
    for (const size of [1, 3, 7, 1000]) {
      const { records, invalid } = parse('json', text, size);
      expect(invalid).toEqual([]);
      expect(records.map((r) => r.values)).toEqual(JSON.parse(text));
      expect(records.map((r) => r.line)).toEqual([2, 3]);
    }
  });
  it('reads an empty array and a minified one-line array', () => {
    expect(parse('json', '[]').records).toEqual([]);
    expect(parse('json', '[{"a":1},{"a":2}]').records.map((r) => r.values.a)).toEqual([1, 2]);
  });
  it('refuses a file that is not an array, or is truncated, and flags bad elements', () => {
    expect(() => parse('json', '{"a":1}')).toThrow(FormatError);
    expect(() => parse('json', '[{"a":1},\n{"a":')).toThrow(/truncated/);
    expect(() => parse('json', '[{"a":1}] x')).toThrow(/after the closing/);
    const { invalid } = parse('json', '[{"a":1},\n 7,\n {"a":}]');
    expect(invalid.map((i) => [i.line, i.reason.slice(0, 15)])).toEqual([[2, 'array element 2'], [3, 'array element 3']]);
  });
});

describe('CSV and TSV', () => {
  it('follows RFC 4180: quoted delimiters, doubled quotes and newlines inside quotes', () => {
    const csv = 'text,label\n"hello, world",1\n"she said ""hi""",0\n"two\nlines",1\r\nplain,0\n';
    for (const size of [1, 2, 5, 100]) {
      const { records, invalid } = parse('csv', csv, size);
      expect(invalid).toEqual([]);
      expect(records.map((r) => r.values.text)).toEqual(['hello, world', 'she said "hi"', 'two\nlines', 'plain']);
      expect(records.map((r) => r.line)).toEqual([2, 3, 4, 6]);
    }
  });
  // A quoted field's line breaks are its text: a CRLF inside one came back as "\n" (the decoder drops the CR of every
  // line ending), so a Windows-written text changed on import. Python's csv module keeps it; outside quotes CRLF
  // still ends the record.
  it('keeps a CRLF inside a quoted field as written, whatever the chunking, and still ends a row at CRLF', () => {
    const windows = 'text,label\r\n"two\r\nlines",1\r\n"mixed\nand\r\n\r\nblank",0\r\n"cr\r",1\r\nplain,0\r\n';
    for (const size of [1, 2, 3, 5, 100]) {
      const { records, invalid } = parse('csv', windows, size);
      expect(invalid).toEqual([]);
      expect(records.map((r) => [r.line, r.values.text, r.values.label])).toEqual([[2, 'two\r\nlines', '1'], [4, 'mixed\nand\r\n\r\nblank', '0'], [8, 'cr\r', '1'], [9, 'plain', '0']]);
    }
    expect(parse('tsv', 'a\tb\r\n"x\r\ny"\tz\r\n', 4).records.map((r) => r.values)).toEqual([{ a: 'x\r\ny', b: 'z' }]);
  });
  it('reports rows with missing or extra fields, naming the column', () => {
    const { records, invalid } = parse('tsv', 'sentence\tlabel\ngood\t1\nno label\n\na\tb\tc\n');
    expect(records).toHaveLength(1);
    expect(invalid[0]).toMatchObject({ line: 3, field: 'label' });
    expect(invalid[0].reason).toMatch(/missing column 'label'/);
    expect(invalid[1].line).toBe(5);
    expect(invalid[1].reason).toMatch(/3 fields but the header has 2/);
  });
  it('refuses an unclosed quote and a header with a blank or repeated name', () => {
    expect(() => parse('csv', 'a,b\n"open,1\n2,3\n')).toThrow(/never closed/);
    expect(() => parse('csv', 'a,b\n"open,1\n2,3\n')).toThrow(/Skipping invalid rows cannot help/);
    expect(() => parse('csv', 'a,,c\n1,2,3\n')).toThrow(/no name/);
    expect(() => parse('csv', 'a,a\n1,2\n')).toThrow(/twice/);
  });
});

describe('an unclosed quote', () => {
  // The row begins on line 2 with a legitimate two-line quoted field; its second field opens a quote on line 3
  // that never closes. The error names line 3 (where the quote opened), not the row's first line.
  it('is refused at the line its quoted field opened on, whatever the chunking', () => {
    for (const size of [1, 4, 100]) {
      let error: unknown;
      try {
        parse('csv', 'a,b\n"two\nlines","open\nmore\n3,4\n', size);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(FormatError);
      expect((error as FormatError).line).toBe(3);
      expect((error as FormatError).message).toMatch(/^a quoted field opens here \(in the row that begins on line 2\) and is never closed/);
    }
  });
});

// TSV is read with CSV's quoting (parsers.ts' TSV_QUOTING): pandas' to_csv(sep='\t') and spreadsheets' tab-delimited
// export quote a text holding a quote, tab or newline and double its quotes, and it reads back as written. A file
// in IANA text/tab-separated-values' style, whose quotes are all text, is refused where a field begins with one and
// the quoted reading breaks; before, the refusal told its user only to quote the field, not that TSV is read quoted.
describe('TSV quoting', () => {
  const note = ' (a TSV field that begins with " is read as quoted, as pandas and spreadsheets write it; if every quote in the file is text, ' +
    "as IANA text/tab-separated-values has it, import it with quoting set to 'none')";

  it('reads what pandas writes: quoted fields with doubled quotes, tabs and newlines inside', () => {
    const pandas = 'text\tlabel\n"He said ""hi"""\t1\n"a\tb"\t0\n"two\nlines"\t1\nplain "quote" inside\t0\n';
    for (const size of [1, 4, 100]) {
      const { records, invalid } = parse('tsv', pandas, size);
      expect(invalid).toEqual([]);
      expect(records.map((r) => r.values.text)).toEqual(['He said "hi"', 'a\tb', 'two\nlines', 'plain "quote" inside']);
    }
  });

  it('says in its refusals that a TSV field beginning with a quote is read as quoted, and what to do; CSV\'s say as before', () => {
    const tsv = parse('tsv', 'text\tlabel\n"Hi," she said\t1\nok\t0\n');
    expect(tsv.records.map((r) => r.values.text)).toEqual(['ok']);
    expect(tsv.invalid).toEqual([{ line: 2, field: undefined, reason: `text after the closing quote of field 1 at column 6: quote the whole field and double any " inside it${note}` }]);
    expect(parse('csv', 'text,label\n"Hi" she said,1\n').invalid[0].reason).toBe('text after the closing quote of field 1 at column 5: quote the whole field and double any " inside it');
    expect(() => parse('tsv', 'text\tlabel\n"Hi there\t1\nok\t0\n')).toThrow(new RegExp(`cannot be known${note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });
});

// Quoting 'none' (DatasetImportInput.quoting) reads a file in IANA text/tab-separated-values' style, as GLUE-style corpora
// are written: every quote is text, a field is what lies between two delimiters, one line is one row. Read with the
// default quoting, `"a title"` silently lost its quotes and `"Hi<TAB>1` + `Bye"<TAB>0` silently became one row.
describe('quoting none', () => {
  const none: ParserOptions = { quoting: 'none' };

  it('keeps a field that begins and ends with a quote as written, whatever the chunking', () => {
    for (const size of [1, 3, 100]) {
      const { records, invalid } = parse('tsv', 'text\tlabel\n"a title"\t1\n"He said ""hi"""\t0\n', size, undefined, none);
      expect(invalid).toEqual([]);
      expect(records.map((r) => r.values)).toEqual([{ text: '"a title"', label: '1' }, { text: '"He said ""hi"""', label: '0' }]);
    }
  });

  it('reads each line as its own row: a quote that opens on one line and closes on the next joins nothing', () => {
    for (const size of [1, 4, 100]) {
      const { records, invalid } = parse('tsv', 'text\tlabel\n"Hi\t1\nBye"\t0\r\n\nlast\t1', size, undefined, none);
      expect(invalid).toEqual([]);
      expect(records.map((r) => [r.line, r.values.text, r.values.label])).toEqual([[2, '"Hi', '1'], [3, 'Bye"', '0'], [5, 'last', '1']]);
    }
  });

  it('ends a field at every delimiter, a quoted one too, and says a row with more fields cannot quote them; CSV likewise', () => {
    const tsv = parse('tsv', 'text\tlabel\n"a\tb"\t1\nok\t0\n', 5, undefined, none);
    expect(tsv.records.map((r) => r.values.text)).toEqual(['ok']);
    expect(tsv.invalid).toEqual([{ line: 2, field: undefined, reason:
      "3 fields but the header has 2: with quoting 'none' every tab ends a field, so a text holding one needs the file written with quoting (a field that holds a tab in double quotes) and imported with quoting 'csv'" }]);
    const csv = parse('csv', '"text",label\n"5"" screen",1\n x "y",0\n', 2, undefined, none);
    expect(csv.invalid).toEqual([]);
    expect(csv.records.map((r) => r.values)).toEqual([{ '"text"': '"5"" screen"', label: '1' }, { '"text"': ' x "y"', label: '0' }]);
  });

  it('still refuses a NUL byte and a header without a name', () => {
    expect(parse('tsv', 'a\tb\n"x\0"\t1\n', 5, undefined, none).invalid[0].reason).toMatch(/^the row holds a NUL byte \(\\0\) at column 3/);
    expect(() => parse('tsv', 'a\t\n1\t2\n', 5, undefined, none)).toThrow(/column 2 of the header row has no name/);
  });
});

// RFC 4180 forbids a quote in a field that does not begin with one; Lathe reads such a quote as text (as spreadsheets
// and Python's csv do) and never lets it cut or join fields. The one case where reading it as text would split a value
// unannounced is a field with spaces before its opening quote and the delimiter inside the quotes (`x, "y, z"`): with a
// header of three columns it imported ' "y' and ' z"' as two values. That row is now refused with the columns.
describe('a quote that breaks RFC 4180', () => {
  it('inside an unquoted field is kept as text, the field whole, whatever the chunking', () => {
    const csv = 'text,label\nabc"def,1\n5" screen,0\nsay "hi" now,1\nabc""def,0\n x "y",1\n';
    for (const size of [1, 3, 100]) {
      const { records, invalid } = parse('csv', csv, size);
      expect(invalid).toEqual([]);
      expect(records.map((r) => [r.line, r.values.text, r.values.label])).toEqual([
        [2, 'abc"def', '1'], [3, '5" screen', '0'], [4, 'say "hi" now', '1'], [5, 'abc""def', '0'], [6, ' x "y"', '1'],
      ]);
    }
    expect(parse('tsv', 'text\tlabel\n12" pizza, large\t1\n').records[0].values).toEqual({ text: '12" pizza, large', label: '1' });
  });

  it('after spaces, with the delimiter inside the quotes, refuses the row naming both columns, whatever the chunking', () => {
    for (const size of [1, 4, 100]) {
      const { records, invalid } = parse('csv', 'a,b,c\nx, "y, z"\nok,1,2\n', size);
      expect(records.map((r) => r.line), 'the row is not imported as " "y" and " z""').toEqual([3]);
      expect(invalid).toEqual([{ line: 2, field: undefined, reason:
        'field 2 has spaces before its opening quote (column 4), so the quote does not quote it: a quoted field begins right after the comma, ' +
        'so the comma at column 6 inside the quotes split it in two. Remove the space before the opening " (or, if the quotes are text, quote the whole field and double each " in it; ' +
        "if every quote in the file is text and every comma ends a field, import it with quoting set to 'none')" }]);
    }
    const tsv = parse('tsv', 'a\tb\tc\n  "y\tz"\tw\n');
    expect(tsv.records).toEqual([]);
    expect(tsv.invalid[0].reason).toMatch(/^field 1 has spaces before its opening quote \(column 3\).*the tab at column 5 inside the quotes split it in two.*every tab ends a field, import it with quoting set to 'none'\)$/);
    // with quoting 'none' the row is what the refusal says it would be: every quote text, every tab a field's end
    expect(parse('tsv', 'a\tb\tc\n  "y\tz"\tw\n', 5, undefined, { quoting: 'none' }).records.map((r) => r.values)).toEqual([{ a: '  "y', b: 'z"', c: 'w' }]);
  });

  it('after spaces, closed before the delimiter or never closed on the row, is text: nothing is split', () => {
    expect(parse('csv', 'a,b\nx, "y"\nx, "y\n').records.map((r) => r.values.b)).toEqual([' "y"', ' "y']);
  });

  it('text after a closing quote names its column, and the lines the quoted field ran over', () => {
    expect(parse('csv', 'a,b\n"abc"def,x\n').invalid[0].reason).toBe('text after the closing quote of field 1 at column 6: quote the whole field and double any " inside it');
    // a stray quote at the start of line 2 runs the field on to line 3's quote: with --skip-invalid both lines go, and the reason says so
    expect(parse('csv', 'a,b\n"5 inch,x\n6" screen,y\nz,1\n')).toEqual({
      records: [{ line: 4, values: { a: 'z', b: '1' } }],
      invalid: [{ line: 2, field: undefined, reason: 'text after the closing quote of field 1 at line 3, column 3 (its quote opened on line 2, so lines 2–3 were read as this one row): quote the whole field and double any " inside it' }],
    });
  });
});

describe('a raw NUL byte', () => {
  const withNul = (text: string) => text.replaceAll('@', '\0');
  it('makes its CSV/TSV row invalid, naming the column (and the line, inside a multi-line row); the rows after it read', () => {
    for (const size of [1, 3, 100]) {
      const csv = parse('csv', withNul('text,label\nfine,1\nbro@ken,0\n"two\nli@nes",1\nlast,0\n'), size);
      expect(csv.records.map((r) => r.values.text)).toEqual(['fine', 'last']);
      expect(csv.invalid.map((i) => [i.line, i.reason.split(';')[0]])).toEqual([
        [3, 'the row holds a NUL byte (\\0) at column 4'],
        [4, 'the row holds a NUL byte (\\0) at line 5, column 3'],
      ]);
      const tsv = parse('tsv', withNul('text\tlabel\na\t@\nb\t1\n'), size);
      expect(tsv.records.map((r) => r.values.text)).toEqual(['b']);
      expect(tsv.invalid.map((i) => [i.line, i.reason.split(';')[0]])).toEqual([[2, 'the row holds a NUL byte (\\0) at column 3']]);
    }
  });
  it('in a CSV header refuses the file', () => {
    expect(() => parse('csv', withNul('te@xt,label\na,1\n'))).toThrow(/header row cannot be read: the row holds a NUL byte \(\\0\) at column 3/);
  });
  it('makes its JSONL line or JSON element invalid with its column; outside an element it refuses the file', () => {
    for (const size of [1, 3, 100]) {
      const jsonl = parse('jsonl', withNul('{"a":1}\n{"a":"x@"}\n{"a":3}\n'), size);
      expect(jsonl.records.map((r) => r.values.a)).toEqual([1, 3]);
      expect(jsonl.invalid.map((i) => [i.line, i.reason.split(';')[0]])).toEqual([[2, 'the line holds a NUL byte (\\0) at column 8']]);
      const json = parse('json', withNul('[{"a":1},\n {"a":\n"@"},{"a":3}]'), size);
      expect(json.records.map((r) => r.values.a)).toEqual([1, 3]);
      expect(json.invalid.map((i) => [i.line, i.reason.split(';')[0]])).toEqual([[2, 'array element 2 holds a NUL byte (\\0) at line 3, column 2']]);
    }
    expect(() => parse('json', withNul('[{"a":1},@{"a":2}]'))).toThrow(/the file holds a NUL byte \(\\0\) at column 10/);
  });
  it('escaped as \\u0000 inside JSON is a value, not a damaged file', () => {
    expect(parse('jsonl', '{"a":"x\\u0000y"}\n').records[0].values.a).toBe('x\0y');
  });
});

describe('a record past the length limit', () => {
  // The real limit is 128 Mi characters; a small one here exercises the same code in tiny chunks.
  const limit = 40;
  const long = 'x'.repeat(100);
  it('is an invalid row naming its line, and the rows after it still read (JSONL, JSON array, CSV)', () => {
    const jsonl = parse('jsonl', `{"a":"ok"}\n{"a":"${long}"}\n{"a":"after"}\n`, 7, limit);
    expect(jsonl.records.map((r) => [r.line, r.values.a])).toEqual([[1, 'ok'], [3, 'after']]);
    expect(jsonl.invalid).toEqual([{ line: 2, reason: expect.stringMatching(/^the line is longer than .* Mi characters, far more than any dataset row; check that this is the right file and format$/), field: undefined }]);
    const json = parse('json', `[{"a":"ok"},\n{"a":"${long}"},\n{"a":"after"}]`, 7, limit);
    expect(json.records.map((r) => [r.line, r.values.a])).toEqual([[1, 'ok'], [3, 'after']]);
    expect(json.invalid.map((i) => [i.line, i.reason.split(' is longer than ')[0]])).toEqual([[2, 'array element 2']]);
    const csv = parse('csv', `a,b\nok,1\n"${long}\n${long}",2\nafter,3\n`, 7, limit);
    expect(csv.records.map((r) => [r.line, r.values.a])).toEqual([[2, 'ok'], [5, 'after']]);
    expect(csv.invalid.map((i) => [i.line, i.reason.split(' is longer than ')[0]])).toEqual([[3, 'the row']]);
  });
  it('a file with no line breaks at all is one long line, not a string that outgrows memory', () => {
    expect(parse('jsonl', 'y'.repeat(1000), 64, limit).invalid.map((i) => [i.line, i.reason.split(' is longer than ')[0]])).toEqual([[1, 'the line']]);
    expect(() => parse('csv', `a\n"${long}`, 64, limit)).toThrow(/never closed/);
  });
  it('is reported as soon as the limit is crossed, so an import that stops at the first bad row reads no further', () => {
    const fed: number[] = [];
    const sink: RecordSink = { record: () => {}, invalid: (line, reason) => { throw new Error(`line ${line}: ${reason}`); } };
    for (const format of ['jsonl', 'json'] as const) {
      const parser = createParser(format, sink, { maxRecordChars: limit });
      const pieces = [format === 'json' ? '[{"a":"' : '{"a":"', ...Array.from({ length: 10 }, () => 'z'.repeat(10))];
      fed.length = 0;
      expect(() => pieces.forEach((text, i) => { fed.push(i); parser.feed({ text, line: 1, column: 1, endsLine: false, badUtf8: false }); })).toThrow(/^line 1: (the line|array element 1) is longer than/);
      expect(fed.length).toBeLessThan(pieces.length);
    }
  });
});

describe('column mapping suggestions', () => {
  it('maps the shapes of the shared datasets', () => {
    expect(suggestMapping(['fname', 'dialogue', 'summary', 'topic'], 'summarization')).toEqual({ input: 'dialogue', target: 'summary' });
    expect(suggestMapping(['instruction', 'input', 'output'])).toEqual({ instruction: 'instruction', input: 'input', output: 'output' });
    expect(suggestMapping(['prompt', 'chosen', 'rejected'])).toEqual({ prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' });
    expect(suggestMapping(['sentence', 'label'], 'classification')).toEqual({ text: 'sentence', label: 'label' });
    expect(suggestMapping(['question', 'context', 'answer'], 'qa')).toEqual({ question: 'question', context: 'context', answer: 'answer' });
    expect(suggestMapping(['foo', 'bar'])).toEqual({});
  });
});

describe('splits', () => {
  it('are exact in size, deterministic for a seed and different across seeds', () => {
    const f = { train: 0.8, validation: 0.1, test: 0.1 };
    const a = assignSplits(1000, f, 7);
    expect(Array.from(assignSplits(1000, f, 7))).toEqual(Array.from(a));
    expect(Array.from(assignSplits(1000, f, 8))).not.toEqual(Array.from(a));
    expect([0, 1, 2].map((k) => a.filter((x) => x === k).length)).toEqual([800, 100, 100]);
    expect(splitCounts(7, f)).toEqual({ train: 6, validation: 1, test: 0 });
  });

  it("are drawn where a file's rows went to more than one split, not where a file went whole to one", () => {
    const drawnFile = { train: 6, validation: 1, test: 0 };
    expect(drawnSplits([drawnFile])).toEqual(['train', 'validation']);
    expect(drawnSplits([{ train: 60, validation: 0, test: 0 }, { train: 0, validation: 7, test: 0 }])).toEqual([]);
    expect(drawnSplits([drawnFile, { train: 0, validation: 0, test: 9 }])).toEqual(['train', 'validation']);
    // fractions that leave one place for a tiny file's rows put them there whatever the seed
    expect(drawnSplits([splitCounts(1, { train: 0.8, validation: 0.1, test: 0.1 })])).toEqual([]);
  });
});
