import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '@whitebox/core';
import { nonBlockingExitCode } from './cli-context.js';
import { createCli } from './create-cli.js';
import { REMIND_CONTEXT } from './teaching-messages.js';

function capture() {
  let stdout = '';
  let stderr = '';
  return {
    io: { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: (chunk: string) => (stderr += chunk) } },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

describe(createCli, () => {
  it('lists every command and the hook events in --help', async () => {
    const help = await createCli([]).getHelp();
    for (const command of ['hook', 'batch', 'scan [paths..]', 'remind', 'init']) expect(help).toContain(`detect-sequential-agents ${command}`);
    expect(help).toContain('PreToolUse  matcher "Agent|Task"');
  });

  it('runs a hook command in-process on the stdin it is given', async () => {
    const out = capture();
    const stdin = Readable.from([JSON.stringify({ session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: '1. fix the login bug\n2. update the docs' })]);
    const code = await runCli(createCli(['remind'], { io: out.io, stdin, env: {} }), { io: out.io, argv: ['remind'] });
    expect(code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: REMIND_CONTEXT } });
  });

  it('turns off the reminder from the config', async () => {
    const out = capture();
    const stdin = Readable.from([JSON.stringify({ session_id: 's', hook_event_name: 'UserPromptSubmit', prompt: '1. a\n2. b' })]);
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'detector-cli-'));
    try {
      await mkdir(path.join(dir, '.claude'));
      await writeFile(path.join(dir, '.claude', 'sequential-agent-detector.json'), '{"remind": false}');
      await runCli(createCli(['remind', '--verbose'], { io: out.io, stdin, env: { CLAUDE_PROJECT_DIR: dir } }), { io: out.io, argv: ['remind'] });
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain('remind is off in the config');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe(nonBlockingExitCode, () => {
  it('turns a usage error of a hook command into a non-blocking 1', () => {
    expect(nonBlockingExitCode(['hook', '--mode', 'x'], 2)).toBe(1);
    expect(nonBlockingExitCode(['--verbose', 'batch'], 2)).toBe(1);
    expect(nonBlockingExitCode(['remind'], 2)).toBe(1);
  });

  it('leaves other commands and other codes alone', () => {
    expect(nonBlockingExitCode(['scan'], 2)).toBe(2);
    expect(nonBlockingExitCode([], 2)).toBe(2);
    expect(nonBlockingExitCode(['hook'], 0)).toBe(0);
    expect(nonBlockingExitCode(['hook'], 130)).toBe(130);
  });
});
