// One lookup per table (store.<table>.find): by id, or by name where rows have one; a miss says what was looked
// for, what exists and where to get one, with the field that carried the key.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../native/api/errors.ts';
import { tempStores } from './temp-stores.ts';

const { tempDir, open } = tempStores('lathe-store-find-');

function thrown(fn: () => unknown): StudioError {
  try {
    fn();
  } catch (err) {
    return err as StudioError;
  }
  throw new Error('expected an error');
}

const modelInput = (name: string) => ({ name, architecture: 'llama', path: `models/${name}`, config: {}, parameterCount: 1, source: 'test' });

describe('store find', () => {
  it('finds a model by id, then by name (the oldest of equal names)', () => {
    const store = open(tempDir());
    const first = store.models.create(modelInput('tiny'));
    store.models.create(modelInput('tiny'));
    expect(store.models.find(first.id).id).toBe(first.id);
    expect(store.models.find('tiny').id).toBe(first.id);
  });

  it('names the missing model, the models there are and how to get one', () => {
    const store = open(tempDir());
    store.models.create(modelInput('tiny'));
    const err = thrown(() => store.models.find('nope', 'modelId'));
    expect(err).toBeInstanceOf(StudioError);
    expect(err.code).toBe('not_found');
    expect(err.message).toBe("no model named 'nope' (models: tiny); import one on the Select page or with 'lathe model import'");
    expect(err.details).toEqual({ id: 'nope', field: 'modelId' });
  });

  it('says which import makes a model of a path typed where a model name goes: folder, GGUF, llama2.c, other file', () => {
    const dir = tempDir();
    const store = open(dir);
    const files = { gguf: path.join(dir, 'm.gguf'), bin: path.join(dir, 'stories.bin'), other: path.join(dir, 'notes.txt') };
    for (const file of Object.values(files)) fs.writeFileSync(file, 'x');
    const hint = (key: string) => thrown(() => store.models.find(key, 'model'));
    const folder = hint(dir);
    expect(folder.code).toBe('not_found');
    expect(folder.details).toEqual({ id: dir, field: 'model' });
    expect(folder.message).toBe(`${dir} is a folder, not an imported model: import it first with 'lathe model import ${dir} --name NAME' (a Hugging Face folder) or the Select page's folder import, then give that NAME`);
    expect(hint(files.gguf).message).toContain(`is a file, not an imported model: import it first with 'lathe model import-gguf ${files.gguf} --name NAME'`);
    expect(hint(files.bin).message).toContain(`'lathe model import-llama2c ${files.bin} --tokenizer TOK.bin --name NAME'`);
    expect(hint(files.other).message).toContain("'lathe model import FOLDER --name NAME' with the folder that holds it");
    // a path that does not exist is a name like any other
    expect(hint(path.join(dir, 'gone')).message).toMatch(/^no model named '.*gone' \(no models yet\)/);
  });

  it('names the one name a typo away, from every name, not only the ones the list shows', () => {
    const store = open(tempDir());
    store.models.create(modelInput('s260k'));
    store.models.create(modelInput('s260k-dialogsum'));
    expect(thrown(() => store.models.find('s26k')).message).toBe("no model named 's26k'; did you mean 's260k'? (models: s260k, s260k-dialogsum); import one on the Select page or with 'lathe model import'");
    for (let i = 0; i < 15; i++) store.models.create(modelInput(`m${i}`));
    store.models.create(modelInput('stories15M'));
    expect(thrown(() => store.models.find('stories15m')).message).toMatch(/^no model named 'stories15m'; did you mean 'stories15M'\? \(models: .* and \d+ more\)/);
    // nothing near: no guess; an id-shaped key is never a name
    expect(thrown(() => store.models.find('nope')).message).not.toContain('did you mean');
    expect(thrown(() => store.datasets.find('ds_123')).message).not.toContain('did you mean');
  });

  it('says "does not exist" for a key shaped like the table\'s ids, and "none yet" for an empty table', () => {
    const store = open(tempDir());
    expect(thrown(() => store.datasets.find('ds_123')).message).toMatch(/^dataset ds_123 does not exist \(no datasets yet\); import one/);
  });

  it('cuts a long list of choices short', () => {
    const store = open(tempDir());
    for (let i = 0; i < 15; i++) store.models.create(modelInput(`m${i}`));
    const listed = /\(models: (.*) and 3 more\)/.exec(thrown(() => store.models.find('x')).message);
    expect(listed?.[1].split(', ')).toHaveLength(12);
  });

  it('finds projects, runs and jobs by id only; a missing project names the projects there are, as models and datasets do', () => {
    const store = open(tempDir());
    const project = store.projects.create({ name: 'p', task: 'qa' } as never);
    expect(store.projects.find(project.id).name).toBe('p');
    expect(thrown(() => store.projects.find('q')).message).toMatch(/no project named 'q' \(projects: p\); the Projects page or 'lathe project list' shows them/);
    const run = store.runs.create({ kind: 'evaluation', name: 'r' });
    expect(store.runs.find(run.id).id).toBe(run.id);
    expect(thrown(() => store.runs.find('run_x', 'runIds')).details).toEqual({ id: 'run_x', field: 'runIds' });
    const job = store.jobs.create('test', {});
    expect(store.jobs.find(job.id).kind).toBe('test');
    expect(thrown(() => store.jobs.find('job_x')).message).toBe("job job_x does not exist; the Runs page or 'lathe jobs list' shows the ids");
    // runs and jobs have no names to look up: a key that is not an id (the README's placeholder RUN) is called an id
    expect(thrown(() => store.runs.find('RUN')).message).toBe("no run has the id 'RUN' (run ids begin run_); the Runs page or 'lathe runs list' shows the ids");
  });
});
