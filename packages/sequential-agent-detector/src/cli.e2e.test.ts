import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binPath, fixturesDir, makeTempDir, REPORT } from '../test-fixtures/helpers.js';
import type { ScanReport } from './scan-transcripts.js';
import { BLOCK_REASON, REMIND_CONTEXT, WARN_CONTEXT } from './teaching-messages.js';

let dir: string;
let stateDir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('agent-detector-e2e-'));
  stateDir = path.join(dir, 'state');
});
afterEach(() => cleanup());

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdin = '', env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [binPath, ...args], {
    input: stdin,
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, CLAUDE_PROJECT_DIR: dir, NO_COLOR: '1', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runAsync(args: string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: dir, env: { ...process.env, CLAUDE_PROJECT_DIR: dir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const input = (fields: Record<string, unknown>) =>
  JSON.stringify({ session_id: 'e2e-session', transcript_path: path.join('/nonexistent', 'e2e.jsonl'), cwd: '/tmp', prompt_id: 'p1', ...fields });
const pre = (id: string, extra: Record<string, unknown> = {}) =>
  input({ hook_event_name: 'PreToolUse', tool_name: 'Agent', tool_input: { description: `task ${id}`, prompt: `do ${id}`, subagent_type: 'Explore' }, tool_use_id: id, ...extra });
const batch = (ids: string[], response = REPORT) =>
  input({
    hook_event_name: 'PostToolBatch',
    tool_calls: ids.map((id) => ({ tool_name: 'Agent', tool_input: { description: `task ${id}`, prompt: `do ${id}`, subagent_type: 'Explore' }, tool_use_id: id, tool_response: [{ type: 'text', text: response }] })),
  });

/** State after one foreground sub-agent call finished: the next lone call is sequential. */
function afterForegroundCall(): void {
  expect(run(['hook', '--state-dir', stateDir], pre('first')).stdout).toBe('');
  expect(run(['batch', '--state-dir', stateDir], batch(['first'])).status).toBe(0);
}

describe('detect-sequential-agents hook (bundled, real stdin)', () => {
  it('denies a sequential call with the teaching reason, then allows it re-issued unchanged', () => {
    afterForegroundCall();
    const denied = run(['hook', '--state-dir', stateDir], pre('second'));
    expect(denied.status).toBe(0);
    expect(JSON.parse(denied.stdout)).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: BLOCK_REASON },
    });
    run(['batch', '--state-dir', stateDir], batch(['second'], `PreToolUse:Agent hook error: ${BLOCK_REASON}`));
    const reissued = run(['hook', '--state-dir', stateDir, '--verbose'], pre('second-again', { tool_input: { description: 'task second', prompt: 'do second', subagent_type: 'Explore' } }));
    expect(reissued.stdout).toBe('');
    expect(reissued.stderr).toContain('re-issue');
  });

  it('warns instead with --mode warn', () => {
    afterForegroundCall();
    const warned = run(['hook', '--state-dir', stateDir, '--mode', 'warn'], pre('second'));
    expect(JSON.parse(warned.stdout)).toEqual({ hookSpecificOutput: { hookEventName: 'PreToolUse', additionalContext: WARN_CONTEXT } });
  });

  it('takes the mode from the project config, and a flag overrides it', async () => {
    await mkdir(path.join(dir, '.claude'));
    await writeFile(path.join(dir, '.claude', 'sequential-agent-detector.json'), JSON.stringify({ mode: 'off', stateDir }));
    afterForegroundCall();
    expect(run(['hook'], pre('second')).stdout).toBe('');
    expect(JSON.parse(run(['hook', '--mode', 'block'], pre('third')).stdout).hookSpecificOutput.permissionDecision).toBe('deny');
  });

  it('allows every call of one parallel batch when their hook processes run concurrently', async () => {
    afterForegroundCall();
    const ids = ['p-1', 'p-2', 'p-3', 'p-4'];
    // Four Node processes on a busy 2-core CI machine can start a few hundred milliseconds apart,
    // far more than Claude Code's ~1 ms; the wait is widened so the test is about the state staying
    // consistent under concurrent appends, not about the machine's scheduler. Every sibling ends the
    // others' wait as soon as it appends, so the generous cap costs nothing when the machine is idle.
    const results = await Promise.all(ids.map((id) => runAsync(['hook', '--state-dir', stateDir, '--wait-ms', '5000', '--verbose'], pre(id))));
    for (const result of results) {
      expect(result.status).toBe(0);
      expect(result.stdout, result.stderr).toBe('');
      expect(result.stderr).toContain(': parallel (');
    }
  });

  it('exits 0 with no output on input it cannot read, and says why under --verbose', () => {
    for (const stdin of ['', 'not json', '[]', '{"hook_event_name":"PreToolUse"}']) {
      const result = run(['hook', '--state-dir', stateDir, '--verbose'], stdin);
      expect(result).toMatchObject({ status: 0, stdout: '' });
      expect(result.stderr).toContain('Invalid hook input');
    }
    expect(run(['hook', '--state-dir', stateDir], 'not json').stderr).toBe('');
  });

  it('allows (exit 0, no output) when its state cannot be written', async () => {
    const blocked = path.join(dir, 'a-file');
    await writeFile(blocked, '');
    const result = run(['hook', '--state-dir', blocked, '--verbose'], pre('x'));
    expect(result).toMatchObject({ status: 0, stdout: '' });
    expect(result.stderr).toContain('internal error, allowing');
  });

  it('never exits 2 (which would block the tool) on a mistyped flag or a broken config', async () => {
    const badFlag = run(['hook', '--mode', 'blok'], pre('x'));
    expect(badFlag.status).toBe(1);
    expect(badFlag.stderr).toContain('Invalid values');
    await mkdir(path.join(dir, '.claude'));
    await writeFile(path.join(dir, '.claude', 'sequential-agent-detector.json'), '{"mode":"loud"}');
    const badConfig = run(['hook'], pre('x'));
    expect(badConfig).toMatchObject({ status: 1, stdout: '' });
    expect(badConfig.stderr).toContain('sequential-agent-detector.json: "mode" must be one of block, warn, off');
  });
});

describe('detect-sequential-agents batch (bundled)', () => {
  it('records a batch silently and deletes the session’s state on SessionEnd', () => {
    afterForegroundCall();
    expect(existsSync(path.join(stateDir, 'e2e-session'))).toBe(true);
    const ended = run(['batch', '--state-dir', stateDir], input({ hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' }));
    expect(ended).toMatchObject({ status: 0, stdout: '' });
    expect(existsSync(path.join(stateDir, 'e2e-session'))).toBe(false);
  });
});

describe('detect-sequential-agents remind (bundled)', () => {
  const prompt = (text: string) => input({ hook_event_name: 'UserPromptSubmit', prompt: text });

  it('adds the reminder for a prompt with several independent parts, and nothing otherwise', () => {
    const multi = run(['remind'], prompt('Write unit tests for parser.ts, lexer.ts and formatter.ts.'));
    expect(JSON.parse(multi.stdout)).toEqual({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: REMIND_CONTEXT } });
    expect(run(['remind'], prompt('Fix the null pointer exception in UserService.getProfile')).stdout).toBe('');
    expect(run(['remind'], prompt('<task-notification>\n<task-id>a1</task-id>\n1. x\n2. y\n</task-notification>')).stdout).toBe('');
  });
});

describe('detect-sequential-agents init (bundled)', () => {
  it('adds the section, keeps the user’s text, and changes nothing the second time', async () => {
    const file = path.join(dir, 'CLAUDE.md');
    await writeFile(file, '# My project\n\nUse pnpm.\n');
    expect(run(['init']).stdout).toContain('section added');
    const once = await readFile(file, 'utf8');
    expect(once.startsWith('# My project\n\nUse pnpm.\n')).toBe(true);
    expect(once).toContain('## Parallel agent delegation');
    expect(run(['init']).stdout).toContain('already up to date');
    expect(await readFile(file, 'utf8')).toBe(once);
    expect(run(['init', '--check']).status).toBe(0);
  });

  it('--check exits 1 and writes nothing when the section is missing', async () => {
    const result = run(['init', '--check', '--json']);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ action: 'created', written: false });
    expect(existsSync(path.join(dir, 'CLAUDE.md'))).toBe(false);
  });
});

describe('detect-sequential-agents scan (bundled)', () => {
  it('reports the chains and the time lost as JSON', () => {
    const result = run(['scan', path.join(fixturesDir, 'transcripts'), '--json']);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as ScanReport;
    const lost = Object.fromEntries(report.sessions.map((s) => [s.sessionId, s.lostMs]));
    expect(lost).toEqual({
      'sequential-several-blocks-per-line': 8300,
      'dependent-reissue': 4000,
      'sidechain-nested': 2500,
      'parallel-one-line-per-block': 0,
      'background-launches': 0,
    });
  });

  it('prints a table, and fails with exit 1 naming a path that does not exist', () => {
    const table = run(['scan', path.join(fixturesDir, 'transcripts')]);
    expect(table.stdout).toMatch(/sequential-several-blocks-per-line\s+5\s+1\s+1\s+8\.3 s/);
    expect(table.stdout).toContain('Check api service (5.0 s) → Check worker service (3.3 s) → Check cron service (7.0 s)');
    const missing = run(['scan', path.join(dir, 'nope')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`No such file or directory: ${path.join(dir, 'nope')}`);
  });

  it('exits 2 on a usage error outside the hooks', () => {
    expect(run([]).status).toBe(2);
    expect(run(['scan', '--chains', '-1']).status).toBe(2);
  });
});
