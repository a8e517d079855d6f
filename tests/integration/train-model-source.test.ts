// A model a training run registers says so: its `source` is pretrain:<run>, finetune:<run> or finetune-merge:<run>
// through the Studio API's model record, and the Select page's card labels it as trained (a pretrained model used
// to read "Imported folder · model", the run folder it was moved from).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLlama2cCheckpoint, importModelFolder } from '../../native/models/import.ts';
import { Studio } from '../../native/studio/studio.ts';
import { resumeFinetune, startFinetune } from '../../native/train/finetune.ts';
import { runPretrain } from '../../native/train/pretrain.ts';
import { describeSource } from '../../renderer/src/pages/select/format.ts';
import { writeStoryPairs } from '../fixtures/train-story-pairs.ts';
import { HAS_SHARED_DATA, SHARED_DATA, SKIP_SHARED_REASON, tempDir } from './helpers/lathe.ts';
import { closeStudio } from './helpers/stories-studio.ts';
import { inProcessTrainEnv } from './helpers/train-env.ts';

const MODEL = path.join(SHARED_DATA, 'models/stories260K');
const HAS_MODEL = HAS_SHARED_DATA && fs.existsSync(path.join(MODEL, 'stories260K.bin'));
if (!HAS_MODEL) console.warn(`train-model-source: the fine-tuning case is skipped: ${SKIP_SHARED_REASON} (needs models/stories260K)`);

let dataDir = '';
let studio: Studio;

beforeAll(() => {
  dataDir = tempDir('train-model-source');
  studio = new Studio({ dataDir, mode: 'serve' });
});
afterAll(() => closeStudio(studio, dataDir));
const env = () => inProcessTrainEnv(studio, dataDir);

const listed = async (name: string) => (await studio.call('models.list', {})).find((m) => m.name === name);

describe('the source of a model a run registers', () => {
  it('labels each kind of origin on the model card', () => {
    expect(describeSource('pretrain:run_abc')).toBe('Trained from scratch · run run_abc');
    expect(describeSource('finetune:run_abc')).toBe('Fine-tuned (full) · run run_abc');
    expect(describeSource('finetune-merge:run_abc')).toBe('Fine-tuned (LoRA, merged) · run run_abc');
    expect(describeSource('import:/home/me/models/smol')).toBe('Imported folder · smol');
    expect(describeSource('llama2c:/data/stories260K.bin')).toBe('llama2.c checkpoint · stories260K.bin');
  });

  it("labels Integrate's merged and quantised models by their base's name, not the raw source with its full adapter path", () => {
    const nameOf = (id: string) => (id === 'mdl_base' ? 's260k' : undefined);
    expect(describeSource('merge:mdl_base:/tmp/lathe/runs/run_27627a771e22/adapter', nameOf)).toBe('LoRA adapter merged into s260k · run run_27627a771e22');
    expect(describeSource('merge:mdl_base:C:\\Users\\me\\my-adapter\\', nameOf)).toBe('LoRA adapter merged into s260k · adapter my-adapter');
    expect(describeSource('quantize:mdl_base:q4', nameOf)).toBe('Quantised (q4) from s260k');
    expect(describeSource('quantize:mdl_gone:q8', nameOf)).toBe('Quantised (q8) from mdl_gone'); // a deleted base keeps its id
  });

  it('is pretrain:<run> for a model trained from scratch', async () => {
    const corpus = path.join(dataDir, 'corpus.txt');
    fs.writeFileSync(corpus, 'The cat sat on the mat and the dog lay by the door. '.repeat(120));
    const outcome = await runPretrain({ corpus, family: 'gpt2', layers: 1, heads: 2, dModel: 16, context: 64, vocab: 260, steps: 2, batchSize: 2, evalEvery: 0, saveEvery: 0, threads: 1, outputName: 'scratch' }, env());
    const model = await listed('scratch');
    expect(model?.source).toBe(`pretrain:${outcome.runId}`);
    expect(describeSource(model!.source)).toBe(`Trained from scratch · run ${outcome.runId}`);
  }, 120_000);

  it.skipIf(!HAS_MODEL)('is finetune-merge:<run> for a merged LoRA and finetune:<run> for a full fine-tune', async () => {
    await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
    const file = path.join(dataDir, 'stories.jsonl');
    writeStoryPairs(file, 40);
    const job = await studio.call('datasets.import', { path: file, name: 'stories' });
    await studio.queue.whenFinished(job.id);
    const common = { model: 's260k', dataset: 'stories', maxSteps: 2, batchSize: 2, seqLen: 96, evalEvery: 0, saveEvery: 0, threads: 1 };
    const lora = await startFinetune({ ...common, method: 'lora', outputName: 'merged' }, env());
    expect((await listed('merged'))?.source).toBe(`finetune-merge:${lora.runId}`);
    const full = await startFinetune({ ...common, method: 'full', outputName: 'full' }, env());
    expect((await listed('full'))?.source).toBe(`finetune:${full.runId}`);

    // killed after the merged model was registered, before the run was marked succeeded: the resume keeps that model
    studio.store.runs.setStatus(lora.runId, 'interrupted');
    const resumed = await resumeFinetune(lora.runId, env());
    expect(resumed.outputModel).toBe('merged');
    expect((await studio.call('models.list', {})).filter((m) => m.source === `finetune-merge:${lora.runId}`)).toHaveLength(1);
    expect(studio.store.runs.get(lora.runId)?.status).toBe('succeeded');
    expect(studio.store.runs.artifacts(lora.runId).filter((a) => a.kind === 'adapter')).toHaveLength(1);
  }, 180_000);

  // A full fine-tune wrote tokenizer.json and tokenizer_config.json but dropped chat_template.jinja and
  // special_tokens_map.json: a base keeping its chat template in that file gave a tuned model with none.
  it.skipIf(!HAS_MODEL)("a trained model keeps its base's chat_template.jinja and special_tokens_map.json, full or merged", async () => {
    if (!studio.store.models.list().some((m) => m.name === 's260k')) await importLlama2cCheckpoint(dataDir, path.join(MODEL, 'stories260K.bin'), path.join(MODEL, 'tok512.bin'), 's260k');
    if (!studio.store.datasets.list().some((d) => d.name === 'stories')) {
      const file = path.join(dataDir, 'stories.jsonl');
      writeStoryPairs(file, 40);
      await studio.queue.whenFinished((await studio.call('datasets.import', { path: file, name: 'stories' })).id);
    }
    const chatSrc = path.join(dataDir, 's260k-chat-src');
    fs.cpSync(studio.store.models.find('s260k').path, chatSrc, { recursive: true });
    const sideFiles = {
      'chat_template.jinja': "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}",
      'special_tokens_map.json': '{"bos_token": "<s>", "eos_token": "</s>"}\n',
    };
    for (const [f, text] of Object.entries(sideFiles)) fs.writeFileSync(path.join(chatSrc, f), text);
    await importModelFolder(dataDir, chatSrc, 's260k-chat');
    const common = { model: 's260k-chat', dataset: 'stories', maxSteps: 1, batchSize: 2, seqLen: 64, evalEvery: 0, saveEvery: 0, threads: 1 };
    await startFinetune({ ...common, method: 'full', outputName: 'chat-full' }, env());
    await startFinetune({ ...common, method: 'lora', outputName: 'chat-merged' }, env());
    for (const name of ['chat-full', 'chat-merged']) {
      const dir = studio.store.models.find(name).path;
      for (const [f, text] of Object.entries(sideFiles)) expect(fs.readFileSync(path.join(dir, f), 'utf8'), `${name} ${f}`).toBe(text);
    }
  }, 180_000);
});
