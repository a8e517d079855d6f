// What to import when a project has no preference data, and how: the shape of a preference pair with one example
// row, the layouts that are recognised on import, the way in on the Datasets page and the same from a terminal.
// Shown by the Align page in place of a new run when the project has no dataset, and in the data preview when its
// datasets hold no pairs (DPO, or a pairwise reward model, picked).
import { cliCommand } from '../../../../native/api/labels.ts';
import { CodeBlock } from '../../ui/primitives.tsx';

/** `s` as one shell word: bare when it is plainly safe, else in single quotes. */
export function shellWord(s: string): string {
  return /^[\w./:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** One row of preference pairs, as a JSONL line. */
export const EXAMPLE_PAIR = '{"prompt": "Tell a story about a fox.", "chosen": "The fox shared its berries, and the two were friends.", "rejected": "The fox ate every berry alone."}';

export function PreferenceDataHelp({ projectName }: { projectName: string }) {
  return (
    <div className="stack al-data-help" data-testid="preference-data-help">
      <p>
        DPO and a pairwise reward model learn from <strong>preference pairs</strong>: per row, a prompt with a <strong>chosen</strong> (better) and
        a <strong>rejected</strong> (worse) answer. One line of a JSONL file:
      </p>
      <CodeBlock label="An example preference pair">{EXAMPLE_PAIR}</CodeBlock>
      <p>
        Import a file of them (JSONL, JSON, CSV or TSV; .gz too) on the Datasets page with <strong>Import a file</strong>. Columns named prompt,
        chosen and rejected are mapped on import, and so are LLaMA-Factory’s conversations / chosen / rejected and HH-RLHF’s chosen and rejected
        transcripts. From a terminal:
      </p>
      <CodeBlock label="The same from a terminal">{cliCommand(`dataset import pairs.jsonl --name pairs --project ${shellWord(projectName)}`)}</CodeBlock>
      <p className="muted small">
        A classifier reward model reads texts with a label instead (text, label), and PPO reads prompts: either kind of dataset opens this page’s
        other methods.
      </p>
    </div>
  );
}
