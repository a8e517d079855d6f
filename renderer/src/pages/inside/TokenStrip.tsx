// The tokenizer's view of the prompt: one chip per token with its vocabulary piece and id. Byte-fallback
// pieces (`<0xE2>`: one raw byte of a character the vocabulary lacks) are dashed, special tokens (BOS) are
// plain, so it is visible where the model sees words, word pieces or bare bytes.
import type { AttentionMaps } from '../../../../native/api/inside.ts';
import { pieceLabel } from './heatmap.ts';

export function TokenStrip({ maps, focus, onFocus }: { maps: AttentionMaps; focus: number | null; onFocus(index: number | null): void }) {
  const bytes = maps.tokens.filter((t) => t.byteFallback).length;
  return (
    <div className="stack gap-3">
      <div className="token-strip" role="list" aria-label="Tokens" data-testid="token-strip" onMouseLeave={() => onFocus(null)}>
        {maps.tokens.map((t, i) => {
          const covers = maps.text.slice(t.start, t.end);
          const title = `#${i} · id ${t.id} · ${t.piece}${t.special ? ' · special token' : ''}${t.byteFallback ? ` · byte fallback for “${covers}”` : covers ? ` · “${covers}”` : ''}`;
          return (
            <button key={i} type="button" role="listitem" className="token-chip" data-byte={t.byteFallback} data-special={t.special} data-focus={focus === i} data-id={t.id} title={title} aria-label={title} onMouseEnter={() => onFocus(i)} onFocus={() => onFocus(i)}>
              <span className="token-chip-piece">{pieceLabel(t.piece)}</span>
              <span className="token-chip-id">{t.id}</span>
            </button>
          );
        })}
      </div>
      <div className="token-legend">
        <span>{maps.tokens.length} tokens for {maps.text.length} characters</span>
        <span><span className="token-legend-swatch" />piece from the vocabulary (␣ is a space)</span>
        <span><span className="token-legend-swatch" data-byte="true" />byte fallback{bytes ? ` (${bytes} here)` : ' (none here)'}: a raw UTF-8 byte of a character the vocabulary lacks</span>
      </div>
    </div>
  );
}
