// Every layer × head as a small attention map (bertviz's "model view"): rows are layers, columns heads. One
// cell is selected and enlarged beside the grid; arrow keys move the selection (Home/End jump along a row),
// so the whole model can be scanned from the keyboard.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { AttentionMaps } from '../../../../native/api/inside.ts';
import { accentColor, drawHeatmap, useThemeName } from './heatmap.ts';

export interface HeadRef {
  layer: number;
  head: number;
}

function Cell({ matrix, T, layer, head, selected, kvGroup, theme, onSelect }: { matrix: number[]; T: number; layer: number; head: number; selected: boolean; kvGroup: number | null; theme: string; onSelect(): void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) drawHeatmap(canvas.current, matrix, T, accentColor());
  }, [matrix, T, theme]);
  const label = `Layer ${layer + 1}, head ${head + 1}${kvGroup !== null ? ` (key/value head ${kvGroup + 1})` : ''}`;
  return (
    <button type="button" role="gridcell" className="attention-cell" aria-selected={selected} aria-label={label} title={label} tabIndex={selected ? 0 : -1} data-layer={layer} data-head={head} onClick={onSelect}>
      <canvas ref={canvas} aria-hidden />
    </button>
  );
}

export function AttentionGrid({ maps, selected, onSelect }: { maps: AttentionMaps; selected: HeadRef; onSelect(h: HeadRef): void }) {
  const theme = useThemeName();
  const grid = useRef<HTMLDivElement>(null);
  const T = maps.tokens.length;
  const groupSize = maps.heads / maps.kvHeads;

  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const deltas: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    let next: HeadRef | null = null;
    if (deltas[e.key]) {
      const [dl, dh] = deltas[e.key];
      next = { layer: Math.max(0, Math.min(maps.layers - 1, selected.layer + dl)), head: Math.max(0, Math.min(maps.heads - 1, selected.head + dh)) };
    } else if (e.key === 'Home') next = { layer: selected.layer, head: 0 };
    else if (e.key === 'End') next = { layer: selected.layer, head: maps.heads - 1 };
    if (!next) return;
    const target = next;
    e.preventDefault();
    onSelect(target);
    // Roving focus: the newly selected cell takes the focus the old one had.
    requestAnimationFrame(() => grid.current?.querySelector<HTMLElement>(`[data-layer="${target.layer}"][data-head="${target.head}"]`)?.focus());
  };

  return (
    <div ref={grid} role="grid" aria-label={`Attention maps: ${maps.layers} layers × ${maps.heads} heads`} data-testid="attention-grid" className="attention-grid" style={{ gridTemplateColumns: `auto repeat(${maps.heads}, minmax(0, 1fr))` }} onKeyDown={move}>
      <div role="row" className="grid-row">
        <span className="attention-grid-label" role="columnheader" />
        {Array.from({ length: maps.heads }, (_, h) => <span key={h} role="columnheader" className="attention-grid-label">H{h + 1}</span>)}
      </div>
      {maps.attentions.map((heads, l) => (
        <div key={l} role="row" className="grid-row">
          <span role="rowheader" className="attention-grid-label">L{l + 1}</span>
          {heads.map((matrix, h) => (
            <Cell key={h} matrix={matrix} T={T} layer={l} head={h} theme={theme} selected={selected.layer === l && selected.head === h} kvGroup={groupSize > 1 ? Math.floor(h / groupSize) : null} onSelect={() => onSelect({ layer: l, head: h })} />
          ))}
        </div>
      ))}
    </div>
  );
}
