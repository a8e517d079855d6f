// What the accessibility audits share: axe-core run in the page against WCAG 2.0 / 2.1 A and AA with its violations
// as readable lines, the page made still (no transitions mid-way to skew a colour), and the focused element read
// as a Tab stop. Used by accessibility.test.ts (pages at rest) and accessibility-states.test.ts (pages mid-action).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright';
import { expect } from 'vitest';
import { ROOT, showScheme } from './harness.ts';

export const AXE_SOURCE = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
/** Why axe cannot run here, or null. */
export const axeSkipReason = (): string | null => (existsSync(AXE_SOURCE) ? null : `${AXE_SOURCE} is absent (run npm install)`);

/** WCAG 2.0 and 2.1, levels A and AA: what the studio promises. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeNode { target: unknown[]; failureSummary?: string }
interface AxeViolation { id: string; impact: string | null; help: string; helpUrl: string; nodes: AxeNode[] }

/**
 * Stops transitions and animations on the current document. Through the CSSOM: the studio's Content-Security-Policy
 * refuses inline <style> (and inline <script>, which is why axe goes in through evaluate, not addScriptTag).
 */
export async function stillPage(page: Page): Promise<void> {
  await page.evaluate(() => document.styleSheets[0].insertRule('*, *::before, *::after { transition: none !important; animation: none !important; }', document.styleSheets[0].cssRules.length));
}

/** axe's WCAG violations on the page as it stands (or within `context`, a selector), one readable line per rule. */
export async function violations(page: Page, where: string, context = 'html'): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readFileSync(AXE_SOURCE, 'utf8'));
  const found = await page.evaluate(async ({ tags, context }) => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations;
  }, { tags: WCAG_TAGS, context });
  return found.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help} [${v.nodes.length}] ${v.nodes.slice(0, 6).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1).join(' ').trim().slice(0, 140)}` : ''}`).join(' | ')}`);
}

/**
 * The page as it stands, audited in light and then dark without reloading (the studio follows the system scheme
 * live), shot as `shot` in each when given; left light. Fails with every violation of both.
 */
export async function expectAccessibleInBothSchemes(page: Page, where: string, options: { context?: string; shot?: (scheme: 'light' | 'dark') => Promise<void> } = {}): Promise<void> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await showScheme(page, scheme);
    found.push(...(await violations(page, `${where} ${scheme}`, options.context)));
    await options.shot?.(scheme);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found, found.join('\n')).toEqual([]);
}

/** What one Tab stop showed: which control (its a11y-mark), whether an outline was drawn, and how big it is. */
export interface TabStop { mark: string | null; what: string; outlined: boolean; width: number; height: number }

/** The focused element as a Tab stop, or null when focus has left the page's controls (in the page's context). */
export function readTabStop(): TabStop | null {
  const el = document.activeElement as HTMLElement | null;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    mark: el.dataset.a11yMark ?? null,
    what: `${el.tagName.toLowerCase()}[${el.getAttribute('role') ?? el.getAttribute('type') ?? ''}] '${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}'`,
    outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
    width: box.width,
    height: box.height,
  };
}
