import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { createCli } from './create-cli.js';
import { OracleReportSchema } from './oracle-report.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'oracle-cli-'));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const VERDICT = { verdict: 'approve', confidence: 0.75, summary: 'Fine.', reasons: ['small change'], risks: ['none found'] };

/** A provider that approves everything, and records what it was asked. */
function approvingFetch() {
  const bodies: Record<string, unknown>[] = [];
  const fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
    bodies.push(body);
    return new Response(
      JSON.stringify({
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: body['model'],
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(VERDICT) }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      }),
      { headers: { 'content-type': 'application/json' } },
    );
  }) as typeof globalThis.fetch;
  return { fetch, bodies };
}

async function run(args: string[], context: Partial<CliContext> = {}) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: (chunk: string) => (stderr += chunk) } };
  const code = await runCli(
    createCli(args, {
      io,
      cwd,
      env: { OPENAI_BASE_URL: 'http://llm.test/v1', WHITEBOX_MODEL: 'gpt-4o-mini', NO_COLOR: '1' },
      stdin: Readable.from([]),
      signals: new EventEmitter(),
      ...context,
    }),
    { argv: args, io },
  );
  return { code, stdout, stderr };
}

async function writePersona(name: string, text: string): Promise<string> {
  const dir = path.join(cwd, '.claude', 'personas');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, name), text);
  return path.join(dir, name);
}

describe(createCli, () => {
  it('reads the proposal from --file and asks without streaming when told', async () => {
    await writeFile(path.join(cwd, 'plan.md'), '# Plan\n\nMove builds to CI.\n');
    const { fetch, bodies } = approvingFetch();
    const result = await run(['--persona', 'judge', '--file', 'plan.md', '--no-stream', '--json'], { fetch });
    expect(result.code).toBe(0);
    expect(OracleReportSchema.parse(JSON.parse(result.stdout)).proposal).toBe('# Plan\n\nMove builds to CI.');
    expect(bodies[0]).toMatchObject({ stream: false });
  });

  it('accepts --persona more than once and takes "-" as stdin', async () => {
    const { fetch, bodies } = approvingFetch();
    const result = await run(['--persona', 'judge', '--persona', 'security', '-q', '--no-stream', '-'], { fetch, stdin: Readable.from(['Use mTLS']) });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(bodies).toHaveLength(2);
    expect(result.stdout).toMatch(/^\| security \| approve \| 0\.75 \| Fine\. \|$/m);
  });

  it('uses a persona file from .claude/personas with its own model', async () => {
    await writePersona('dba.md', '---\ndescription: Database reviewer\nmodel: gpt-4.1\ntemperature: 0\n---\nYou are a DBA.');
    const { fetch, bodies } = approvingFetch();
    const result = await run(['--batch', 'dba,judge', '--no-stream', 'Add an index'], { fetch });
    expect(result.code).toBe(0);
    expect(bodies.map((body) => [body['model'], body['temperature']]).sort()).toEqual([['gpt-4.1', 0], ['gpt-4o-mini', 0.2]]);
  });

  it.each([
    [['Ship it'], /say which personas to ask: --persona judge, or --batch judge,critic,skeptic/],
    [['--persona', 'judge', '--batch', 'critic', 'x'], /Arguments persona and batch are mutually exclusive/],
    [['--persona', 'jugde', 'x'], /unknown persona "jugde"; available: judge, critic/],
    [['--persona', 'judge', '--file', 'plan.md', 'x'], /either as an argument or with --file, not both/],
    [['--persona', 'judge', '--file', 'missing.md'], /--file missing\.md: cannot read it \(ENOENT\)/],
    [['--persona', 'judge'], /the proposal is empty/],
    [['--persona', 'judge', '--timeout', 'soon', 'x'], /--timeout must be a positive duration such as 30s, 500ms or 2m, got "soon"/],
    [['--persona', 'judge', '--concurrency', '0', 'x'], /--concurrency must be a whole number from 1 up, got 0/],
    [['--persona', 'judge', '--bogus', 'x'], /Unknown argument: bogus/],
  ])('exits 2 for %j', async (args, message) => {
    const { fetch, bodies } = approvingFetch();
    const result = await run(args, { fetch });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(bodies).toHaveLength(0);
  });

  it('asks for a proposal instead of waiting on a terminal', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    const result = await run(['--persona', 'judge'], { stdin });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no proposal: pass it as an argument, with --file, or on stdin/);
  });

  it('exits 1 naming the file and field of an invalid persona file', async () => {
    const file = await writePersona('bad.md', '---\ndescription: d\ntemperature: hot\n---\nprompt');
    const result = await run(['--persona', 'judge', 'x']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: temperature:`);
  });

  it('shows the provider under --verbose without the key', async () => {
    const { fetch } = approvingFetch();
    const key = 'sk-verbose-secret-000000';
    const result = await run(['--persona', 'judge', '--verbose', '--no-stream', 'x'], {
      fetch,
      env: { OPENAI_BASE_URL: 'http://llm.test/v1', WHITEBOX_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: key, NO_COLOR: '1' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('oracle: provider http://llm.test/v1 (env), model gpt-4o-mini (env), API key set (env)');
    expect(result.stderr).not.toContain(key);
  });

  describe('personas', () => {
    it('lists built-in and user personas', async () => {
      const file = await writePersona('dba.md', '---\ndescription: Database reviewer\nmodel: gpt-4.1\n---\nYou are a DBA.');
      const result = await run(['personas']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^judge +Balanced arbiter/m);
      expect(result.stdout).toMatch(/^skeptic +Questions the premise/m);
      expect(result.stdout).toContain(`dba            Database reviewer (${file}; gpt-4.1)`);
    });

    it('prints JSON with --json', async () => {
      await writePersona('dba.md', '---\ndescription: Database reviewer\n---\nYou are a DBA.');
      const result = await run(['personas', '--json']);
      const rows = JSON.parse(result.stdout) as { name: string; source: string; model: string | null }[];
      expect(rows.map((row) => row.name)).toEqual(['judge', 'critic', 'skeptic', 'security', 'pragmatist', 'maintainer', 'user-advocate', 'dba']);
      expect(rows[0]).toEqual({ name: 'judge', description: expect.any(String), model: null, temperature: 0.2, source: 'built-in' });
    });
  });
});
