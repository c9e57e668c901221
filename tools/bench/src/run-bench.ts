import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createColors, UsageError, WhiteboxError } from '@whitebox/core';
import { benchmarks } from './benchmarks/index.js';
import { formatMachine } from './machine.js';
import { renderMarkdown, replaceBetweenMarkers } from './report.js';
import { runBenchmark, type BenchmarkResult } from './run-benchmark.js';

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
const readmePath = fileURLToPath(new URL('../../../README.md', import.meta.url));

/** Options of the bench command. */
export interface RunBenchOptions {
  readonly names: readonly string[];
  readonly runs?: number | undefined;
  readonly list: boolean;
  readonly write: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Runs the selected benchmarks, prints a table, and records the results. Exits 1 if a target fails. */
export async function runBench(options: RunBenchOptions): Promise<void> {
  const c = createColors();
  if (options.list) {
    for (const b of benchmarks) process.stdout.write(`${b.name}\t${b.pkg}\t${b.description}\n`);
    return;
  }
  const unknown = options.names.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    throw new UsageError(`Unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
  }
  const selected = options.names.length === 0 ? benchmarks : benchmarks.filter((b) => options.names.includes(b.name));
  const results: BenchmarkResult[] = [];
  for (const benchmark of selected) {
    if (!options.quiet) process.stderr.write(`${c.bold(benchmark.name)}: ${benchmark.description}\n`);
    const result = await runBenchmark(benchmark, {
      runs: options.runs,
      onRun: (run, total, b, cand) => {
        if (!options.quiet) {
          process.stderr.write(
            `  run ${run}/${total}: ${benchmark.baseline.label} ${b.toFixed(1)} ms, ${benchmark.candidate.label} ${cand.toFixed(1)} ms\n`,
          );
        }
      },
    });
    results.push(result);
    for (const target of result.targets) {
      if (!options.quiet) {
        const mark = target.pass ? c.green('pass') : c.red('FAIL');
        process.stderr.write(`  ${mark} ${target.metric} median ${target.value.toFixed(2)} (${target.note ?? ''})\n`);
      }
    }
    if (options.write) {
      await mkdir(resultsDir, { recursive: true });
      await writeFile(`${resultsDir}${benchmark.name}.json`, `${JSON.stringify(result, null, 2)}\n`);
    }
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write(renderMarkdown(results));
  }
  if (options.write) {
    // The README quotes every benchmark, including ones not re-run this time.
    const all = await readAllResults();
    const table = renderMarkdown(all);
    await writeFile(`${resultsDir}results.md`, `# Benchmark results\n\n${table}`);
    const readme = await readFile(readmePath, 'utf8');
    await writeFile(readmePath, replaceBetweenMarkers(readme, table));
    if (!options.quiet) process.stderr.write(`wrote ${resultsDir}results.md and the README table (${formatMachine(all[0]!.machine)})\n`);
  }
  const failed = results.flatMap((r) => r.targets.filter((t) => !t.pass).map((t) => `${r.name}: ${t.metric} ${t.value.toFixed(2)}`));
  if (failed.length > 0) {
    throw new WhiteboxError('TASK_FAILED', `Benchmark targets missed: ${failed.join('; ')}`);
  }
}

async function readAllResults(): Promise<BenchmarkResult[]> {
  const files = (await readdir(resultsDir)).filter((f) => f.endsWith('.json'));
  const byName = new Map<string, BenchmarkResult>();
  for (const file of files) {
    const result = JSON.parse(await readFile(`${resultsDir}${file}`, 'utf8')) as BenchmarkResult;
    byName.set(result.name, result);
  }
  const order = benchmarks.map((b) => b.name);
  return [...byName.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}
