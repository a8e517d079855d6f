// Drawing attention maps: one canvas pixel per (reading token, read token) pair, the accent colour at an
// opacity equal to the probability, so a head's pattern reads at a glance and the scale is the number itself.
import { useEffect, useState } from 'react';
import { showToken } from '../playground/NextTokenPanel.tsx';

/** The accent colour of the current theme, as CSS resolves it (a canvas cannot take var(); tokens.css always sets it). */
export function accentColor(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
}

/** Changes whenever the theme does (light/dark), so canvases redraw in the new accent. */
export function useThemeName(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? 'light');
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? 'light'));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/** Paint a T×T row-major matrix of probabilities onto `canvas` (sized T×T device pixels; CSS scales it up). */
export function drawHeatmap(canvas: HTMLCanvasElement, matrix: readonly number[], T: number, color: string): void {
  if (canvas.width !== T) canvas.width = T;
  if (canvas.height !== T) canvas.height = T;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, T, T);
  ctx.fillStyle = color;
  for (let q = 0; q < T; q++) {
    for (let k = 0; k <= q; k++) {
      const p = matrix[q * T + k];
      if (p <= 0) continue;
      ctx.globalAlpha = Math.min(1, p);
      ctx.fillRect(k, q, 1, 1);
    }
  }
  ctx.globalAlpha = 1;
}

/** A probability as people read it: 0.4 → '40%', 0.004 → '0.4%'. */
export function percent(p: number): string {
  if (p >= 0.995) return '100%';
  if (p >= 0.1) return `${(p * 100).toFixed(0)}%`;
  if (p >= 0.001) return `${(p * 100).toFixed(1)}%`;
  return p > 0 ? '<0.1%' : '0';
}

/** A vocabulary piece made readable: SentencePiece's ▁, byte-level BPE's Ġ and plain spaces all show as ␣. */
export function pieceLabel(piece: string): string {
  return showToken(piece).replace(/ /g, '␣');
}
