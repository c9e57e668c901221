import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatMs, type DemoSection } from '../demo-section.js';
import { runCommand } from '../run-command.js';

const HOOKS = 21;
const BIN = fileURLToPath(new URL('../../../../packages/hook-executor/bin/hook-executor.js', import.meta.url));

interface Captured {
  readonly code: number | null;
  readonly stdout: string;
}

/** Runs the bundled CLI as Claude Code runs a command hook: input on stdin, in the project. */
function hookExecutor(args: readonly string[], dir: string, stdin = ''): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, CLAUDE_PROJECT_DIR: dir, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
    child.stdin?.on('error', () => {});
    child.stdin?.end(stdin);
  });
}

async function median(times: number, work: () => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[ms.length >> 1] as number;
}

async function startServer(dir: string): Promise<{ child: ChildProcess; port: number; token: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '-q'], {
    cwd: dir,
    env: { ...process.env, CLAUDE_PROJECT_DIR: dir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
  });
  const info = JSON.parse(line) as { port: number; tokenFile: string };
  return { child, port: info.port, token: readFileSync(info.tokenFile, 'utf8').trim() };
}

function post(port: number, token: string, event: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/hooks/${event}`, agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.once('end', () => resolve(text));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * The 21-hook prompt case: the same real hooks one after another, through `hook-executor run` (one
 * command hook, Node start-up included) and through the resident server over loopback HTTP; then
 * an `after` chain with merged output, and the graph with its critical path from recorded timings.
 */
export const hookExecutorSection: DemoSection = {
  title: `hook-executor: ${HOOKS} UserPromptSubmit hooks of 50 ms as one Claude Code hook`,
  run: async ({ out, c }) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'demo-hook-executor-'));
    let server: ChildProcess | undefined;
    try {
      mkdirSync(path.join(dir, '.claude'));
      const context = (text: string) => `printf '%s' '${JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: text } })}'`;
      const hooks = Array.from({ length: HOOKS }, (_, i) => ({ id: `hook-${i + 1}`, command: 'sleep 0.05' }));
      writeFileSync(
        path.join(dir, '.claude', 'hook-executor.json'),
        JSON.stringify({
          events: {
            UserPromptSubmit: { hooks },
            SessionStart: {
              hooks: [
                { id: 'git-status', command: `sleep 0.04; ${context('branch main, clean')}` },
                { id: 'todo', command: `sleep 0.02; ${context('3 open TODOs')}` },
                { id: 'summary', command: `cat > /dev/null; sleep 0.03; ${context('summary written after git-status and todo')}`, after: ['git-status', 'todo'], receivesOutputs: true },
              ],
            },
          },
        }),
      );
      const input = (event: string, extra: Record<string, unknown>) =>
        JSON.stringify({ session_id: 'demo', transcript_path: path.join(dir, 't.jsonl'), cwd: dir, hook_event_name: event, ...extra });
      const prompt = input('UserPromptSubmit', { prompt: 'Refactor the parser' });

      const sequential = await median(1, async () => {
        for (let i = 0; i < HOOKS; i++) await runCommand('sleep 0.05');
      });
      await hookExecutor(['run', '--event', 'UserPromptSubmit'], dir, prompt); // validates and caches the config
      const oneShot = await median(3, () => hookExecutor(['run', '--event', 'UserPromptSubmit'], dir, prompt));
      const started = await startServer(dir);
      server = started.child;
      await post(started.port, started.token, 'UserPromptSubmit', prompt);
      const served = await median(3, () => post(started.port, started.token, 'UserPromptSubmit', prompt));

      const row = (label: string, ms: number, note = '') => out(`  ${label.padEnd(40)} ${formatMs(ms).padStart(9)}   ${note}`.trimEnd());
      row('one after another (sequential loop)', sequential);
      row('hook-executor run (one command hook)', oneShot, c.green(`${(sequential / oneShot).toFixed(1)}× faster`));
      row('hook-executor serve (http hook, loopback)', served, c.green(`${(sequential / served).toFixed(1)}× faster`));
      out(c.dim('  run: includes Node start-up and spawning 21 processes; serve: no start-up, one POST per event'));

      const session = await hookExecutor(['run', '--event', 'SessionStart'], dir, input('SessionStart', { source: 'startup' }));
      const merged = JSON.parse(session.stdout) as { hookSpecificOutput: { additionalContext: string } };
      out('');
      out(`  SessionStart with an after chain, merged in configuration order (exit ${session.code}):`);
      for (const line of merged.hookSpecificOutput.additionalContext.split('\n')) out(`    ${c.cyan(line)}`);
      const graph = await hookExecutor(['graph', '--event', 'SessionStart', '--format', 'text'], dir);
      for (const line of graph.stdout.trimEnd().split('\n')) out(`  ${line}`);
    } finally {
      if (server && server.exitCode === null) {
        const closed = new Promise((resolve) => server?.once('close', resolve));
        server.kill('SIGTERM');
        await closed;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
