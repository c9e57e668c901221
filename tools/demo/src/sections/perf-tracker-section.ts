import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatMs, type DemoSection } from '../demo-section.js';

const bin = fileURLToPath(new URL('../../../../packages/perf-tracker/bin/perf-tracker.js', import.meta.url));
const TOOL_CALLS = 4;

/** Runs the bundled perf-tracker with a hook's stdin, as Claude Code would; resolves with stdout. */
function perfTracker(args: readonly string[], input: object | undefined, projectDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, CLAUDE_PROJECT_DIR: projectDir, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
    child.stdin.end(input === undefined ? '' : JSON.stringify(input));
  });
}

/**
 * perf-tracker times a few real hooks through `perf-tracker wrap` (and tool calls through
 * `perf-tracker record`) in a scratch project, then prints its report over those timings:
 * percentiles, the critical path per event, and the suggestions they trigger.
 */
export const perfTrackerSection: DemoSection = {
  title: `perf-tracker: ${TOOL_CALLS} tool calls' hooks timed by perf-tracker wrap, then reported`,
  run: async ({ out, c }) => {
    const project = await mkdtemp(path.join(os.tmpdir(), 'demo-perf-tracker-'));
    try {
      const start = performance.now();
      for (let i = 1; i <= TOOL_CALLS; i++) {
        const call = { session_id: 'demo-session', tool_name: 'Bash', tool_input: { command: `make step-${i}` }, tool_use_id: `toolu_demo_${i}` };
        const pre = { ...call, hook_event_name: 'PreToolUse' };
        const post = { ...call, hook_event_name: 'PostToolUse', tool_response: { stdout: 'ok' } };
        await perfTracker(['record'], pre, project);
        // PreToolUse: Claude Code starts both hooks at once; the guard blocks the third call.
        await Promise.all([
          perfTracker(['wrap', '--id', 'lint', '--', 'sleep', '0.12'], pre, project),
          perfTracker(['wrap', '--id', 'guard', '--', 'sh', '-c', `sleep 0.01; exit ${i === 3 ? 2 : 0}`], pre, project),
        ]);
        // PostToolUse: two hooks chained in one command, so they run one after the other.
        await perfTracker(['wrap', '--id', 'format', '--', 'sleep', '0.05'], post, project);
        await perfTracker(['wrap', '--id', 'notify', '--', 'sleep', '0.03'], post, project);
        await perfTracker(['record'], post, project);
      }
      const recorded = performance.now() - start;
      const report = await perfTracker(['report', '--since', '1d'], undefined, project);
      out(`  ${TOOL_CALLS} tool calls, ${TOOL_CALLS * 4} wrapped hook runs and ${TOOL_CALLS} tool timings recorded in ${formatMs(recorded)}`);
      out(c.dim(`  $ perf-tracker report --since 1d`));
      for (const line of report.trimEnd().split('\n')) out(`  ${line}`);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  },
};
