// sacrebleu's word tokenizers for BLEU: '13a' (mteval-v13a.pl, the WMT default), 'intl' (mteval-v14.pl's
// international tokenization on Unicode punctuation and symbols) and 'none'. Each returns the tokenized line
// as one space-separated string, as sacrebleu does; BLEU then splits it on whitespace.
import { pySplit } from './python-text.ts';

export type BleuTokenizerName = '13a' | 'intl' | 'none';
export const BLEU_TOKENIZERS: readonly BleuTokenizerName[] = ['13a', 'intl', 'none'];

/** sacrebleu's `TokenizerRegexp`, the language-dependent part of 13a (assuming Western languages). */
const REGEXP_RULES: [RegExp, string][] = [
  // Separate out ASCII symbols and punctuation other than . , - ' (ranges { to ~, [ to `, space to &, ( to +, : to @, and /).
  [/([{-~[-` -&(-+:-@/])/g, ' $1 '],
  // Separate period and comma unless preceded by a digit…
  [/([^0-9])([.,])/g, '$1 $2 '],
  // …and unless followed by a digit.
  [/([.,])([^0-9])/g, ' $1 $2'],
  // Separate a dash that follows a digit.
  [/([0-9])(-)/g, '$1 $2 '],
];

function tokenizeRegexp(line: string): string {
  for (const [pattern, replacement] of REGEXP_RULES) line = line.replace(pattern, replacement);
  return pySplit(line).join(' ');
}

/** mteval-v13a: drop '<skipped>', join hyphenated line breaks, unescape four HTML entities, then the regexp rules. */
export function tokenize13a(line: string): string {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return tokenizeRegexp(` ${line} `);
}

const INTL_RULES: [RegExp, string][] = [
  // Separate out punctuation preceded by a non-digit…
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  // …and punctuation followed by a non-digit (so 1,000 and 3.14 stay whole).
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  // Separate out symbols.
  [/(\p{S})/gu, ' $1 '],
];

/**
 * mteval-v14 international tokenization. Like the original (and sacrebleu), a number followed by a
 * sentence-final period keeps the period attached, because no character follows it.
 */
export function tokenizeIntl(line: string): string {
  for (const [pattern, replacement] of INTL_RULES) line = line.replace(pattern, replacement);
  return pySplit(line).join(' ');
}

export function bleuTokenizer(name: BleuTokenizerName): (line: string) => string {
  switch (name) {
    case '13a':
      return tokenize13a;
    case 'intl':
      return tokenizeIntl;
    case 'none':
      return (line) => line;
    default:
      throw new Error(`Unknown BLEU tokenizer '${String(name)}': use one of ${BLEU_TOKENIZERS.join(', ')}.`);
  }
}
