import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createColors } from '@whitebox/core';
import { benchEvent } from '../../bench-event.js';
import type { BenchEventResult } from '../../bench-event.js';
import { loadEventSample } from '../load-event-sample.js';

/** Options of `hook-executor bench`. */
export interface BenchOptions {
  readonly event: string;
  readonly input: string;
  readonly runs: number;
  readonly config?: string | undefined;
  readonly projectDir?: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** `hook-executor bench`: the user's hooks sequentially, through the engine and as the one-shot command hook. */
export async function bench(options: BenchOptions): Promise<void> {
  const { projectDir, configPath, loaded, inputText, input } = await loadEventSample(options);
  // Bundled, this module is bin/chunks/<name>.js and the entry is bin/hook-executor.js.
  const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../hook-executor.js');
  const result = await benchEvent({
    config: loaded.config,
    configDir: loaded.dir,
    event: options.event,
    input,
    inputText,
    projectDir,
    cwd: projectDir,
    runs: options.runs,
    configPath,
    ...(existsSync(bin) && { bin }),
    onRun: (run, total) => {
      if (!options.quiet && !options.json) process.stderr.write(`  run ${run}/${total}\n`);
    },
  });
  process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderBench(result));
}

/** The measurements as a table. */
export function renderBench(result: BenchEventResult): string {
  const c = createColors(process.stdout);
  const row = (label: string, medianMs: number, note = '') => `  ${label.padEnd(36)} ${`${medianMs.toFixed(0)} ms`.padStart(9)}  ${note}`.trimEnd();
  const speedup = (ms: number) => c.bold(`${(result.sequential.medianMs / ms).toFixed(1)}× faster`);
  const lines = [
    `${c.bold(`bench ${result.event}`)}: ${result.hooks} hooks, median of ${result.runs} runs`,
    row('one after another', result.sequential.medianMs),
    row('executor engine (in-process graph)', result.executor.medianMs, speedup(result.executor.medianMs)),
  ];
  if (result.oneShot) lines.push(row('hook-executor run (with Node start-up)', result.oneShot.medianMs, speedup(result.oneShot.medianMs)));
  return `${lines.join('\n')}\n`;
}
