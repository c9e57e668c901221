import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHookStdout } from '@whitebox/core';
import { runHook } from './hook.js';
import { parseHookArgv, runHookFast } from './run-hook-fast.js';

const bin = fileURLToPath(new URL('../../../bin/agent-offload.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
// CI clones the repository next to `shared/`, as for core's fixture tests.
const fixture = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332', 'bash-hooks', 'hook-inputs', '02-PreToolUse.json');

let dir: string;
let realInput: Record<string, unknown>;

/** The real captured PreToolUse input, turned into a Read of `toolInput` in the temp project. */
function readInput(toolInput: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...realInput, cwd: dir, tool_name: 'Read', tool_input: toolInput, ...extra });
}

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s), isTTY: false } } };
}

function runBin(args: string[], stdin: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, CLAUDE_PROJECT_DIR: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  if (!existsSync(fixture)) throw new Error(`Real Claude Code hook input not found at ${fixture}; clone shared/ next to the repository`);
  if (!existsSync(bin)) throw new Error(`${bin} is missing; run \`npx nx test agent-offload\` (it builds the bin first)`);
  realInput = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, unknown>;
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-hook-'));
  await writeFile(path.join(dir, 'small.ts'), 'export const a = 1;\n'.repeat(20));
  await writeFile(path.join(dir, 'large.ts'), 'export const a = 1;\n'.repeat(5000));
  await mkdir(path.join(dir, '.claude'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(runHook, () => {
  it('reads the config from CLAUDE_PROJECT_DIR, and flags win over it', async () => {
    const project = path.join(dir, 'project');
    await mkdir(path.join(project, '.claude'), { recursive: true });
    await writeFile(path.join(project, '.claude', 'whitebox.json'), JSON.stringify({ agentOffload: { mode: 'strict', maxLines: 10 } }));
    const stdin = readInput({ file_path: 'small.ts' });

    const strict = captureIo();
    expect(await runHook({}, { io: strict.io, stdin, env: { CLAUDE_PROJECT_DIR: project } })).toMatchObject({ action: 'deny' });
    expect(JSON.parse(strict.out.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });

    const relaxed = captureIo();
    expect(await runHook({ maxLines: 100 }, { io: relaxed.io, stdin, env: { CLAUDE_PROJECT_DIR: project } })).toMatchObject({ action: 'skip' });
    expect(relaxed.out.stdout).toBe('');
  });

  it('reports a bad config on stderr and leaves the read alone', async () => {
    const project = path.join(dir, 'bad-project');
    await mkdir(path.join(project, '.claude'), { recursive: true });
    const config = path.join(project, '.claude', 'whitebox.json');
    await writeFile(config, JSON.stringify({ agentOffload: { maxLines: 'many' } }));
    const { out, io } = captureIo();
    expect(await runHook({}, { io, stdin: readInput({ file_path: 'large.ts' }), env: { CLAUDE_PROJECT_DIR: project } })).toBeUndefined();
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(`agent-offload: ${config}: agentOffload.maxLines: expected an integer ≥ 1, received string "many"; read left alone\n`);
  });

  it('reports a bad flag value on stderr and leaves the read alone', async () => {
    const { out, io } = captureIo();
    expect(await runHook({ maxLines: Number.NaN }, { io, stdin: readInput({ file_path: 'large.ts' }), env: {} })).toBeUndefined();
    expect(out).toEqual({ stdout: '', stderr: 'agent-offload: --max-lines must be an integer ≥ 1, got NaN; read left alone\n' });
  });

  it('explains under --verbose why it stayed silent, and says nothing without it', async () => {
    const cases: Array<[string, string]> = [
      ['', 'agent-offload: stdin is not JSON (Unexpected end of JSON input); read left alone\n'],
      ['[1, 2]', 'agent-offload: stdin is not a JSON object; read left alone\n'],
      [JSON.stringify({ ...realInput, hook_event_name: 'PostToolUse' }), 'agent-offload: hook_event_name is "PostToolUse", not "PreToolUse"; read left alone\n'],
      [readInput({ file_path: 'small.ts' }), `agent-offload: skip: ${path.join(dir, 'small.ts')}: 400 B cannot hold more than 1,000 lines\n`],
    ];
    for (const [stdin, message] of cases) {
      const verbose = captureIo();
      await runHook({ verbose: true }, { io: verbose.io, stdin, env: {} });
      expect(verbose.out, stdin).toEqual({ stdout: '', stderr: message });
      const quiet = captureIo();
      await runHook({}, { io: quiet.io, stdin, env: {} });
      expect(quiet.out, stdin).toEqual({ stdout: '', stderr: '' });
    }
  });
});

describe(parseHookArgv, () => {
  it('parses the flags leniently: unknown flags ignored, bad numbers as NaN', () => {
    expect(parseHookArgv(['--max-lines', '2000', '--max-bytes=5000', '--strict', '--verbose', '--config', 'c.json', '--bogus'])).toEqual({
      maxLines: 2000,
      maxBytes: 5000,
      maxSummaryLines: undefined,
      strict: true,
      config: 'c.json',
      verbose: true,
    });
    expect(parseHookArgv(['--max-lines', 'many']).maxLines).toBeNaN();
    expect(parseHookArgv(['--max-summary-lines=']).maxSummaryLines).toBeNaN();
    expect(parseHookArgv([])).toMatchObject({ strict: false, verbose: false, maxLines: undefined });
  });

  it('always resolves to exit code 0', async () => {
    const { io } = captureIo();
    expect(await runHookFast(['--max-lines', 'x'], { io, stdin: 'garbage', env: {} })).toBe(0);
  });
});

describe('agent-offload hook (bundled bin)', () => {
  it('prints nothing for a small file', async () => {
    expect(await runBin(['hook'], readInput({ file_path: path.join(dir, 'small.ts') }))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('allows a large file and adds additionalContext suggesting a sub-agent', async () => {
    const result = await runBin(['hook'], readInput({ file_path: 'large.ts' }));
    expect(result.code).toBe(0);
    expect(parseHookStdout(result.stdout, { event: 'PreToolUse' }).kind).toBe('json');
    const output = JSON.parse(result.stdout) as { hookSpecificOutput: Record<string, string> };
    expect(output.hookSpecificOutput['permissionDecision']).toBeUndefined();
    expect(output.hookSpecificOutput['additionalContext']).toContain('large.ts is large (about 5,000 lines, 100 KB)');
    expect(output.hookSpecificOutput['additionalContext']).toContain(`Read ${path.join(dir, 'large.ts')} and reply with a summary of at most 40 lines`);
  });

  it('leaves a ranged read of the large file alone', async () => {
    expect(await runBin(['hook'], readInput({ file_path: 'large.ts', offset: 100, limit: 50 }))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('denies with a JSON reason under --strict', async () => {
    const result = await runBin(['hook', '--strict', '--max-summary-lines', '25'], readInput({ file_path: 'large.ts' }));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: expect.stringMatching(/^agent-offload \(strict mode\) denied this Read: large\.ts is large[\s\S]*at most 25 lines/),
      },
    });
  });

  it('allows a missing file silently, and explains it under --verbose', async () => {
    const stdin = readInput({ file_path: 'gone.ts' });
    expect(await runBin(['hook', '--strict'], stdin)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runBin(['hook', '--strict', '--verbose'], stdin)).toEqual({
      code: 0,
      stdout: '',
      stderr: `agent-offload: skip: ${path.join(dir, 'gone.ts')}: cannot stat (ENOENT)\n`,
    });
  });

  it('exits 0 with nothing on stdout for garbage stdin or a bad flag, on both the fast and the yargs path', async () => {
    for (const args of [['hook'], ['hook', '--max-lines', 'lots', '--unknown-flag'], ['--verbose', 'hook', '--unknown-flag']]) {
      const result = await runBin(args, '{"truncated": ');
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toBe('');
    }
    const yargsPath = await runBin(['--verbose', 'hook', '--strict'], readInput({ file_path: 'large.ts' }));
    expect(yargsPath.code).toBe(0);
    expect(JSON.parse(yargsPath.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'deny' } });
  });
});
