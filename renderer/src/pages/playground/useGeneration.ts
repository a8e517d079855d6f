// One streamed generation: start it, append generate.token events as they arrive, finish on generate.done /
// generate.failed, cancel on demand. Events can arrive before generate.start's answer (they travel on the event
// stream, the answer on the request), so events for ids not yet known are held briefly and replayed.
import { useCallback, useRef, useState } from 'react';
import type { EventPayload, Params, StudioEvent } from '../../../../native/api/contract.ts';
import { useStudio, useStudioEvents } from '../../app/StudioContext.tsx';
import { errorMessage } from '../../api/errors.ts';

export type TokenPiece = Pick<EventPayload<'generate.token'>, 'text' | 'token' | 'logprob' | 'top' | 'tokenId'>;

export interface GenerationState {
  status: 'idle' | 'running' | 'done' | 'failed';
  text: string;
  tokens: TokenPiece[];
  done: EventPayload<'generate.done'> | null;
  error: string | null;
}

const IDLE: GenerationState = { status: 'idle', text: '', tokens: [], done: null, error: null };
type GenEvent = Extract<StudioEvent, { type: 'generate.token' | 'generate.done' | 'generate.failed' }>;

export function useGeneration(): { state: GenerationState; start(params: Params<'generate.start'>): Promise<void>; cancel(): void; reset(): void } {
  const studio = useStudio();
  const [state, setState] = useState<GenerationState>(IDLE);
  const current = useRef<string | null>(null);
  const early = useRef(new Map<string, GenEvent[]>());
  /** Stop was asked before generate.start answered: cancel as soon as the id is known. */
  const stopWhenKnown = useRef(false);

  const apply = useCallback((e: GenEvent) => {
    if (e.type === 'generate.token') {
      const { text, token, logprob, top, tokenId } = e.payload;
      setState((s) => ({ ...s, text: s.text + text, tokens: tokenId >= 0 ? [...s.tokens, { text, token, logprob, top, tokenId }] : s.tokens }));
    } else if (e.type === 'generate.done') {
      current.current = null;
      setState((s) => ({ ...s, status: 'done', text: e.payload.text, done: e.payload }));
    } else {
      current.current = null;
      setState((s) => ({ ...s, status: 'failed', error: e.payload.message }));
    }
  }, []);

  useStudioEvents((event) => {
    if (event.type !== 'generate.token' && event.type !== 'generate.done' && event.type !== 'generate.failed') return;
    const id = event.payload.generationId;
    if (id === current.current) apply(event);
    else if (current.current === '') {
      // A start is in flight: this may be its first events.
      const list = early.current.get(id) ?? [];
      list.push(event);
      early.current.set(id, list);
    }
  });

  const start = useCallback(async (params: Params<'generate.start'>) => {
    current.current = '';
    stopWhenKnown.current = false;
    early.current.clear();
    setState({ ...IDLE, status: 'running' });
    try {
      const { generationId } = await studio.call('generate.start', params);
      current.current = generationId;
      for (const e of early.current.get(generationId) ?? []) if (current.current === generationId) apply(e);
      early.current.clear();
      if (stopWhenKnown.current && current.current === generationId) void studio.call('generate.cancel', { generationId }).catch(() => undefined);
    } catch (err) {
      current.current = null;
      setState({ ...IDLE, status: 'failed', error: errorMessage(err) });
    }
  }, [studio, apply]);

  const cancel = useCallback(() => {
    const id = current.current;
    if (id === '') stopWhenKnown.current = true;
    if (id) void studio.call('generate.cancel', { generationId: id }).catch(() => undefined);
  }, [studio]);

  // Forgets the generation shown: its late events (a cancel's 'cancelled') no longer land in the cleared pane.
  const reset = useCallback(() => {
    if (current.current !== '') current.current = null;
    setState(IDLE);
  }, []);
  return { state, start, cancel, reset };
}
