import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zodResponseFormat } from 'openai/helpers/zod';
import { WhiteboxError } from '@whitebox/core';
import { createPrng } from './create-prng.js';
import { generateFromSchema, generateText } from './generate-from-schema.js';

const SEEDS = Array.from({ length: 40 }, (_, i) => i * 7919 + 1);

interface TreeNode {
  name: string;
  children: TreeNode[];
}
const TreeNode: z.ZodType<TreeNode> = z.object({
  name: z.string().min(1),
  get children() {
    return z.array(TreeNode).max(3);
  },
});

const Verdict = z.object({
  verdict: z.enum(['approve', 'revise', 'reject']),
  confidence: z.number().min(0).max(1),
  summary: z.string().min(10).max(200),
  reasons: z.array(z.string()).min(1).max(5),
  risks: z.array(z.object({ risk: z.string(), severity: z.number().int().min(1).max(5) })).max(3),
  approvedBy: z.string().nullable(),
  kind: z.literal('verdict'),
  score: z.union([z.number().int().positive(), z.boolean()]),
  flags: z.tuple([z.string(), z.number()]),
  at: z.iso.datetime(),
  id: z.uuid(),
  contact: z.email(),
  tree: TreeNode,
});

function validFor(schema: unknown, check: z.ZodType): void {
  for (const seed of SEEDS) {
    const value = generateFromSchema(schema, createPrng(seed));
    const result = check.safeParse(value);
    expect(result.success, `seed ${seed}: ${JSON.stringify(value)}\n${result.error?.message ?? ''}`).toBe(true);
  }
}

describe(generateFromSchema, () => {
  it('generates values valid against z.toJSONSchema output, recursion included', () => {
    validFor(z.toJSONSchema(Verdict), Verdict);
  });

  it("generates values valid against openai's zodResponseFormat schema (draft-7 definitions)", () => {
    const strict = Verdict.omit({ flags: true, at: true, id: true, contact: true });
    const format = zodResponseFormat(strict, 'verdict');
    expect(JSON.stringify(format.json_schema.schema)).toContain('#/definitions/');
    validFor(format.json_schema.schema, strict);
  });

  it('is deterministic for a seed and varies across seeds', () => {
    const schema = z.toJSONSchema(Verdict);
    const first = generateFromSchema(schema, createPrng(42));
    expect(generateFromSchema(schema, createPrng(42))).toEqual(first);
    const distinct = new Set(SEEDS.map((seed) => JSON.stringify(generateFromSchema(schema, createPrng(seed)))));
    expect(distinct.size).toBeGreaterThan(SEEDS.length / 2);
  });

  it('handles type arrays, OpenAPI nullable, allOf, definitions and exclusive bounds from hand-written schemas', () => {
    const schema = {
      type: 'object',
      properties: {
        maybe: { type: ['string', 'null'], minLength: 3 },
        legacy: { type: 'integer', nullable: true, minimum: 10, maximum: 12 },
        merged: {
          allOf: [
            { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] },
            { type: 'object', properties: { y: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } }, required: ['y'] },
          ],
        },
        linked: { $ref: '#/definitions/Link' },
        step: { type: 'number', multipleOf: 0.25, minimum: 1, maximum: 2 },
        oldStyle: { type: 'number', minimum: 5, exclusiveMinimum: true, maximum: 6, exclusiveMaximum: true },
        choice: { oneOf: [{ const: 'a' }, { type: 'boolean' }] },
        dict: { type: 'object', additionalProperties: { type: 'integer', minimum: 0, maximum: 3 } },
        unique: { type: 'array', items: { enum: ['p', 'q', 'r'] }, minItems: 3, maxItems: 3, uniqueItems: true },
      },
      required: ['maybe', 'legacy', 'merged', 'linked', 'step', 'oldStyle', 'choice', 'dict', 'unique'],
      definitions: {
        Link: {
          type: 'object',
          properties: { next: { anyOf: [{ $ref: '#/definitions/Link' }, { type: 'null' }] } },
          required: ['next'],
        },
      },
    };
    interface Link {
      next: Link | null;
    }
    const Link: z.ZodType<Link> = z.object({
      get next() {
        return Link.nullable();
      },
    });
    const check = z.object({
      maybe: z.string().min(3).nullable(),
      legacy: z.number().int().min(10).max(12).nullable(),
      merged: z.object({ x: z.string(), y: z.number().gt(0).lt(1) }),
      linked: Link,
      step: z.number().min(1).max(2).multipleOf(0.25),
      oldStyle: z.number().gt(5).lt(6),
      choice: z.union([z.literal('a'), z.boolean()]),
      dict: z.record(z.string(), z.number().int().min(0).max(3)),
      unique: z.array(z.enum(['p', 'q', 'r'])).length(3).refine((items) => new Set(items).size === 3),
    });
    validFor(schema, check);
  });

  it('keeps huge integer ranges human-sized', () => {
    const values = SEEDS.map((seed) => generateFromSchema({ type: 'integer', minimum: -(2 ** 53 - 1), maximum: 2 ** 53 - 1 }, createPrng(seed)));
    expect(values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100)).toBe(true);
  });

  it('rejects schemas it cannot satisfy, naming the place', () => {
    const prng = createPrng(1);
    expect(() => generateFromSchema({ $ref: '#/$defs/Missing' }, prng)).toThrow(WhiteboxError);
    expect(() => generateFromSchema({ $ref: '#/$defs/Missing' }, prng)).toThrow(/\$ref "#\/\$defs\/Missing" does not resolve/);
    expect(() => generateFromSchema({ type: 'object', properties: { a: { type: 'string', minLength: 5, maxLength: 2 } }, required: ['a'] }, prng)).toThrow(
      /#\/properties\/a: minLength 5 > maxLength 2/,
    );
    expect(() => generateFromSchema({ enum: [] }, prng)).toThrow(/enum is empty/);
    expect(() => generateFromSchema({ type: 'integer', minimum: 1.2, maximum: 1.8 }, prng)).toThrow(/no integer fits/);
    expect(() => generateFromSchema({ type: 'tuple' }, prng)).toThrow(/unsupported type "tuple"/);
    expect(() => generateFromSchema({ $ref: '#', type: 'object' }, prng)).toThrow(/recurses without an exit/);
    expect(() => generateFromSchema({}, prng, { maxDepth: -1 })).toThrow(TypeError);
  });
});

describe(generateText, () => {
  it('writes a capitalised sentence with a word count in range', () => {
    const text = generateText(createPrng(3), 5, 5);
    expect(text).toMatch(/^[A-Z][a-z]*( [a-z]+){4}\.$/);
  });
});
