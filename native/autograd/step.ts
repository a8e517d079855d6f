// Training-step graphs: forward + backward + optimiser in one ONNX graph, or a gradient graph with accumulators
// plus an apply graph for micro-batching, and which updates may be written over their inputs. The one runtime that
// runs them is TrainingSession (training-session.ts); frozen weights stay inside the graph as initializers.
import type { GraphBuilder, Node, TensorData, Value } from '../onnx/index.ts';
import { GraphBuilder as Builder } from '../onnx/index.ts';
import { appendBackward } from './backward.ts';
import { type OptimizerSpec, type ParamSlots, appendOptimizer } from './optim.ts';

export interface TrainingStepSpec {
  loss: Value;
  /** Trainable weights by name: initializers (they become inputs) or inputs. Other weights stay frozen. */
  trainable: readonly string[];
  optimizer: OptimizerSpec;
  clipNorm?: number;
  /** Micro-batches per optimiser step; above 1 a gradient graph with accumulators and an apply graph are built. */
  microBatches?: number;
  /** Scalars of the forward reported with the loss (outputs `metric.<name>`), e.g. DPO's rewards. */
  metrics?: Readonly<Record<string, Value>>;
}

/** The output name of a reported scalar. */
export const metricOutput = (name: string): string => `metric.${name}`;

export interface TrainingStepGraphs {
  /** One graph (forward, backward, update) or, with micro-batches, the gradient-accumulation graph. */
  step: GraphBuilder;
  /** With micro-batches: the graph that applies the accumulated gradients. */
  apply?: GraphBuilder;
  slots: ParamSlots[];
  /** Initial values of the trainable weights (taken from the initializers they were). */
  initial: Map<string, { data: TensorData; dims: readonly number[] }>;
  spec: TrainingStepSpec;
  /**
   * Parameters and state tensors whose update may be written over the tensor fed in (every node that reads it runs
   * before the node that writes the update, by data dependence), so no second copy is needed. Absent: none.
   */
  inPlace?: ReadonlySet<string>;
}

/** Ops whose output ORT may alias to their input's buffer: a reader of such a view reads the input. */
const VIEW_OPS = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Dropout']);

/** The slot tensors whose updated value (output `new.<name>`) can safely be written into the input's own buffer. */
function inPlaceNames(g: GraphBuilder, slots: readonly ParamSlots[]): Set<string> {
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const safe = new Set<string>();
  for (const [input, output] of slots.flatMap((s) => [[s.param, s.newParam], ...s.state.map((n, i) => [n, s.newState[i]])])) {
    const writer = g.producer(output);
    if (!writer || VIEW_OPS.has(writer.opType)) continue;
    const before = new Set(g.nodesFor([output]));
    const views = [input];
    let ok = true;
    for (let i = 0; i < views.length && ok; i++) {
      if (i > 0 && outputs.has(views[i])) ok = false;
      for (const n of readers.get(views[i]) ?? []) {
        if (!before.has(n)) ok = false;
        else if (VIEW_OPS.has(n.opType)) views.push(...n.outputs);
      }
    }
    if (ok) safe.add(input);
  }
  return safe;
}

/** Turn a forward graph with a scalar loss into training-step graph(s). Mutates and returns `g` as `step`. */
export function buildTrainingStep(g: GraphBuilder, spec: TrainingStepSpec): TrainingStepGraphs {
  const initial = new Map<string, { data: TensorData; dims: readonly number[] }>();
  const params = spec.trainable.map((name) => {
    if (g.initializers.has(name)) {
      const init = g.promoteToInput(name);
      initial.set(name, { data: init.data, dims: init.dims });
    } else if (!g.inputs.some((v) => v.name === name)) {
      throw new Error(`buildTrainingStep: '${name}' is neither an initializer nor an input of graph '${g.name}'`);
    }
    return g.value(name);
  });
  const grads = appendBackward(g, spec.loss, params);
  g.output(spec.loss, 'loss');
  for (const [name, v] of Object.entries(spec.metrics ?? {})) g.output(v, metricOutput(name));
  if ((spec.microBatches ?? 1) <= 1) {
    const { slots } = appendOptimizer(g, { params, grads, optimizer: spec.optimizer, clipNorm: spec.clipNorm });
    return { step: g, slots, initial, spec, inPlace: inPlaceNames(g, slots) };
  }
  for (const p of params) {
    const acc = g.input(`acc.${p.name}`, p.dtype, p.shape ?? []);
    g.output(g.op('Add', [acc, grads.get(p.name)!]), `new.acc.${p.name}`);
  }
  const apply = new Builder({ name: `${g.name}_apply`, opset: g.opset });
  const applyParams = params.map((p) => apply.input(p.name, p.dtype, p.shape ?? []));
  const applyGrads = new Map(params.map((p) => [p.name, apply.input(`acc.${p.name}`, p.dtype, p.shape ?? [])]));
  const gradScale = apply.input('grad_scale', params[0].dtype, []);
  const { slots } = appendOptimizer(apply, { params: applyParams, grads: applyGrads, optimizer: spec.optimizer, clipNorm: spec.clipNorm, gradScale });
  return { step: g, apply, slots, initial, spec, inPlace: inPlaceNames(apply, slots) };
}
