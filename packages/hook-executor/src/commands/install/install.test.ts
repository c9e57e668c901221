import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { createFixtureProject, runBin } from '../../test-support/fixture-project.js';
import type { FixtureProject } from '../../test-support/fixture-project.js';
import { install, uninstall } from './install.js';
import type { InstallOptions } from './install.js';

/** A settings file as people write them: two matcher groups, an http hook and an async hook that must stay. */
const SETTINGS = {
  permissions: { allow: ['Bash(ls:*)'] },
  hooks: {
    PreToolUse: [
      {
        matcher: 'Bash',
        hooks: [
          { type: 'command', command: '${CLAUDE_PROJECT_DIR}/.claude/hooks/guard.sh', timeout: 10 },
          { type: 'http', url: 'http://localhost:9999/audit' },
        ],
      },
      { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'node .claude/hooks/format.js', timeout: 30 }] },
    ],
    UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'echo context' }, { type: 'command', command: 'notify.sh', async: true }] }],
  },
};

let project: FixtureProject;
let out: string;
let err: string;
const settingsFile = () => project.file('.claude/settings.json');
interface HookJson {
  readonly id: string;
  readonly matcher?: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly timeout?: number;
}
interface SettingsJson {
  readonly permissions?: unknown;
  readonly hooks: Record<string, { matcher?: string; hooks: Record<string, unknown>[] }[]>;
}
interface ConfigJson {
  readonly $schema?: string;
  readonly server?: unknown;
  readonly events: Record<string, { hooks: HookJson[] }>;
}
const readJson = async <T = SettingsJson>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;
const readConfig = () => readJson<ConfigJson>(project.configPath);

beforeEach(async () => {
  project = await createFixtureProject();
  await writeFile(settingsFile(), `${JSON.stringify(SETTINGS, null, 2)}\n`);
  out = '';
  err = '';
});
afterEach(() => project.cleanup());

function options(extra: Partial<InstallOptions> = {}): InstallOptions {
  return {
    scope: 'project',
    dryRun: false,
    projectDir: project.dir,
    json: false,
    quiet: false,
    mode: 'command',
    with: [],
    bin: 'hook-executor',
    env: { CLAUDE_CONFIG_DIR: project.file('home/.claude'), PATH: '' },
    io: { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) } },
    ...extra,
  };
}

const backups = async () => (await readdir(project.file('.claude'))).filter((name) => name.endsWith('.bak')).sort();

describe(install, () => {
  it('moves command hooks into hook-executor.json keeping matchers, timeouts and order, and leaves one executor entry per event', async () => {
    await install(options());
    const settings = await readJson(settingsFile());
    expect(settings.permissions).toEqual(SETTINGS.permissions);
    expect(settings.hooks).toEqual({
      PreToolUse: [
        { matcher: 'Bash', hooks: [{ type: 'http', url: 'http://localhost:9999/audit' }] },
        { matcher: 'Bash|Edit|Write', hooks: [{ type: 'command', command: 'hook-executor run --event PreToolUse', timeout: 35 }] },
      ],
      UserPromptSubmit: [
        { hooks: [{ type: 'command', command: 'notify.sh', async: true }] },
        { hooks: [{ type: 'command', command: 'hook-executor run --event UserPromptSubmit', timeout: 35 }] },
      ],
    });
    const config = await readConfig();
    expect(config.$schema).toBe('../node_modules/@whitebox/hook-executor/schema/hook-executor.schema.json');
    expect(config.events['PreToolUse']?.hooks.map((hook) => [hook.id, hook.matcher, hook.command, hook.timeout])).toEqual([
      ['guard', 'Bash', '${CLAUDE_PROJECT_DIR}/.claude/hooks/guard.sh', 10],
      ['format', 'Edit|Write', 'node .claude/hooks/format.js', 30],
    ]);
    expect(config.events['UserPromptSubmit']?.hooks.map((hook) => hook.id)).toEqual(['echo']);
    expect(err).toContain('left in .claude/settings.json: PreToolUse: http http://localhost:9999/audit: type "http"');
  });

  it('is idempotent: a second run changes nothing and writes no backup', async () => {
    await install(options());
    const settings = await readFile(settingsFile(), 'utf8');
    const config = await readFile(project.configPath, 'utf8');
    const firstBackups = await backups();
    err = '';
    await install(options());
    expect(await readFile(settingsFile(), 'utf8')).toBe(settings);
    expect(await readFile(project.configPath, 'utf8')).toBe(config);
    expect(await backups()).toEqual(firstBackups);
    expect(err).toContain('nothing to change');
  });

  it('backs up the original settings file before changing it', async () => {
    const original = await readFile(settingsFile(), 'utf8');
    await install(options());
    const list = await backups();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(/^settings\.json\.\d{8}T\d{6}Z\.bak$/);
    expect(await readFile(project.file(`.claude/${list[0]}`), 'utf8')).toBe(original);
  });

  it('--dry-run prints a diff and writes nothing', async () => {
    const original = await readFile(settingsFile(), 'utf8');
    await install(options({ dryRun: true }));
    expect(out).toContain('--- a/.claude/settings.json\n+++ b/.claude/settings.json\n@@');
    expect(out).toContain('+        "matcher": "Bash|Edit|Write",');
    expect(out).toContain('--- /dev/null\n+++ b/.claude/hook-executor.json');
    expect(await readFile(settingsFile(), 'utf8')).toBe(original);
    expect(await backups()).toEqual([]);
    await expect(readFile(project.configPath)).rejects.toThrow(/ENOENT/);
  });

  it('refuses invalid settings with an error naming the file and path, and leaves every file untouched', async () => {
    const bad = '{"hooks": {"PreToolUse": [{"matcher": 5, "hooks": []}]}}\n';
    await writeFile(project.file('.claude/settings.local.json'), bad);
    const original = await readFile(settingsFile(), 'utf8');
    const error = await install(options()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect((error as WhiteboxError).message).toBe(
      `${project.file('.claude/settings.local.json')}: hooks.PreToolUse[0].matcher: expected string, received number 5`,
    );
    expect(await readFile(settingsFile(), 'utf8')).toBe(original);
    expect(await backups()).toEqual([]);

    await writeFile(settingsFile(), '{ not json');
    await expect(install(options())).rejects.toThrow(/settings\.json: not valid JSON/);
    expect(await readFile(settingsFile(), 'utf8')).toBe('{ not json');
  });

  it('--mode http installs one http hook per event that sends the token from the environment', async () => {
    await install(options({ mode: 'http', port: 51234 }));
    const settings = await readJson(settingsFile());
    expect(settings.hooks['UserPromptSubmit']?.[1]).toEqual({
      hooks: [
        {
          type: 'http',
          url: 'http://127.0.0.1:51234/hooks/UserPromptSubmit',
          headers: { Authorization: 'Bearer $HOOK_EXECUTOR_TOKEN' },
          allowedEnvVars: ['HOOK_EXECUTOR_TOKEN'],
          timeout: 35,
        },
      ],
    });
    expect((await readConfig()).server).toEqual({ port: 51234 });
    // Switching back replaces the entries in place.
    await install(options());
    expect((await readJson(settingsFile())).hooks['UserPromptSubmit']?.[1]?.hooks[0]?.['type']).toBe('command');
  });

  it('--with wires the other Whitebox hooks by their commands, once', async () => {
    await install(options({ with: ['detector', 'perf', 'offload', 'reminder'] }));
    await install(options({ with: ['detector', 'perf', 'offload', 'reminder'] }));
    const { events } = await readConfig();
    const ids = (event: string) => events[event]?.hooks.map((hook) => `${hook.id}:${hook.matcher ?? '*'}:${[hook.command, ...(hook.args ?? [])].join(' ')}`);
    expect(ids('PreToolUse')).toEqual([
      'guard:Bash:${CLAUDE_PROJECT_DIR}/.claude/hooks/guard.sh',
      'format:Edit|Write:node .claude/hooks/format.js',
      'detect-sequential-agents:Agent|Task:detect-sequential-agents hook',
      'perf-tracker:*:perf-tracker record',
      'agent-offload:Read:agent-offload hook',
    ]);
    expect(ids('PostToolBatch')).toEqual(['detect-sequential-agents-batch:*:detect-sequential-agents batch']);
    expect(ids('UserPromptSubmit')).toEqual(['echo:*:echo context', 'detect-sequential-agents-remind:*:detect-sequential-agents remind']);
    expect(ids('PostToolUse')).toEqual(['perf-tracker:*:perf-tracker record']);
    expect(ids('PostToolUseFailure')).toEqual(['perf-tracker:*:perf-tracker record']);
    const settings = await readJson(settingsFile());
    expect(settings.hooks['PostToolBatch']).toEqual([{ hooks: [{ type: 'command', command: 'hook-executor run --event PostToolBatch', timeout: 15 }] }]);
    // A perf hook without a matcher means the PreToolUse entry must match every tool.
    expect(settings.hooks['PreToolUse']?.[1]?.matcher).toBeUndefined();
    expect(err).toContain('`perf-tracker` is not on PATH');
  });
});

describe(uninstall, () => {
  it('restores the moved hooks into their groups and removes the executor entries and config', async () => {
    await install(options({ with: ['perf'] }));
    await uninstall(options());
    const settings = await readJson(settingsFile());
    expect(settings.hooks).toEqual({
      PreToolUse: [
        {
          matcher: 'Bash',
          hooks: [{ type: 'http', url: 'http://localhost:9999/audit' }, { type: 'command', command: '${CLAUDE_PROJECT_DIR}/.claude/hooks/guard.sh', timeout: 10 }],
        },
        { matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'node .claude/hooks/format.js', timeout: 30 }] },
      ],
      UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'notify.sh', async: true }, { type: 'command', command: 'echo context' }] }],
    });
    await expect(readFile(project.configPath)).rejects.toThrow(/ENOENT/);
    expect((await backups()).some((name) => name.startsWith('hook-executor.json.'))).toBe(true);
  });

  it('is idempotent, and --dry-run writes nothing', async () => {
    await install(options());
    await uninstall(options({ dryRun: true }));
    expect(out).toContain('-            "command": "hook-executor run --event PreToolUse",');
    expect(out).toContain('--- a/.claude/hook-executor.json\n+++ /dev/null');
    expect((await readJson(settingsFile())).hooks['PreToolUse']?.[1]?.hooks[0]?.['command']).toBe('hook-executor run --event PreToolUse');
    await uninstall(options());
    const after = await readFile(settingsFile(), 'utf8');
    err = '';
    await uninstall(options());
    expect(await readFile(settingsFile(), 'utf8')).toBe(after);
    expect(err).toContain('nothing to change');
  });

  it('keeps hand-written executor hooks and says they no longer run', async () => {
    await install(options());
    const config = await readConfig();
    config.events['Stop'] = { hooks: [{ id: 'mine', command: 'true' }] };
    await writeFile(project.configPath, JSON.stringify(config));
    await uninstall(options());
    expect((await readConfig()).events).toEqual({ Stop: { hooks: [{ id: 'mine', command: 'true' }] } });
    expect(err).toContain('these hooks stay in .claude/hook-executor.json and no longer run: Stop: mine');
  });
});

describe('hook-executor install (bundled CLI)', () => {
  it('installs, and the installed entry runs the moved hook', async () => {
    await writeFile(settingsFile(), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'echo moved-and-running' }] }] } }));
    const env = { CLAUDE_CONFIG_DIR: project.file('home/.claude') };
    const installed = await runBin(['install', '--bin', 'true'], { cwd: project.dir, env });
    expect(installed.code).toBe(0);
    expect(installed.stderr).toContain('moved into .claude/hook-executor.json: UserPromptSubmit: echo');
    const entry = (await readJson(settingsFile())).hooks['UserPromptSubmit']?.[0]?.hooks[0]?.['command'];
    expect(entry).toBe('true run --event UserPromptSubmit');
    const run = await runBin(['run', '--event', 'UserPromptSubmit'], {
      cwd: project.dir,
      input: JSON.stringify({ session_id: 's', transcript_path: '/t', cwd: project.dir, hook_event_name: 'UserPromptSubmit', prompt: 'hi' }),
    });
    expect(run.stdout).toBe('moved-and-running');
  });
});
