import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCli } from './create-cli.js';

const bin = fileURLToPath(new URL('../bin/perf-tracker.js', import.meta.url));
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;
let log: string;

function cli(args: readonly string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', CLAUDE_PROJECT_DIR: '', ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npx nx build-cli perf-tracker\` (nx test does it first)`);
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perf-cli-'));
  log = path.join(dir, '.claude', 'memory', 'hook_performance.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(createCli, () => {
  it('lists every command in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['wrap', 'record', 'report', 'import', 'weekly', 'prune']) expect(stdout).toContain(`perf-tracker ${command}`);
  });

  it('shows help for the hook commands through yargs', async () => {
    const wrap = await cli(['wrap', '--help']);
    expect(wrap.code).toBe(0);
    expect(wrap.stdout).toContain('Run a hook command unchanged');
    const record = await cli(['record', '--help']);
    expect(record.stdout).toContain('prints nothing, exits 0');
  });

  it('exits 2 with a message on usage errors', async () => {
    expect(await cli([])).toMatchObject({ code: 2, stderr: expect.stringContaining('Pass a command') });
    expect(await cli(['report', '--since', '3x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--since must be a positive duration') });
    expect(await cli(['report', '--format', 'pdf'])).toMatchObject({ code: 2, stderr: expect.stringContaining('pdf') });
    expect(await cli(['report', '--now', 'soon'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--now must be an ISO date') });
    expect(await cli(['prune', '--keep', 'forever'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--keep must be a positive duration') });
  });

  it('records hooks and tools, then reports them in every format', async () => {
    const pre = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: {}, tool_use_id: 'toolu_1' });
    const post = JSON.stringify({ session_id: 's', hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: {}, tool_use_id: 'toolu_1', duration_ms: 321 });
    expect((await cli(['wrap', '--id', 'lint', '--', 'sh', '-c', 'cat >/dev/null'], pre, { CLAUDE_PROJECT_DIR: dir })).code).toBe(0);
    expect((await cli(['record'], pre, { CLAUDE_PROJECT_DIR: dir })).code).toBe(0);
    expect((await cli(['record'], post, { CLAUDE_PROJECT_DIR: dir })).code).toBe(0);

    const table = await cli(['report'], '', { CLAUDE_PROJECT_DIR: dir });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('lint');
    expect(table.stdout).toMatch(/│ Bash │\s+1 │ 321 ms/);

    const json = JSON.parse((await cli(['report', '--json', '--project-dir', dir])).stdout) as { hooks: { hook: string }[]; tools: { tool: string; max: number }[] };
    expect(json.hooks.map((h) => h.hook)).toEqual(['lint']);
    expect(json.tools).toMatchObject([{ tool: 'Bash', max: 321 }]);

    expect((await cli(['report', '--format', 'md', '--log', log])).stdout).toContain('| PreToolUse | lint |');

    const out = path.join(dir, 'report.html');
    const html = await cli(['report', '--format', 'html', '--out', out, '--log', log]);
    expect(html).toMatchObject({ code: 0, stdout: '', stderr: `wrote ${out}\n` });
    expect(await readFile(out, 'utf8')).toContain('<canvas id="distribution">');
  });

  it('prints a friendly empty report when there is no log', async () => {
    const { code, stdout } = await cli(['report', '--log', log]);
    expect(code).toBe(0);
    expect(stdout).toContain(`No timing log at ${log} yet.`);
  });

  it('imports transcripts idempotently', async () => {
    const transcripts = path.join(fixtures, 'bash-hooks', 'transcripts');
    expect(readdirSync(transcripts).length).toBeGreaterThan(0);
    const first = await cli(['import', transcripts, '--log', log]);
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Imported 2 records into .*\(2 found in 1 transcript: 1 hook, 1 tool; 0 already imported\)\.\n$/) });
    const second = await cli(['import', transcripts, '--log', log, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ added: 0, alreadyImported: 2 });
    expect(await cli(['import', path.join(dir, 'missing'), '--log', log])).toMatchObject({ code: 1, stderr: expect.stringContaining('no such file or folder') });
  });

  it('writes the weekly report and prunes the log', async () => {
    await cli(['wrap', '--id', 'w', '--log', log, '--', 'true'], '{"session_id":"s","hook_event_name":"Stop"}');
    const weekly = await cli(['weekly', '--project-dir', dir]);
    expect(weekly.code).toBe(0);
    const file = weekly.stdout.trim();
    expect(path.basename(file)).toMatch(/^hook-performance-\d{4}-W\d\d\.md$/);
    expect(await readFile(file, 'utf8')).toContain('| Stop | w |');

    await writeFile(log, `${JSON.stringify({ v: 1, ts: '2020-01-01T00:00:00Z', session_id: 's', event: 'Stop', kind: 'hook', hook: 'old', duration_ms: 1, outcome: 'ok', runner: 'single' })}\n`, { flag: 'a' });
    const prune = await cli(['prune', '--keep', '30d', '--log', log]);
    expect(prune).toMatchObject({ code: 0, stdout: expect.stringContaining('kept 1 records, removed 1 older than 30d') });
    expect(await readFile(log, 'utf8')).not.toContain('"old"');
  });
});

describe('privacy', () => {
  const SECRETS = ['sk-ant-PLANTED0001', 'ghp_PLANTED0002', 'the user typed this PLANTED prompt', 'PLANTED-file-contents-0003', 'AKIAPLANTED00004'];

  it('keeps prompt text, tool input, file contents and keys out of every record', async () => {
    const env = { CLAUDE_PROJECT_DIR: dir, API_KEY: SECRETS[4]! };
    const prompt = JSON.stringify({ session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: SECRETS[2] });
    const tool = (event: string) =>
      JSON.stringify({
        session_id: 's',
        hook_event_name: event,
        tool_name: 'Write',
        tool_input: { file_path: '/p/.env', content: `${SECRETS[3]} ${SECRETS[0]}` },
        tool_response: { content: SECRETS[1] },
        tool_use_id: 'toolu_p',
        duration_ms: 3,
      });
    // A secret on the hook's own command line is hashed, never stored.
    await cli(['wrap', '--', 'sh', '-c', `cat >/dev/null # ${SECRETS[1]}`], prompt, env);
    await cli(['wrap', '--id', 'guard', '--', 'sh', '-c', 'cat'], tool('PreToolUse'), env);
    await cli(['record'], tool('PreToolUse'), env);
    await cli(['record'], tool('PostToolUse'), env);

    // A transcript holding the same secrets, imported.
    const source = path.join(fixtures, 'bash-hooks', 'transcripts');
    const copy = path.join(dir, 'transcripts');
    await cp(source, copy, { recursive: true });
    const [name] = readdirSync(copy);
    const transcript = path.join(copy, name!);
    const text = await readFile(transcript, 'utf8');
    await writeFile(transcript, text.replaceAll('echo bash-tool-ran > bash-marker.txt && echo ok', `echo ${SECRETS[0]} ${SECRETS[2]}`));
    await cli(['import', copy], '', env);

    const logged = await readFile(log, 'utf8');
    expect(logged.split('\n').filter(Boolean)).toHaveLength(5);
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    expect(logged).not.toMatch(/PLANTED|\.env|file_path|prompt|tool_input|tool_response/);
  });
});
