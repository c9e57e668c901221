import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatMs, type DemoSection } from '../demo-section.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = fileURLToPath(new URL('../../../../packages/agent-offload/bin/agent-offload.js', import.meta.url));
const PATTERN = 'packages/*/src/*.ts';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly ms: number;
}

/** Runs the bundled bin in the repository root, feeding `stdin`, and times it. */
function runBin(args: readonly string[], stdin = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, ms: performance.now() - start }));
    child.stdin.end(stdin);
  });
}

function readInput(file: string): string {
  return JSON.stringify({
    session_id: 'demo',
    transcript_path: '/dev/null',
    cwd: repoRoot,
    hook_event_name: 'PreToolUse',
    tool_name: 'Read',
    tool_input: { file_path: file },
    tool_use_id: 'toolu_demo',
  });
}

interface PlanJson {
  readonly totals: { readonly files: number; readonly lines: number; readonly bytes: number };
  readonly batches: ReadonlyArray<{ readonly index: number; readonly files: readonly unknown[]; readonly lines: number; readonly bytes: number }>;
  readonly context: { readonly linesRead: number; readonly summaryLinesMax: number; readonly linesSaved: number; readonly savedPercent: number };
}

/** agent-offload on this repository: a parallel summary plan for the sources, then the Read hook on a large and a small file. */
export const agentOffloadSection: DemoSection = {
  title: `agent-offload: ${PATTERN} into 4 parallel summaries, and the Read hook`,
  run: async ({ out, c }) => {
    const planned = await runBin(['plan', PATTERN, '--batches', '4', '--max-summary-lines', '40', '--json', '--quiet']);
    if (planned.code !== 0) throw new Error(`agent-offload plan exited ${planned.code}`);
    const plan = JSON.parse(planned.stdout) as PlanJson;
    out(`  plan: ${plan.totals.files} files, ${plan.totals.lines.toLocaleString('en')} lines, in ${formatMs(planned.ms)}`);
    for (const batch of plan.batches) {
      const bar = '█'.repeat(Math.max(1, Math.round((batch.bytes / plan.batches[0]!.bytes) * 30)));
      const size = `${(batch.bytes / 1000).toFixed(0)} KB`;
      out(`    batch ${batch.index}  ${String(batch.files.length).padStart(3)} files  ${batch.lines.toLocaleString('en').padStart(6)} lines  ${size.padStart(6)}  ${bar}`);
    }
    const { linesRead, summaryLinesMax, linesSaved, savedPercent } = plan.context;
    out(
      `  context: sub-agents read ${linesRead.toLocaleString('en')} lines, the main agent gets back ≤ ${summaryLinesMax}: ` +
        c.green(`${linesSaved.toLocaleString('en')} lines (${savedPercent}%) saved`),
    );

    for (const file of ['pnpm-lock.yaml', 'package.json']) {
      const hook = await runBin(['hook'], readInput(file));
      const context = hook.stdout ? (JSON.parse(hook.stdout) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext : '';
      const verdict = context ? c.yellow(`advice: ${context.split('\n')[0]!.replace(/^agent-offload: /, '').slice(0, 70)}…`) : c.dim('no output (small file)');
      out(`  hook Read ${file.padEnd(15)} ${formatMs(hook.ms).padStart(8)}  ${verdict}`);
    }
  },
};
