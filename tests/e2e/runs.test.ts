// The Runs page in Chromium against `lathe serve`: runs seeded through the store as finished training runs
// leave them (metrics every step, validation every 10, an adapter file, a job with its log), a playground
// generation and another project's evaluation. The list is the active project's, newest first, generations
// apart; a run's page shows its curves, configuration, artifacts and log; a tag and a note survive a reload
// and the tag filters the list; two training runs overlay their loss curves in Compare; a generation shows its
// timings; a stopped run offers Resume and is deleted. Light and dark shots at 1440 and 1024 px land in tests/e2e/screenshots/.
import crypto from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Job, Project, Run } from '../../native/api/schemas.ts';
import { openStore, type Store } from '../../native/store/db.ts';
import { lossFallingAt, recordFinishedFinetune, writeCorpusSlice } from './cli-setup.ts';
import { browserSkipReason, callApi, SHARED_DATA, shootAtWidths, studioInChromium } from './harness.ts';

const skipReason = browserSkipReason();
if (skipReason) console.log(`e2e runs tests skipped: ${skipReason}`);
const CORPUS = path.join(SHARED_DATA, 'corpora/tinyshakespeare.txt');
if (!skipReason && !existsSync(CORPUS)) console.log(`e2e runs: the live pretraining test is skipped: ${CORPUS} is absent (the shared data kit is not mounted)`);

const STEPS = 40;

/** A finished fine-tuning run with a loss curve that falls at `rate`, validation every 10 steps, an adapter and a job log. */
function seedTrainingRun(store: Store, dataDir: string, projectId: string, name: string, rate: number, status: 'succeeded' | 'cancelled' = 'succeeded', method = 'lora'): Run {
  const loss = lossFallingAt(rate);
  const id = recordFinishedFinetune(store, projectId, name, {
    dataset: 'story-pairs',
    steps: STEPS,
    lr: rate / 100,
    // A full run records the LoRA defaults too, as the trainer's input schema fills them in.
    config: { method, batchSize: 4, lora: { r: 8, alpha: 16 }, loraTargets: ['q_proj', 'v_proj'], merge: true },
    metrics: (step) => ({ ...loss(step), lr: (rate / 100) * (1 - step / (STEPS + 1)), ...(step % 10 === 0 ? { val_loss: 1.2 + 4 * Math.exp(-rate * step) } : {}) }),
    log: [`training ${name}: ${STEPS} steps`, `step ${STEPS}/${STEPS} loss ${loss(STEPS).loss.toFixed(3)}`],
    status,
  });
  const file = path.join(dataDir, 'runs', id, 'adapter', 'adapter_model.safetensors');
  mkdirSync(path.dirname(file), { recursive: true });
  const bytes = crypto.randomBytes(3000);
  writeFileSync(file, bytes);
  store.runs.addArtifact({ runId: id, kind: 'adapter', path: file, bytes: bytes.length, hash: crypto.createHash('sha256').update(bytes).digest('hex') });
  return store.runs.get(id)!;
}

describe.skipIf(skipReason !== null)('the Runs page in Chromium', () => {
  let project: Project;
  let fast: Run;
  let slow: Run;
  let stopped: Run;
  const e2e = studioInChromium({
    async setup({ studio }) {
      const other = await callApi<Project>(studio, 'projects.create', { name: 'Ticket triage', task: 'classification' });
      project = await callApi<Project>(studio, 'projects.create', { name: 'Story continuations', task: 'generation' }); // newest: the active project
      const store = openStore(studio.dataDir);
      try {
        fast = seedTrainingRun(store, studio.dataDir, project.id, 'lora r8 · lr 3e-4', 0.15);
        slow = seedTrainingRun(store, studio.dataDir, project.id, 'lora r8 · lr 5e-5', 0.05);
        stopped = seedTrainingRun(store, studio.dataDir, project.id, 'full · cancelled early', 0.1, 'cancelled', 'full');
        const gen = store.runs.create({ kind: 'generation', name: 's260k · Once upon a time', projectId: project.id, config: { prompt: 'Once upon a time', settings: { temperature: 0.8 } } });
        store.runs.addMetric({ runId: gen.id, step: 0, name: 'tokens_per_second', value: 812 });
        // What the generation service records when a generation ends (native/studio/generate-service.ts recordOutput).
        const genDir = path.join(studio.dataDir, 'runs', gen.id);
        mkdirSync(genDir, { recursive: true });
        const body = JSON.stringify({ text: ' there was a little girl named Lily.', tokenIds: [1, 2, 3, 4, 5, 6, 7, 8, 9], finishReason: 'length' });
        writeFileSync(path.join(genDir, 'output.json'), body);
        store.runs.addArtifact({ runId: gen.id, kind: 'generation-output', path: path.join(genDir, 'output.json'), bytes: body.length, hash: `sha256:${crypto.createHash('sha256').update(body).digest('hex')}` });
        store.runs.setStatus(gen.id, 'succeeded');
        const evaluation = store.runs.create({ kind: 'evaluation', name: 'triage zero-shot', projectId: other.id, config: { template: { label: 'zero-shot' } } });
        store.runs.setStatus(evaluation.id, 'succeeded');
      } finally {
        store.close();
      }
    },
  });

  /** Light and dark shots at 1440 and 1024 px as runs-<name>-…png. */
  const shoot = (name: string) => shootAtWidths(e2e.page, `runs-${name}`);

  const experimentNames = () => e2e.page.getByRole('table', { name: 'Experiments' }).locator('tbody tr .run-link').allTextContents();

  it('lists the active project’s experiments newest first, generations apart, other projects on request', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs`);
    await page.getByRole('table', { name: 'Experiments' }).waitFor();
    // The table draws before the active project and the rows arrive: wait for both rather than read at once.
    await expect.poll(() => page.getByRole('combobox', { name: 'Project' }).inputValue(), { timeout: 10_000 }).toBe(project.id);
    await expect.poll(() => experimentNames(), { timeout: 10_000 }).toEqual([stopped.name, slow.name, fast.name]);
    // Each of the three finished jobs made one of these runs, and is that run's row: no second table repeats them
    // under job ids with another clock's durations.
    expect((await callApi<Job[]>(e2e.studio, 'jobs.list', {})).filter((j) => j.runId !== null && j.state !== 'running')).toHaveLength(3);
    await page.waitForTimeout(300); // the jobs' answer comes with the runs'; give it time to draw a card it should not
    expect(await page.getByRole('table', { name: 'Jobs' }).count()).toBe(0);
    await page.getByRole('tab', { name: /Playground generations/ }).click();
    expect(await page.getByRole('table', { name: 'Playground generations' }).locator('tbody tr .run-link').allTextContents()).toEqual(['s260k · Once upon a time']);
    await page.keyboard.press('ArrowLeft'); // the tabs answer the arrow keys
    expect(await page.getByRole('tab', { name: /Experiments/ }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('combobox', { name: 'Project' }).selectOption('all');
    await expect.poll(() => experimentNames(), { timeout: 10_000 }).toEqual(['triage zero-shot', stopped.name, slow.name, fast.name]);
    await page.getByRole('combobox', { name: 'Project' }).selectOption(project.id);
    await expect.poll(async () => (await experimentNames()).length, { timeout: 10_000 }).toBe(3);
  });

  it('opens a run from the list: curves, configuration, artifacts and the job’s log', async () => {
    const { page } = e2e;
    await page.getByRole('link', { name: fast.name }).click();
    await page.waitForURL(new RegExp(`#/runs/${fast.id}$`));
    await page.getByRole('heading', { name: fast.name }).waitFor();
    await page.getByTestId('run-chart-loss').waitFor();
    expect(Number(await page.getByTestId('run-chart-loss').getAttribute('data-points'))).toBe(STEPS + STEPS / 10);
    expect(Number(await page.getByTestId('run-chart-lr').getAttribute('data-points'))).toBe(STEPS);
    const config = page.getByTestId('run-config');
    await expect.poll(() => config.textContent()).toContain('LoRA · Rank r'); // lora.r, in words
    expect(await config.textContent()).toContain('Max steps');
    expect(await config.textContent()).toContain('story-pairs');
    expect(await config.textContent()).toContain('MethodLoRA'); // the option in words, as the run's title says it
    const artifacts = page.getByRole('table', { name: 'Artifacts' });
    expect(await artifacts.textContent()).toContain(`runs/${fast.id}/adapter/adapter_model.safetensors`);
    expect(await artifacts.textContent()).toContain('2.9 KB');
    await expect.poll(() => page.getByTestId('run-log').textContent()).toContain(`step ${STEPS}/${STEPS}`);
    await page.getByRole('radio', { name: 'JSON' }).click();
    expect(JSON.parse((await page.getByTestId('run-config-json').textContent())!)).toMatchObject({ modelName: 's260k', lora: { r: 8 } });
    await page.getByRole('radio', { name: 'Table' }).click();
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(0); // it succeeded: nothing to resume
  });

  it('keeps a tag and a note across a reload, and the tag filters the list', async () => {
    const { studio, page } = e2e;
    const tagField = page.getByLabel('Tags', { exact: true });
    await tagField.fill('two words');
    await tagField.press('Enter');
    await page.getByText('a tag is one word').waitFor();
    await tagField.fill('baseline');
    await tagField.press('Enter');
    await page.getByRole('button', { name: 'Remove tag baseline' }).waitFor();
    const note = page.getByLabel('Note', { exact: true });
    await note.fill('Fastest start; val loss still falling at step 40 — try 80 steps.');
    await note.press('Control+Enter');
    await expect.poll(() => page.getByTestId('note-state').textContent()).toBe('Saved.');
    await shoot('run');

    await page.reload();
    await page.getByRole('button', { name: 'Remove tag baseline' }).waitFor();
    expect(await page.getByLabel('Note', { exact: true }).inputValue()).toBe('Fastest start; val loss still falling at step 40 — try 80 steps.');
    expect(await callApi<Run>(studio, 'runs.get', { id: fast.id })).toMatchObject({ tags: ['baseline'], note: 'Fastest start; val loss still falling at step 40 — try 80 steps.' });

    await page.getByRole('link', { name: '← All runs' }).click();
    await page.getByRole('table', { name: 'Experiments' }).waitFor();
    // the table draws before its rows arrive
    await expect.poll(() => page.locator(`tr[data-run-id="${fast.id}"] .run-tag`).allTextContents()).toEqual(['baseline']);
    await page.getByRole('combobox', { name: 'Tag' }).selectOption('baseline');
    expect(await experimentNames()).toEqual([fast.name]);
    await page.getByRole('combobox', { name: 'Tag' }).selectOption('');
    await shoot('list');
  });

  it('overlays two training runs’ loss curves in Compare, one line per run', async () => {
    const { studio, page } = e2e;
    await page.getByRole('checkbox', { name: `Compare ${fast.name}` }).check();
    await page.getByRole('checkbox', { name: `Compare ${slow.name}` }).check();
    expect(await page.getByRole('checkbox', { name: 'Compare triage zero-shot' }).count()).toBe(0); // other project, and an evaluation
    await page.getByRole('button', { name: 'Compare (2)' }).click();
    const chart = page.getByTestId('compare-curves');
    await chart.waitFor();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(2 * STEPS);
    const legend = page.getByRole('region', { name: 'Loss curves' }).locator('.chart-legend');
    expect(await legend.textContent()).toContain(fast.name);
    expect(await legend.textContent()).toContain(slow.name);
    await page.getByRole('radio', { name: 'Validation loss' }).click();
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(2 * (STEPS / 10));
    await page.getByRole('radio', { name: 'Training loss' }).click();
    const table = page.getByRole('table', { name: 'Metrics by run' });
    expect(await table.getByRole('row').filter({ has: page.getByText('Learning rate', { exact: true }) }).textContent()).toContain('a setting, not ranked');
    expect(await page.getByRole('region', { name: 'Loss curves' }).textContent()).toContain('Lower training loss is better.');
    await shoot('compare');

    // The same comparison from a run's page: Compare with… offers the other training runs.
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${slow.id}`);
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption(fast.id);
    await page.waitForURL(new RegExp(`#/runs/compare/${slow.id},${fast.id}$`));
    await expect.poll(async () => Number(await page.getByTestId('compare-curves').getAttribute('data-points'))).toBe(2 * STEPS);
  });

  it('draws a training comparison as one, whichever answer arrives first: it never asks training runs for examples', async () => {
    const { studio, page } = e2e;
    // The run summaries answer late: the page once took the runs for evaluations until they came, and asked the
    // training runs for their per-example predictions (a 404 in the console).
    const askedForExamples: string[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/rpc/runs.examples')) askedForExamples.push(r.url()); });
    await page.route('**/api/rpc/runs.summaries', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    try {
      await page.goto(`${studio.origin}/?token=${studio.token}#/runs/compare/${fast.id},${slow.id}`);
      const table = page.getByRole('table', { name: 'Metrics by run' });
      await table.waitFor();
      expect(await page.getByRole('region', { name: 'Examples' }).count()).toBe(0);
      await expect.poll(async () => Number(await page.getByTestId('compare-curves').getAttribute('data-points'))).toBe(2 * STEPS);
      expect(askedForExamples).toEqual([]);
    } finally {
      await page.unrouteAll({ behavior: 'wait' }); // lets a late answer through before the next test
    }
  });

  it('shows a playground generation apart, its text, its timings as figures and why it has no job log', async () => {
    const { studio, page } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs`);
    await page.getByRole('tab', { name: /Playground generations/ }).click();
    await page.getByRole('link', { name: 's260k · Once upon a time' }).click();
    await page.getByRole('heading', { name: 's260k · Once upon a time' }).waitFor();
    await expect.poll(() => page.getByTestId('run-figures').textContent()).toContain('812');
    expect(await page.getByTestId('run-config').textContent()).toContain('Settings · Temperature'); // settings.temperature, in words
    expect(await page.getByTestId('generation-output').textContent()).toBe('Once upon a time there was a little girl named Lily.');
    await page.getByRole('region', { name: 'Output' }).getByText('reached max new tokens · 9 tokens').waitFor();
    await page.getByText('Playground generations run in the studio’s generation worker').waitFor();
    expect(await page.getByRole('combobox', { name: 'Compare with' }).count()).toBe(0);
    await shoot('generation');
  });

  it.skipIf(!existsSync(CORPUS))('follows a real pretraining job on its page: curves, the model it wrote, the job’s log', async () => {
    const { studio, page } = e2e;
    const corpus = writeCorpusSlice(studio, CORPUS, 60_000);
    const job = await callApi<Job>(studio, 'train.pretrain', {
      corpus, family: 'gpt2', layers: 1, heads: 2, dModel: 32, context: 32, vocab: 300, steps: 30, evalEvery: 10, saveEvery: 10, batchSize: 4, threads: 1, projectId: project.id, name: 'tiny gpt2 from scratch',
    });
    let runId: string | null = null;
    await expect.poll(async () => (runId = (await callApi<Job>(studio, 'jobs.get', { id: job.id })).runId), { timeout: 60_000 }).not.toBeNull();
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${runId}`);
    await page.getByRole('heading', { name: 'tiny gpt2 from scratch' }).waitFor();
    await page.locator('.run-facts').getByText('succeeded', { exact: true }).waitFor({ timeout: 240_000 });
    await expect.poll(async () => Number(await page.getByTestId('run-chart-loss').getAttribute('data-points'))).toBeGreaterThanOrEqual(30 + 3);
    await expect.poll(() => page.getByRole('table', { name: 'Artifacts' }).textContent()).toMatch(/model\.safetensors/);
    await expect.poll(() => page.getByTestId('run-log').textContent()).toMatch(/1 layers, 2 heads/);
    expect(await page.getByRole('button', { name: 'Resume' }).count()).toBe(0);
  }, 300_000);

  it('offers Resume on a stopped training run, and deletes a run after asking', async () => {
    const { studio, page, pageErrors } = e2e;
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${stopped.id}`);
    await page.getByRole('heading', { name: stopped.name }).waitFor();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    // a full fine-tune's settings leave out the LoRA ones it recorded but never used; its JSON keeps the record
    const config = page.getByTestId('run-config');
    await expect.poll(() => config.textContent()).toContain('Max steps');
    expect(await config.textContent()).not.toMatch(/LoRA|Merge/);
    await shoot('full-run');
    await page.getByRole('radio', { name: 'JSON' }).click();
    expect(JSON.parse((await page.getByTestId('run-config-json').textContent())!)).toMatchObject({ method: 'full', lora: { r: 8 } });
    await page.getByRole('radio', { name: 'Table' }).click();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: `Delete ${stopped.name}?` }).getByRole('button', { name: 'Delete run' }).click();
    await page.waitForURL(/#\/runs$/);
    await page.getByRole('table', { name: 'Experiments' }).waitFor();
    await expect.poll(experimentNames).toEqual([...(existsSync(CORPUS) ? ['tiny gpt2 from scratch'] : []), slow.name, fast.name]);
    expect(pageErrors).toEqual([]);
  });

  // a failed run said only "failed": why is kept with it (runs.fail) and shown where its status is read
  it('says why a failed run failed', async () => {
    const { studio, page, pageErrors } = e2e;
    const store = openStore(studio.dataDir);
    let failed: Run;
    try {
      failed = store.runs.create({ kind: 'pretrain', name: 'pretrain that ran out of memory', projectId: project.id, config: { maxSteps: 10 } });
      store.runs.setStatus(failed.id, 'running');
      store.runs.fail(failed.id, new Error('could not allocate 3.2 GB for the activations; lower --batch-size'));
    } finally {
      store.close();
    }
    await page.goto(`${studio.origin}/?token=${studio.token}#/runs/${failed.id}`);
    await page.getByRole('heading', { name: failed.name }).waitFor();
    const why = page.getByRole('alert').filter({ hasText: 'Why this run failed' });
    await why.waitFor();
    expect(await why.textContent()).toContain('could not allocate 3.2 GB for the activations; lower --batch-size');
    expect(pageErrors).toEqual([]);
  });
});
