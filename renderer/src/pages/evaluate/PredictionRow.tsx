// One row of Evaluate's first predictions: the prediction over its reference, each clipped to two lines (evaluate.css)
// beside its score. A clipped row has a Show all button that shows both texts whole in place, and Show less that clips
// them again: the title tooltip that held the whole text reaches only a mouse, not the keyboard or a touch screen.
import { useId, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { EvalExample } from '../../../../native/api/eval.ts';
import { Button } from '../../ui/primitives.tsx';
import { formatMetric } from './metrics.ts';

/** Whether any of the elements is cut short by its clip (its text taller than its box), kept up to date as they resize. */
function useClipped(elements: readonly RefObject<HTMLElement | null>[], measure: boolean): boolean {
  const [clipped, setClipped] = useState(false);
  useLayoutEffect(() => {
    if (!measure) return;
    const shown = elements.map((e) => e.current).filter((e): e is HTMLElement => e !== null);
    const check = () => setClipped(shown.some((e) => e.scrollHeight > e.clientHeight + 1));
    check();
    const observer = new ResizeObserver(check);
    shown.forEach((e) => observer.observe(e));
    return () => observer.disconnect();
  }, [elements, measure]);
  return clipped;
}

export function PredictionRow({ example, scoreName }: { example: EvalExample; scoreName: string }) {
  const [whole, setWhole] = useState(false);
  const prediction = useRef<HTMLDivElement>(null);
  const reference = useRef<HTMLDivElement>(null);
  const [texts] = useState(() => [prediction, reference]);
  // measured while clipped; once open the row keeps its Show less, whatever the width
  const clipped = useClipped(texts, !whole);
  const textsId = useId();
  const clip = whole ? 'cell-whole' : 'cell-clip';
  return (
    <tr>
      <td>
        <div id={textsId}>
          <div ref={prediction} className={clip} title={whole ? undefined : example.prediction || undefined}>{example.prediction || <span className="faint">(empty)</span>}</div>
          <div className="eval-preview-ref"><span className="visually-hidden">Reference: </span><div ref={reference} className={`${clip} muted`} title={whole ? undefined : example.references[0]}>{example.references[0]}</div></div>
        </div>
        {(whole || clipped) && (
          <Button variant="ghost" size="sm" className="btn-link eval-preview-toggle" aria-expanded={whole} aria-controls={textsId} onClick={() => setWhole(!whole)}>
            {whole ? 'Show less' : 'Show all'}
          </Button>
        )}
      </td>
      <td className="num mono">{example.scores[scoreName] === undefined ? '—' : formatMetric(scoreName, example.scores[scoreName])}</td>
    </tr>
  );
}
