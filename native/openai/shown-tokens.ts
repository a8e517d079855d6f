// Which scored tokens a choice's logprobs may show: those whose text the client has been shown. The engine reports
// a token when it is generated, but holds its text back while it may begin a stop string; when the stop string then
// completes, the held text is never shown, and neither may the logprobs of its tokens be: logprobs never spell text
// the answer lacks. A token the cut goes through (' was' when the stop string is 'was') is not shown either.
// Where a token's text ends comes from the engine's own text stream (TokenEvent.textEnd: the continuation as decoded
// after a little prompt context), so the two agree where a token's own bytes would not (a SentencePiece leading space
// the decoder drops, a special token it skips), and nothing is decoded a second time. Each token shown carries that
// stretch of the text (ScoredToken.text), so logprobs spell exactly the answer: clients join them to rebuild it.
import type { ScoredToken } from './generation.ts';

interface Pending {
  token: Omit<ScoredToken, 'text'>;
  /** Where the token's text starts and ends in the choice's generated text, in characters. */
  start: number;
  end: number;
}

export class ShownTokens {
  private readonly pending: Pending[] = [];
  /** The choice's text shown so far. */
  private text = '';
  private generatedEnd = 0;

  /** A token was generated, its text ending at `end` (TokenEvent.textEnd); that text may not have been shown yet. */
  generate(token: Omit<ScoredToken, 'text'>, end: number): void {
    this.pending.push({ token, start: this.generatedEnd, end });
    this.generatedEnd = Math.max(this.generatedEnd, end);
  }

  /** `text` was shown: the tokens whose text it completes. */
  show(text: string): ScoredToken[] {
    this.text += text;
    let k = 0;
    while (k < this.pending.length && this.pending[k].end <= this.text.length) k++;
    return this.release(k);
  }

  /**
   * Generation ended. Cut at a stop string, the tokens still pending spelled (part of) the stop string: dropped.
   * Otherwise all the text was shown, so every token is.
   */
  finish(cutAtStopString: boolean): ScoredToken[] {
    return cutAtStopString ? [] : this.release(this.pending.length);
  }

  private release(count: number): ScoredToken[] {
    return this.pending.splice(0, count).map((p) => ({ ...p.token, text: this.text.slice(p.start, p.end) }));
  }
}
