// Perplexity and bits per byte from summed negative log-likelihoods. The model side (running the model and
// summing −log p of each target token, in nats) produces LanguageModelLoss parts; these functions only
// aggregate, so that a corpus split into batches or documents gives exactly the corpus-level figure:
// sums are added first and the ratio taken once, never an average of per-batch perplexities.

export interface LanguageModelLoss {
  /** Sum over scored tokens of −ln p(token | context), in nats. */
  nll: number;
  /** Number of tokens whose loss is in `nll`. */
  tokens: number;
  /** UTF-8 bytes of the text those tokens cover (for bits per byte, which is comparable across tokenizers). */
  bytes: number;
}

/** Add up losses from batches or documents. */
export function sumLosses(parts: readonly LanguageModelLoss[]): LanguageModelLoss {
  const total = { nll: 0, tokens: 0, bytes: 0 };
  for (const part of parts) {
    if (!(part.nll >= 0) || !(part.tokens >= 0) || !(part.bytes >= 0)) {
      throw new Error(`A loss part must have non-negative nll, tokens and bytes; got ${JSON.stringify(part)}.`);
    }
    total.nll += part.nll;
    total.tokens += part.tokens;
    total.bytes += part.bytes;
  }
  return total;
}

/** Mean negative log-likelihood per token, in nats (the usual "loss"). */
export function meanTokenNll(loss: Pick<LanguageModelLoss, 'nll' | 'tokens'>): number {
  if (loss.tokens <= 0) throw new Error('Perplexity needs at least one scored token.');
  return loss.nll / loss.tokens;
}

/** Token-level perplexity: exp(total NLL / token count). Depends on the tokenizer; compare models that share one. */
export function perplexity(loss: Pick<LanguageModelLoss, 'nll' | 'tokens'>): number {
  return Math.exp(meanTokenNll(loss));
}

/**
 * Bits per byte: total NLL converted to bits, divided by the UTF-8 byte count of the text. Independent of the
 * tokenizer, so models with different vocabularies can be compared.
 */
export function bitsPerByte(loss: Pick<LanguageModelLoss, 'nll' | 'bytes'>): number {
  if (loss.bytes <= 0) throw new Error('Bits per byte needs a text of at least one byte.');
  return loss.nll / (Math.LN2 * loss.bytes);
}

/** UTF-8 byte length of a text, for the `bytes` field. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
