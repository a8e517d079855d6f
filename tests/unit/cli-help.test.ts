// `lathe COMMAND --help` lists every option on one line with its default, `lathe help COMMAND` is the same, and a
// mistyped command or flag gets the nearest real one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { commandHelp, HELP_SECTIONS, helpSectionOf } from '../../native/cli.ts';
import { parseArgsMessage } from '../../native/cli/parse-errors.ts';
import { closest } from '../../native/cli/suggest.ts';
import { loadCommands } from '../../native/cli/registry.ts';
import { mainConsole } from '../fixtures/cli-in-process.ts';

const run = mainConsole;

describe('command help', () => {
  it('lists every command under a lifecycle heading, in the lifecycle order', async () => {
    const commands = await loadCommands();
    expect(commands.filter((c) => helpSectionOf(c) === undefined).map((c) => c.path.join(' ')), 'commands with no heading in HELP_SECTIONS').toEqual([]);
    const { out } = await run(['help']);
    const headings = out.split('\n').filter((l) => /^\S.*:$/.test(l) && l !== 'Global options:');
    expect(headings).toEqual(HELP_SECTIONS.map((s) => `${s.title}:`));
    const under = (heading: string) => out.split(`\n${heading}:\n`)[1].split('\n\n')[0].split('\n').map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(under('Adapt & align').slice(0, 3)).toEqual(['train', 'pretrain', 'align dpo']);
    expect(under('Adapt & align')).toContain('project scorecard');
    expect(under('Integrate')).toEqual(['merge', 'quantize', 'export', 'serve-api', 'api-log']);
    expect(under('Select a model')).toContain('model delete');
  });

  it('documents every option of every command in one line', async () => {
    for (const command of await loadCommands()) {
      for (const option of Object.keys(command.options ?? {})) {
        const line = command.help?.[option];
        expect(line, `lathe ${command.path.join(' ')} --${option} has no help line`).toBeTruthy();
        expect(line).not.toContain('\n');
      }
      expect(Object.keys(command.help ?? {}).filter((name) => !(name in (command.options ?? {}))), `help for options lathe ${command.path.join(' ')} does not have`).toEqual([]);
    }
  });

  it('reads the defaults it prints from the API schema', async () => {
    const train = (await loadCommands()).find((c) => c.path.join(' ') === 'train')!;
    const text = commandHelp(train);
    expect(text).toMatch(/--rank VALUE +LoRA rank r: the adapters' inner size \(default 8\)/);
    expect(text).toMatch(/--batch-size VALUE +examples per micro-batch \(default 4\)/);
    expect(text).toMatch(/--no-merge +LoRA: keep only the adapter/);
  });

  it('says when a flag is required: eval --model not with --judge-responses, quantize --text always with --report', async () => {
    expect((await run(['eval', '--help'])).out).toMatch(/--model VALUE +model id or name \(required, except with --judge-responses and --judge/);
    expect((await run(['quantize', '--help'])).out).toContain('[--report --text FILE [--threads N]]');
  });

  it('says dataset import --seed draws the fraction splits only: a file kept whole as one split ignores it', async () => {
    // it said 'seed of the train/validation/test split', as if it placed the rows of --split test and --add files too
    const line = (await run(['dataset', 'import', '--help'])).out.split('\n').find((l) => l.trim().startsWith('--seed'));
    expect(line).toMatch(/--seed VALUE +seed of the shuffle that draws FILE's rows into train\/validation\/test by the --split fractions \(default 42\)/);
    expect(line).toContain('a file kept whole as one split (--split test, an --add file) is not drawn, so the seed does not apply to it');
  });

  // generate's help said --temperature defaulted to the generation config, else 1, and --seed to random, as if it
  // sampled; it decodes greedily unless --temperature is given or generation_config.json sets do_sample
  it('says generation is greedy unless told to sample, and which defaults eval uses instead', async () => {
    const line = (out: string, flag: string) => out.split('\n').find((l) => l.trim().startsWith(`--${flag} `))!.trim().replace(/^--\S+ VALUE +/, '');
    const generate = (await run(['generate', '--help'])).out;
    expect(line(generate, 'temperature')).toBe("sample at this temperature; 0 is greedy (default: greedy, unless the model's generation config sets do_sample: then its temperature, else 1)");
    expect(line(generate, 'seed')).toBe('seed of the sampler, for repeatable samples; greedy decoding draws nothing (default: random)');
    expect(line(generate, 'top-k')).toBe("sample among the K likeliest tokens; 0 is off (default: the model's generation config, else 50; only when sampling)");
    const evaluate = (await run(['eval', '--help'])).out;
    expect(line(evaluate, 'temperature')).toBe("sample at this temperature; 0 is greedy (default 0: greedy, whatever the model's generation config says)");
    expect(line(evaluate, 'seed')).toBe('seed of the sampler when --temperature is above 0, for repeatable scores (default 0)');
  });

  // `lathe --version` printed the whole help and exited 1
  it("answers 'lathe --version' and 'lathe -v' as 'lathe version', exit 0", async () => {
    const version = await run(['version']);
    expect(version.out).toMatch(/^lathe \d+\.\d+\.\d+\S* \(node \S+\)\n$/);
    for (const argv of [['--version'], ['-v'], ['--data-dir', os.tmpdir(), '--version']]) expect(await run(argv), argv.join(' ')).toEqual({ ...version, err: '' });
    expect(JSON.parse((await run(['--json', '--version'])).out)).toMatchObject({ version: expect.any(String) });
    expect((await run(['help'])).out).toMatch(/\n +version +Print the Lathe version \(also lathe --version or -v\)\n/);
  });

  it("answers 'lathe help train' as 'lathe train --help'", async () => {
    const viaHelp = await run(['help', 'train']);
    const viaFlag = await run(['train', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toBe(viaFlag.out);
    expect(viaHelp.out).toContain('Options:');
  });

  it("lists a group's commands for 'lathe model', 'lathe model --help' and 'lathe help model'", async () => {
    const bare = await run(['model']);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^lathe model: give one of its commands\.\nUsage: lathe model <command>/);
    expect(bare.err).toMatch(/^ {2}model import-gguf +Import a llama GGUF file/m);
    expect(bare.err).not.toContain('unknown command');
    for (const argv of [['model', '--help'], ['help', 'model']]) {
      const help = await run(argv);
      expect(help.code, argv.join(' ')).toBe(0);
      expect(help.out).toBe(bare.err.slice(bare.err.indexOf('\n') + 1));
    }
    expect((await run(['runs', '-h'])).out).toMatch(/^ {2}runs compare +Compare runs/m);
    expect((await run(['modle'])).err).toContain("Did you mean 'lathe model'?");
  });
});

describe('did you mean', () => {
  it('names the nearest command and flag, and nothing when none is near', async () => {
    expect((await run(['trian'])).err).toContain("Did you mean 'lathe train'?");
    expect((await run(['models', 'list'])).err).toContain("Did you mean 'lathe model list'?");
    // arguments after the command words are not part of the name it reports
    const sub = await run(['dataset', 'mapp', 'dialogsum-dev', '--input-column', 'x']);
    expect(sub.code).toBe(2);
    expect(sub.err).toContain("unknown command 'dataset mapp'. Did you mean 'lathe dataset map'?");
    const flag = await run(['train', '--rnk', '4']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("unknown option '--rnk'. Did you mean --rank?");
    expect(closest('zzzzzzzz', ['train', 'eval'])).toBeUndefined();
    // another tool's name for a flag: the one flag holding all its words
    expect((await run(['generate', '--model', 'm', '--prompt', 'p', '--max-tokens', '5'])).err).toContain("unknown option '--max-tokens'. Did you mean --max-new-tokens?");
    expect((await run(['align', 'reward', '--steps', '5'])).err).toContain("unknown option '--steps'. Did you mean --max-steps?");
    // words a few flags hold: each is named (README's `pretrain --steps` leads people to `train --steps`)
    expect((await run(['train', '--steps', '5'])).err).toContain("unknown option '--steps'. Did you mean --max-steps or --warmup-steps?");
    expect((await run(['train', '--every', '5'])).err).toContain("unknown option '--every'. Did you mean --eval-every or --save-every?");
    // words more than three flags hold (every --FIELD-column of dataset map): a list, not a guess
    expect((await run(['dataset', 'map', 'd', '--column', 'x'])).err).toMatch(/unknown option '--column'\.$/m);
  });

  it("answers 'lathe help frobnicate' as 'lathe frobnicate': unknown command, exit 2", async () => {
    const viaHelp = await run(['help', 'trian']);
    expect(viaHelp.code).toBe(2);
    expect(viaHelp.out).toBe('');
    expect(viaHelp.err).toBe((await run(['trian'])).err);
    expect(viaHelp.err).toContain("unknown command 'trian'. Did you mean 'lathe train'?");
    expect((await run(['help', 'frobnicate'])).err).toMatch(/^lathe: unknown command 'frobnicate'\. Run 'lathe help'/);
    expect((await run(['help'])).code).toBe(0);
  });
});

describe('global flags before the command', () => {
  it("leave a last flag without its value reported as missing, not as ambiguous with --data-dir", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const { code, err } = await run(['--data-dir', dataDir, 'runs', 'list', '--tag']);
    expect(code).toBe(2);
    expect(err).toContain('--tag needs a tag, e.g. lathe runs list --tag T');
    expect(err).not.toContain('ambiguous');
  });
});

// node's parseArgs words its refusals for programmers ("Option '--resume <value>' argument missing", three lines of
// "argument is ambiguous … use '--prompt=-XYZ'"): each ERR_PARSE_ARGS_* code is said on one line in lathe's words,
// naming the flag, what it takes and how to write it, with the usage after.
describe("parseArgs' refusals in lathe's words", () => {
  const firstLine = async (argv: string[]) => {
    const r = await run(argv);
    expect(r.code, argv.join(' ')).toBe(2);
    expect(r.out).toBe('');
    const [line, usage] = r.err.split('\n');
    expect(usage, argv.join(' ')).toMatch(/^Usage: lathe /);
    return line;
  };

  it('a flag left without its value: what it needs and an example', async () => {
    expect(await firstLine(['train', '--resume'])).toBe('lathe train: --resume needs a run id, e.g. lathe train --resume run_…');
    expect(await firstLine(['eval', '--model', 'm', '--dataset'])).toBe('lathe eval: --dataset needs a dataset id or name, e.g. lathe eval --dataset D');
    // a flag with no entry of its own: its help line says what it takes, the usage's placeholder shows it
    expect(await firstLine(['generate', '--model', 'm', '--prompt', 'p', '--top-k'])).toBe('lathe generate: --top-k needs a value (sample among the K likeliest tokens), e.g. lathe generate --top-k K');
    // its first clause without asides, and the usage's first value where it shows values, not a placeholder
    expect(await firstLine(['merge', '--adapter'])).toBe('lathe merge: --adapter needs a value (the PEFT adapter folder, from Lathe or elsewhere), e.g. lathe merge --adapter DIR');
    expect(await firstLine(['eval', '--split'])).toBe('lathe eval: --split needs a value (train, validation, test or all), e.g. lathe eval --split test');
    // the next word is another option, not a value starting with '-'
    expect(await firstLine(['runs', 'list', '--tag', '--kind'])).toBe('lathe runs list: --tag needs a tag, e.g. lathe runs list --tag T');
    // with --json among the words the same refusal is the JSON error object (cli-json-refusals.test.ts)
    expect(JSON.parse((await run(['runs', 'list', '--tag', '--json'])).out)).toEqual({ error: expect.stringMatching(/^--tag needs a tag, e\.g\. lathe runs list --tag T\nUsage: /) });
    expect(await firstLine(['project', 'list', '--data-dir'])).toBe('lathe project list: --data-dir needs a folder, e.g. lathe project list --data-dir DIR');
  });

  it("a value starting with '-': how to write it", async () => {
    expect(await firstLine(['generate', '--model', 'm', '--prompt', '-Once'])).toBe("lathe generate: --prompt's value starts with '-': write it as --prompt=-Once");
    expect(await firstLine(['generate', '--model', 'm', '--prompt', '- a list'])).toBe("lathe generate: --prompt's value starts with '-': write it as '--prompt=- a list'");
  });

  it('a value given to a flag that takes none', async () => {
    expect(await firstLine(['project', 'list', '--json=1'])).toBe('lathe project list: --json takes no value: write --json alone, not --json=1.');
    expect(await firstLine(['project', 'list', '--help=yes'])).toBe('lathe project list: --help takes no value: write --help alone, not --help=yes.');
  });

  it("an unknown short option: lathe's are long, and an argument starting with '-' goes after '--'", async () => {
    expect(await firstLine(['project', 'list', '-x'])).toBe("lathe project list: unknown option '-x': lathe's options are written in full (--name), -h alone is short.");
    expect(await firstLine(['ask', '-why'])).toContain("An argument that starts with '-' goes after '--': lathe ask … -- -why");
  });

  it('an unexpected argument (a parse that allows none: main allows them and checks itself)', async () => {
    const command = (await loadCommands()).find((c) => c.path.join(' ') === 'project list')!;
    const options = command.options ?? {};
    let err: unknown;
    try {
      parseArgs({ args: ['extra'], options, allowPositionals: false, strict: true });
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string }).code).toBe('ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');
    expect(parseArgsMessage(err, ['extra'], command, options, () => undefined)).toBe("unexpected argument 'extra': the command takes options only.");
    expect(parseArgsMessage(new TypeError('other'), [], command, options, () => undefined)).toBeUndefined();
  });

  it("leaves no node wording in any of them", async () => {
    for (const argv of [['train', '--resume'], ['generate', '--prompt', '-Once'], ['project', 'list', '--json=1'], ['project', 'list', '-x'], ['train', '--rnk']]) {
      const { err } = await run(argv);
      expect(err, argv.join(' ')).not.toMatch(/argument missing|is ambiguous|-XYZ|does not take an argument|To specify a positional/);
    }
  });
});

describe('--data-dir without a folder', () => {
  it('says the flag needs a folder, and spots a command word taken for the folder', async () => {
    const needs = '--data-dir needs a folder: give one (--data-dir DIR)';
    for (const argv of [['--data-dir'], ['--data-dir', '--kind', 'project', 'list']]) {
      const { code, out, err } = await run(argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`lathe: ${needs}`);
    }
    // with --json among the words, the JSON error object
    const json = await run(['--data-dir', '--json', 'project', 'list']);
    expect([json.code, json.err]).toEqual([2, '']);
    expect(JSON.parse(json.out).error).toContain(needs);
    const misread = await run(['--data-dir', 'project', 'list']);
    expect(misread.code).toBe(2);
    expect(misread.err.trim()).toBe("lathe: unknown command 'list': --data-dir took 'project' as its folder. Did you mean 'lathe --data-dir DIR project list'?");
  });
});

describe('errors name the flag', () => {
  it("says --rank and --method, not the API's lora.r and method paths", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const { code, err } = await run(['--data-dir', dataDir, 'train', '--model', 'm', '--dataset', 'd', '--rank', '0', '--method', 'lorra']);
    expect(code).toBe(2);
    expect(err).toContain("--method must be one of lora, full; got 'lorra'. Did you mean 'lora'?\n--rank must be a whole number from 1 to 1024; got '0'.");
    expect(err).not.toContain('lora.r');
  });

  it("lathe pretrain says --d-model of a width its heads do not divide, as train says --seq-len", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const corpus = path.join(dataDir, 'corpus.txt');
    writeFileSync(corpus, 'Once upon a time there was a corpus.\n'.repeat(20));
    const { code, err } = await run(['--data-dir', dataDir, 'pretrain', '--corpus', corpus, '--heads', '3', '--d-model', '64']);
    expect(code).toBe(2);
    expect(err).toContain('lathe pretrain: --d-model: the hidden size 64 must be divisible by the 3 heads\nUsage: lathe pretrain');
  });

  it("lathe eval says --limit, --batch-size and --template, not 'evaluation: limit'", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const evalWith = (...flags: string[]) => run(['--data-dir', dataDir, 'eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', ...flags]);
    for (const [flags, message] of [[['--limit', '0'], "--limit must be a whole number of 1 or more; got '0'."], [['--batch-size', '0'], "--batch-size must be a whole number from 1 to 64; got '0'."], [['--template', 'few-shot:20'], "--template few-shot:K must be a whole number from 1 to 16 (for no examples, write --template zero-shot); got '20'."]] as const) {
      const { code, err } = await evalWith(...flags);
      expect(code, flags.join(' ')).toBe(2);
      expect(err).toContain(`lathe eval: ${message}`);
      expect(err).toContain('Usage: lathe eval');
      expect(err).not.toContain('evaluation:');
    }
    // A number out of range names the value given beside the flag's range, in the words of every number flag (not
    // zod's 'Too small: expected number to be >=1').
    expect((await evalWith('--limit', '0')).err).toContain("lathe eval: --limit must be a whole number of 1 or more; got '0'.\n");
    expect((await evalWith('--limit', '0')).err).not.toContain('Too small');
  });

  it('lathe eval refuses --template few-shot:0 (it would quietly run zero-shot) and points at zero-shot', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const { code, err } = await run(['--data-dir', dataDir, 'eval', '--model', 'm', '--dataset', 'd', '--metrics', 'rouge', '--template', 'few-shot:0']);
    expect(code).toBe(2);
    expect(err).toContain("lathe eval: --template few-shot:K must be a whole number from 1 to 16 (for no examples, write --template zero-shot); got '0'.");
    expect(err).toContain('Usage: lathe eval');
  });
});

describe('an empty list teaches', () => {
  it("'lathe model list' with no models names the commands that bring one in", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-help-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    const { code, out } = await run(['--data-dir', dataDir, 'model', 'list']);
    expect(code).toBe(0);
    expect(out.trim()).toBe("no models yet: import one with 'lathe model import FOLDER', 'lathe model import-llama2c' or 'lathe model import-gguf', or train one with 'lathe pretrain'");
  });
});
