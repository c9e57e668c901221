import { parseArgs } from 'node:util';
import type { HookArgs } from './command.js';
import { runHook } from './hook.js';
import type { HookEnvironment } from './hook.js';

/**
 * Parses `hook`'s flags without yargs, for the fast start-up path in `cli.ts`. Lenient like the
 * yargs builder: unknown flags are ignored and bad numbers come back as `NaN`, which `runHook`
 * reports and then leaves the read alone, because exit 2 from a PreToolUse hook would block it.
 */
export function parseHookArgv(args: readonly string[]): Partial<HookArgs> {
  const { values } = parseArgs({
    args: [...args],
    strict: false,
    allowPositionals: true,
    options: {
      'max-lines': { type: 'string' },
      'max-bytes': { type: 'string' },
      'max-summary-lines': { type: 'string' },
      strict: { type: 'boolean' },
      config: { type: 'string' },
      verbose: { type: 'boolean' },
    },
  });
  const number = (value: unknown): number | undefined =>
    value === undefined ? undefined : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return {
    maxLines: number(values['max-lines']),
    maxBytes: number(values['max-bytes']),
    maxSummaryLines: number(values['max-summary-lines']),
    strict: values['strict'] === true,
    config: typeof values['config'] === 'string' ? values['config'] : undefined,
    verbose: values['verbose'] === true,
  };
}

/**
 * `agent-offload hook` without yargs or the core barrel: the same {@link runHook}, minus about
 * 40 ms of start-up on every Read. Always resolves to exit code 0.
 */
export async function runHookFast(args: readonly string[], environment: HookEnvironment = {}): Promise<number> {
  await runHook(parseHookArgv(args), environment);
  return 0;
}
