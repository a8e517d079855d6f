// `lathe runs tag|note|delete`: what a person writes on a run (tags to find it again, a note on why it was run
// or what it showed) and removing a run that is not worth keeping. The Runs page does the same.
import { MAX_RUN_TAGS, RunTag } from '../api/schemas.ts';
import { UserError, type CliCommand } from './command.ts';
import { callStudio } from './studio-call.ts';
import { formatFields } from './table.ts';

const TAG_USAGE = 'lathe runs tag RUN TAG… [--remove] [--json]';
const NOTE_USAGE = 'lathe runs note RUN TEXT [--json]';
const DELETE_USAGE = 'lathe runs delete RUN [--json]';

/** Each TAG checked as the API will check it, so the message names the tag that is wrong. */
function parseTags(words: string[]): string[] {
  return words.map((word) => {
    const parsed = RunTag.safeParse(word);
    if (!parsed.success) throw new UserError(`TAG '${word}': ${parsed.error.issues[0].message}.\nUsage: ${TAG_USAGE}`);
    return parsed.data;
  });
}

export const commands: CliCommand[] = [
  {
    path: ['runs', 'tag'],
    summary: 'Add tags to a run (or remove them with --remove)',
    usage: TAG_USAGE,
    help: { remove: 'remove these tags instead of adding them (default: add)' },
    positionals: true,
    options: { remove: { type: 'boolean' } },
    async run({ values, positionals }, ctx) {
      if (positionals.length < 2) throw new UserError(`give a run id and at least one tag.\nUsage: ${TAG_USAGE}`);
      const [id, ...words] = positionals;
      const tags = parseTags(words);
      const run = await callStudio(ctx, 'runs.get', { id });
      const next = values.remove ? run.tags.filter((t) => !tags.includes(t)) : [...new Set([...run.tags, ...tags])];
      if (next.length > MAX_RUN_TAGS) throw new UserError(`a run has at most ${MAX_RUN_TAGS} tags; ${run.id} has ${run.tags.length} and this adds ${next.length - run.tags.length}. Remove some with --remove first.`);
      const updated = await callStudio(ctx, 'runs.update', { id: run.id, tags: next });
      ctx.print(updated, () => formatFields([['run', `${updated.id}  ${updated.name}`], ['tags', updated.tags.join(', ') || '—']]));
    },
  },
  {
    path: ['runs', 'note'],
    summary: "Write a run's note (replaces the old one; '' clears it)",
    usage: NOTE_USAGE,
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 2) throw new UserError(`give a run id and the note as one argument (quote it).\nUsage: ${NOTE_USAGE}`);
      const updated = await callStudio(ctx, 'runs.update', { id: positionals[0], note: positionals[1] });
      ctx.print(updated, () => formatFields([['run', `${updated.id}  ${updated.name}`], ['note', updated.note || '—']]));
    },
  },
  {
    path: ['runs', 'delete'],
    summary: "Delete a finished run: its record, metrics, artifacts' records and its runs/<id>/ folder",
    usage: DELETE_USAGE,
    positionals: true,
    async run({ positionals }, ctx) {
      if (positionals.length !== 1) throw new UserError(`give one run id.\nUsage: ${DELETE_USAGE}`);
      const result = await callStudio(ctx, 'runs.delete', { id: positionals[0] });
      ctx.print(result, () => `Deleted run ${positionals[0]}.`);
    },
  },
];
