import { resolveProvider } from '@whitebox/core';
import { createBatchApi } from '../../batch/batch-api.js';
import type { BatchObject } from '../../batch/batch-api.js';
import type { CliContext } from '../../cli-context.js';
import type { BatchArgs } from './command.js';

/** One line about a batch: status, request counts and files. */
export function formatBatch(batch: BatchObject): string {
  const counts = batch.request_counts;
  const progress = counts ? `, ${counts.completed}/${counts.total} completed, ${counts.failed} failed` : '';
  const files = [batch.output_file_id ? `output ${batch.output_file_id}` : '', batch.error_file_id ? `errors ${batch.error_file_id}` : '']
    .filter(Boolean)
    .join(', ');
  const errors = (batch.errors?.data ?? []).slice(0, 5).map((error) => `\n  ${error.line == null ? '' : `line ${error.line}: `}${error.code ?? 'error'}: ${error.message ?? ''}`);
  return `${batch.id}: ${batch.status}${progress}${files ? `; ${files}` : ''}${errors.join('')}\n`;
}

/** `swarm batch status|cancel <id>`: prints the batch on stdout (JSON with `--json`). */
export async function batch(args: BatchArgs, context: CliContext): Promise<void> {
  const provider = await resolveProvider({
    baseURL: args.baseUrl,
    model: args.model,
    configFile: args.config,
    cwd: context.cwd,
    env: context.env,
    requireModel: false,
  });
  const api = createBatchApi({ provider, ...(context.fetch === undefined ? {} : { fetch: context.fetch }) });
  const result = args.action === 'cancel' ? await api.cancelBatch(args.batch) : await api.retrieveBatch(args.batch);
  context.io.stdout.write(args.json ? `${JSON.stringify(result, null, 2)}\n` : formatBatch(result));
}
