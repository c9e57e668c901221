import { WhiteboxError } from '@whitebox/core';
import type { Prng } from './create-prng.js';

/** Options for {@link generateFromSchema}. */
export interface GenerateFromSchemaOptions {
  /**
   * Below this nesting depth, recursive schemas (`$ref` cycles) stop growing: arrays get their
   * `minItems`, unions prefer `null` or a branch without `$ref`, and optional properties are left out.
   * @default 4
   */
  readonly maxDepth?: number;
}

type Schema = Record<string, unknown>;

const WORDS = [
  'the', 'plan', 'looks', 'sound', 'overall', 'but', 'risk', 'remains', 'in', 'edge', 'cases', 'tests',
  'cover', 'main', 'path', 'error', 'handling', 'needs', 'work', 'latency', 'is', 'acceptable', 'cache',
  'design', 'simple', 'clear', 'proposal', 'scope', 'small', 'rollout', 'safe', 'review', 'data', 'model',
  'budget', 'fits', 'team', 'agrees', 'with', 'a', 'few', 'caveats', 'monitoring', 'should', 'alert',
  'early', 'input', 'validation', 'missing', 'retry', 'policy', 'bounded', 'cost', 'stays', 'low',
] as const;

/**
 * Deterministic filler text: `minWords`..`maxWords` words from a small lexicon, capitalised and
 * ending in a full stop.
 */
export function generateText(prng: Prng, minWords = 8, maxWords = 24): string {
  const count = prng.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(prng.pick(WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * Generates a value valid against a JSON Schema, deterministically from `prng`.
 *
 * Covers the subset that zod's `z.toJSONSchema` and openai's `zodResponseFormat` emit:
 * `type` (also as an array), `properties`/`required`/`additionalProperties`, `items`/`prefixItems`/
 * `minItems`/`maxItems`/`uniqueItems`, `enum`, `const`, `minLength`/`maxLength`, a few `format`s
 * (date-time, date, time, email, uri, uuid, ipv4), `minimum`/`maximum`/`exclusiveMinimum`/
 * `exclusiveMaximum`/`multipleOf`, `anyOf`/`oneOf`/`allOf`, OpenAPI's `nullable`, and `$ref` into
 * `$defs` or `definitions` (recursion included). `pattern` is not honoured.
 *
 * @throws WhiteboxError `INPUT_INVALID` when the schema cannot be satisfied or a `$ref` does not resolve.
 */
export function generateFromSchema(schema: unknown, prng: Prng, options: GenerateFromSchemaOptions = {}): unknown {
  const maxDepth = options.maxDepth ?? 4;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new TypeError(`Expected \`maxDepth\` to be an integer ≥ 0, got ${String(maxDepth)} (${typeof maxDepth})`);
  }
  const root = schema;

  const fail = (path: string, message: string): never => {
    throw new WhiteboxError('INPUT_INVALID', `response_format schema at ${path || '#'}: ${message}`);
  };

  const resolveRef = (ref: string, path: string): unknown => {
    if (!ref.startsWith('#')) return fail(path, `only local $ref values are supported, got ${JSON.stringify(ref)}`);
    let node: unknown = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      node = isObject(node) ? node[key] : undefined;
      if (node === undefined) return fail(path, `$ref ${JSON.stringify(ref)} does not resolve`);
    }
    return node;
  };

  const gen = (node: unknown, depth: number, path: string): unknown => {
    if (node === true || node === undefined) return prng.pick(WORDS);
    if (node === false) return fail(path, 'the schema `false` accepts no value');
    if (!isObject(node)) return fail(path, `expected a schema object, got ${JSON.stringify(node)}`);
    const deep = depth >= maxDepth;
    if (depth > maxDepth + 32) return fail(path, 'the schema recurses without an exit (a required, non-nullable cycle)');

    if (typeof node['$ref'] === 'string') return gen(resolveRef(node['$ref'], path), depth + 1, `${path}/$ref`);
    if ('const' in node) return node['const'];
    if (Array.isArray(node['enum'])) {
      if (node['enum'].length === 0) return fail(path, 'enum is empty');
      return prng.pick(node['enum']);
    }
    if (Array.isArray(node['allOf'])) {
      const { allOf, ...rest } = node;
      return gen(mergeSchemas([rest, ...(allOf as unknown[]).map((s) => derefShallow(s, resolveRef, path))]), depth, path);
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = node[key];
      if (!Array.isArray(branches)) continue;
      if (branches.length === 0) return fail(path, `${key} is empty`);
      const index = deep ? cheapestBranch(branches) : prng.int(0, branches.length - 1);
      const { [key]: _, ...rest } = node;
      // Sibling keywords (a description, a shared type) apply to every branch.
      return gen(mergeSchemas([rest, derefShallow(branches[index], resolveRef, path)]), depth, `${path}/${key}/${index}`);
    }

    const type = node['type'];
    if (Array.isArray(type)) {
      if (type.length === 0) return fail(path, 'type is an empty array');
      const nonNull = type.filter((t) => t !== 'null');
      const chosen =
        nonNull.length === 0 || (type.includes('null') && (deep || prng.next() < 0.25)) ? 'null' : prng.pick(nonNull);
      return gen({ ...node, type: chosen }, depth, path);
    }
    if (node['nullable'] === true && (deep || prng.next() < 0.2)) return null;

    switch (type ?? inferType(node)) {
      case 'null':
        return null;
      case 'boolean':
        return prng.next() < 0.5;
      case 'integer':
        return genNumber(node, true, path);
      case 'number':
        return genNumber(node, false, path);
      case 'string':
        return genString(node, path);
      case 'array':
        return genArray(node, depth, path);
      case 'object':
        return genObject(node, depth, path);
      default:
        return fail(path, `unsupported type ${JSON.stringify(type)}`);
    }
  };

  const genObject = (node: Schema, depth: number, path: string): Record<string, unknown> => {
    const properties = isObject(node['properties']) ? node['properties'] : {};
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as unknown[]).map(String) : []);
    const out: Record<string, unknown> = {};
    for (const [key, propSchema] of Object.entries(properties)) {
      if (!required.has(key) && (depth >= maxDepth || prng.next() < 0.5)) continue;
      out[key] = gen(propSchema, depth + 1, `${path}/properties/${key}`);
    }
    for (const key of required) {
      if (!(key in out)) out[key] = gen(undefined, depth + 1, `${path}/required/${key}`);
    }
    const extra = node['additionalProperties'];
    if (Object.keys(properties).length === 0 && isObject(extra) && depth < maxDepth) {
      const count = prng.int(1, 2);
      for (let i = 1; i <= count; i++) out[`key${i}`] = gen(extra, depth + 1, `${path}/additionalProperties`);
    }
    return out;
  };

  const genArray = (node: Schema, depth: number, path: string): unknown[] => {
    const tuple = Array.isArray(node['prefixItems']) ? node['prefixItems'] : Array.isArray(node['items']) ? node['items'] : undefined;
    if (tuple) return (tuple as unknown[]).map((item, i) => gen(item, depth + 1, `${path}/prefixItems/${i}`));
    const min = numberOr(node['minItems'], 0);
    const max = numberOr(node['maxItems'], min + 3);
    if (min > max) return fail(path, `minItems ${min} > maxItems ${max}`);
    const lo = Math.min(Math.max(min, 1), max);
    const count = depth >= maxDepth ? min : prng.int(lo, Math.min(max, lo + 2));
    const out: unknown[] = [];
    const seen = new Set<string>();
    const unique = node['uniqueItems'] === true;
    for (let attempt = 0; out.length < count && attempt < count * 10; attempt++) {
      const value = gen(node['items'], depth + 1, `${path}/items`);
      if (unique) {
        const key = JSON.stringify(value);
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(value);
    }
    if (out.length < min) return fail(path, `cannot generate ${min} unique items`);
    return out;
  };

  const genString = (node: Schema, path: string): string => {
    const min = numberOr(node['minLength'], 0);
    const max = numberOr(node['maxLength'], Infinity);
    if (min > max) return fail(path, `minLength ${min} > maxLength ${max}`);
    const formatted = genFormat(node['format']);
    if (formatted !== undefined && formatted.length >= min && formatted.length <= max) return formatted;
    let text = Array.from({ length: prng.int(1, 4) }, () => prng.pick(WORDS)).join(' ');
    while (text.length < min) text += ` ${prng.pick(WORDS)}`;
    return text.length > max ? text.slice(0, max) : text;
  };

  const genFormat = (format: unknown): string | undefined => {
    // Any instant from 2020 to 2030, so dates look plausible.
    const date = new Date(Date.UTC(2020, 0, 1) + Math.floor(prng.next() * 10 * 365.25 * 86_400_000));
    const hex = (n: number): string => Array.from({ length: n }, () => prng.int(0, 15).toString(16)).join('');
    switch (format) {
      case 'date-time':
        return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
      case 'date':
        return date.toISOString().slice(0, 10);
      case 'time':
        return date.toISOString().slice(11, 19);
      case 'email':
        return `${prng.pick(WORDS)}.${prng.pick(WORDS)}@example.com`;
      case 'uri':
      case 'url':
        return `https://example.com/${prng.pick(WORDS)}/${prng.pick(WORDS)}`;
      case 'uuid':
        return `${hex(8)}-${hex(4)}-4${hex(3)}-${prng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
      case 'ipv4':
        return Array.from({ length: 4 }, () => prng.int(1, 254)).join('.');
      default:
        return undefined;
    }
  };

  const genNumber = (node: Schema, integer: boolean, path: string): number => {
    let lo = numberOr(node['minimum'], -Infinity);
    let hi = numberOr(node['maximum'], Infinity);
    // Draft 4 writes exclusivity as booleans next to minimum/maximum; later drafts as numbers.
    const exMin = node['exclusiveMinimum'];
    const exMax = node['exclusiveMaximum'];
    let loOpen = exMin === true;
    let hiOpen = exMax === true;
    if (typeof exMin === 'number' && exMin >= lo) [lo, loOpen] = [exMin, true];
    if (typeof exMax === 'number' && exMax <= hi) [hi, hiOpen] = [exMax, true];
    // Keep numbers human-sized: zod's int() spans ±2^53, which would make unreadable fixtures.
    const span = 100;
    if (lo === -Infinity && hi === Infinity) [lo, hi] = [0, span];
    else if (lo === -Infinity) lo = Math.min(hi, 0) - (hi > 0 ? 0 : span);
    else if (hi === Infinity) hi = Math.max(lo, 0) + span;
    else if (hi - lo > 10 * span) {
      const start = Math.min(Math.max(lo, 0), hi - span);
      if (start > lo) loOpen = false;
      if (start + span < hi) hiOpen = false;
      [lo, hi] = [start, start + span];
    }
    const step = typeof node['multipleOf'] === 'number' && node['multipleOf'] > 0 ? node['multipleOf'] : integer ? 1 : undefined;
    if (step !== undefined) {
      let first = Math.ceil(lo / step);
      let last = Math.floor(hi / step);
      if (loOpen && first * step <= lo) first++;
      if (hiOpen && last * step >= hi) last--;
      if (first > last) return fail(path, `no ${integer ? 'integer' : 'multiple'} fits in the range`);
      const value = prng.int(first, last) * step;
      // Round away float noise such as 0.30000000000000004 without leaving the grid.
      return integer ? value : Number(value.toPrecision(12));
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const value = Math.round(prng.float(lo, hi) * 100) / 100;
      if (value < lo || value > hi || (loOpen && value === lo) || (hiOpen && value === hi)) continue;
      return value;
    }
    const mid = (lo + hi) / 2;
    if (mid > lo && mid < hi) return mid;
    if (!loOpen) return lo;
    return fail(path, `no number fits in the range`);
  };

  return gen(schema, 0, '#');
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function inferType(node: Schema): string | undefined {
  if ('properties' in node || 'required' in node || 'additionalProperties' in node) return 'object';
  if ('items' in node || 'prefixItems' in node || 'minItems' in node) return 'array';
  if ('minimum' in node || 'maximum' in node || 'multipleOf' in node) return 'number';
  // An empty schema accepts anything; a string is the most readable "anything".
  return 'string';
}

/** Prefers a branch that ends recursion: `null` first, then any branch without a `$ref`. */
function cheapestBranch(branches: readonly unknown[]): number {
  const nullIndex = branches.findIndex((b) => isObject(b) && b['type'] === 'null');
  if (nullIndex >= 0) return nullIndex;
  const plain = branches.findIndex((b) => isObject(b) && !('$ref' in b));
  return plain >= 0 ? plain : 0;
}

function derefShallow(schema: unknown, resolve: (ref: string, path: string) => unknown, path: string): unknown {
  let node = schema;
  for (let hops = 0; isObject(node) && typeof node['$ref'] === 'string' && hops < 32; hops++) {
    const { $ref, ...rest } = node;
    const target = resolve($ref as string, path);
    node = isObject(target) ? { ...target, ...rest } : target;
  }
  return node;
}

function mergeSchemas(schemas: readonly unknown[]): Schema {
  const out: Schema = {};
  for (const schema of schemas) {
    if (!isObject(schema)) continue;
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && isObject(out['properties']) && isObject(value)) {
        out['properties'] = { ...out['properties'], ...value };
      } else if (key === 'required' && Array.isArray(out['required']) && Array.isArray(value)) {
        out['required'] = [...new Set([...(out['required'] as unknown[]), ...value])];
      } else {
        out[key] = value;
      }
    }
  }
  return out;
}
