/**
 * A schema issue in the words of Lathe's hand-written checks: 'must be 2 or less', 'must have at least 1 item',
 * rather than zod's 'Too big: expected number to be <=2'. One source for the CLI's flags, the Studio API's
 * invalid_params errors and the OpenAI-compatible server's 400s, so the three say a bound the same way.
 */

/** The parts of a zod issue this reads: its path and message, and for a bound what was measured and the bound. */
export interface SchemaIssue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  values?: readonly unknown[];
  /** too_small / too_big: what was measured ('number', 'string', 'array', …), the bound and whether it may be met. */
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  /** invalid_union: each alternative's issues, their paths relative to this issue's. */
  errors?: readonly (readonly SchemaIssue[])[];
  /** invalid_type: the type wanted. */
  expected?: string;
}

const plural = (n: number | bigint, one: string) => `${n} ${one}${Number(n) === 1 ? '' : 's'}`;

/** zod's own words for a bound or a fixed set; a schema's message of its own ('name must not be empty') is kept. */
const zodDefault = (issue: SchemaIssue) => /^(Too small|Too big|Invalid option|Invalid input): /.test(issue.message);

/**
 * A bound in words ('must be 1 or more', 'must have at most 4 items'); null for an issue that is not a bound, or one
 * whose schema gave a message of its own.
 */
export function boundWords(issue: SchemaIssue): string | null {
  const small = issue.code === 'too_small' && issue.minimum !== undefined;
  const big = issue.code === 'too_big' && issue.maximum !== undefined;
  if ((!small && !big) || !zodDefault(issue)) return null;
  const n = (small ? issue.minimum : issue.maximum) as number | bigint;
  const strict = issue.inclusive === false;
  if (issue.origin === 'number' || issue.origin === 'bigint' || issue.origin === 'int') {
    if (small) return strict ? `must be more than ${n}` : `must be ${n} or more`;
    return strict ? `must be less than ${n}` : `must be ${n} or less`;
  }
  const unit = issue.origin === 'string' ? 'character' : issue.origin === 'array' || issue.origin === 'set' ? 'item' : null;
  if (unit === null) return null;
  if (small && Number(n) === 1 && !strict) return unit === 'character' ? 'must not be empty' : 'must have at least 1 item';
  // zod's exclusive bounds on lengths are rare; an exclusive minimum n means n + 1 at least
  const bound = strict ? (small ? Number(n) + 1 : Number(n) - 1) : n;
  return `must have ${small ? 'at least' : 'at most'} ${plural(bound, unit)}`;
}

/** A value outside a fixed set: 'must be one of a, b; got 'c'' ('must be a' for a set of one). */
export function choiceWords(values: readonly unknown[], got: unknown): string {
  const allowed = values.length === 1 ? `must be ${String(values[0])}` : `must be one of ${values.map(String).join(', ')}`;
  return `${allowed}${got === undefined || typeof got === 'object' ? '' : `; got '${String(got)}'`}`;
}

/** An issue's path as OpenAI and JavaScript write it: `messages.0.content` → `messages[0].content`. */
export function paramName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** The value at an issue's path in the object that was checked (undefined where there is none). */
export function valueAt(input: unknown, at: readonly PropertyKey[]): unknown {
  return at.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), input);
}

/**
 * What is wrong, without the field's name: a bound in words with the number refused ('must be 2 or less; got 3'),
 * a fixed set as 'must be one of a, b; got 'c'', else the issue's message (zod's, or the schema's own).
 */
export function issueWords(issue: SchemaIssue, input?: unknown): string {
  const got = input === undefined ? undefined : valueAt(input, issue.path);
  if (issue.code === 'invalid_union' && issue.errors?.length && issue.message === 'Invalid input') return unionWords(issue, got);
  const bound = boundWords(issue);
  if (bound) return `${bound}${typeof got === 'number' ? `; got ${got}` : ''}`;
  if (issue.code === 'invalid_value' && issue.values?.length && zodDefault(issue)) return choiceWords(issue.values, got);
  return issue.message;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A union's alternative that failed on the value's type itself (a list given where a string goes). */
const wrongType = (b: readonly SchemaIssue[]) => b.length > 0 && b[0].code === 'invalid_type' && b[0].path.length === 0;

/**
 * The issue that names the field a client got wrong: for a union whose value had the type of one alternative only,
 * that alternative's first issue, its path joined to the union's ('input' as a list of strings with an empty third
 * one: input[2], must not be empty); any other issue as it is. The OpenAI server's 400 names it as its param.
 */
export function fittingIssue(issue: SchemaIssue): SchemaIssue {
  if (issue.code !== 'invalid_union' || !issue.errors?.length || issue.message !== 'Invalid input') return issue;
  const fitting = issue.errors.filter((b) => b.length > 0 && !wrongType(b));
  if (fitting.length !== 1) return issue;
  const inner = fitting[0][0];
  return fittingIssue({ ...inner, path: [...issue.path, ...inner.path] });
}

/**
 * A value none of a union's alternatives took ('stop' as a string or a list of strings). Where the value had the
 * type of one alternative, that alternative's complaint is the one that helps ('must have at most 4 items'); where
 * it had none of their types, the types it may have.
 */
function unionWords(issue: SchemaIssue, got: unknown): string {
  const branches = issue.errors ?? [];
  const fitting = branches.filter((b) => b.length > 0 && !wrongType(b));
  if (fitting.length === 1) {
    const inner = fitting[0][0];
    const where = inner.path.length ? `${paramName(inner.path)}: ` : '';
    return `${where}${issueWords(inner, got)}`;
  }
  const types = [...new Set(branches.filter(wrongType).map((b) => b[0].expected).filter((t): t is string => !!t))];
  if (types.length === 0 || fitting.length > 0) return issue.message;
  return `must be ${types.map(article).join(' or ')}${got === undefined ? '' : `; got ${article(typeOf(got))}`}`;
}
