import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import { zodResponseFormat } from 'openai/helpers/zod';
import type { z } from 'zod';

/**
 * Turns a zod object schema into the `response_format` of a Chat Completions request
 * (`{ type: 'json_schema', json_schema: { name, schema, strict: true } }`).
 *
 * Uses the openai SDK's `zodResponseFormat`, which supports zod 4 and rejects schemas that strict
 * mode cannot express (such as `.optional()` without `.nullable()`) at build time rather than at the API.
 *
 * @param name - The schema's name as the API sees it: letters, digits, `_` and `-`.
 */
export function jsonSchemaResponseFormat(schema: z.ZodType, name: string): ResponseFormatJSONSchema {
  const format = zodResponseFormat(schema, name);
  // A plain copy: the SDK's object carries non-enumerable parser hooks we do not use.
  return { type: 'json_schema', json_schema: format.json_schema };
}

/** The outcome of {@link parseStructuredContent}. */
export type StructuredParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

// Models served without schema enforcement (Ollama drops `strict`) often wrap JSON in a fence.
const FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i;

/**
 * Parses a model's answer as JSON and validates it against `schema`, tolerating a Markdown code
 * fence around the JSON.
 *
 * @returns The value, or a one-paragraph `problem` suitable for asking the model again.
 */
export function parseStructuredContent<T>(content: string, schema: z.ZodType<T>): StructuredParseResult<T> {
  const text = FENCE.exec(content)?.[1] ?? content;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: `the answer is not valid JSON (${reason})` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  return { ok: false, problem: `the JSON does not match the schema: ${issues.join('; ')}` };
}

/**
 * The follow-up message sent once when an answer failed {@link parseStructuredContent}: it names
 * the problem so the model can fix it.
 */
export function reaskMessage(problem: string): string {
  return `Your previous answer was rejected: ${problem}. Reply again with only a JSON object that matches the requested schema, with no prose and no code fence.`;
}
