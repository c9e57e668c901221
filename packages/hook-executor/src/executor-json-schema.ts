import { z } from 'zod';
import { ExecutorConfigSchema, ExecutorHookSchema } from './executor-config.js';

/**
 * The JSON Schema of `.claude/hook-executor.json`, generated from the zod schema so the two cannot
 * drift. `scripts/generate-schema.ts` writes it to `schema/hook-executor.schema.json`, which a
 * config references with `"$schema"` for editor completion and checks; a test fails when the file
 * is out of date.
 */
export function createExecutorJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExecutorConfigSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      // zod refinements are not representable; say the one that matters most to editors.
      if (ctx.zodSchema === ExecutorHookSchema) {
        ctx.jsonSchema['oneOf'] = [{ required: ['command'] }, { required: ['module'] }];
      }
    },
  }) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    title: 'hook-executor configuration (.claude/hook-executor.json)',
    ...schema,
  };
}
