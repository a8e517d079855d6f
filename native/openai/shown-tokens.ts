// Which scored tokens a choice's logprobs may show: those whose text the client has been shown. The engine reports
// a token when it is generated, but holds its text back while it may begin a stop string; when the stop string then
// completes, the held text is never shown, and neither may the logprobs of its tokens be: logprobs never spell text
// the answer lacks. A token the cut goes through (' was' when the stop string is 'was') is not shown either.
// Positions are counted in UTF-8 bytes, which a token's bytes and the released text agree on even while a
// multi-byte character is arriving.
import type { TextTokenizer } from '../text/tokenizer.ts';
import type { ScoredToken } from './generation.ts';
import { tokenBytes } from './token-text.ts';

interface Pending {
  token: ScoredToken;
  /** Where the token's text ends in the choice's generated text. */
  end: number;
}

export class ShownTokens {
  private readonly pending: Pending[] = [];
  private generated = 0;
  private shown = 0;

  constructor(private readonly tokenizer: TextTokenizer) {}

  /** A token was generated; its text may not have been shown yet. */
  generate(token: ScoredToken): void {
    this.generated += tokenBytes(this.tokenizer, token.id).length;
    this.pending.push({ token, end: this.generated });
  }

  /** `text` was shown: the tokens whose text it completes. */
  show(text: string): ScoredToken[] {
    this.shown += Buffer.byteLength(text, 'utf8');
    let k = 0;
    while (k < this.pending.length && this.pending[k].end <= this.shown) k++;
    return this.pending.splice(0, k).map((p) => p.token);
  }

  /**
   * Generation ended. Cut at a stop string, the tokens still pending spelled (part of) the stop string: dropped.
   * Otherwise all the text was shown, so every token is (one whose bytes the decoded text lacks, a special token
   * the decoder skips, would otherwise wait forever).
   */
  finish(cutAtStopString: boolean): ScoredToken[] {
    return cutAtStopString ? [] : this.pending.splice(0).map((p) => p.token);
  }
}
