import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_REPLY_HEADER } from './forward-to-server.js';
import { startHookServer } from './hook-server.js';
import type { HookServer } from './hook-server.js';
import { ensureToken } from './ensure-token.js';
import { serverPaths, writeServerState } from './server-state.js';
import { BIN, createFixtureProject, fixtureInput, printJson, runBin, waitFor } from './test-support/fixture-project.js';
import type { FixtureProject } from './test-support/fixture-project.js';
import { warmShellPids } from './test-support/warm-shell-pids.js';

const PRE_TOOL_USE = fixtureInput('bash-hooks', '02-PreToolUse.json');
const PROMPT = fixtureInput('bash-hooks', '01-UserPromptSubmit.json');
const TOKEN = 'test-token-0123456789abcdef';
const context = (text: string) => printJson({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: text } });

let project: FixtureProject;
let server: HookServer;
let logs: string[];

beforeEach(async () => {
  project = await createFixtureProject({ events: {} });
  logs = [];
});
afterEach(async () => {
  await server?.close({ graceMs: 0 });
  await project.cleanup();
});

async function start(config: unknown, extra: { maxBodyBytes?: number } = {}): Promise<void> {
  await project.writeConfig(config);
  server = await startHookServer({
    configPath: project.configPath,
    projectDir: project.dir,
    token: TOKEN,
    port: 0,
    env: { PATH: process.env['PATH'] },
    log: (line) => logs.push(line),
    ...extra,
  });
}

function post(event: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/hooks/${event}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
  });
}

describe(startHookServer, () => {
  it.runIf(process.platform === 'linux')('starts command hooks in warm shells, with the hook environment, and stops the idle ones on close', async () => {
    const hooks = ['a', 'b', 'c'].map((id) => ({ id, command: `cat > ${id}.json; echo "$CLAUDE_PROJECT_DIR" > ${id}.env` }));
    await start({ events: { UserPromptSubmit: { hooks } } });
    await waitFor(async () => (await warmShellPids()).length === 3);
    const ready = await warmShellPids();
    expect(ready).toHaveLength(3);
    expect((await post('UserPromptSubmit', PROMPT)).status).toBe(200);
    for (const id of ['a', 'b', 'c']) {
      expect(await readFile(project.file(`${id}.json`), 'utf8')).toBe(PROMPT);
      expect((await readFile(project.file(`${id}.env`), 'utf8')).trim()).toBe(project.dir);
    }
    // The shells became the hooks; the pool starts new ones between requests.
    await waitFor(async () => (await warmShellPids()).filter((pid) => !ready.includes(pid)).length === 3);
    await server.close({ graceMs: 0 });
    await waitFor(async () => (await warmShellPids()).length === 0);
    expect(await warmShellPids()).toEqual([]);
  });

  it('answers /healthz without a token', async () => {
    await start({ events: {} });
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('answers 401 without the bearer token or with a wrong one, and runs nothing', async () => {
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'mark', command: 'touch ran' }] } } });
    const missing = await fetch(`${server.url}/hooks/UserPromptSubmit`, { method: 'POST', body: PROMPT });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post('UserPromptSubmit', PROMPT, { authorization: 'Bearer nope' })).status).toBe(401);
    expect(existsSync(project.file('ran'))).toBe(false);
  });

  it('rejects bodies that are not JSON, non-JSON content types, oversized bodies, other methods and paths', async () => {
    await start({ events: {} }, { maxBodyBytes: 1024 });
    expect((await post('UserPromptSubmit', '{"session_id": ')).status).toBe(400);
    expect((await post('UserPromptSubmit', PROMPT, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const big = await post('UserPromptSubmit', JSON.stringify({ padding: 'x'.repeat(4096) }));
    expect(big.status).toBe(413);
    expect((await fetch(`${server.url}/hooks/UserPromptSubmit`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    // Still serving after all of that.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('returns the merged result as JSON, with a deny as a JSON decision', async () => {
    await start({
      events: {
        PreToolUse: {
          hooks: [
            { id: 'ok', command: printJson({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow' } }) },
            { id: 'guard', matcher: 'Bash', command: 'echo "no writes" >&2; exit 2' },
          ],
        },
      },
    });
    const res = await post('PreToolUse', PRE_TOOL_USE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'no writes' },
    });
  });

  it('turns plain context into additionalContext and a non-blocking error into a systemMessage', async () => {
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'ctx', command: 'echo plain context' }] }, Stop: { hooks: [{ id: 'bad', command: 'echo broke >&2; exit 1' }] } } });
    expect(await (await post('UserPromptSubmit', PROMPT)).json()).toEqual({
      hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'plain context' },
    });
    expect(await (await post('Stop', fixtureInput('bash-hooks', '05-Stop.json'))).json()).toEqual({
      systemMessage: 'Hook bad failed with non-blocking status code 1: broke',
    });
  });

  it('answers a forwarded command-hook call with exit code, stdout and stderr', async () => {
    await start({ events: { PreToolUse: { hooks: [{ id: 'crash', command: 'echo nope >&2; exit 1' }] } } });
    const res = await post('PreToolUse', PRE_TOOL_USE, { [COMMAND_REPLY_HEADER]: 'command' });
    expect(await res.json()).toEqual({ exitCode: 1, stdout: '', stderr: 'Hook crash failed with non-blocking status code 1: nope' });
  });

  it('rejects an invalid hook input with 400, or blocks when the event is fail-closed', async () => {
    await start({ events: { PreToolUse: { onError: 'block', hooks: [{ id: 'a', command: 'true' }] } } });
    expect((await post('UserPromptSubmit', '{"hook_event_name":"UserPromptSubmit"}')).status).toBe(400);
    const blocked = await post('PreToolUse', '{"hook_event_name":"PreToolUse"}');
    expect(blocked.status).toBe(200);
    const body = (await blocked.json()) as { hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string } };
    expect(body.hookSpecificOutput.permissionDecision).toBe('deny');
    expect(body.hookSpecificOutput.permissionDecisionReason).toContain('Invalid hook input (PreToolUse)');
  });

  it('handles requests concurrently: five hooks that each wait for all five to arrive all finish', async () => {
    // If the server handled one request at a time, the first hook would wait for the others until its timeout.
    const barrier = 'echo x >> arrivals; while [ "$(wc -l < arrivals)" -lt 5 ]; do sleep 0.02; done; echo all-arrived';
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'barrier', command: barrier, timeout: 5 }] } } });
    const replies = await Promise.all(Array.from({ length: 5 }, () => post('UserPromptSubmit', PROMPT).then((res) => res.json())));
    expect(replies).toEqual(Array.from({ length: 5 }, () => ({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'all-arrived' } })));
    const records = (await readFile(project.file('.claude/memory/hook_performance.jsonl'), 'utf8')).trim().split('\n');
    expect(records.map((line) => (JSON.parse(line) as { runner: string }).runner)).toEqual(Array(5).fill('executor-server'));
  });

  it('reloads the config when it changes, and keeps the last good one when the new one is invalid', async () => {
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'v', command: context('v1') }] } } });
    const contextOf = async () => ((await (await post('UserPromptSubmit', PROMPT)).json()) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
    expect(await contextOf()).toBe('v1');
    await project.writeConfig({ events: { UserPromptSubmit: { hooks: [{ id: 'v', command: context('version-2') }] } } });
    expect(await contextOf()).toBe('version-2');
    expect(server.reloads).toBe(1);
    await project.writeConfig('{ "events": { "UserPromptSubmit": "broken" } }');
    expect(await contextOf()).toBe('version-2');
    expect(logs.at(-1)).toMatch(/^kept the previous config: .*events\.UserPromptSubmit/);
  });

  it('keeps module hooks warm: the module is loaded once across requests', async () => {
    await writeFile(project.file('.claude/counter.mjs'), 'let calls = 0;\nexport default () => `call ${++calls}`;\n');
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'count', module: 'counter.mjs' }] } } });
    const contextOf = async () => ((await (await post('UserPromptSubmit', PROMPT)).json()) as { hookSpecificOutput: { additionalContext: string } }).hookSpecificOutput.additionalContext;
    expect(await contextOf()).toBe('call 1');
    expect(await contextOf()).toBe('call 2');
  });

  it('survives hooks that throw, crash or cannot be loaded', async () => {
    await writeFile(project.file('.claude/bad.mjs'), 'export default () => { throw new Error("bad module"); };\n');
    await start({
      events: {
        UserPromptSubmit: {
          hooks: [
            { id: 'throws', module: 'bad.mjs' },
            { id: 'missing', module: 'missing.mjs' },
            { id: 'segv', command: 'kill -SEGV $$' },
          ],
        },
      },
    });
    const body = (await (await post('UserPromptSubmit', PROMPT)).json()) as { systemMessage: string };
    expect(body.systemMessage).toContain('Hook throws failed with non-blocking status code 1: bad module');
    expect(body.systemMessage).toContain('Hook missing failed to start');
    expect(body.systemMessage).toContain('Hook segv was stopped');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('shuts down gracefully: a request in flight still gets its answer', async () => {
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'slow', command: `sleep 0.3; ${context('finished')}` }] } } });
    const pending = post('UserPromptSubmit', PROMPT);
    while (server.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await server.close({ graceMs: 5_000 });
    expect(await (await pending).json()).toEqual({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'finished' } });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});

describe('run forwarding to the resident server', () => {
  it('forwards to a running server (runner executor-server) and falls back to running locally when it is gone', async () => {
    await start({ events: { UserPromptSubmit: { hooks: [{ id: 'ctx', command: 'echo hello' }] } } });
    const paths = serverPaths(project.dir);
    writeServerState(paths.stateFile, {
      version: 1,
      pid: process.pid,
      host: '127.0.0.1',
      port: server.port as number,
      configPath: project.configPath,
      tokenFile: paths.tokenFile,
      startedAt: new Date().toISOString(),
    });
    await writeFile(paths.tokenFile, `${TOKEN}\n`, { mode: 0o600 });

    const forwarded = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
    expect(forwarded).toEqual({ code: 0, stdout: 'hello', stderr: '' });
    await server.close({ graceMs: 0 });
    const local = await runBin(['run', '--event', 'UserPromptSubmit'], { input: PROMPT, cwd: project.dir });
    expect(local.stdout).toBe('hello');

    const runners = (await readFile(project.file('.claude/memory/hook_performance.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { runner: string }).runner);
    expect(runners).toEqual(['executor-server', 'executor-parallel']);
  });
});

describe('hook-executor serve (bundled CLI)', () => {
  it('writes a 0600 token, serves, and on SIGTERM finishes and removes its state file', async () => {
    await project.writeConfig({ events: { UserPromptSubmit: { hooks: [{ id: 'ctx', command: 'echo served' }] } } });
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json'], {
      cwd: project.dir,
      env: { ...process.env, CLAUDE_PROJECT_DIR: project.dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0] as string);
      });
    });
    const info = JSON.parse(line) as { url: string; tokenFile: string; stateFile: string };
    expect(statSync(info.tokenFile).mode & 0o777).toBe(0o600);
    expect(existsSync(info.stateFile)).toBe(true);
    const token = ensureToken(info.tokenFile);
    const res = await fetch(`${info.url}/hooks/UserPromptSubmit`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: PROMPT });
    expect(await res.json()).toEqual({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'served' } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(info.stateFile)).toBe(false);
  });
});
