import { isatty } from 'node:tty';
import { readStdin, readStdinSync } from '@whitebox/core';
import { resolvePerfLog } from '../../hook-runtime/resolve-perf-log.js';
import { recordToolTiming } from './record-tool-timing.js';

/**
 * `perf-tracker record [--log FILE] [--project-dir DIR]`, the PreToolUse / PostToolUse /
 * PostToolUseFailure hook. It prints nothing and always exits 0: a timing hook must never change
 * what the agent does, even when its arguments or the disk are wrong (`PERF_TRACKER_DEBUG=1`
 * reports such failures on stderr).
 */
export async function recordMain(argv: readonly string[]): Promise<number> {
  try {
    const options = parseRecordArgs(argv);
    const input = isatty(0) ? '' : (readStdinSync() ?? (await readStdin(process.stdin)));
    recordToolTiming({ input, logFile: resolvePerfLog(options) });
  } catch (error) {
    if (process.env['PERF_TRACKER_DEBUG']) process.stderr.write(`perf-tracker record: ${(error as Error).message}\n`);
  }
  return 0;
}

function parseRecordArgs(argv: readonly string[]): { log?: string; projectDir?: string } {
  const options: { log?: string; projectDir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === '--log') options.log = value;
    else if (name === '--project-dir') options.projectDir = value;
    else throw new Error(`unknown option ${name}`);
  }
  return options;
}
