// The graph TrainingSession.evaluate runs: the step graph cut down to the nodes its loss and reported scalars need.
// onnxruntime runs every node of a session's graph whatever is fetched, so measuring through the step graph paid for
// the backward and the optimiser too (about 3–10× a forward, docs/benchmarks.md). Frozen weights become inputs fed from
// the step graph's own arrays, not initializers: a second session holding them would double the frozen model in memory
// (at GPT-2 small with LoRA, the whole 0.5 GB base model) for as long as it lives.
import type { GraphBuilder, Initializer } from '../onnx/index.ts';
import { BYTES_PER_ELEMENT } from '../onnx/index.ts';
import { metricOutput, type TrainingStepGraphs } from './step.ts';

/**
 * Initializers of at least this many bytes are fed, not copied into the evaluation session; smaller ones (shapes,
 * axes, scalars, the odd bias) stay constants so that ORT folds and fuses as it does in the step graph.
 */
export const FED_WEIGHT_BYTES = 16 * 1024;

/** The dtypes an ort.Tensor can wrap without a copy (the others stay initializers, whatever their size). */
const FEEDABLE = new Set<Initializer['dtype']>(['float32', 'float64', 'int32', 'int64', 'int8', 'uint8']);

export interface EvaluationGraph {
  /** Loss and `metric.<name>` outputs only. */
  graph: GraphBuilder;
  /** The step graph's initializers this graph takes as inputs, by name: feed each its `data`. */
  fed: Map<string, Initializer>;
}

const fedAsInput = (init: Initializer): boolean => FEEDABLE.has(init.dtype) && init.data.length * BYTES_PER_ELEMENT[init.dtype] >= FED_WEIGHT_BYTES;

/** The forward part of `graphs.step` that computes the loss and the metrics, frozen weights as inputs. */
export function buildEvaluationGraph(graphs: TrainingStepGraphs): EvaluationGraph {
  const step = graphs.step;
  const outputs = ['loss', ...Object.keys(graphs.spec.metrics ?? {}).map(metricOutput)];
  const graph = step.extract(outputs, { name: `${step.name}_evaluate`, asInput: fedAsInput });
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const fed = new Map([...step.initializers].filter(([name]) => inputs.has(name)));
  return { graph, fed };
}
