import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { formatMs, type DemoSection } from '../demo-section.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../../../packages/sequential-agent-detector/bin/detect-sequential-agents.js', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../../../packages/sequential-agent-detector/test-fixtures/transcripts/', import.meta.url));

const SESSION = 'demo-session';
const PROMPT = 'demo-prompt';
const REPORT = '[Subagent hand-back] The report follows:\n  done.\n<usage>duration_ms: 1500</usage>';

interface Hook {
  readonly command: 'hook' | 'batch';
  readonly label: string;
  readonly input: Record<string, unknown>;
}

const agentInput = (description: string) => ({ description, prompt: `${description}. Report in five lines.`, subagent_type: 'general-purpose', run_in_background: false });
const pre = (id: string, description: string): Hook => ({
  command: 'hook',
  label: `PreToolUse    Agent "${description}"`,
  input: { hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: agentInput(description), tool_use_id: id },
});
const batch = (calls: Array<[id: string, description: string, response: string]>): Hook => ({
  command: 'batch',
  label: `PostToolBatch ${calls.length} call(s)`,
  input: {
    hook_event_name: 'PostToolBatch',
    tool_calls: calls.map(([id, description, response]) => ({ tool_name: 'Agent', tool_input: agentInput(description), tool_use_id: id, tool_response: [{ type: 'text', text: response }] })),
  },
});

// One turn: a foreground call, a lone follow-up (sequential), its unchanged re-issue (a dependent
// call may go through), then two independent calls in one message (parallel).
const TURN: Hook[] = [
  pre('t1', 'Find the failing test'),
  batch([['t1', 'Find the failing test', REPORT]]),
  pre('t2', 'Fix parser.ts'),
  batch([['t2', 'Fix parser.ts', 'PreToolUse:Agent hook error: Sequential sub-agent delegation blocked']]),
  pre('t3', 'Fix parser.ts'),
  batch([['t3', 'Fix parser.ts', REPORT]]),
  pre('t4', 'Update the changelog'),
  pre('t5', 'Update the docs'),
];

function runHook(hook: Hook, stateDir: string): Promise<{ ms: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BIN, hook.command, '--state-dir', stateDir, '--verbose']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve({ ms: performance.now() - start, stdout, stderr }));
    child.stdin.end(JSON.stringify({ session_id: SESSION, transcript_path: path.join(stateDir, 'none.jsonl'), cwd: stateDir, prompt_id: PROMPT, ...hook.input }));
  });
}

interface ScanJson {
  files: number;
  bytes: number;
  durationMs: number;
  sessions: Array<{
    sessionId: string;
    calls: number;
    parallelBatches: number;
    lostMs: number;
    chains: Array<{ batches: Array<Array<{ description?: string; durationMs?: number }>>; lostMs: number }>;
  }>;
}

/** detect-sequential-agents: the hooks on one turn, then a scan of sample transcripts. */
export const sequentialAgentDetectorSection: DemoSection = {
  title: 'detect-sequential-agents: sequential sub-agent calls, caught live and measured after the fact',
  run: async ({ out, c }) => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'demo-detector-'));
    try {
      out(c.dim('  hooks of one turn, block mode (each a real process; the last two run at once, as one parallel message would):'));
      const show = (hook: Hook, result: { ms: number; stdout: string; stderr: string }): void => {
        const denied = result.stdout.includes('"deny"');
        const word = (denied ? 'deny' : hook.command === 'hook' ? 'allow' : 'recorded').padEnd(9);
        const decision = denied ? c.red(word) : hook.command === 'hook' ? c.green(word) : c.dim(word);
        const reason = hook.command === 'hook' ? (/: (\S+) \(/.exec(result.stderr)?.[1] ?? '') : '';
        out(`    ${hook.label.padEnd(44)} ${decision} ${reason.padEnd(14)} ${formatMs(result.ms).padStart(8)}`);
      };
      for (const hook of TURN.slice(0, -2)) show(hook, await runHook(hook, stateDir));
      const pair = TURN.slice(-2);
      const results = await Promise.all(pair.map((hook) => runHook(hook, stateDir)));
      pair.forEach((hook, i) => show(hook, results[i]!));

      const start = performance.now();
      const { stdout } = await run(process.execPath, [BIN, 'scan', SAMPLES, '--json']);
      const wall = performance.now() - start;
      const report = JSON.parse(stdout) as ScanJson;
      out();
      out(c.dim(`  scan of ${report.files} sample transcripts (${(report.bytes / 1024).toFixed(1)} KiB): ${formatMs(report.durationMs)} scanning, ${formatMs(wall)} with process start-up`));
      for (const session of report.sessions) {
        const head = `    ${session.sessionId.padEnd(36)} ${String(session.calls).padStart(2)} calls, ${session.parallelBatches} parallel batch(es)`;
        if (session.chains.length === 0) {
          out(`${head}, no sequential chain`);
          continue;
        }
        out(`${head}, ${c.yellow(`${(session.lostMs / 1000).toFixed(1)} s lost`)}`);
        for (const chain of session.chains) {
          const steps = chain.batches.map((b) => b.map((call) => `${call.description ?? '?'} (${((call.durationMs ?? 0) / 1000).toFixed(1)} s)`).join(' + '));
          out(c.dim(`      ${steps.join(' → ')}: lost ${(chain.lostMs / 1000).toFixed(1)} s`));
        }
      }
      const lost = report.sessions.reduce((sum, s) => sum + s.lostMs, 0);
      out(`  time lost to sequential delegation across the samples: ${c.bold(`${(lost / 1000).toFixed(1)} s`)}`);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  },
};
