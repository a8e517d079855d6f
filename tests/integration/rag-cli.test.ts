// `lathe docs add|list|search|remove|delete` and SIGKILL during an import, as a user runs them: a folder mixing good
// documents with a damaged, an encrypted and a scanned PDF, a binary file and a Latin-1 file imports the good ones
// and names the rest with their reasons; a killed import leaves the collection exactly as it was; a collection a
// foreground `lathe docs add` is adding to is not deleted under it (store/in-use.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plural } from '../../native/api/format.ts';
import type { Collection, DocsAddResult, SearchHit } from '../../native/api/rag.ts';
import { openStore } from '../../native/store/db.ts';
import { writeHfFolder } from '../../native/models/checkpoint.ts';
import { inProcessLathe } from '../fixtures/cli-in-process.ts';
import { writeMixedFolder } from '../fixtures/documents.ts';
import { CONFIGS, charTokenizer, randomTensors } from '../fixtures/models/random-checkpoint.ts';
import { writeTinyBert } from '../fixtures/models/tiny-bert.ts';
import { liveUses } from '../../native/store/in-use.ts';
import { feedWaitingFifos, makeFifo, markerOf } from './helpers/fifo.ts';
import { LATHE_BIN, ROOT, tempDir } from './helpers/lathe.ts';

let root = '';
let dataDir = '';
let bert = '';
let mixed: ReturnType<typeof writeMixedFolder>;

beforeAll(async () => {
  root = tempDir('rag-cli');
  dataDir = path.join(root, 'data');
  bert = path.join(root, 'bert');
  await writeTinyBert(bert, { pooling: 'mean' });
  mixed = writeMixedFolder(path.join(root, 'mixed'));
  // a tiny random decoder with a 1,024-token context, one token per character, to answer from the collection
  const config = { ...CONFIGS.gpt2, n_positions: 1024 };
  await writeHfFolder(path.join(root, 'gpt2'), { config, tensors: randomTensors(config, 5), ...charTokenizer(57) });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function snapshot(collection: string): { documents: string[]; chunks: number; vectors: number } {
  const store = openStore(dataDir);
  try {
    const col = store.collections.find(collection);
    const docs = store.collections.documents(col.id);
    const vectors = (store.db.prepare('SELECT COUNT(*) AS n FROM chunk_vectors WHERE collection_id = ?').get(col.id) as { n: number }).n;
    return { documents: docs.map((d) => d.name).sort(), chunks: col.chunkCount, vectors };
  } finally {
    store.close();
  }
}

describe('lathe docs', () => {
  it('imports the readable files of a mixed folder and names every other one with its reason', async () => {
    const r = await inProcessLathe(dataDir, ['docs', 'add', 'harbour', path.join(root, 'mixed'), '--embed-model', bert, '--chunk-tokens', '32', '--overlap', '4', '--threads', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = r.json<DocsAddResult>();
    expect(result.imported.map((d) => d.name).sort()).toEqual([...mixed.good].sort());
    const skipped = Object.fromEntries(result.skipped.map((s) => [path.basename(s.path), s.reason]));
    expect(Object.keys(skipped).sort()).toEqual(Object.keys(mixed.bad).sort());
    for (const [name, reason] of Object.entries(mixed.bad)) expect(skipped[name]).toMatch(reason);
    const pdf = result.imported.find((d) => d.name === 'report.pdf')!;
    expect(pdf.pageCount).toBe(2);
    // Every chunk has a vector (the collection embeds).
    const snap = snapshot('harbour');
    expect(snap.vectors).toBe(snap.chunks);
  });

  it('searches by BM25 with the page and the character span of each chunk', async () => {
    const r = await inProcessLathe(dataDir, ['docs', 'search', 'harbour', 'ferry hourly', '--mode', 'bm25', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [top] = r.json<SearchHit[]>();
    expect(path.basename(top.source)).toBe('report.pdf');
    expect(top.page).toBe(2);
    expect(top.text).toContain('ferry runs hourly');
    expect(top.charEnd - top.charStart).toBe(top.text.length);
    const hybrid = (await inProcessLathe(dataDir, ['docs', 'search', 'harbour', 'diesel engine', '--json', '--threads', '1'])).json<SearchHit[]>();
    expect(hybrid[0].section).toBe('Boats › Engines');
  });

  it('removes one document and keeps the rest (their vectors untouched)', async () => {
    const before = snapshot('harbour');
    const r = await inProcessLathe(dataDir, ['docs', 'remove', 'harbour', 'notes.txt']);
    expect(r.code, r.stderr).toBe(0);
    const after = snapshot('harbour');
    expect(after.documents).toEqual(before.documents.filter((d) => d !== 'notes.txt'));
    expect(after.vectors).toBe(after.chunks);
    expect(after.chunks).toBeLessThan(before.chunks);
    const gone = (await inProcessLathe(dataDir, ['docs', 'search', 'harbour', 'lighthouse keeper', '--mode', 'bm25', '--json'])).json<SearchHit[]>();
    expect(gone.every((h) => path.basename(h.source) !== 'notes.txt')).toBe(true);
  });

  it('refuses a path that does not exist before any work, and says which option an existing collection ignored', async () => {
    const missing = path.join(root, 'missing-path');
    const r = await inProcessLathe(dataDir, ['docs', 'add', 'manuals', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe docs add: ${missing}: no such file or folder; check the path\nNothing was imported.`);
    expect((await inProcessLathe(dataDir, ['docs', 'list', '--json'])).json<Collection[]>().map((c) => c.name)).toEqual(['harbour']); // not created
    const again = await inProcessLathe(dataDir, ['docs', 'add', 'harbour', path.join(root, 'mixed', 'notes.txt'), '--embed-model', bert, '--threads', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('--embed-model applies only when creating one, and was ignored');
  });

  it('fails when no file could be imported, naming each with its reason, and leaves no new empty collection', async () => {
    const only = path.join(root, 'only-a-model');
    fs.mkdirSync(only);
    fs.writeFileSync(path.join(only, 'model.gguf'), 'GGUF');
    const before = snapshot('harbour');
    for (const [collection, outcome] of [['manuals', 'was not created'], ['harbour', 'is unchanged']]) {
      const r = await inProcessLathe(dataDir, ['docs', 'add', collection, only]);
      expect(r.code, collection).toBe(2);
      expect(r.stderr).toContain('lathe docs add: nothing was imported: no file could be read as a document.');
      expect(r.stderr).toContain(`${path.join(only, 'model.gguf')}: not a document Lathe reads (.txt, .md, .html, .pdf, .docx); left out of the folder`);
      expect(r.stderr).toContain(`Collection ${collection} ${outcome}.`);
    }
    expect((await inProcessLathe(dataDir, ['docs', 'list', '--json'])).json<Collection[]>().map((c) => c.name)).toEqual(['harbour']);
    expect(snapshot('harbour')).toEqual(before);
    // adding what is there already is not a failure: a re-run of the same import
    const rerun = await inProcessLathe(dataDir, ['docs', 'add', 'harbour', path.join(root, 'mixed')]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stdout).toMatch(/^Imported 0 documents into harbour:\nSkipped \d+:/);
  });

  it('refuses chunk settings and --k naming the flag, with nothing created', async () => {
    const overlap = await inProcessLathe(dataDir, ['docs', 'add', 'manuals', path.join(root, 'mixed', 'notes.txt'), '--chunk-tokens', '16', '--overlap', '32']);
    expect(overlap.code).toBe(2);
    expect(overlap.stderr).toMatch(/^lathe docs add: --overlap: the overlap must be smaller than the chunk size\nUsage: lathe docs add/m);
    expect(overlap.stderr).not.toContain('"code"'); // not zod's issue list as JSON
    expect((await inProcessLathe(dataDir, ['docs', 'create', 'tiny', '--chunk-tokens', '4', '--overlap', '0'])).stderr).toContain("--chunk-tokens must be a whole number from 8 to 8192; got '4'.");
    expect((await inProcessLathe(dataDir, ['docs', 'list', '--json'])).json<Collection[]>().map((c) => c.name)).toEqual(['harbour']);
    for (const words of [['docs', 'search', 'harbour', 'ferry'], ['ask', '--model', 'm', '--collection', 'harbour', 'ferry?']]) {
      const r = await inProcessLathe(dataDir, [...words, '--k', '0']);
      expect(r.code, words.join(' ')).toBe(2);
      expect(r.stderr).toContain("--k must be a whole number of 1 or more; got '0'");
    }
    expect((await inProcessLathe(dataDir, ['docs', 'search', 'harbour', 'ferry', '--mode', 'fuzzy'])).stderr).toContain("--mode must be one of bm25, dense, hybrid; got 'fuzzy'");
  });

  it('refuses hybrid (as dense) on a collection with no embedding model, rather than quietly searching BM25 alone', async () => {
    const own = path.join(root, 'bm25-data');
    const add = await inProcessLathe(own, ['docs', 'add', 'plain', path.join(root, 'mixed', 'notes.txt'), '--chunk-tokens', '32', '--overlap', '4']);
    expect(add.code, add.stderr).toBe(0);
    for (const m of ['hybrid', 'dense']) {
      const r = await inProcessLathe(own, ['docs', 'search', 'plain', 'ferry', '--mode', m]);
      expect(r.code, m).toBe(2);
      expect(r.stderr).toMatch(/collection 'plain' has no embedding model, so (no dense search|hybrid search would be BM25 alone); use --mode bm25/);
    }
    expect((await inProcessLathe(own, ['docs', 'search', 'plain', 'ferry', '--json'])).code).toBe(0); // the default, bm25
  });

  it('refuses an unknown collection naming the ones there are', async () => {
    const r = await inProcessLathe(dataDir, ['docs', 'search', 'nope', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no collection named 'nope'.*harbour/);
    const list = (await inProcessLathe(dataDir, ['docs', 'list', '--json'])).json<Collection[]>();
    expect(list.map((c) => c.name)).toEqual(['harbour']);
  });

  it('lathe docs delete takes a collection with its documents, chunks and vectors, says what stays, and names the others when one is unknown', async () => {
    const own = path.join(root, 'delete-data');
    for (const name of ['plain', 'kept']) {
      const add = await inProcessLathe(own, ['docs', 'add', name, path.join(root, 'mixed', 'notes.txt'), '--chunk-tokens', '32', '--overlap', '4']);
      expect(add.code, add.stderr).toBe(0);
    }
    const store = openStore(own);
    const plain = store.collections.find('plain');
    const run = store.runs.create({ kind: 'evaluation', name: 'bm25', status: 'succeeded', config: { retrieval: { collection: { id: plain.id, name: 'plain' }, mode: 'bm25' } } });
    store.close();
    expect(plain.documentCount).toBe(1);

    const r = await inProcessLathe(own, ['docs', 'delete', 'plain']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`Deleted collection plain (${plain.id}). Its 1 document, ${plural(plain.chunkCount, 'chunk')} and their vectors are deleted. The files on your disk are not touched. Evaluation runs that used it stay, with their scores.`);
    expect((await inProcessLathe(own, ['docs', 'list', '--json'])).json<Collection[]>().map((c) => c.name)).toEqual(['kept']);
    const after = openStore(own);
    try {
      expect(after.db.prepare('SELECT (SELECT COUNT(*) FROM documents WHERE collection_id = ?) + (SELECT COUNT(*) FROM chunks WHERE collection_id = ?) AS n').get(plain.id, plain.id)).toEqual({ n: 0 });
      expect(after.runs.get(run.id)?.status).toBe('succeeded');
    } finally {
      after.close();
    }
    expect(fs.existsSync(path.join(root, 'mixed', 'notes.txt'))).toBe(true);

    const unknown = await inProcessLathe(own, ['docs', 'delete', 'plain']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^lathe docs delete: no collection named 'plain'.*kept/m);
    const kept = (await inProcessLathe(own, ['docs', 'list', '--json'])).json<Collection[]>()[0];
    const json = await inProcessLathe(own, ['docs', 'delete', kept.id, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(json.json()).toEqual({ deleted: true, kept: { runs: 0 }, collection: kept });
    expect((await inProcessLathe(own, ['docs', 'delete'])).stderr).toContain('give one collection (its name or id).\nUsage: lathe docs delete COLLECTION [--json]');
  });

  it('lathe docs delete refuses while a job imports into the collection, and leaves it whole', async () => {
    const own = path.join(root, 'busy-data');
    expect((await inProcessLathe(own, ['docs', 'add', 'busy', path.join(root, 'mixed', 'notes.txt')])).code).toBe(0);
    const store = openStore(own);
    const col = store.collections.find('busy');
    const job = store.jobs.create('docs-import', { collection: col.id, paths: [path.join(root, 'mixed')] });
    store.close();
    const r = await inProcessLathe(own, ['docs', 'delete', 'busy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lathe docs delete: collection busy (${col.id}) cannot be deleted now: job ${job.id} (docs-import) is queued on it; cancel it or let it finish, then delete the collection`);
    expect((await inProcessLathe(own, ['docs', 'list', 'busy', '--json'])).json<{ collection: Collection }>().collection).toEqual(col);
  });

  it('lathe docs delete refuses while a `lathe docs add` in another terminal adds to the collection, naming it and its pid, as model delete does', async () => {
    const own = path.join(root, 'adding-data');
    expect((await inProcessLathe(own, ['docs', 'add', 'adding', path.join(root, 'mixed', 'notes.txt')])).code).toBe(0);
    const col = (await inProcessLathe(own, ['docs', 'list', 'adding', '--json'])).json<{ collection: Collection }>().collection;
    // a document that is a named pipe: the import holds on reading it until the test writes it
    const fifo = makeFifo(path.join(root, 'adding-pipe.txt'));
    const child = spawn(process.execPath, [LATHE_BIN, 'docs', 'add', 'adding', fifo], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: own }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const use = await markerOf(own, child.pid!, (u) => u.collections.includes(col.id));
      expect(use.by).toBe("'lathe docs add'");
      const r = await inProcessLathe(own, ['docs', 'delete', 'adding']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^lathe docs delete: collection adding \\(${col.id}\\) cannot be deleted now: 'lathe docs add' \\(process ${child.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) is using it; stop that command \\(Ctrl-C in its terminal, or kill ${child.pid}\\) or let it finish, then delete the collection$`, 'm'));
    } finally {
      const feeding = setInterval(() => feedWaitingFifos([fifo], 'The ferry to the harbour leaves every hour.\n'), 20);
      await exited.finally(() => clearInterval(feeding));
    }
    expect(child.exitCode, output).toBe(0);
    expect(output).toContain('Imported 1 document into adding');
    expect(liveUses(own)).toEqual([]); // the marker went with the command
    const deleted = await inProcessLathe(own, ['docs', 'delete', 'adding']);
    expect(deleted.code, deleted.stderr).toBe(0);
  }, 120_000);

  it('lathe ask answers from the collection and lists what it read; an answer that cannot fit names --max-new-tokens', async () => {
    expect((await inProcessLathe(dataDir, ['model', 'import', path.join(root, 'gpt2'), '--name', 'tiny'])).code).toBe(0);
    const ask = ['ask', '--model', 'tiny', '--collection', 'harbour', 'When does the ferry run?', '--mode', 'bm25', '--k', '2', '--threads', '1'];
    const r = await inProcessLathe(dataDir, [...ask, '--max-new-tokens', '4', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const answer = r.json<{ answer: string; prompt: string; hits: SearchHit[] }>();
    expect(answer.hits.length).toBeGreaterThan(0);
    expect(answer.prompt).toContain('When does the ferry run?');
    expect(answer.prompt).toContain(answer.hits[0].text);
    expect((await inProcessLathe(dataDir, [...ask, '--max-new-tokens', '4'])).stdout).toMatch(/\n\n(Cited chunks|The answer cites no chunk\. It read):\n\[1\] /);

    const long = await inProcessLathe(dataDir, [...ask, '--max-new-tokens', '1020']);
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/the answer may take 1,020, but tiny reads at most 1,024 in all: lower --max-new-tokens, use a collection with smaller chunks/);
  });
});

describe('a SIGKILLed import', () => {
  const many = () => {
    const dir = path.join(root, `many-${Date.now()}`);
    fs.mkdirSync(dir);
    for (let i = 0; i < 150; i++) fs.writeFileSync(path.join(dir, `doc${String(i).padStart(3, '0')}.md`), `# Doc ${i}\n\n${`Sentence number ${i} about boats and tides. `.repeat(20)}`);
    return dir;
  };

  async function killWhen(pattern: RegExp, dir: string): Promise<string> {
    const child = spawn(process.execPath, [LATHE_BIN, 'docs', 'add', 'harbour', dir, '--threads', '1'], { cwd: ROOT, env: { ...process.env, LATHE_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (pattern.test(stderr)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`the import ended before '${pattern}' showed:\n${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');
    return stderr;
  }

  it('while reading files: the collection is exactly as it was', async () => {
    const before = snapshot('harbour');
    await killWhen(/importing: \d+% — reading doc0\d\d/, many());
    expect(snapshot('harbour')).toEqual(before);
    const store = openStore(dataDir);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  }, 120_000);

  it('while writing: all of the import or none of it, never part', async () => {
    const before = snapshot('harbour');
    await killWhen(/importing: 95% — writing/, many());
    const after = snapshot('harbour');
    const added = after.documents.length - before.documents.length;
    expect([0, 150]).toContain(added);
    if (added === 0) expect(after).toEqual(before);
    expect(after.vectors).toBe(after.chunks);
  }, 120_000);
});
