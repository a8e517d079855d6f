// Which parser reads a file, from its name: .jsonl/.ndjson, .json, .csv, .tsv, each optionally .gz.
import path from 'node:path';
import { StudioError } from '../api/errors.ts';

export type DataFormat = 'jsonl' | 'json' | 'csv' | 'tsv';

const EXTENSIONS: Record<string, DataFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'json', '.csv': 'csv', '.tsv': 'tsv' };

export const SUPPORTED_EXTENSIONS = ['.jsonl', '.ndjson', '.json', '.csv', '.tsv'].flatMap((e) => [e, `${e}.gz`]);

/** `shown`: the name the user knows the file by (an upload's original name), for the message. */
export function detectFormat(file: string, shown = path.basename(file)): { format: DataFormat; compressed: boolean } {
  const lower = file.toLowerCase();
  const compressed = lower.endsWith('.gz');
  const ext = path.extname(compressed ? lower.slice(0, -3) : lower);
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new StudioError('invalid_params', `${shown}: unknown dataset format '${ext || '(no extension)'}'. Lathe imports ${SUPPORTED_EXTENSIONS.join(', ')}; rename the file if it is one of these.`, {
      file: shown,
      hint: `rename the file to one of ${SUPPORTED_EXTENSIONS.join(', ')}`,
    });
  }
  return { format, compressed };
}
