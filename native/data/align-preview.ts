// What alignment training would read from a dataset, before anything runs: the first preference pairs (prompt /
// chosen / rejected, read exactly as the DPO and reward trainers read them) or labelled texts (text / label, as the
// classifier reads them), and every row that makes no example, named by its record number in the imported file —
// the number the trainer's own error would give. The page shows this beside the method it is about to start.
import { ALIGN_PREVIEW_CHECKED, type AlignPreview } from '../api/align.ts';
import { StudioError } from '../api/errors.ts';
import type { Dataset } from '../api/schemas.ts';
import { datasetDir, readRows } from './files.ts';
import { missingPairFields, preferencePair, preferenceStyle, PreferenceRowError, type PreferenceStyle } from './preferences.ts';

const MAX_PROBLEMS = 50;
const SPLITS = ['train', 'validation'] as const;
type Split = (typeof SPLITS)[number];

/** The kind a mapping reads as when none is asked for: pairs when chosen and rejected are mapped, else labels. */
export const alignDataKind = (mapping: Dataset['mapping']): 'pairs' | 'labels' => (mapping.chosen !== undefined && mapping.rejected !== undefined ? 'pairs' : 'labels');

/**
 * Why this mapping cannot feed `kind`, or null when it can: the sentence (the engine's, with the command that maps
 * columns) and the mapping fields it lacks, for a page that words its own.
 */
function unusableReason(dataset: Dataset, kind: 'pairs' | 'labels'): { style: PreferenceStyle | null; unusable: string | null; missing: string[] } {
  if (kind === 'pairs') {
    try {
      return { style: preferenceStyle(dataset.mapping, dataset.name), unusable: null, missing: [] };
    } catch (err) {
      if (err instanceof StudioError) return { style: null, unusable: err.message, missing: missingPairFields(dataset.mapping) };
      throw err;
    }
  }
  const missing = ['text', 'label'].filter((f) => dataset.mapping[f] === undefined);
  return { style: null, unusable: missing.length ? `dataset ${dataset.name}: a classifier reward needs the mapping fields text and label (missing: ${missing.join(', ')}); map them on the Datasets page` : null, missing };
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function alignPreview(dataDir: string, dataset: Dataset, opts: { kind?: 'pairs' | 'labels'; limit: number }): AlignPreview {
  const kind = opts.kind ?? alignDataKind(dataset.mapping);
  const { style, unusable, missing } = unusableReason(dataset, kind);
  const out: AlignPreview = { dataset: dataset.name, kind, mapping: dataset.mapping, style, unusable, missing, total: 0, checked: 0, valid: 0, pairs: [], texts: [], labels: [], problems: [], problemCount: 0 };
  for (const split of SPLITS) out.total += dataset.splits[split] ?? 0;
  if (unusable) return out;
  const labelCounts = new Map<string, number>();
  const problem = (row: number, split: Split, field: string, reason: string) => {
    out.problemCount++;
    if (out.problems.length < MAX_PROBLEMS) out.problems.push({ row, split, field, column: dataset.mapping[field] ?? null, reason });
  };
  const dir = datasetDir(dataDir, dataset.id);
  for (const split of SPLITS) {
    const budget = ALIGN_PREVIEW_CHECKED - out.checked;
    const count = Math.min(dataset.splits[split] ?? 0, budget);
    if (count <= 0) continue;
    const { rows, indices } = readRows(dir, split, 0, count);
    rows.forEach((values, i) => {
      const row = indices[i] + 1;
      out.checked++;
      if (kind === 'pairs') {
        try {
          const pair = preferencePair(values, dataset.mapping, style!);
          out.valid++;
          if (out.pairs.length < opts.limit) out.pairs.push({ row, split, ...pair });
        } catch (err) {
          if (!(err instanceof PreferenceRowError)) throw err;
          problem(row, split, err.field, err.message);
        }
        return;
      }
      const text = cell(values[dataset.mapping.text]).trim();
      const label = cell(values[dataset.mapping.label]).trim();
      if (text === '') return problem(row, split, 'text', 'the text is empty');
      if (label === '') return problem(row, split, 'label', 'the label is empty');
      if (split === 'train') labelCounts.set(label, (labelCounts.get(label) ?? 0) + 1);
      else if (!labelCounts.has(label)) return problem(row, split, 'label', `the label '${label}' never occurs in the training split, so the classifier has no class for it`);
      out.valid++;
      if (out.texts.length < opts.limit) out.texts.push({ row, split, text, label });
    });
  }
  out.labels = [...labelCounts].sort(([a], [b]) => a.localeCompare(b)).map(([label, count]) => ({ label, count }));
  return out;
}
