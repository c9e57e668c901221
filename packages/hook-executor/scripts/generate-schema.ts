/**
 * Writes schema/hook-executor.schema.json from the zod schema. Run from the package directory:
 * `npx tsx scripts/generate-schema.ts`. A test fails when the committed file is out of date.
 */
import { writeFile } from 'node:fs/promises';
import { createExecutorJsonSchema } from '../src/executor-json-schema.js';

const target = new URL('../schema/hook-executor.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(createExecutorJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target.pathname}\n`);
