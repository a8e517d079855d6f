// Which nodes of a training-step graph compute a weight gradient, split into trainable and frozen weights: the
// proof that LoRA's frozen base costs no weight-gradient work. A weight gradient is a node the backward added
// (absent from the forward graph) of a kind that produces one — MatMul/Gemm (dW = Xᵀ·dY), a scatter (embedding
// rows), a Sum (a tied weight's two gradients) — whose static 2-D output has the weight's shape or its transpose.
// Activations never match: their leading axes are the symbolic batch and sequence sizes.
import type { GraphBuilder } from '../onnx/index.ts';
import type { TrainingGraph } from '../models/training-graph.ts';

const GRADIENT_OPS = new Set(['MatMul', 'Gemm', 'FusedMatMul', 'ScatterND', 'ScatterElements', 'Sum']);

export interface ForwardSnapshot {
  nodes: ReadonlySet<string>;
  /** 'rows x cols' of each 2-D float weight, frozen and trainable apart. */
  frozen: ReadonlyMap<string, string>;
  trainable: ReadonlyMap<string, string>;
}

export interface WeightGradients {
  /** Names of nodes producing a gradient shaped like a frozen weight (should be none). */
  frozen: string[];
  trainable: string[];
}

/** Take before the step is built from `tg.graph` (buildTrainingStep mutates it into the step graph). */
export function forwardSnapshot(tg: TrainingGraph): ForwardSnapshot {
  const trainableNames = new Set(tg.trainable);
  const frozen = new Map<string, string>();
  const trainable = new Map<string, string>();
  for (const init of tg.graph.initializers.values()) {
    if (init.dims.length !== 2 || init.dims.some((d) => d <= 1) || (init.dtype !== 'float32' && init.dtype !== 'float16')) continue;
    (trainableNames.has(init.name) ? trainable : frozen).set(init.name, init.dims.join('x'));
  }
  return { nodes: new Set(tg.graph.nodes.map((n) => n.name)), frozen, trainable };
}

export function weightGradientNodes(step: GraphBuilder, snap: ForwardSnapshot): WeightGradients {
  const keys = (m: ReadonlyMap<string, string>) => new Set([...m.values()].flatMap((k) => [k, k.split('x').reverse().join('x')]));
  const trainableShapes = keys(snap.trainable);
  const frozenShapes = new Set([...keys(snap.frozen)].filter((k) => !trainableShapes.has(k))); // a shared shape proves nothing
  const out: WeightGradients = { frozen: [], trainable: [] };
  for (const n of step.nodes) {
    if (snap.nodes.has(n.name) || !GRADIENT_OPS.has(n.opType)) continue;
    const shape = step.value(n.outputs[0]).shape;
    if (!shape || shape.length !== 2 || !shape.every((d) => typeof d === 'number')) continue;
    const key = shape.join('x');
    if (frozenShapes.has(key)) out.frozen.push(n.name);
    else if (trainableShapes.has(key)) out.trainable.push(n.name);
  }
  return out;
}
