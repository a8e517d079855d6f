// Typed reads of GGUF metadata for the importers: each value checked for its type and range, every complaint
// naming the file and the key.
import { CheckpointError } from '../api/errors.ts';
import { tidyFloat32, type GgufMetadata, type GgufValue } from './gguf-format.ts';

/** Reads typed metadata values, naming the file and key in every complaint. */
export class MetadataReader {
  constructor(
    private readonly m: GgufMetadata,
    readonly file: string,
  ) {}

  has(key: string): boolean {
    return this.m.has(key);
  }

  /** A whole number (any integer type), at least `min`. */
  int(key: string, opts: { min?: number; optional?: boolean } = {}): number | undefined {
    const v = this.m.get(key);
    if (!v) {
      if (opts.optional) return undefined;
      throw new CheckpointError(`${this.file}: metadata key '${key}' is missing; llama.cpp needs it to run the model`);
    }
    const n = v.kind === 'uint64' || v.kind === 'int64' ? Number(v.value) : v.kind !== 'array' && typeof v.value === 'number' && v.kind !== 'float32' && v.kind !== 'float64' ? v.value : NaN;
    if (!Number.isSafeInteger(n) || n < (opts.min ?? 0)) throw new CheckpointError(`${this.file}: metadata key '${key}' is ${describe(v)}; expected a whole number of at least ${opts.min ?? 0}`);
    return n;
  }

  float(key: string, fallback: number): number {
    const v = this.m.get(key);
    if (!v) return fallback;
    if (v.kind !== 'float32' && v.kind !== 'float64') throw new CheckpointError(`${this.file}: metadata key '${key}' is ${describe(v)}; expected a float`);
    const x = v.kind === 'float32' ? tidyFloat32(v.value) : v.value;
    if (!Number.isFinite(x) || x <= 0) throw new CheckpointError(`${this.file}: metadata key '${key}' is ${x}; expected a positive number`);
    return x;
  }

  string(key: string): string | undefined {
    const v = this.m.get(key);
    if (!v) return undefined;
    if (v.kind !== 'string') throw new CheckpointError(`${this.file}: metadata key '${key}' is ${describe(v)}; expected a string`);
    return v.value;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.m.get(key);
    if (!v) return fallback;
    if (v.kind !== 'bool') throw new CheckpointError(`${this.file}: metadata key '${key}' is ${describe(v)}; expected a bool`);
    return v.value;
  }

  array(key: string): GgufValue & { kind: 'array' } {
    const v = this.m.get(key);
    if (!v) throw new CheckpointError(`${this.file}: metadata key '${key}' is missing`);
    if (v.kind !== 'array') throw new CheckpointError(`${this.file}: metadata key '${key}' is ${describe(v)}; expected an array`);
    return v;
  }
}

function describe(v: GgufValue): string {
  if (v.kind === 'array') return `an array of ${v.value.length} ${v.of}`;
  return `${v.kind} ${JSON.stringify(typeof v.value === 'bigint' ? v.value.toString() : v.value).slice(0, 40)}`;
}
