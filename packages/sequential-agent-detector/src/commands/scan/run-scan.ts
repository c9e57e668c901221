import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { abortOnSigint, createColors, UsageError } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';
import { formatScanReport } from '../../format-scan-report.js';
import { scanTranscripts } from '../../scan-transcripts.js';
import type { ScanArgs } from './command.js';

/** Runs `scan`: the table (or JSON) on stdout. */
export async function runScan(args: ScanArgs, context: CliContext): Promise<void> {
  if (!Number.isInteger(args.chains) || args.chains < 0) throw new UsageError(`--chains must be a whole number ≥ 0, got ${args.chains}`);
  const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : [join(context.env['HOME'] || homedir(), '.claude', 'projects')];
  const sigint = abortOnSigint();
  try {
    const report = await scanTranscripts(
      paths.map((path) => resolve(context.cwd, path)),
      { signal: sigint.signal },
    );
    if (args.verbose) {
      const mib = report.bytes / 1024 / 1024;
      const rss = process.resourceUsage().maxRSS / 1024;
      context.io.stderr.write(
        `scanned ${report.files} file(s), ${mib.toFixed(1)} MiB in ${report.durationMs.toFixed(0)} ms (${(mib / (report.durationMs / 1000)).toFixed(1)} MiB/s), peak RSS ${rss.toFixed(1)} MiB\n`,
      );
    }
    if (args.json) {
      context.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      context.io.stdout.write(formatScanReport(report, { colors: createColors(context.io.stdout as { isTTY?: boolean }), chainsPerSession: args.chains }));
    }
  } finally {
    sigint.dispose();
  }
}
