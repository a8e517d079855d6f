// The graph builder: values with dtypes and (possibly symbolic) shapes, nodes with attributes, initializers.
// Shapes are inferred per op at build time (shapes.ts) so that a mistake is reported where it is made.
import { type DType, type TensorData, arrayOf, checkArrayFor, dtypeOfArray } from './dtypes.ts';
import { hasShapeRule, inferShapes } from './shapes.ts';

/** A dimension: a size, a symbol ('B', 'T', 'B*T'), or '?' when unknown. */
export type Dim = number | string;
export type Shape = readonly Dim[];

/** A named value in the graph. `shape` is null when not even the rank is known. */
export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape | null;
}

/** A tensor-valued attribute (e.g. Constant's `value`, ConstantOfShape's `value`). */
export interface TensorAttr { readonly tensor: TensorData; readonly dims: readonly number[]; readonly dtype?: DType }
/** Force a float attribute (integral numbers are otherwise written as ints unless the name is a known float attr). */
export interface FloatAttr { readonly float: number }
export type Attr = number | string | readonly number[] | readonly string[] | TensorAttr | FloatAttr;
export type Attrs = Record<string, Attr | undefined>;

export interface Node {
  readonly opType: string;
  readonly domain: string;
  readonly name: string;
  readonly inputs: readonly string[]; // '' marks an omitted optional input
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
}

export interface Initializer { readonly name: string; readonly dtype: DType; readonly dims: readonly number[]; readonly data: TensorData }

export interface OpOptions {
  /** Node name (default: a fresh name from the op type). */
  name?: string;
  /** Output value names (default: fresh names). */
  outputs?: readonly string[];
  /** Operator domain, e.g. 'com.microsoft' for contrib ops. */
  domain?: string;
  /** Declared output types, for ops the builder cannot infer (checked against inference when both exist). */
  types?: readonly { dtype: DType; shape: Shape | null }[];
}

export interface GraphBuilderOptions { name?: string; opset?: number; domains?: Record<string, number> }

export class GraphBuilder {
  readonly name: string;
  readonly opset: number;
  readonly domains: Record<string, number>;
  readonly inputs: Value[] = [];
  readonly outputs: Value[] = [];
  readonly nodes: Node[] = [];
  readonly initializers = new Map<string, Initializer>();
  private readonly values = new Map<string, Value>();
  private readonly producers = new Map<string, Node>();
  private counter = 0;

  constructor(opts: GraphBuilderOptions = {}) {
    this.name = opts.name ?? 'lathe';
    this.opset = opts.opset ?? 23;
    this.domains = { 'com.microsoft': 1, ...opts.domains };
  }

  /** A name not yet used in this graph, built from `prefix`. */
  fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`; while (this.values.has(n) || this.nodes.some((x) => x.name === n));
    return n;
  }

  /** Look up a value by name; throws naming the value when it does not exist. */
  value(name: string): Value {
    const v = this.values.get(name);
    if (!v) throw new Error(`graph '${this.name}': no value named '${name}'`);
    return v;
  }

  has(name: string): boolean { return this.values.has(name); }

  /** The node that produces `name`, if any (inputs and initializers have none). */
  producer(name: string): Node | undefined { return this.producers.get(name); }

  /** Declare a graph input. Symbolic dims ('B', 'T') become dim_params. */
  input(name: string, dtype: DType, shape: Shape): Value {
    const v = this.define({ name, dtype, shape });
    this.inputs.push(v);
    return v;
  }

  /** Declare a weight. The dtype follows the array (Uint16Array = float16) unless given. */
  initializer(name: string, data: TensorData, dims: readonly number[], dtype: DType = dtypeOfArray(data)): Value {
    checkArrayFor(dtype, data, `initializer '${name}'`);
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new Error(`initializer '${name}': ${data.length} elements given for dims [${dims.join(', ')}] (${count})`);
    }
    this.initializers.set(name, { name, dtype, dims: [...dims], data });
    return this.define({ name, dtype, shape: [...dims] });
  }

  /** An anonymous constant (stored as an initializer). */
  constant(data: TensorData, dims: readonly number[], dtype?: DType): Value {
    return this.initializer(this.fresh('const'), data, dims, dtype);
  }

  /** A 0-d constant of `dtype`. */
  scalar(v: number, dtype: DType = 'float32'): Value {
    return this.constant(arrayOf(dtype, [v]), [], dtype);
  }

  /** A 1-d int64 constant (axes, shapes, starts/ends). */
  ints(values: readonly number[]): Value {
    return this.constant(arrayOf('int64', values), [values.length], 'int64');
  }

  /** Numbers held by a constant int/float initializer, or null if `v` is not a constant. For shape inference. */
  constantValues(v: Value | string): number[] | null {
    const init = this.initializers.get(typeof v === 'string' ? v : v.name);
    if (!init || init.data.length > 4096) return null;
    return Array.from(init.data as ArrayLike<number | bigint>, (x) => Number(x));
  }

  /** Append a single-output node and return its output. Pass null for an omitted optional input. */
  op(opType: string, inputs: readonly (Value | null)[], attrs: Attrs = {}, opts: OpOptions = {}): Value {
    const outs = this.opN(opType, inputs, 1, attrs, opts);
    return outs[0];
  }

  /** Append a node with `count` outputs and return them. */
  opN(opType: string, inputs: readonly (Value | null)[], count: number, attrs: Attrs = {}, opts: OpOptions = {}): Value[] {
    const name = opts.name ?? this.fresh(opType);
    const domain = opts.domain ?? '';
    // Split-18 needs num_outputs when no sizes are given; the output count says it.
    if (opType === 'Split' && domain === '' && !inputs[1] && this.opset >= 18 && attrs.num_outputs === undefined) attrs = { ...attrs, num_outputs: count };
    for (const [i, v] of inputs.entries()) {
      if (v && this.values.get(v.name) !== v && !this.values.has(v.name)) {
        throw new Error(`${opType} (node '${name}'): operand ${i} '${v.name}' does not belong to graph '${this.name}'`);
      }
    }
    const live = inputs.map((v) => (v ? this.value(v.name) : null));
    let types: { dtype: DType; shape: Shape | null }[];
    try {
      types = inferShapes(this, opType, domain, live, attrs, count);
    } catch (e) {
      throw new Error(`${opType} (node '${name}'): ${(e as Error).message}`);
    }
    if (opts.types) {
      types = opts.types.map((t, i) => {
        const inferred = types[i];
        // A guess (an op without a rule, e.g. a contrib op) yields to the declaration.
        if (inferred && inferred.dtype !== t.dtype && hasShapeRule(opType, domain)) {
          throw new Error(`${opType} (node '${name}'): output ${i} declared ${t.dtype} but inferred ${inferred.dtype}`);
        }
        return { dtype: t.dtype, shape: t.shape ?? inferred?.shape ?? null };
      });
    }
    const outNames = opts.outputs ?? Array.from({ length: count }, (_, i) => (count === 1 ? this.fresh(name) : `${name}_out${i}`));
    if (outNames.length !== count) throw new Error(`${opType} (node '${name}'): ${outNames.length} output names for ${count} outputs`);
    const node: Node = { opType, domain, name, inputs: live.map((v) => v?.name ?? ''), outputs: [...outNames], attrs: { ...attrs } };
    const values = outNames.map((n, i) => this.define({ name: n, dtype: types[i]?.dtype ?? live[0]?.dtype ?? 'float32', shape: types[i]?.shape ?? null }));
    this.nodes.push(node);
    for (const n of outNames) this.producers.set(n, node);
    return values;
  }

  /**
   * Give an existing node more of its optional outputs, up to `count` in all (e.g. a LayerNormalization's saved
   * mean and inverse standard deviation, which its gradient can reuse). Returns all its outputs.
   */
  extendOutputs(node: Node, count: number, types: readonly { dtype: DType; shape: Shape | null }[]): Value[] {
    const at = this.nodes.indexOf(node);
    if (at < 0) throw new Error(`graph '${this.name}': node '${node.name}' is not in this graph`);
    if (types.length !== count - node.outputs.length) throw new Error(`${node.opType} (node '${node.name}'): ${types.length} types for ${count - node.outputs.length} new outputs`);
    const added = types.map((t, i) => this.define({ name: this.fresh(`${node.name}_out${node.outputs.length + i}`), ...t }));
    const extended: Node = { ...node, outputs: [...node.outputs, ...added.map((v) => v.name)] };
    this.nodes[at] = extended;
    for (const o of extended.outputs) this.producers.set(o, extended);
    return extended.outputs.map((o) => this.value(o));
  }

  /** Mark a value as a graph output, optionally under another name (an Identity node is added then). */
  output(v: Value, name?: string): Value {
    const out = name && name !== v.name ? this.op('Identity', [v], {}, { outputs: [name] }) : v;
    if (!this.outputs.some((o) => o.name === out.name)) this.outputs.push(out);
    return out;
  }

  /** Turn an initializer into a graph input (e.g. a trainable weight); returns its former data. */
  promoteToInput(name: string): Initializer {
    const init = this.initializers.get(name);
    if (!init) throw new Error(`graph '${this.name}': '${name}' is not an initializer`);
    this.initializers.delete(name);
    this.inputs.push(this.value(name));
    return init;
  }

  /**
   * Drop nodes at index ≥ `from` whose outputs reach neither a graph output nor `keep` (e.g. gradients computed
   * for operands that need none), with their values and the initializers only they used.
   */
  prune(keep: readonly string[], from = 0): void {
    const live = new Set(this.nodesFor([...keep, ...this.outputs.map((o) => o.name)]));
    const dead = this.nodes.filter((n, i) => i >= from && !live.has(n));
    if (!dead.length) return;
    const deadSet = new Set(dead);
    const kept = this.nodes.filter((n) => !deadSet.has(n));
    this.nodes.splice(0, this.nodes.length, ...kept);
    for (const n of dead) for (const o of n.outputs) { this.values.delete(o); this.producers.delete(o); }
    const used = new Set([...kept.flatMap((n) => n.inputs), ...this.outputs.map((o) => o.name), ...this.inputs.map((v) => v.name)]);
    for (const name of new Set(dead.flatMap((n) => n.inputs))) {
      if (!used.has(name) && this.initializers.delete(name)) this.values.delete(name);
    }
  }

  /**
   * A new graph that computes only `outputs`: the nodes they need (nodesFor), the inputs and initializers those read,
   * each initializer `asInput` picks declared an input instead (its data left out: the caller feeds it). Nodes, values
   * and initializer data are shared with this graph, not copied; neither graph should be changed afterwards.
   */
  extract(outputs: readonly string[], opts: { name?: string; asInput?: (init: Initializer) => boolean } = {}): GraphBuilder {
    const sub = new GraphBuilder({ name: opts.name ?? `${this.name}_extract`, opset: this.opset, domains: this.domains });
    const nodes = this.nodesFor(outputs);
    const read = new Set([...nodes.flatMap((n) => n.inputs), ...outputs]);
    for (const v of this.inputs) if (read.has(v.name)) sub.inputs.push(sub.define(v));
    for (const [name, init] of this.initializers) {
      if (!read.has(name)) continue;
      const v = sub.define(this.value(name));
      if (opts.asInput?.(init)) sub.inputs.push(v);
      else sub.initializers.set(name, init);
    }
    for (const n of nodes) {
      sub.nodes.push(n);
      for (const o of n.outputs) {
        sub.define(this.value(o));
        sub.producers.set(o, n);
      }
    }
    for (const o of outputs) sub.outputs.push(sub.value(o));
    return sub;
  }

  /** Values produced by nodes, reachable backwards from `targets` (a topological order of the needed nodes). */
  nodesFor(targets: readonly string[]): Node[] {
    const needed = new Set<Node>();
    const stack = [...targets];
    while (stack.length) {
      const n = this.producers.get(stack.pop()!);
      if (!n || needed.has(n)) continue;
      needed.add(n);
      for (const i of n.inputs) if (i) stack.push(i);
    }
    return this.nodes.filter((n) => needed.has(n));
  }

  private define(v: Value): Value {
    if (this.values.has(v.name)) throw new Error(`graph '${this.name}': the name '${v.name}' is already defined`);
    this.values.set(v.name, v);
    return v;
  }
}
