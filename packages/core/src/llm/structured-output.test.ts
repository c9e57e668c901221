import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonSchemaResponseFormat, parseStructuredContent, reaskMessage } from './structured-output.js';

const Verdict = z.object({ verdict: z.enum(['approve', 'reject']), confidence: z.number().min(0).max(1) });

describe(jsonSchemaResponseFormat, () => {
  it('builds a strict json_schema response format from a zod 4 schema', () => {
    expect(jsonSchemaResponseFormat(Verdict, 'verdict')).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'verdict',
        strict: true,
        schema: expect.objectContaining({
          type: 'object',
          required: ['verdict', 'confidence'],
          additionalProperties: false,
          properties: {
            verdict: { type: 'string', enum: ['approve', 'reject'] },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
          },
        }),
      },
    });
  });

  it('rejects a schema that strict mode cannot express', () => {
    expect(() => jsonSchemaResponseFormat(z.object({ note: z.string().optional() }), 'x')).toThrow(/optional\(\)/);
  });
});

describe(parseStructuredContent, () => {
  it('parses and validates a JSON answer', () => {
    expect(parseStructuredContent('{"verdict":"approve","confidence":0.5}', Verdict)).toEqual({ ok: true, value: { verdict: 'approve', confidence: 0.5 } });
  });

  it('accepts JSON inside a Markdown code fence', () => {
    expect(parseStructuredContent('```json\n{"verdict":"reject","confidence":1}\n```', Verdict)).toMatchObject({ ok: true });
  });

  it('explains invalid JSON', () => {
    const result = parseStructuredContent('{"verdict": approve', Verdict);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^the answer is not valid JSON \(/);
  });

  it('names each field that does not match', () => {
    const result = parseStructuredContent('{"verdict":"maybe","confidence":2}', Verdict);
    expect(!result.ok && result.problem).toMatch(/^the JSON does not match the schema: verdict: .*; confidence: .*<=1/);
  });
});

describe(reaskMessage, () => {
  it('carries the problem and asks for bare JSON', () => {
    expect(reaskMessage('confidence: too big')).toBe(
      'Your previous answer was rejected: confidence: too big. Reply again with only a JSON object that matches the requested schema, with no prose and no code fence.',
    );
  });
});
