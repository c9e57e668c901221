/**
 * End-to-end: the bundled `bin/oracle.js` in a child process, against a real llm-sim over HTTP.
 * Nx builds the bundle first (`test` depends on `build-cli`); a bare `vitest run` builds it if missing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLlmSim } from '@whitebox/llm-sim';
import type { LlmSim, LlmSimOptions, ScriptRule, SimLogEntry } from '@whitebox/llm-sim';
import { OracleReportSchema } from './oracle-report.js';
import type { OracleReport } from './oracle-report.js';

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(PACKAGE_ROOT, 'bin', 'oracle.js');

// How the built-in personas' system prompts start, for script matchers and log checks.
const SYSTEM = { judge: 'acting as a judge', critic: 'demanding critic', skeptic: 'You are a skeptic' } as const;
type Name = keyof typeof SYSTEM;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cwd: string;
let sim: LlmSim | undefined;

beforeAll(() => {
  if (!existsSync(BIN)) {
    execFileSync('npx', ['tsx', '../../tools/esbuild/build-cli.ts'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
  }
});

beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'oracle-e2e-'));
});

afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await rm(cwd, { recursive: true, force: true });
});

async function start(options: LlmSimOptions = {}): Promise<LlmSim> {
  sim = await startLlmSim({ seed: 7, ...options });
  return sim;
}

function oracle(
  args: readonly string[],
  options: { readonly env?: Record<string, string>; readonly input?: string; readonly onSpawn?: (child: ReturnType<typeof spawn>) => void } = {},
): Promise<Run> {
  // A clean environment: nothing from the developer's shell (keys, base URLs) may leak in.
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: cwd,
    XDG_CACHE_HOME: path.join(cwd, 'cache'),
    NO_COLOR: '1',
    OPENAI_BASE_URL: sim?.baseURL ?? '',
    WHITEBOX_MODEL: 'gpt-4o-mini',
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}

function report(run: Run): OracleReport {
  return OracleReportSchema.parse(JSON.parse(run.stdout));
}

function callsOf(persona: Name): SimLogEntry[] {
  return (sim?.log().requests ?? []).filter((entry) => entry.system?.includes(SYSTEM[persona]));
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}

const rule = (persona: Name, respond: ScriptRule['respond']): ScriptRule => ({ name: persona, match: { system: SYSTEM[persona] }, respond });

describe('oracle (bundled CLI against llm-sim)', () => {
  it('asks three personas in parallel and prints a Markdown report', async () => {
    await start({ latency: { type: 'fixed', ms: 400 } });
    const run = await oracle(['--batch', 'judge,critic,skeptic', 'Replace the nightly cron job with a queue']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Oracle: (approve|revise|reject) \(3 of 3 answered, consensus \d+% \(\w+\)\)/);
    expect(run.stdout).toContain('**Proposal:** Replace the nightly cron job with a queue');
    for (const name of ['judge', 'critic', 'skeptic']) expect(run.stdout).toMatch(new RegExp(`^\\| ${name} \\| (approve|revise|reject) \\|`, 'm'));
    expect(run.stderr).toContain('oracle: asking judge, critic, skeptic');
    expect(run.stderr).toMatch(/✓ skeptic: /);
    const log = sim?.log();
    expect(log?.requests).toHaveLength(3);
    expect(log?.highWaterMark).toBe(3);
    expect(log?.requests.every((entry) => entry.stream && entry.status === 200)).toBe(true);
  });

  it('prints a report that matches the documented JSON schema, with a proposal from stdin', async () => {
    await start();
    const run = await oracle(['--persona', 'judge', '--json'], { input: 'Adopt pnpm catalogs\n' });
    expect(run.code).toBe(0);
    const parsed = report(run);
    expect(parsed).toMatchObject({ schemaVersion: 1, proposal: 'Adopt pnpm catalogs', aggregate: { answered: 1, failed: 0 } });
    expect(parsed.results[0]).toMatchObject({ persona: 'judge', status: 'answered', cached: false, calls: 1, usage: { estimated: false } });
    expect(parsed.costUsd).toBeGreaterThan(0);
    expect(sim?.log().requests[0]?.user).toBe('Proposal:\n\nAdopt pnpm catalogs');
  });

  it('rides out a 429 storm and 500s, honouring retry-after', async () => {
    await start({
      script: {
        rules: [
          rule('judge', [...Array.from({ length: 3 }, () => ({ error: { status: 429, retryAfterMs: 20 } })), {}]),
          rule('critic', [{ error: { status: 429, retryAfterMs: 20 } }, { error: { status: 429, retryAfterMs: 20 } }, {}]),
          rule('skeptic', [{ error: { status: 500 } }, { error: { status: 503 } }, {}]),
        ],
      },
    });
    const run = await oracle(['--batch', 'judge,critic,skeptic', '--json', 'Shard the database']);

    expect(run.code).toBe(0);
    const parsed = report(run);
    expect(parsed.results.map((result) => [result.persona, result.status, result.attempts])).toEqual([
      ['judge', 'answered', 4],
      ['critic', 'answered', 3],
      ['skeptic', 'answered', 3],
    ]);
    expect(callsOf('judge').map((entry) => entry.status)).toEqual([429, 429, 429, 200]);
    expect(callsOf('skeptic').map((entry) => entry.status)).toEqual([500, 503, 200]);
    expect(run.stderr).toMatch(/↻ judge: 429 .*; retrying in 0\.0 s/);
    expect(run.stderr).toMatch(/↻ skeptic: 500 .*; retrying in 0\.[4-5] s/);
  });

  it('fails a hung persona at the timeout and still answers with the others', async () => {
    await start({ script: { rules: [rule('skeptic', { fault: 'hang' })] } });
    const run = await oracle(['--batch', 'judge,critic,skeptic', '--timeout', '1s', 'Rewrite it in Rust']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# Oracle: \w+ \(2 of 3 answered/);
    expect(run.stdout).toMatch(/^\| skeptic \| \*\*failed\*\* \| – \| TIMEOUT: POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: no complete response within the call's 1 s deadline \|$/m);
    expect(run.stdout).toMatch(/^## Failed\n\n- \*\*skeptic\*\* \(gpt-4o-mini\): .*no complete response within the call's 1 s deadline$/m);
    expect(run.stderr).toMatch(/✗ skeptic: TIMEOUT: /);
    await until(() => callsOf('skeptic').length === 1, 'the hung request is logged');
    expect(callsOf('skeptic')[0]).toMatchObject({ fault: 'hang', cancelled: true });
  });

  it('asks again once when an answer is not valid JSON, and reports a persona whose answers never are', async () => {
    await start({
      script: {
        rules: [rule('critic', [{ invalidJson: true }, {}]), rule('skeptic', { invalidJson: true })],
      },
    });
    const run = await oracle(['--batch', 'judge,critic,skeptic', '--json', 'Drop IE11 support']);

    expect(run.code).toBe(0);
    const parsed = report(run);
    expect(parsed.results[0]).toMatchObject({ persona: 'judge', status: 'answered', calls: 1 });
    expect(parsed.results[1]).toMatchObject({ persona: 'critic', status: 'answered', calls: 2 });
    expect(parsed.results[2]).toMatchObject({
      persona: 'skeptic',
      status: 'failed',
      error: { code: 'LLM_SCHEMA', message: expect.stringMatching(/did not match the "verdict" schema, even after asking again: the answer is not valid JSON/) },
    });
    expect(callsOf('critic')).toHaveLength(2);
    expect(callsOf('skeptic')).toHaveLength(2);
    expect(callsOf('critic')[1]?.user).toMatch(/^Your previous answer was rejected: the answer is not valid JSON/);
  });

  it('retries a stream that was cut off half-way', async () => {
    await start({ script: { rules: [rule('judge', [{ fault: 'cut', afterChunks: 2 }, {}])] } });
    const run = await oracle(['--persona', 'judge', '--json', 'Cache the build']);

    expect(run.code).toBe(0);
    expect(report(run).results[0]).toMatchObject({ persona: 'judge', status: 'answered', attempts: 2, calls: 1 });
    expect(callsOf('judge').map((entry) => entry.fault)).toEqual(['cut', null]);
  });

  it('does not retry a 401, exits 1 when every persona failed, and never prints the key', async () => {
    await start({ apiKeys: ['sk-sim-right-key-0000'] });
    const wrongKey = 'sk-sim-wrong-key-123456';
    const run = await oracle(['--batch', 'judge,critic,skeptic', 'Rotate the keys'], { env: { OPENAI_API_KEY: wrongKey } });

    expect(run.code).toBe(1);
    expect(sim?.log().requests.map((entry) => entry.status)).toEqual([401, 401, 401]);
    expect(run.stdout).toMatch(/^# Oracle: no verdict \(all 3 personas failed\)/);
    expect(run.stdout).toMatch(/- \*\*critic\*\* \(gpt-4o-mini\): POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: 401 .*\(not retried\)/);
    expect(run.stderr).toContain('oracle: all 3 personas failed');
    expect(`${run.stdout}${run.stderr}`).not.toContain(wrongKey);
    expect(`${run.stdout}${run.stderr}`).not.toContain('wrong-key');
  });

  it('cancels the requests in flight on Ctrl-C and exits 130', async () => {
    await start({ latency: { type: 'fixed', ms: 60_000 } });
    const run = await oracle(['--batch', 'judge,critic,skeptic', 'Ship on Friday'], {
      onSpawn: (child) => {
        void until(() => sim?.log().inFlight === 3, 'all three requests are in flight').then(() => child.kill('SIGINT'));
      },
    });

    expect(run.code).toBe(130);
    expect(run.stderr).toContain('interrupted: Interrupted (SIGINT); the requests in flight were cancelled');
    expect(run.stdout).toBe('');
    await until(() => sim?.log().cancelled.length === 3, 'the simulator sees three disconnects');
    expect(sim?.log().cancelled.map((entry) => entry.status)).toEqual([null, null, null]);
  });

  it('answers a repeated question from --cache without calling the provider', async () => {
    await start();
    const args = ['--batch', 'judge,critic', '--cache', '--json', 'Adopt feature flags'];
    const first = await oracle(args);
    expect(first.code).toBe(0);
    expect(sim?.log().requests).toHaveLength(2);

    const second = await oracle(args);
    expect(second.code).toBe(0);
    expect(sim?.log().requests).toHaveLength(2);
    const parsed = report(second);
    expect(parsed.results.map((result) => result.status === 'answered' && result.cached)).toEqual([true, true]);
    expect(parsed.results.map((result) => result.status === 'answered' && result.verdict)).toEqual(
      report(first).results.map((result) => result.status === 'answered' && result.verdict),
    );
    expect(parsed.usage.totalTokens).toBe(0);
  });

  it('exits 2 with what to set when no provider is configured', async () => {
    const run = await oracle(['--persona', 'judge', 'x'], { env: { OPENAI_BASE_URL: '', WHITEBOX_MODEL: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: No LLM provider is configured\./);
    expect(run.stderr).toContain('http://localhost:11434/v1');
  });
});
