// Generators that start from a valid input and break it the ways outside files break: truncation, bit flips,
// overwritten and inserted bytes, BOMs and CRLFs, invalid UTF-8; for JSON, wrong types, huge, negative and
// fractional numbers, numbers JSON.parse turns into Infinity, prototype-shaped keys and deep nesting.
import fc from 'fast-check';

export type ByteMutation = (b: Uint8Array) => Uint8Array;

const BOM = [0xef, 0xbb, 0xbf];
/** Sequences that are not UTF-8: a lone continuation byte, a truncated 3-byte form, an overlong NUL, a surrogate, a byte never valid. */
const BAD_UTF8 = [[0x80], [0xe6, 0x97], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const pos = (n: number, len: number) => (len === 0 ? 0 : n % (len + 1));
/** A position seed: fast-check biases nat() toward small values (the first bytes, e.g. a length field); half unbiased, to reach the whole file. */
const at = fc.oneof(fc.nat(), fc.noBias(fc.nat()));

function splice(b: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at));
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** One byte-level mutation. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  at.map((n): ByteMutation => (b) => b.slice(0, pos(n, b.length))), // truncate
  fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips): ByteMutation => (b) => {
    const out = b.slice();
    for (const [n, bit] of flips) if (out.length) out[n % out.length] ^= 1 << bit;
    return out;
  }),
  fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, bytes]): ByteMutation => (b) => {
    const at = pos(n, b.length);
    return splice(b, at, Math.min(bytes.length, b.length - at), bytes); // overwrite
  }),
  fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, bytes]): ByteMutation => (b) => splice(b, pos(n, b.length), 0, bytes)), // insert
  fc.tuple(at, fc.nat({ max: 64 })).map(([n, len]): ByteMutation => (b) => splice(b, pos(n, b.length), 0, b.slice(pos(n, b.length), pos(n, b.length) + len))), // duplicate
  fc.tuple(at, fc.nat({ max: 64 })).map(([n, len]): ByteMutation => (b) => splice(b, pos(n, b.length), Math.min(len, b.length - pos(n, b.length)), [])), // delete
  fc.tuple(at, fc.constantFrom(...BAD_UTF8)).map(([n, bad]): ByteMutation => (b) => splice(b, pos(n, b.length), 0, bad)),
  fc.constant<ByteMutation>((b) => splice(b, 0, 0, BOM)),
  fc.constant<ByteMutation>((b) => {
    // LF → CRLF throughout (a file saved on Windows)
    const out: number[] = [];
    for (const x of b) out.push(...(x === 0x0a ? [0x0d, 0x0a] : [x]));
    return Uint8Array.from(out);
  }),
  fc.uint8Array({ maxLength: 32 }).map((tail): ByteMutation => (b) => splice(b, b.length, 0, tail)), // garbage appended
);

/** A valid input with 1–3 byte mutations applied, or (sometimes) random bytes in its place. */
export function mutatedBytes(valid: fc.Arbitrary<Uint8Array>, maxRandom = 256): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(valid, fc.array(byteMutation, { minLength: 1, maxLength: 3 })).map(([b, ms]) => ms.reduce((x, m) => m(x), b)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxRandom }) },
    { weight: 1, arbitrary: valid },
  );
}

/** Marks text spliced into serialised JSON as is (numbers JSON.stringify cannot write). */
const RAW = '\u0001raw:';
const raw = (text: string) => `${RAW}${text}`;

/** Values that break readers expecting a count, an offset, a size or a name. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    0, -1, 1, 2, 3, 0.5, -0.5, 1e-320, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, 2 ** 64, -(2 ** 53), 1e308,
    raw('1e999'), raw('-1e999'), raw('-0'), raw('123456789012345678901234567890'),
    '', ' ', '0', '1e3', 'NaN', '__proto__', 'constructor', 'toString', 'x'.repeat(300), '\u0000', '\ud800', '../../etc/passwd', '/', '.',
    null, true, false, [], {}, [[]], [null], [1, 2, 3], { '': 0 }, { __proto__: null, toString: 1 },
  ),
  // Deep nesting, as raw text: JSON.parse reads any depth but JSON.stringify (and String(array)) overflow near 5000.
  fc.integer({ min: 1, max: 5 }).map((d) => raw('['.repeat(10 ** d) + ']'.repeat(10 ** d))),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Json = unknown;

export interface JsonEdit {
  /** Choices along a path from the root (each taken modulo the keys there). */
  path: number[];
  op: 'replace' | 'delete' | 'add' | 'wrap';
  key: string;
  value: unknown;
}

export const jsonEdit: fc.Arbitrary<JsonEdit> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'add', 'wrap'),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '', 'hasOwnProperty', 'valueOf'), fc.string({ maxLength: 6 })),
  value: weirdValue,
});

function isContainer(v: Json): v is Record<string, Json> | Json[] {
  return typeof v === 'object' && v !== null;
}

/** Apply one edit to a deep copy of `doc`. */
export function applyEdit(doc: Json, edit: JsonEdit): Json {
  const root = structuredClone(doc);
  if (!isContainer(root)) return edit.op === 'wrap' ? [root] : edit.value;
  let parent: Record<string, Json> | Json[] = root;
  let key: string | number | null = null;
  let node: Json = root;
  for (const choice of edit.path) {
    if (!isContainer(node)) break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    parent = node;
    key = keys[choice % keys.length];
    node = (node as Record<string, Json>)[key];
  }
  const set = (v: Json) => {
    if (key === null) return v;
    if (Array.isArray(parent)) parent[key as number] = v;
    else Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
    return root;
  };
  switch (edit.op) {
    case 'replace':
      return set(edit.value);
    case 'wrap':
      return set([node]);
    case 'delete':
      if (key === null) return root;
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return root;
    case 'add':
      if (!isContainer(node)) return set(edit.value);
      if (Array.isArray(node)) node.push(edit.value);
      else Object.defineProperty(node, edit.key, { value: edit.value, enumerable: true, writable: true, configurable: true });
      return root;
  }
}

/** Serialise, splicing raw() markers in as bare JSON text (so 1e999 reaches the reader as JSON.parse's Infinity). */
export function toJsonText(doc: Json, space?: number): string {
  let text: string;
  try {
    text = JSON.stringify(doc, null, space);
  } catch {
    text = JSON.stringify(doc); // too deep to indent: JSON.stringify is recursive
  }
  return text.replace(/"\\u0001raw:([^"]*)"/g, '$1');
}

/** A valid JSON document with 1–3 edits, as text bytes, then (sometimes) byte mutations on top. */
export function mutatedJson(valid: fc.Arbitrary<Json>): fc.Arbitrary<Uint8Array> {
  const edited = fc.tuple(valid, fc.array(jsonEdit, { minLength: 0, maxLength: 3 })).map(([doc, edits]) => {
    try {
      return new TextEncoder().encode(toJsonText(edits.reduce(applyEdit, doc), 2));
    } catch {
      return new TextEncoder().encode(toJsonText(doc)); // a nesting too deep to serialise: fall back to the valid one
    }
  });
  return fc.oneof(
    { weight: 6, arbitrary: edited },
    { weight: 3, arbitrary: mutatedBytes(edited) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => new TextEncoder().encode(JSON.stringify(v) ?? 'null')) },
  );
}

/** JSON edits kept as values (for readers that take parsed JSON). */
export function mutatedJsonValue(valid: fc.Arbitrary<Json>): fc.Arbitrary<Json> {
  return fc.tuple(valid, fc.array(jsonEdit, { minLength: 1, maxLength: 3 })).map(([doc, edits]) => {
    try {
      return JSON.parse(toJsonText(edits.reduce(applyEdit, doc))) as Json; // through text, so raw numbers become what JSON.parse makes of them
    } catch {
      return applyEdit(doc, edits[0]); // nested too deep to clone or serialise again: one edit, kept as a value
    }
  });
}
