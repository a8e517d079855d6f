// A Chromium page standing in for the desktop app: its window.lathe plays Electron's preload (electron/preload.ts) —
// the Studio API over this server's HTTP, a pickPath that records the dialog options it was asked for and answers
// the envelope the test set last, and a revealArtifact that resolves the artifact through the engine as main does
// (electron/reveal.ts) and records it. Main's own checks are unit-tested (electron-pick-path, electron-reveal).
import type { Page } from 'playwright';
import type { StudioInChromium } from './harness.ts';

type DesktopState = { picks: unknown[]; pickAnswer: unknown; revealed: { id: unknown; answer: unknown }[] };

export interface DesktopWindow {
  page: Page;
  /** What the next dialogs answer: an envelope, { ok: true, result: path | null } or { ok: false, error }. */
  answerPicks(answer: unknown): Promise<void>;
  /** The options of the dialogs asked for since the last call. */
  picks(): Promise<unknown[]>;
  /** The artifacts revealed so far, with what the engine answered for each. */
  revealed<T = unknown>(): Promise<{ id: unknown; answer: T }[]>;
}

/**
 * A new page whose window has the desktop bridge; `pickAnswer` is what dialogs answer until answerPicks (default: a
 * cancel), `projectId` the current project it opens on. Its errors go to the file's pageErrors.
 */
export async function openDesktopWindow(e2e: Pick<StudioInChromium, 'studio' | 'browser' | 'pageErrors'>, options: { pickAnswer?: unknown; projectId?: string } = {}): Promise<DesktopWindow> {
  const { studio, browser, pageErrors } = e2e;
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.addInitScript(({ token, pickAnswer, projectId }) => {
    if (projectId) window.localStorage.setItem('lathe.currentProject', projectId);
    const call = async (method: string, params: unknown) => {
      const r = await fetch(`/api/rpc/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify(params) });
      const body = await r.json();
      return r.ok ? { ok: true, result: body.result } : { ok: false, error: body.error };
    };
    const state: DesktopState = { picks: [], pickAnswer, revealed: [] };
    Object.assign(window, state, {
      lathe: {
        call,
        listen(listener: (e: unknown) => void) {
          const source = new EventSource(`/api/events?token=${token}`);
          source.onmessage = (m) => { try { listener(JSON.parse(m.data)); } catch { /* keep-alive */ } };
          return () => source.close();
        },
        async pickPath(asked: unknown) {
          const w = window as unknown as DesktopState;
          w.picks.push(asked);
          return w.pickAnswer;
        },
        async revealArtifact(id: unknown) {
          const answer = await call('deploy.locateArtifact', { id });
          (window as unknown as DesktopState).revealed.push({ id, answer });
          return answer.ok ? { ok: true, result: { path: answer.result.path } } : answer;
        },
      },
    });
  }, { token: studio.token, pickAnswer: options.pickAnswer ?? { ok: true, result: null }, projectId: options.projectId ?? null });
  return {
    page,
    answerPicks: (answer) => page.evaluate((a) => { (window as unknown as DesktopState).pickAnswer = a; }, answer),
    picks: () => page.evaluate(() => (window as unknown as DesktopState).picks.splice(0)),
    revealed: <T,>() => page.evaluate(() => (window as unknown as DesktopState).revealed) as Promise<{ id: unknown; answer: T }[]>,
  };
}
