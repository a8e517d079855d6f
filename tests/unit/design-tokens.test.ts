// The design tokens hold every colour the renderer draws with (renderer/src/styles/tokens.css), charts' series
// included: each series token is set for light and for dark, keeps 3:1 against every surface a chart sits on in
// its theme (WCAG 1.4.11, graphical objects), and the charts take their colours from those tokens only. No
// TypeScript or page stylesheet of the renderer writes a colour of its own (a hex value has no dark variant).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERIES_COLORS } from '../../renderer/src/ui/charts/scale.ts';

const RENDERER = path.resolve(import.meta.dirname, '../../renderer/src');
const TOKENS = path.join(RENDERER, 'styles/tokens.css');

/** The custom properties set in the first block that `selector` opens (comments dropped). */
function block(css: string, selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`${TOKENS}: no '${selector} {' block`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

const css = readFileSync(TOKENS, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const themes = { light: block(css, ':root'), dark: { ...block(css, ':root'), ...block(css, ":root[data-theme='dark']") } };

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`${hex} is not a #rrggbb colour`);
  const [r, g, b] = m.slice(1).map((h) => {
    const v = parseInt(h, 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Every surface a chart is drawn on: the page, a card, a raised card or dialog, a sunken panel or bar track. */
const SURFACES = ['--bg', '--surface', '--surface-raised', '--surface-sunken'];

/** Files under `dir` whose name ends in one of `exts`. */
function files(dir: string, exts: string[]): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => exts.some((e) => f.endsWith(e))).map((f) => path.join(dir, f));
}

describe('chart series colours', () => {
  const tokens = SERIES_COLORS.map((c) => /^var\((--series-\d+)\)$/.exec(c)?.[1] ?? c);

  it('are the --series-N tokens, in order', () => {
    expect(tokens).toEqual(SERIES_COLORS.map((_, i) => `--series-${i + 1}`));
  });

  it.each(['light', 'dark'] as const)('keep 3:1 against every chart surface in %s', (theme) => {
    const set = themes[theme];
    const low: string[] = [];
    for (const token of tokens) {
      expect(set[token], `${TOKENS}: ${token} is not set for ${theme}`).toMatch(/^#[0-9a-f]{6}$/i);
      for (const surface of SURFACES) {
        const ratio = contrast(set[token], set[surface]);
        if (ratio < 3) low.push(`${token} ${set[token]} on ${surface} ${set[surface]}: ${ratio.toFixed(2)}:1`);
      }
    }
    expect(low, `under 3:1 in ${theme} (WCAG 1.4.11), in ${TOKENS}`).toEqual([]);
  });

  it('have their own dark values, not the light ones', () => {
    const declaredDark = block(css, ":root[data-theme='dark']");
    expect(tokens.filter((t) => !declaredDark[t] || declaredDark[t].toLowerCase() === themes.light[t].toLowerCase())).toEqual([]);
  });
});

/** The declarations of the first rule in `file` whose selector list starts with `selector`. */
function rule(file: string, selector: string): string {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const start = text.indexOf(`${selector}`);
  if (start < 0) throw new Error(`${file}: no rule for '${selector}'`);
  return text.slice(text.indexOf('{', start) + 1, text.indexOf('}', start));
}

describe('a segmented control\'s chosen option', () => {
  const COMPONENTS = path.join(RENDERER, 'styles/components.css');
  const tokenIn = (declarations: string, property: string): string => {
    const value = new RegExp(`(?:^|;)\\s*${property}:\\s*([^;]+)`).exec(declarations)?.[1] ?? '';
    const token = /var\((--[\w-]+)\)/.exec(value)?.[1];
    if (!token) throw new Error(`${COMPONENTS}: ${property} names no var(--token): '${value}'`);
    return token;
  };
  const track = tokenIn(rule(COMPONENTS, '.segmented {'), 'background');
  // its edge: the colour of the box-shadow ring (or border) of the chosen option's rule
  const chosen = rule(COMPONENTS, ".segmented button[aria-checked='true']");
  const edge = tokenIn(chosen, /box-shadow/.test(chosen) ? 'box-shadow' : 'border-color');

  it.each(['light', 'dark'] as const)('stands out from its track at 3:1 in %s', (theme) => {
    const set = themes[theme];
    const ratio = contrast(set[edge], set[track]);
    expect(ratio, `${edge} ${set[edge]} on ${track} ${set[track]} in ${theme}: ${ratio.toFixed(2)}:1, under 3:1 (WCAG 1.4.11)`).toBeGreaterThanOrEqual(3);
  });
});

describe('colours come from the design tokens only', () => {
  it('no renderer TypeScript writes a colour literal (hex, rgb(), hsl()) in a string', () => {
    const found: string[] = [];
    for (const file of files(RENDERER, ['.ts', '.tsx'])) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '');
        if (/['"`][^'"`]*(#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\()/i.test(code)) found.push(`${path.relative(RENDERER, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found, 'write var(--token) instead, adding the token to styles/tokens.css with light and dark values').toEqual([]);
  });

  it('no stylesheet but tokens.css sets a hex colour', () => {
    const found: string[] = [];
    for (const file of files(RENDERER, ['.css']).filter((f) => f !== TOKENS)) {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
      text.split('\n').forEach((line, i) => {
        if (/#[0-9a-f]{3,8}\b/i.test(line)) found.push(`${path.relative(RENDERER, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });
});
